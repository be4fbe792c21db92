"""SSRF protection (issue 8): refused destinations make NO connection, in any spelling or hop.

No real DNS: a fake resolver answers for made-up names, and a connect spy records every socket
connect (refusing anything that is not loopback, on top of the session's network guard). The
last tests switch the protection off to prove these tests would catch a real connection.
"""

from __future__ import annotations

import dataclasses
import socket
import ssl
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from newsbrief import netguard
from newsbrief.errors import DestinationRefused, FetchFailed, InvalidInput
from newsbrief.fetch import fetch_page
from newsbrief.netguard import Policy, check_url, is_public
from newsbrief.settings import FetchSettings

from tests.support.loopback import LoopbackServer, Response

PAGE = b"<html><head><title>Tide tables</title></head><body><p>High tide at 6.</p></body></html>"
HTML = {"Content-Type": "text/html; charset=utf-8"}

# Made-up names and the DNS answers an attacker would arrange for them.
PRIVATE_DNS = {
    "localhost": ["127.0.0.1", "::1"],
    "intranet.example": ["10.1.2.3"],
    "metadata.example": ["169.254.169.254"],
    "ec2v6.example": ["fd00:ec2::254"],
    "mixed.example": ["93.184.216.34", "192.168.0.10"],
    "mapped.example": ["::ffff:127.0.0.1"],
    "zero.example": ["0.0.0.0"],
    "cgnat.example": ["100.64.12.7"],
}
PUBLIC_DNS = {"news.example": ["93.184.216.34"]}


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace DNS with the tables above; returns the names looked up, in order."""
    seen: list[str] = []

    def fake_resolve(host: str, port: int) -> list[str]:
        seen.append(host)
        try:
            netguard.ipaddress.ip_address(host)
            return [host]  # an IP literal resolves to itself, as getaddrinfo does
        except ValueError:
            pass
        answer = PRIVATE_DNS.get(host) or PUBLIC_DNS.get(host)
        if answer is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return answer

    monkeypatch.setattr(netguard, "resolve", fake_resolve)
    return seen


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record every socket connect; only loopback connects actually happen."""
    attempts: list[object] = []
    guarded = socket.socket.connect

    def spy(self: socket.socket, address: object) -> None:
        attempts.append(address)
        host = str(address[0]) if isinstance(address, tuple) else ""
        if host in ("127.0.0.1", "::1"):
            return guarded(self, address)
        raise ConnectionRefusedError(f"test spy: no real connection to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", spy)
    return attempts


@pytest.fixture
def settings() -> FetchSettings:
    """Production policy (no loopback) with short timeouts."""
    return FetchSettings(connect_timeout=0.5, read_timeout=0.5, total_timeout=2.0)


@pytest.fixture
def dev_settings(allow_loopback: None) -> FetchSettings:
    """The local-development policy from the environment switch, with short timeouts."""
    env = FetchSettings.from_env()
    assert env.allow_loopback
    return dataclasses.replace(env, connect_timeout=0.5, read_timeout=0.5, total_timeout=2.0)


REFUSED_LITERALS = [
    "http://127.0.0.1/",
    "http://127.0.0.2/",
    "http://[::1]/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://172.31.255.255/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://[fc00::1]/",
    "http://[fd12:3456::1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://[fe80::1]/",
    "http://0.0.0.0/",
    "http://0/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
    "http://[2002:a00:1::1]/",  # 6to4 of 10.0.0.1
    "http://2130706433/",
    "http://0x7f.1/",
    "http://0x7f000001/",
    "http://017700000001/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://10.1/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "https://169.254.169.254/",
]


@pytest.mark.parametrize("url", REFUSED_LITERALS)
def test_private_addresses_are_refused_without_connecting(
    url: str, settings: FetchSettings, lookups: list[str], connects: list[object]
) -> None:
    with pytest.raises(DestinationRefused) as info:
        fetch_page(url, settings)
    assert info.value.http_status == 403
    assert connects == []
    assert lookups == [], "IP literals are vetted before any lookup"


@pytest.mark.parametrize("name", sorted(PRIVATE_DNS))
def test_names_resolving_to_private_addresses_are_refused(
    name: str, settings: FetchSettings, lookups: list[str], connects: list[object]
) -> None:
    with pytest.raises(DestinationRefused):
        fetch_page(f"http://{name}/story", settings)
    assert lookups == [name]
    assert connects == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://files.example/report.html",
        "gopher://news.example:70/",
        "dict://news.example:2628/",
        "javascript:alert(1)",
        "data:text/html,<p>hi</p>",
        "HTTPX://news.example/",
    ],
)
def test_non_http_schemes_are_refused(
    url: str, settings: FetchSettings, lookups: list[str], connects: list[object]
) -> None:
    with pytest.raises(DestinationRefused, match="scheme"):
        fetch_page(url, settings)
    assert (lookups, connects) == ([], [])


@pytest.mark.parametrize(
    "url",
    [
        "http://user:secret@news.example/",
        "http://user@news.example/",
        "http://:pw@news.example/",
        "http://news.example@169.254.169.254/",
    ],
)
def test_credentials_in_urls_are_refused(
    url: str, settings: FetchSettings, lookups: list[str], connects: list[object]
) -> None:
    with pytest.raises(DestinationRefused, match="credentials"):
        fetch_page(url, settings)
    assert (lookups, connects) == ([], [])


@pytest.mark.parametrize(
    "url", ["http://news.example:8080/", "https://news.example:22/", "http://93.184.216.34:6379/"]
)
def test_other_ports_are_refused(
    url: str, settings: FetchSettings, lookups: list[str], connects: list[object]
) -> None:
    with pytest.raises(DestinationRefused, match="port"):
        fetch_page(url, settings)
    assert (lookups, connects) == ([], [])


def test_allowed_ports_are_configurable() -> None:
    settings = FetchSettings.from_env({"NEWSBRIEF_ALLOWED_PORTS": "80, 443,8080"})
    policy = Policy(settings.allowed_ports, settings.allow_loopback)
    assert check_url("http://news.example:8080/a", policy).port == 8080
    with pytest.raises(DestinationRefused):
        check_url("http://news.example:8081/a", policy)
    with pytest.raises(DestinationRefused):  # an allowed port does not open private addresses
        check_url("http://10.0.0.1:8080/", policy)
    with pytest.raises(InvalidInput):
        FetchSettings.from_env({"NEWSBRIEF_ALLOWED_PORTS": "80,http"})
    with pytest.raises(InvalidInput):
        FetchSettings.from_env({"NEWSBRIEF_ALLOWED_PORTS": "0"})


@pytest.mark.parametrize(
    "url",
    [
        "",
        "news.example/story",
        "http://",
        "http:///path",
        "http://exa mple.com/",
        "http://news.example:99999/",
        "http://[::1/",
        "http://999.1.1.1/",
        "http://news\x00.example/",
        "http://news_ex!ample.com/",
    ],
)
def test_malformed_urls_are_invalid_input(
    url: str, settings: FetchSettings, connects: list[object]
) -> None:
    with pytest.raises(InvalidInput) as info:
        fetch_page(url, settings)
    assert info.value.http_status == 400
    assert connects == []


def test_public_names_pass_the_url_check() -> None:
    parts = check_url("https://Nachrichten.BÜRO.example/a?q=1#frag", Policy())
    assert parts.hostname == "nachrichten.xn--bro-hoa.example"
    assert parts.fragment == ""
    assert check_url("http://93.184.216.34/", Policy()).hostname == "93.184.216.34"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("8.8.8.8", True),
        ("::ffff:8.8.8.8", True),
        ("100.64.0.1", False),
        ("198.18.0.1", False),  # benchmarking range
        ("192.0.2.1", False),  # documentation range
        ("240.0.0.1", False),
        ("ff02::1", False),
        ("64:ff9b::808:808", True),  # NAT64 of a public address
        ("64:ff9b::a00:1", False),
    ],
)
def test_is_public(address: str, public: bool) -> None:
    assert is_public(netguard.ipaddress.ip_address(address)) is public


# --- the loopback development switch ------------------------------------------------------


def test_loopback_is_refused_by_default(
    loopback: LoopbackServer, settings: FetchSettings, connects: list[object]
) -> None:
    url = loopback.add("/p", Response(PAGE, headers=HTML))
    with pytest.raises(DestinationRefused):
        fetch_page(url, settings)
    assert loopback.requests == []
    assert connects == []


def test_allow_loopback_opens_loopback_on_any_port(
    loopback: LoopbackServer, dev_settings: FetchSettings, lookups: list[str]
) -> None:
    loopback.add("/p", Response(PAGE, headers=HTML))
    page = fetch_page(f"http://localhost:{loopback.port}/p", dev_settings)
    assert "High tide" in page.html
    assert lookups == ["localhost"]
    assert loopback.requests[0][2]["Host"] == f"localhost:{loopback.port}"


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/",
        "http://[fd00:ec2::254]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://intranet.example/",
        "http://news.example:8080/",
    ],
)
def test_allow_loopback_opens_nothing_else(
    url: str, dev_settings: FetchSettings, lookups: list[str], connects: list[object]
) -> None:
    with pytest.raises(DestinationRefused):
        fetch_page(url, dev_settings)
    assert connects == []


# --- redirects are vetted hop by hop ------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://10.0.0.1/admin",
        "http://metadata.example/",
        "http://0x0a.1:6379/",
        "http://[::ffff:7f00:1]/",
        "file:///etc/passwd",
        "http://user:pw@news.example/",
    ],
)
def test_redirect_to_refused_destination_is_refused(
    loopback: LoopbackServer,
    dev_settings: FetchSettings,
    lookups: list[str],
    connects: list[object],
    target: str,
) -> None:
    url = loopback.add("/go", Response(b"", 302, {"Location": target}))
    with pytest.raises(DestinationRefused):
        fetch_page(url, dev_settings)
    assert [path for _, path, _ in loopback.requests] == ["/go"]
    assert all(address[0] == "127.0.0.1" for address in connects)  # type: ignore[index]


# --- DNS rebinding ------------------------------------------------------------------------


def _rebinding(monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> list[str]:
    calls: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return [answers[min(len(calls), len(answers)) - 1]]

    monkeypatch.setattr(netguard, "resolve", resolve)
    return calls


def test_rebinding_cannot_switch_the_address_after_the_check(
    loopback: LoopbackServer,
    dev_settings: FetchSettings,
    monkeypatch: pytest.MonkeyPatch,
    connects: list[object],
) -> None:
    # First answer passes the check; every later answer is private. Resolving once and
    # connecting to the vetted address means the later answers are never used.
    calls = _rebinding(monkeypatch, ["127.0.0.1", "10.0.0.5"])
    loopback.add("/p", Response(PAGE, headers=HTML))
    page = fetch_page(f"http://rebind.example:{loopback.port}/p", dev_settings)
    assert "High tide" in page.html
    assert calls == ["rebind.example"]
    assert [address[0] for address in connects] == ["127.0.0.1"]  # type: ignore[index]
    # The name, not the address, is what the server sees.
    assert loopback.requests[0][2]["Host"] == f"rebind.example:{loopback.port}"


def test_rebinding_to_private_first_is_refused(
    dev_settings: FetchSettings, monkeypatch: pytest.MonkeyPatch, connects: list[object]
) -> None:
    calls = _rebinding(monkeypatch, ["10.0.0.5", "127.0.0.1"])
    with pytest.raises(DestinationRefused):
        fetch_page("http://rebind.example/", dev_settings)
    assert calls == ["rebind.example"]
    assert connects == []


def test_unresolvable_name_fails_cleanly(
    settings: FetchSettings, lookups: list[str], connects: list[object]
) -> None:
    with pytest.raises(FetchFailed, match="resolve"):
        fetch_page("http://no-such-host.example/", settings)
    assert connects == []


def test_https_goes_through_the_guard(
    loopback: LoopbackServer, dev_settings: FetchSettings, connects: list[object]
) -> None:
    # The loopback server speaks plain HTTP: the TLS handshake fails, but only after the
    # guarded connection vetted and reached the address.
    with pytest.raises(FetchFailed):
        fetch_page(f"https://127.0.0.1:{loopback.port}/", dev_settings)
    assert [address[0] for address in connects] == ["127.0.0.1"]  # type: ignore[index]


# --- the tests above would catch a real connection ----------------------------------------


@pytest.fixture
def unprotected(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    monkeypatch.setattr(netguard, "PROTECTION_ENABLED", False)
    return lambda: None


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[fd00:ec2::254]/",
        "http://intranet.example/",
        "http://metadata.example/",
        "http://news.example:6379/",
    ],
)
def test_without_protection_a_connection_is_attempted(
    url: str,
    settings: FetchSettings,
    lookups: list[str],
    connects: list[object],
    unprotected: Callable[[], None],
) -> None:
    with pytest.raises(FetchFailed):  # the spy refuses the connect
        fetch_page(url, settings)
    assert connects, "with protection off the fetch reaches connect(): the SSRF tests are real"


def test_without_protection_loopback_is_reached(
    loopback: LoopbackServer,
    settings: FetchSettings,
    connects: list[object],
    unprotected: Callable[[], None],
) -> None:
    url = loopback.add("/p", Response(PAGE, headers=HTML))
    assert "High tide" in fetch_page(url, settings).html
    assert len(loopback.requests) == 1


# --- HTTPS: connect to the vetted address, but SNI and certificate use the name ----------


def _self_signed(tmp_path: Path, name: str) -> tuple[Path, Path]:
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[LoopbackServer, list[str | None]]]:
    """A loopback HTTPS server whose certificate is for news.example; records the SNI seen."""
    cert, key = _self_signed(tmp_path, "news.example")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    sni: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: sni.append(name)  # type: ignore[assignment]
    server = LoopbackServer()
    server._httpd.socket = context.wrap_socket(server._httpd.socket, server_side=True)
    server.start()
    yield server, sni
    server.stop()


def test_https_connects_to_vetted_address_with_the_name_for_tls(
    tls_server: tuple[LoopbackServer, list[str | None]],
    dev_settings: FetchSettings,
    lookups: list[str],
    connects: list[object],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    server, sni = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "news.example.pem"))  # trust it
    monkeypatch.setitem(PUBLIC_DNS, "news.example", ["127.0.0.1"])
    server.add("/p", Response(PAGE, headers=HTML))
    page = fetch_page(f"https://news.example:{server.port}/p", dev_settings)
    assert "High tide" in page.html
    assert lookups == ["news.example"]
    assert [address[0] for address in connects] == ["127.0.0.1"]  # type: ignore[index]
    assert sni == ["news.example"]
    assert server.requests[0][2]["Host"] == f"news.example:{server.port}"


def test_https_certificate_is_checked_against_the_name(
    tls_server: tuple[LoopbackServer, list[str | None]],
    dev_settings: FetchSettings,
    lookups: list[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    server, _ = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "news.example.pem"))
    monkeypatch.setitem(PUBLIC_DNS, "other.example", ["127.0.0.1"])
    server.add("/p", Response(PAGE, headers=HTML))
    with pytest.raises(FetchFailed, match="TLS"):
        fetch_page(f"https://other.example:{server.port}/p", dev_settings)
    assert server.requests == []
