"""SSRF protection: which destinations fetch may connect to, vetted on the address connected to.

Two checks guard every connection:

* :func:`check_url` runs before any socket exists. It refuses non-http(s) schemes, credentials in
  URLs, ports that are not allowed and host names that are IP literals in any spelling
  (``2130706433``, ``0x7f.1``, ``017700000001``, ``[::ffff:127.0.0.1]``) pointing somewhere
  private.
* :class:`GuardedHTTPConnection` / :class:`GuardedHTTPSConnection` resolve the host name ONCE,
  vet every address it resolved to with :func:`check_address` and then connect to that vetted
  address, while the ``Host`` header, TLS SNI and certificate check keep using the name. A DNS
  answer that changes between a check and the connect (DNS rebinding) therefore cannot steer
  the connection: there is no second lookup.

The connection classes plug into urllib3 (its documented ``ConnectionCls`` hook on a pool), so
urllib3 keeps doing HTTP and TLS and this module only decides where a TCP connection may go.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import create_connection

from .errors import DestinationRefused, InvalidInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}

# TEST-ONLY switch. Tests turn it off to prove that the SSRF tests would catch a real
# connection (issue 8). It is a module attribute on purpose and never read from the
# environment, so no deployment setting can disable the protection.
PROTECTION_ENABLED = True

# NAT64 (RFC 6052) embeds an IPv4 address in the low 32 bits; a NAT64 gateway would carry the
# connection to that IPv4 address, so the embedded address must be vetted like any other.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# inet_aton() accepts 1 to 4 parts, each decimal, octal (leading 0) or hex (0x): that is how
# http://2130706433/ or http://0x7f.1/ reach 127.0.0.1 in curl and many resolvers.
_NUMERIC_HOST = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}\.?$", re.I)
_HOST_CHARS = re.compile(r"^[a-z0-9._-]+$", re.I)


@dataclass(frozen=True, slots=True)
class Policy:
    """Where connections may go: the allowed ports and the loopback development switch."""

    allowed_ports: Collection[int] = frozenset({80, 443})
    # Development and tests only: allows 127.0.0.0/8 and ::1 on any port, and nothing else.
    allow_loopback: bool = False
    # Loopback ports refused even with the loopback switch: the local stack's own services
    # (its moto server and gateway), which functions must never reach.
    denied_loopback_ports: Collection[int] = frozenset()


def resolve(host: str, port: int) -> list[str]:
    """Resolve ``host`` to its IP addresses (the one DNS lookup of a connection).

    Tests replace this function to simulate any DNS answer without a real lookup.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def is_public(ip: IPAddress) -> bool:
    """Whether ``ip`` is a globally routable unicast address (and so safe to fetch from).

    ``is_global`` alone is not enough: its tables differ between Python versions and it calls
    multicast global, so the explicit checks make the answer the same on 3.11 and 3.13.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return False
        # These carry an IPv4 address the packet really goes to: judge that address.
        if ip.ipv4_mapped is not None:
            return is_public(ip.ipv4_mapped)
        if ip in _NAT64:
            return is_public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        tunnelled = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if tunnelled is not None and not is_public(tunnelled):
            return False
        if ip.is_site_local:
            return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _is_plain_loopback(ip: IPAddress) -> bool:
    # Only 127.0.0.0/8 and ::1 themselves: a mapped or embedded loopback is a trick, not dev.
    if isinstance(ip, ipaddress.IPv4Address):
        return ip in ipaddress.IPv4Network("127.0.0.0/8")
    return ip == ipaddress.IPv6Address("::1")


def check_address(address: str, port: int, policy: Policy) -> None:
    """Raise :class:`DestinationRefused` unless connecting to ``address:port`` is allowed."""
    if not PROTECTION_ENABLED:
        return
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise DestinationRefused(f"refusing to connect to unparsable address {address!r}") from None
    if policy.allow_loopback and _is_plain_loopback(ip):
        if port in policy.denied_loopback_ports:
            raise DestinationRefused(f"refusing to connect to {ip} port {port} (a local service)")
        return
    if not is_public(ip):
        raise DestinationRefused(f"refusing to connect to non-public address {ip}")
    if port not in policy.allowed_ports:
        raise DestinationRefused(f"refusing to connect to port {port} (not an allowed port)")


def parse_ip_host(host: str) -> IPAddress | None:
    """The IP address a URL host names literally, in any spelling; ``None`` for a DNS name.

    Accepts what resolvers accept: dotted quads, ``[v6]`` literals (without brackets here) and
    the inet_aton forms (one to four decimal, octal or hex parts).
    """
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
        except OSError:
            raise InvalidInput(f"invalid IPv4 address in URL: {host!r}") from None
    return None


def check_url(url: str, policy: Policy) -> SplitResult:
    """Validate a URL before any connection: scheme, credentials, host and port.

    Returns the split URL with the host name IDNA-encoded. Raises :class:`InvalidInput` for a
    malformed URL and :class:`DestinationRefused` for one fetch must not follow.
    """
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in url):
        raise InvalidInput("URL contains whitespace or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise InvalidInput(f"malformed URL {url!r}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme and scheme not in ALLOWED_SCHEMES:
        raise DestinationRefused(f"refusing URL scheme {scheme!r}: only http and https are fetched")
    if not scheme or not parts.netloc:
        raise InvalidInput(f"not an absolute http(s) URL: {url!r}")
    if parts.username is not None or parts.password is not None:
        raise DestinationRefused("refusing a URL with credentials in it")
    if not host:
        raise InvalidInput(f"URL has no host: {url!r}")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise InvalidInput(f"invalid international host name {host!r}") from None
    ip = parse_ip_host(host)
    if ip is None and not _HOST_CHARS.match(host):
        raise InvalidInput(f"invalid host name {host!r}")
    port = port if port is not None else DEFAULT_PORTS[scheme]
    if ip is not None:
        check_address(str(ip), port, policy)
        host = str(ip)  # connect to exactly the vetted address, whatever the spelling was
    elif PROTECTION_ENABLED and port not in policy.allowed_ports and not policy.allow_loopback:
        # With the loopback switch a name like "localhost" may use any port; the connect-time
        # check still refuses the port unless the name resolves to loopback.
        raise DestinationRefused(f"refusing to connect to port {port} (not an allowed port)")
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        netloc = f"{netloc}:{port}"
    return SplitResult(scheme, netloc, parts.path, parts.query, "")


def _guarded_new_conn(
    conn: HTTPConnection, policy: Policy, on_connect: Callable[[socket.socket], None]
) -> socket.socket:
    """Resolve once, vet every address, connect to a vetted one (the SSRF choke point)."""
    host = conn._dns_host  # the name without IPv6 brackets; urllib3's own connect uses it too
    try:
        addresses = resolve(host, conn.port)
    except (socket.gaierror, UnicodeError) as exc:
        raise NameResolutionError(conn.host, conn, exc) from exc  # type: ignore[arg-type]
    if not addresses:
        raise NameResolutionError(conn.host, conn, socket.gaierror("no addresses"))
    # Every address must pass: refusing the whole name means a mixed DNS answer cannot fall
    # through to its private entry when the public one does not answer.
    for address in addresses:
        check_address(address, conn.port, policy)
    last_error: OSError | None = None
    for address in addresses:
        try:
            sock = create_connection(
                (address, conn.port),
                conn.timeout,
                source_address=conn.source_address,
                socket_options=conn.socket_options,
            )
        except TimeoutError as exc:
            raise ConnectTimeoutError(
                conn, f"connection to {conn.host} timed out (connect timeout={conn.timeout})"
            ) from exc
        except OSError as exc:
            last_error = exc
            continue
        on_connect(sock)
        return sock
    raise NewConnectionError(conn, f"failed to connect to {conn.host}: {last_error}")


def _noop(sock: socket.socket) -> None:
    pass


class _GuardedConnect:
    """Mixin for urllib3 connections: connect only to addresses the policy allows."""

    def __init__(
        self,
        *args: Any,
        policy: Policy | None = None,
        on_connect: Callable[[socket.socket], None] = _noop,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy or Policy()
        self.on_connect = on_connect

    def _new_conn(self) -> socket.socket:
        return _guarded_new_conn(self, self.policy, self.on_connect)  # type: ignore[arg-type]


class GuardedHTTPConnection(_GuardedConnect, HTTPConnection):
    """An urllib3 HTTP connection that only connects to addresses the policy allows."""


class GuardedHTTPSConnection(_GuardedConnect, HTTPSConnection):
    """An urllib3 HTTPS connection that only connects to addresses the policy allows.

    TLS still verifies the certificate against the host NAME and sends it as SNI.
    """
