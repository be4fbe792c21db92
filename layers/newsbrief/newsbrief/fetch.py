"""Fetch stage: the only module that opens sockets.

``fetch_page`` downloads one HTML page with every limit a hostile server could abuse enforced
while streaming: connect/read timeouts and a whole-fetch deadline, a size cap on both the bytes
received and the decompressed bytes, a bounded number of redirects (each hop re-vetted), and
SSRF protection (:mod:`newsbrief.netguard`) on the address actually connected to.
Connections are kept alive per origin and reused by the next request of the same thread (the
next redirect hop, the next URL of a batch, a feed after its robots.txt), each reuse vetted
again on the address the connection is actually connected to.
``decode_html`` turns bytes into text: BOM, HTTP charset, the page's own declaration, then
detection, always with replacement of invalid bytes so no page can crash it.
"""

from __future__ import annotations

import codecs
import re
import socket
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from email.message import Message
from typing import TypeVar, cast
from urllib.parse import SplitResult, quote, urljoin, urlunsplit

from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, Timeout
from urllib3.connection import HTTPConnection
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.response import BaseHTTPResponse

from .errors import FetchFailed, NoArticle, TooLarge, UnsupportedContent
from .models import Page, Resource
from .netguard import (
    DEFAULT_PORTS,
    GuardedHTTPConnection,
    GuardedHTTPSConnection,
    Policy,
    check_address,
    check_url,
)
from .settings import FetchSettings

T = TypeVar("T")

# Only codings we can inflate with an output bound; brotli/zstd are never asked for, and a
# server that sends them anyway is refused rather than decompressed without a limit.
ACCEPT_ENCODING = "gzip, deflate"
ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Servers that send no type (or a generic one) get their bytes sniffed instead of trusted.
SNIFF_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Origins whose idle connection a thread keeps (least recently used dropped first): a worker's
# batch, a feed poll (robots.txt, feed, articles) and the CLI's inputs mostly revisit a few.
KEPT_ORIGINS = 16
# A redirect or error body up to this size is read and dropped so its connection can carry the
# next request; a bigger one is cheaper to abandon with its connection than to download.
DRAIN_BYTES = 64 * 1024
# One read returns after a single recv of at most this much: small enough that the cap and the
# deadline are checked often, large enough that a normal page needs few iterations.
READ_CHUNK = 64 * 1024
# Browsers look for <meta charset> in the first 1024 bytes; real pages with long inline
# scripts in <head> push it further, so look a little deeper (a regex over 16 KiB is cheap).
META_SCAN_BYTES = 16 * 1024
# charset-normalizer samples its input anyway; feeding it more only costs time.
DETECT_BYTES = 64 * 1024
# Magic numbers of formats servers mislabel as text/html (downloads, images behind CDNs).
_BINARY_MAGIC = (
    b"%PDF-",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"Rar!",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"fLaC",
    b"\x7fELF",
    b"wOFF",
    b"wOF2",
    b"\x00asm",
    b"\x00\x00\x01\x00",
)
# Control bytes text never holds in numbers (all C0 but tab, LF, VT, FF, CR and ESC), and the
# share of a page's head above which it is binary: a stray control in real text is far rarer.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))
MAX_CONTROL_SHARE = 0.02
_HTML_HINT = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|title|meta|article|div|p)[\s>/]", re.IGNORECASE
)
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:()-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([a-z0-9_.:-]+)""", re.I)
# A valid UTF-8 multi-byte sequence: its presence means the bytes are UTF-8 text, whatever a
# latin-1 label says; its absence in invalid UTF-8 means a legacy 8-bit encoding.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_NON_ASCII = re.compile(rb"[\x80-\xff]+")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32be"),
    (codecs.BOM_UTF16_LE, "utf-16le"),
    (codecs.BOM_UTF16_BE, "utf-16be"),
)
# WHATWG Encoding Standard: browsers decode these labels with a superset, and pages rely on it
# (a page labelled iso-8859-1 uses windows-1252's curly quotes and dashes).
_LABEL_ALIASES = {
    **dict.fromkeys(
        (
            "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819",
            "ibm819", "iso-ir-100", "csisolatin1", "us-ascii", "ascii", "ansi_x3.4-1968",
            "x-cp1252", "cp1252",
        ),
        "windows-1252",
    ),
    **dict.fromkeys(("iso-8859-9", "iso8859-9", "latin5", "l5"), "windows-1254"),
    **dict.fromkeys(("iso-8859-11", "tis-620", "dos-874"), "cp874"),
    **dict.fromkeys(("gb2312", "gbk", "x-gbk", "chinese", "csgb2312"), "gb18030"),
    **dict.fromkeys(
        ("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis"), "cp932"
    ),
    **dict.fromkeys(("euc-kr", "ks_c_5601-1987", "korean", "ksc5601"), "cp949"),
    "big5": "big5hkscs",
}  # fmt: skip
# Detection only weighs the legacy encodings web pages actually use (the common part of the
# WHATWG list): a page is never in a DOS code page, yet charset-normalizer would pick cp850 for
# German text. UTF-16 and ISO-2022-JP are absent on purpose: detection only runs on bytes that
# hold non-ASCII bytes and no NULs, which neither encoding produces for HTML.
DETECT_ENCODINGS = (
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
    "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_15", "koi8_r", "koi8_u", "cp874",
    "gb18030", "big5hkscs", "euc_jp", "cp932", "cp949",
)  # fmt: skip
# The detector only learns from non-ASCII bytes and their neighbourhood; a page's first 64 KiB
# is often all ASCII markup and script, so it gets windows around the non-ASCII runs instead.
DETECT_CONTEXT = 200
# Latin code pages often score the same (a page whose only non-ASCII bytes are quotes, dashes
# and a few accents reads as letters in all of them). On such a near tie the code page that
# sites in the detected language use wins, as browsers pick a default by locale: windows-1250
# for central Europe, ... and windows-1252, by far the most common legacy encoding, otherwise.
LATIN_CODEPAGES = frozenset(
    {"cp1250", "cp1252", "cp1254", "cp1257", "cp1258", "iso8859_2", "iso8859_15"}
)
LANGUAGE_CODEPAGES = {
    **dict.fromkeys(
        ("Czech", "Polish", "Slovak", "Hungarian", "Croatian", "Slovene", "Romanian"), "cp1250"
    ),
    **dict.fromkeys(("Lithuanian", "Estonian"), "cp1257"),
    "Turkish": "cp1254",
    "Vietnamese": "cp1258",
}
NEAR_TIE_CHAOS = 0.01
NEAR_TIE_COHERENCE = 0.05
# Codecs Python knows that are not page encodings (or are XSS tricks, like UTF-7).
_NOT_PAGE_CODECS = frozenset(
    {"utf-7", "idna", "punycode", "raw-unicode-escape", "unicode-escape", "undefined"}
)


class _Deadline:
    """The whole-fetch deadline: a watchdog shuts the sockets down when it passes.

    Socket timeouts bound each wait, but a server dripping one byte just inside the read timeout
    (in headers or body) would never trip them; shutting the socket down unblocks any read.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise self.error()
        return left

    def error(self) -> FetchFailed:
        return FetchFailed(f"gave up after the {self.seconds:g} s fetch deadline")

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if self.expired:
                sock.close()
            self._sockets.append(sock)

    def _fire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cancel(self) -> None:
        self._timer.cancel()


class _KeptAlive(HTTPConnectionPool):
    """Base of both urllib3 pools here: a kept-alive connection is vetted again before each reuse.

    A new connection is vetted where it connects (netguard); a reused one was, but for an
    earlier request: its peer address is checked again against the policy of this request, and
    its socket joins this fetch's deadline, as a new one would.
    """

    reused = False  # whether the last connection handed out was a kept-alive one

    def _get_conn(self, timeout: float | None = None) -> HTTPConnection:
        # ConnectionCls is one of the guarded HTTPConnection classes, not just the protocol.
        conn = cast(HTTPConnection, super()._get_conn(timeout))
        sock = conn.sock
        self.reused = sock is not None
        if sock is not None:
            try:
                port = self.port or DEFAULT_PORTS[self.scheme]
                check_address(str(sock.getpeername()[0]), port, self.conn_kw["policy"])
            except Exception:
                conn.close()
                raise
            _connected(sock)
        return conn


class _HTTPPool(_KeptAlive, HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class _HTTPSPool(_KeptAlive, HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class _Connections(threading.local):
    """Per thread: the pools by origin and policy, and the deadline of the fetch in progress."""

    def __init__(self) -> None:
        # Keyed by (scheme, host, port, policy); least recently used first.
        self.pools: OrderedDict[tuple[str, str, int, Policy], _KeptAlive] = OrderedDict()
        self.deadline: _Deadline | None = None


_CONNECTIONS = _Connections()


def _connected(sock: socket.socket) -> None:
    # Every socket a fetch uses, new or reused, is shut down when that fetch's deadline passes.
    if _CONNECTIONS.deadline is not None:
        _CONNECTIONS.deadline.watch(sock)


def _pool(parts: SplitResult, policy: Policy) -> _KeptAlive:
    """The kept-alive pool of an origin under ``policy`` (one connection: one thread uses it)."""
    assert parts.hostname is not None  # check_url guarantees a host
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    key = (parts.scheme, parts.hostname, port, policy)
    pools = _CONNECTIONS.pools
    pool = pools.pop(key, None)
    if pool is None:
        pool_cls = _HTTPSPool if parts.scheme == "https" else _HTTPPool
        pool = pool_cls(
            parts.hostname, port, maxsize=1, retries=False, policy=policy, on_connect=_connected
        )
    pools[key] = pool  # now the most recently used
    while len(pools) > KEPT_ORIGINS:
        pools.popitem(last=False)[1].close()
    return pool


def close_connections() -> None:
    """Close this thread's kept-alive connections."""
    while _CONNECTIONS.pools:
        _CONNECTIONS.pools.popitem()[1].close()


class _BoundedInflater:
    """Decompresses a gzip/deflate body incrementally, never producing more than ``limit``."""

    def __init__(self, coding: str, limit: int) -> None:
        self.coding = coding
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        self._obj: zlib._Decompress | None = None
        self._started = False
        if coding in ("gzip", "x-gzip"):
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            self._obj = zlib.decompressobj(zlib.MAX_WBITS)
        elif coding not in ("", "identity"):
            raise UnsupportedContent(f"unsupported content-encoding {coding!r}")

    def _append(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise TooLarge(f"page is larger than the {self.limit}-byte limit once decompressed")
        if data:
            self.parts.append(data)

    def feed(self, data: bytes) -> None:
        if self._obj is None:
            self._append(data)
            return
        while data:
            if self._obj.eof:
                # A second gzip member is legal (concatenated gzip); anything else is trailing
                # junk that browsers ignore too.
                if self.coding == "deflate" or not data.startswith(b"\x1f\x8b"):
                    return
                self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
            data = self._inflate(data)
            if self._obj.eof:
                data = self._obj.unused_data + data

    def _inflate(self, data: bytes) -> bytes:
        """Inflate ``data``, each zlib call bounded by the room left; ``b""`` when consumed.

        Bytes after the end of the stream stay in the decompressor's ``unused_data``.
        """
        assert self._obj is not None
        tail = data
        while True:
            room = self.limit - self.size
            try:
                out = self._obj.decompress(tail, room + 1)
            except zlib.error:
                if self.coding == "deflate" and not self._started:
                    # Some servers send raw deflate without the zlib header; browsers accept it.
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._started = True
                    continue
                raise UnsupportedContent(f"the {self.coding} body cannot be decompressed") from None
            self._started = True
            self._append(out)
            tail = self._obj.unconsumed_tail
            if self._obj.eof or (not tail and not out):
                return b""
            # Output pending inside zlib with no input left: drain it with the bound.

    def result(self) -> bytes:
        return b"".join(self.parts)


def _request_target(parts: SplitResult) -> str:
    # http.client refuses non-ASCII request lines; quote only what is not already URL-safe.
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return urlunsplit(("", "", path, query, ""))


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    """Split a Content-Type header into its lower-case media type and its charset parameter."""
    if not content_type:
        return "", None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    if isinstance(charset, tuple):  # RFC 2231 form
        charset = charset[2]
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime, str(charset) if charset else None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, NameResolutionError):
        return "could not resolve the host name"
    if isinstance(exc, ReadTimeoutError | TimeoutError):
        return "timed out waiting for the server"
    if isinstance(exc, SSLError):
        return f"TLS error: {exc}"
    if isinstance(exc, NewConnectionError):  # before ConnectTimeoutError: it subclasses it
        return "could not connect to the server"
    if isinstance(exc, ConnectTimeoutError):
        return "timed out connecting"
    if isinstance(exc, ProtocolError):
        return "the connection broke while reading the response"
    return f"network error: {exc}"


def _open(
    parts: SplitResult,
    settings: FetchSettings,
    policy: Policy,
    deadline: _Deadline,
    accept: str = ACCEPT,
    extra_headers: Mapping[str, str] | None = None,
) -> BaseHTTPResponse:
    """Send the GET for one hop and return the response with its body still unread."""
    left = deadline.remaining()
    timeout = Timeout(
        connect=min(settings.connect_timeout, left), read=min(settings.read_timeout, left)
    )
    pool = _pool(parts, policy)
    headers = {
        **(extra_headers or {}),
        "User-Agent": settings.user_agent,
        "Accept": accept,
        "Accept-Encoding": ACCEPT_ENCODING,
    }

    def send() -> BaseHTTPResponse:
        return pool.urlopen(
            "GET",
            _request_target(parts),
            headers=headers,
            timeout=timeout,
            redirect=False,
            retries=False,
            preload_content=False,
            decode_content=False,
            assert_same_host=False,
            release_conn=False,
        )

    try:
        return send()
    except ProtocolError:
        if not pool.reused or deadline.expired:
            raise
        # The server closed the kept-alive connection as we reused it (an idle timeout): the
        # request never reached it, so send it once more on a new connection.
        return send()


def _release(response: BaseHTTPResponse, deadline: _Deadline) -> None:
    """Hand the connection back for the next request if its response can be ended cleanly.

    A body not read yet (a redirect's, an error page's) is read and dropped when it is small;
    otherwise, or on any failure, the connection is closed instead of reused.
    """
    try:
        received = 0
        while received <= DRAIN_BYTES and not deadline.expired:
            chunk = response.read1(READ_CHUNK, decode_content=False)
            if not chunk:
                response.release_conn()
                return
            received += len(chunk)
    except (HTTPError, OSError):
        pass
    response.close()


def _read_body(response: BaseHTTPResponse, settings: FetchSettings, deadline: _Deadline) -> bytes:
    """Stream the body, enforcing the size cap on raw and decompressed bytes and the deadline."""
    limit = settings.max_bytes
    declared = (response.headers.get("Content-Length") or "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"page declares {declared} bytes, over the {limit}-byte limit")
    coding = (response.headers.get("Content-Encoding") or "").strip().lower()
    inflater = _BoundedInflater(coding, limit)
    received = 0
    while True:
        deadline.remaining()
        chunk = response.read1(READ_CHUNK, decode_content=False)
        if not chunk:
            break
        received += len(chunk)
        if received > limit:
            raise TooLarge(f"page is larger than the {limit}-byte limit")
        inflater.feed(chunk)
    if deadline.expired:  # the watchdog cut the stream: what we have is truncated
        raise deadline.error()
    return inflater.result()


def _looks_binary(data: bytes, charset: str | None) -> bool:
    head = data[:1024]
    if head.startswith(_BINARY_MAGIC) or head[4:8] == b"ftyp":
        return True
    codec = _codec(charset)
    wide = codec is not None and codec.startswith(("utf-16", "utf-32"))
    if wide or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:  # text in 8-bit or UTF-8 encodings never contains NUL
        return True
    # Nor does it use the other C0 controls (beyond tab, newlines, form feed and escape) as
    # more than a stray byte; random or compressed bytes are one in ten of them.
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) * MAX_CONTROL_SHARE


def check_content(mime: str, charset: str | None, body: bytes) -> None:
    """Refuse bytes that are not a page, whoever supplied them.

    Empty bytes are :class:`NoArticle`; binary ones, and, when the type says nothing (``mime``
    in :data:`SNIFF_TYPES`), ones without any HTML in their head, are
    :class:`UnsupportedContent`. Fetched pages, saved files and standard input all pass here.
    """
    if not body.strip():
        raise NoArticle("the page is empty")
    if _looks_binary(body, charset):
        raise UnsupportedContent(f"the response is binary, not an HTML page ({mime or 'untyped'})")
    if mime in SNIFF_TYPES and not _HTML_HINT.search(body[:4096]):
        raise UnsupportedContent(f"the response is not an HTML page ({mime or 'untyped'})")


def fetch_page(url: str, settings: FetchSettings | None = None) -> Page:
    """Fetch ``url`` and return the decoded HTML page, or raise a :mod:`newsbrief.errors` error.

    Raises :class:`~newsbrief.errors.InvalidInput` (bad URL),
    :class:`~newsbrief.errors.DestinationRefused` (SSRF policy; no connection is made),
    :class:`~newsbrief.errors.FetchFailed` (network error, timeout, upstream 4xx/5xx, too many
    redirects), :class:`~newsbrief.errors.UnsupportedContent` (not HTML),
    :class:`~newsbrief.errors.TooLarge` and :class:`~newsbrief.errors.NoArticle` (empty body).
    """
    settings = settings or FetchSettings.from_env()

    def html_page(final_url: str, response: BaseHTTPResponse, deadline: _Deadline) -> Page:
        if response.status >= 300:
            raise FetchFailed(f"the server answered HTTP {response.status}")
        mime, charset = _media_type(response.headers.get("Content-Type"))
        if mime not in HTML_TYPES and mime not in SNIFF_TYPES:
            raise UnsupportedContent(f"not an HTML page: content type {mime!r}")
        body = _read_body(response, settings, deadline)
        check_content(mime, charset, body)
        html, encoding = decode_html(body, response.headers.get("Content-Type"))
        return Page(
            url=url.strip(),
            final_url=final_url,
            html=html,
            status=response.status,
            content_type=mime or "text/html",
            encoding=encoding,
            headers=_header_dict(response),
        )

    return _get(url, settings, ACCEPT, {}, html_page)


def _header_dict(response: BaseHTTPResponse) -> dict[str, str]:
    # Lower-case names; repeated headers joined with ", " as HTTP allows.
    return {name.lower(): response.headers[name] for name in response.headers}


def _get(
    url: str,
    settings: FetchSettings,
    accept: str,
    extra_headers: Mapping[str, str],
    on_final: Callable[[str, BaseHTTPResponse, _Deadline], T],
) -> T:
    """GET ``url``, following redirects with every hop vetted, and hand the final response on.

    ``on_final(final_url, response, deadline)`` reads what it needs; the response is closed
    afterwards. Network errors become :class:`FetchFailed`, the deadline included.
    """
    policy = Policy(
        allowed_ports=settings.allowed_ports,
        allow_loopback=settings.allow_loopback,
        denied_loopback_ports=settings.denied_loopback_ports,
    )
    current = url.strip()
    seen: set[str] = set()
    deadline = _Deadline(settings.total_timeout)
    _CONNECTIONS.deadline = deadline
    try:
        for _hop in range(settings.max_redirects + 1):
            parts = check_url(current, policy)
            current = parts.geturl()
            if current in seen:
                raise FetchFailed(f"redirect loop at {current}")
            seen.add(current)
            response: BaseHTTPResponse | None = None
            done = False  # the response was handled: its connection may serve the next request
            try:
                response = _open(parts, settings, policy, deadline, accept, extra_headers)
                if response.status in REDIRECT_STATUSES:
                    location = (response.headers.get("Location") or "").strip()
                    if not location:
                        raise FetchFailed(f"redirect ({response.status}) without a Location")
                    current = urljoin(current, location)
                    done = True
                    continue
                result = on_final(current, response, deadline)
                done = True
                return result
            except (HTTPError, OSError) as exc:
                if deadline.expired:
                    raise deadline.error() from None
                raise FetchFailed(_describe(exc)) from None
            finally:
                if response is not None:
                    if done:
                        _release(response, deadline)
                    else:
                        response.close()
        raise FetchFailed(f"more than {settings.max_redirects} redirects")
    finally:
        deadline.cancel()
        _CONNECTIONS.deadline = None


# Request headers a caller may add to fetch_resource: conditional GET validators. Everything
# else (User-Agent, Accept-Encoding, Host) stays under fetch's control.
CONDITIONAL_HEADERS = frozenset({"if-none-match", "if-modified-since"})


def fetch_resource(
    url: str,
    accept: str = "*/*",
    headers: Mapping[str, str] | None = None,
    settings: FetchSettings | None = None,
) -> Resource:
    """Fetch ``url`` as bytes of any content type (feeds, sitemaps, robots.txt).

    The same SSRF guard, redirect, size and deadline limits as :func:`fetch_page`. ``headers``
    may carry the conditional GET validators (``If-None-Match``, ``If-Modified-Since``).
    The final status is returned, not raised: 304 and 4xx/5xx come back with an empty body so
    the caller decides (a missing robots.txt means "allowed"). Network failures raise
    :class:`~newsbrief.errors.FetchFailed`, refused destinations ``DestinationRefused``,
    oversized bodies ``TooLarge``.
    """
    settings = settings or FetchSettings.from_env()
    extra = {k: v for k, v in (headers or {}).items() if k.lower() in CONDITIONAL_HEADERS and v}

    def resource(final_url: str, response: BaseHTTPResponse, deadline: _Deadline) -> Resource:
        ok = 200 <= response.status < 300
        return Resource(
            url=url.strip(),
            final_url=final_url,
            status=response.status,
            body=_read_body(response, settings, deadline) if ok else b"",
            headers=_header_dict(response),
        )

    return _get(url, settings, accept, extra, resource)


def _codec(label: str | None) -> str | None:
    """The Python codec for an encoding label, WHATWG aliases applied; ``None`` if unusable."""
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    key = _LABEL_ALIASES.get(key, key)
    try:
        name = codecs.lookup(key).name
        b"a".decode(name, "ignore")  # rejects bytes-to-bytes codecs such as zlib_codec, base64
    except (LookupError, ValueError):
        return None
    return None if name in _NOT_PAGE_CODECS else name


def _display_name(codec: str) -> str:
    # Report the names pages use (windows-1252), not Python's aliases (cp1252).
    if codec.startswith("cp125") and len(codec) == 6:
        return "windows-" + codec[2:]
    return codec


def _declared_in_page(data: bytes) -> str | None:
    head = data[:META_SCAN_BYTES]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if not match:
        return None
    codec = _codec(match.group(1).decode("ascii"))
    # A page whose declaration reads as ASCII is not UTF-16/32, whatever it says (WHATWG).
    if codec and codec.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return codec


def _detection_sample(data: bytes) -> bytes:
    """Windows of bytes around the non-ASCII runs, up to ``DETECT_BYTES`` in all."""
    windows: list[bytes] = []
    size = 0
    end = 0
    for run in _NON_ASCII.finditer(data):
        start = max(run.start() - DETECT_CONTEXT, end)
        end = max(run.end() + DETECT_CONTEXT, start)
        windows.append(data[start:end])
        size += end - start
        if size >= DETECT_BYTES:
            break
    return b"".join(windows)


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes  # imported on first need: it is slow to import

    matches = from_bytes(_detection_sample(data), cp_isolation=list(DETECT_ENCODINGS))
    best = matches.best()
    if best is None:
        return "cp1252"
    if best.encoding in LATIN_CODEPAGES:
        preferred = LANGUAGE_CODEPAGES.get(best.language, "cp1252")
        for match in matches:
            if (
                match.encoding == preferred
                and match.chaos <= best.chaos + NEAR_TIE_CHAOS
                and match.coherence >= best.coherence - NEAR_TIE_COHERENCE
            ):
                return preferred
    return _codec(best.encoding) or "cp1252"


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode HTML bytes: HTTP header charset, then meta charset, then detection.

    A byte-order mark wins over everything (as in browsers). Declared latin-1 is decoded as
    windows-1252. A declaration contradicted by the bytes (a latin-1 label on valid multi-byte
    UTF-8, or a UTF-8 label on bytes with no UTF-8 sequence at all) falls to the next source.
    Invalid bytes are replaced, never raised. ``content_type="text/plain"`` skips the in-page
    declaration. Returns ``(text, encoding)``.
    """
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(bom_codec, "replace"), bom_codec
    mime, header_charset = _media_type(content_type)
    declared = [_codec(header_charset)]
    if mime != "text/plain":
        declared.append(_declared_in_page(data))
    for codec in declared:
        if codec is None:
            continue
        if codec == "utf-8":
            try:
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                if not _UTF8_MULTIBYTE.search(data):
                    continue  # labelled UTF-8 but written in a legacy encoding
                return data.decode("utf-8", "replace"), "utf-8"
        if codec == "cp1252" and not data.isascii():
            try:
                return data.decode("utf-8"), "utf-8"  # labelled latin-1, really UTF-8
            except UnicodeDecodeError:
                pass
        return data.decode(codec, "replace"), _display_name(codec)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    codec = _detect(data)
    return data.decode(codec, "replace"), _display_name(codec)
