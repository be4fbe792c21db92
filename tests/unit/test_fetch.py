"""fetch_page against loopback servers: redirects, limits, timeouts, content types, encodings."""

from __future__ import annotations

import dataclasses
import gzip
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler

import pytest
from newsbrief.errors import (
    DestinationRefused,
    FetchFailed,
    NoArticle,
    TooLarge,
    UnsupportedContent,
)
from newsbrief.fetch import fetch_page, fetch_resource
from newsbrief.settings import FetchSettings

from tests.support.loopback import LoopbackServer, Response

PAGE = (
    b"<!doctype html><html><head><title>Harbour ferry returns</title></head><body>"
    b"<article><p>The harbour ferry returns to service on Monday, the council said.</p>"
    b"</article></body></html>"
)
HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def settings(allow_loopback: None) -> FetchSettings:
    """The environment's settings (loopback allowed) with limits small enough for fast tests."""
    return dataclasses.replace(
        FetchSettings.from_env(),
        connect_timeout=1.0,
        read_timeout=0.5,
        total_timeout=1.5,
        max_bytes=200_000,
        max_redirects=3,
    )


def _safe(fn):  # type: ignore[no-untyped-def]
    def run(handler: BaseHTTPRequestHandler) -> None:
        try:
            fn(handler)
        except (BrokenPipeError, ConnectionResetError):
            run.hung_up.set()  # type: ignore[attr-defined]  # fetch hung up on purpose

    run.hung_up = threading.Event()  # type: ignore[attr-defined]
    return run


# --- basics -------------------------------------------------------------------------------


def test_fetches_page_with_metadata(loopback: LoopbackServer, settings: FetchSettings) -> None:
    url = loopback.add("/news/ferry", Response(PAGE, headers={**HTML, "X-Edition": "city"}))
    page = fetch_page(url, settings)
    assert page.url == url
    assert page.final_url == url
    assert page.status == 200
    assert "harbour ferry returns to service" in page.html
    assert page.content_type == "text/html"
    assert page.encoding == "utf-8"
    assert page.headers["x-edition"] == "city"


def test_identifies_with_one_user_agent(loopback: LoopbackServer, settings: FetchSettings) -> None:
    url = loopback.add("/p", Response(PAGE, headers=HTML))
    fetch_page(url, dataclasses.replace(settings, user_agent="newsbrief-test/9"))
    (_, path, headers) = loopback.requests[-1]
    assert path == "/p"
    assert headers["User-Agent"] == "newsbrief-test/9"
    assert headers["Host"] == f"127.0.0.1:{loopback.port}"
    # Only codings that can be inflated with a bound are asked for.
    assert set(headers["Accept-Encoding"].replace(" ", "").split(",")) == {"gzip", "deflate"}


def test_default_settings_come_from_the_environment(
    loopback: LoopbackServer, allow_loopback: None
) -> None:
    url = loopback.add("/p", Response(PAGE, headers=HTML))
    assert "harbour ferry" in fetch_page(url).html


def test_non_ascii_path_is_percent_encoded(
    loopback: LoopbackServer, settings: FetchSettings
) -> None:
    loopback.add("/news/caf%C3%A9", Response(PAGE, headers=HTML))
    page = fetch_page(loopback.url("/news/café"), settings)
    assert "harbour ferry" in page.html


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_upstream_error_status_fails(
    loopback: LoopbackServer, settings: FetchSettings, status: int
) -> None:
    url = loopback.add("/gone", Response(b"<html><p>nope</p></html>", status, HTML))
    with pytest.raises(FetchFailed, match=str(status)) as info:
        fetch_page(url, settings)
    assert info.value.http_status == 502


def test_connection_refused_fails(settings: FetchSettings) -> None:
    server = LoopbackServer()  # bound but never started and then closed: nothing listens
    port = server.port
    server._httpd.server_close()
    with pytest.raises(FetchFailed, match="connect"):
        fetch_page(f"http://127.0.0.1:{port}/", settings)


# --- redirects ----------------------------------------------------------------------------


def test_follows_redirects_to_final_url(loopback: LoopbackServer, settings: FetchSettings) -> None:
    loopback.add("/old", Response(b"", 301, {"Location": f"{loopback.url('/mid')}"}))
    loopback.add("/mid", Response(b"", 302, {"Location": "/story?id=7"}))  # relative
    final = loopback.add("/story", Response(PAGE, headers=HTML))
    page = fetch_page(loopback.url("/old"), settings)
    assert page.url == loopback.url("/old")
    assert page.final_url == final + "?id=7"
    assert [path for _, path, _ in loopback.requests] == ["/old", "/mid", "/story?id=7"]


@pytest.mark.parametrize("status", [303, 307, 308])
def test_all_redirect_statuses_are_followed(
    loopback: LoopbackServer, settings: FetchSettings, status: int
) -> None:
    loopback.add("/r", Response(b"moved", status, {"Location": "/p"}))
    loopback.add("/p", Response(PAGE, headers=HTML))
    assert fetch_page(loopback.url("/r"), settings).final_url == loopback.url("/p")


def test_redirect_loop_fails(loopback: LoopbackServer, settings: FetchSettings) -> None:
    loopback.add("/a", Response(b"", 302, {"Location": "/b"}))
    loopback.add("/b", Response(b"", 302, {"Location": "/a"}))
    with pytest.raises(FetchFailed, match="loop"):
        fetch_page(loopback.url("/a"), settings)
    assert len(loopback.requests) == 2


def test_too_many_redirects_fails(loopback: LoopbackServer, settings: FetchSettings) -> None:
    for hop in range(10):
        loopback.add(f"/hop{hop}", Response(b"", 302, {"Location": f"/hop{hop + 1}"}))
    with pytest.raises(FetchFailed, match="redirects"):
        fetch_page(loopback.url("/hop0"), settings)
    # max_redirects=3: the first request plus three redirects, then it stops.
    assert len(loopback.requests) == 4


def test_redirect_without_location_fails(loopback: LoopbackServer, settings: FetchSettings) -> None:
    url = loopback.add("/r", Response(b"", 302, {}))
    with pytest.raises(FetchFailed, match="Location"):
        fetch_page(url, settings)


# --- size cap -----------------------------------------------------------------------------


def test_declared_length_over_cap_is_refused_before_reading(
    loopback: LoopbackServer, settings: FetchSettings
) -> None:
    url = loopback.add(
        "/big", Response(b"<p>" + b"x" * 300_000, headers={**HTML, "Content-Length": "300003"})
    )
    with pytest.raises(TooLarge) as info:
        fetch_page(url, settings)
    assert info.value.http_status == 413


def test_content_length_lie_cannot_push_past_it(
    loopback: LoopbackServer, settings: FetchSettings
) -> None:
    # Claims 60 bytes, then streams megabytes: only the declared 60 bytes are ever read.
    @_safe
    def liar(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "60")
        h.end_headers()
        h.wfile.write(PAGE[:60])
        for _ in range(50):
            h.wfile.write(b"<p>" + b"y" * 65_536)

    url = loopback.add("/liar", liar)
    page = fetch_page(url, settings)
    assert page.html == PAGE[:60].decode()


def test_unlabelled_stream_over_cap_is_cut_off(
    loopback: LoopbackServer, settings: FetchSettings
) -> None:
    @_safe
    def endless(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")  # no length: the body runs until close
        h.end_headers()
        for _ in range(4000):  # 64 MB, if anyone read it all
            h.wfile.write(b"<p>" + b"z" * 16_381)

    url = loopback.add("/endless", endless)
    with pytest.raises(TooLarge):
        fetch_page(url, settings)
    # fetch hung up on the server instead of reading on.
    assert endless.hung_up.wait(5)


def test_chunked_stream_over_cap_is_cut_off(
    loopback: LoopbackServer, settings: FetchSettings
) -> None:
    @_safe
    def chunked(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        chunk = b"<p>" + b"c" * 8189
        for _ in range(8000):  # 64 MB
            h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        h.wfile.write(b"0\r\n\r\n")

    url = loopback.add("/chunked", chunked)
    with pytest.raises(TooLarge):
        fetch_page(url, settings)
    assert chunked.hung_up.wait(5)


def test_chunked_page_under_cap_is_read_whole(
    loopback: LoopbackServer, settings: FetchSettings
) -> None:
    def chunked(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        for piece in (PAGE[:50], PAGE[50:]):
            h.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        h.wfile.write(b"0\r\n\r\n")

    url = loopback.add("/chunked", chunked)
    assert fetch_page(url, settings).html == PAGE.decode()


# --- compression --------------------------------------------------------------------------


def test_gzip_page_is_decompressed(loopback: LoopbackServer, settings: FetchSettings) -> None:
    url = loopback.add(
        "/gz", Response(gzip.compress(PAGE), headers={**HTML, "Content-Encoding": "gzip"})
    )
    assert fetch_page(url, settings).html == PAGE.decode()


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
def test_deflate_page_is_decompressed(
    loopback: LoopbackServer, settings: FetchSettings, wbits: int
) -> None:
    packer = zlib.compressobj(wbits=wbits)
    body = packer.compress(PAGE) + packer.flush()
    url = loopback.add("/deflate", Response(body, headers={**HTML, "Content-Encoding": "deflate"}))
    assert fetch_page(url, settings).html == PAGE.decode()


def _bomb(size: int, wbits: int) -> bytes:
    # Build the bomb incrementally so the test itself never holds `size` bytes at once.
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = b"<p>" + b"\x20" * (1 << 20)
    parts = [packer.compress(block) for _ in range(size >> 20)]
    return b"".join(parts) + packer.flush()


@pytest.mark.parametrize(
    ("coding", "wbits"), [("gzip", 16 + zlib.MAX_WBITS), ("deflate", zlib.MAX_WBITS)]
)
def test_decompression_bomb_is_cut_off(
    loopback: LoopbackServer, settings: FetchSettings, coding: str, wbits: int
) -> None:
    bomb = _bomb(16 << 20, wbits)  # 16 MiB of markup in ~16 KiB on the wire: 80x the cap
    assert len(bomb) < settings.max_bytes  # the raw size cap alone would not catch it
    url = loopback.add("/bomb", Response(bomb, headers={**HTML, "Content-Encoding": coding}))
    start = time.process_time()
    with pytest.raises(TooLarge, match="decompressed"):
        fetch_page(url, settings)
    # Not a timing assertion: a sanity bound that fails only if the whole bomb was inflated.
    assert time.process_time() - start < 5


@pytest.mark.parametrize("coding", ["br", "zstd", "compress", "gzip, br"])
def test_unrequested_encodings_are_refused(
    loopback: LoopbackServer, settings: FetchSettings, coding: str
) -> None:
    url = loopback.add(
        "/br", Response(b"\x1b\x00\x00", headers={**HTML, "Content-Encoding": coding})
    )
    with pytest.raises(UnsupportedContent, match="content-encoding"):
        fetch_page(url, settings)


def test_corrupt_gzip_is_refused(loopback: LoopbackServer, settings: FetchSettings) -> None:
    body = b"\x1f\x8b\x08\x00garbage-not-deflate" * 4
    url = loopback.add("/bad", Response(body, headers={**HTML, "Content-Encoding": "gzip"}))
    with pytest.raises(UnsupportedContent, match="decompressed"):
        fetch_page(url, settings)


# --- timeouts -----------------------------------------------------------------------------


def test_server_that_never_answers_times_out(
    loopback: LoopbackServer, settings: FetchSettings
) -> None:
    @_safe
    def silent(h: BaseHTTPRequestHandler) -> None:
        time.sleep(2)

    url = loopback.add("/silent", silent)
    start = time.monotonic()
    with pytest.raises(FetchFailed, match="timed out"):
        fetch_page(url, settings)
    assert time.monotonic() - start < settings.total_timeout + 0.5


def test_slow_drip_body_hits_the_deadline(
    loopback: LoopbackServer, settings: FetchSettings
) -> None:
    # Every byte arrives inside the 0.5 s read timeout, so only the total deadline can stop it.
    @_safe
    def drip(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "1000")
        h.end_headers()
        for _ in range(40):
            h.wfile.write(b"<")
            h.wfile.flush()
            time.sleep(0.1)

    url = loopback.add("/drip", drip)
    start = time.monotonic()
    with pytest.raises(FetchFailed, match="deadline"):
        fetch_page(url, settings)
    assert time.monotonic() - start < settings.total_timeout + 0.5


def test_slow_drip_headers_hit_the_deadline(
    loopback: LoopbackServer, settings: FetchSettings
) -> None:
    @_safe
    def drip(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(40):
            h.wfile.write(b"X-Slow: 1\r\n")
            h.wfile.flush()
            time.sleep(0.1)

    url = loopback.add("/drip-headers", drip)
    start = time.monotonic()
    with pytest.raises(FetchFailed, match="deadline"):
        fetch_page(url, settings)
    assert time.monotonic() - start < settings.total_timeout + 0.5


def test_truncated_body_fails(loopback: LoopbackServer, settings: FetchSettings) -> None:
    def short(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "5000")
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(PAGE)
        h.close_connection = True

    url = loopback.add("/short", short)
    with pytest.raises(FetchFailed, match="broke"):
        fetch_page(url, settings)


# --- content types ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["application/pdf", "image/png", "application/json", "text/plain", "video/mp4"],
)
def test_non_html_content_types_are_refused(
    loopback: LoopbackServer, settings: FetchSettings, content_type: str
) -> None:
    url = loopback.add("/file", Response(b"%PDF-1.7 ...", headers={"Content-Type": content_type}))
    with pytest.raises(UnsupportedContent, match=content_type) as info:
        fetch_page(url, settings)
    assert info.value.http_status == 415


@pytest.mark.parametrize(
    "body",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        b"<html>\x00\x01\x02\x03\x00\x00binary\x00",
    ],
    ids=["pdf", "png", "jpeg", "zip", "nul-bytes"],
)
def test_binary_served_as_html_is_refused(
    loopback: LoopbackServer, settings: FetchSettings, body: bytes
) -> None:
    url = loopback.add("/fake.html", Response(body, headers={"Content-Type": "text/html"}))
    with pytest.raises(UnsupportedContent, match="binary"):
        fetch_page(url, settings)


def test_untyped_html_is_sniffed_and_accepted(
    loopback: LoopbackServer, settings: FetchSettings
) -> None:
    url = loopback.add("/untyped", Response(PAGE, headers={}))
    page = fetch_page(url, settings)
    assert "harbour ferry" in page.html
    assert page.content_type == "text/html"


def test_untyped_non_html_is_refused(loopback: LoopbackServer, settings: FetchSettings) -> None:
    body = b'{"headline": "not a page"}'
    url = loopback.add(
        "/data", Response(body, headers={"Content-Type": "application/octet-stream"})
    )
    with pytest.raises(UnsupportedContent):
        fetch_page(url, settings)


def test_xhtml_is_accepted(loopback: LoopbackServer, settings: FetchSettings) -> None:
    url = loopback.add("/x", Response(PAGE, headers={"Content-Type": "application/xhtml+xml"}))
    assert "harbour ferry" in fetch_page(url, settings).html


@pytest.mark.parametrize("body", [b"", b"  \r\n\t "])
def test_empty_body_is_no_article(
    loopback: LoopbackServer, settings: FetchSettings, body: bytes
) -> None:
    url = loopback.add("/empty", Response(body, headers=HTML))
    with pytest.raises(NoArticle):
        fetch_page(url, settings)


# --- encodings end to end -----------------------------------------------------------------


def test_windows_1252_page_keeps_curly_quotes(
    loopback: LoopbackServer, settings: FetchSettings
) -> None:
    body = "<html><body><p>The mayor called it \u201ca fair deal\u201d \u2014 for now.</p>"
    url = loopback.add(
        "/cp1252",
        Response(body.encode("cp1252"), headers={"Content-Type": "text/html; charset=ISO-8859-1"}),
    )
    page = fetch_page(url, settings)
    assert "\u201ca fair deal\u201d \u2014 for now" in page.html
    assert page.encoding == "windows-1252"


def test_gzip_page_with_meta_charset(loopback: LoopbackServer, settings: FetchSettings) -> None:
    body = '<html><head><meta charset="koi8-r"></head><body><p>Новости дня</p>'.encode("koi8-r")
    url = loopback.add(
        "/ru",
        Response(
            gzip.compress(body), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
        ),
    )
    page = fetch_page(url, settings)
    assert "Новости дня" in page.html
    assert page.encoding == "koi8-r"


# --- fetch_resource: the same guard and limits for feeds, sitemaps, robots.txt ------------


def test_resource_returns_bytes_of_any_type(
    loopback: LoopbackServer, settings: FetchSettings
) -> None:
    feed = b'<?xml version="1.0"?><rss version="2.0"><channel><title>City</title></channel></rss>'
    loopback.add("/old-feed", Response(b"", 301, {"Location": "/feed.xml"}))
    loopback.add("/feed.xml", Response(feed, headers={"Content-Type": "application/rss+xml"}))
    res = fetch_resource(
        loopback.url("/old-feed"),
        accept="application/rss+xml",
        headers={"If-None-Match": '"v1"', "Cookie": "session=1", "Host": "evil.example"},
        settings=settings,
    )
    assert (res.status, res.body, res.final_url) == (200, feed, loopback.url("/feed.xml"))
    assert res.headers["content-type"] == "application/rss+xml"
    sent = loopback.requests[-1][2]
    assert sent["Accept"] == "application/rss+xml"
    assert sent["If-None-Match"] == '"v1"'
    # Only the conditional GET validators pass; fetch keeps control of everything else.
    assert "Cookie" not in sent
    assert sent["Host"] == f"127.0.0.1:{loopback.port}"


@pytest.mark.parametrize("status", [304, 404, 503])
def test_resource_returns_status_without_raising(
    loopback: LoopbackServer, settings: FetchSettings, status: int
) -> None:
    url = loopback.add("/robots.txt", Response(b"ignored body", status, {}))
    res = fetch_resource(url, settings=settings)
    assert (res.status, res.body) == (status, b"")


def test_resource_keeps_the_limits(loopback: LoopbackServer, settings: FetchSettings) -> None:
    bomb = _bomb(4 << 20, 16 + zlib.MAX_WBITS)
    url = loopback.add("/sitemap.xml", Response(bomb, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(TooLarge):
        fetch_resource(url, settings=settings)
    loopback.add("/go", Response(b"", 302, {"Location": "http://169.254.169.254/"}))
    with pytest.raises(DestinationRefused):
        fetch_resource(loopback.url("/go"), settings=settings)


# --- malformed responses are a FetchFailed, never a traceback -----------------------------

MALFORMED = {
    "too-many-headers": b"HTTP/1.1 200 OK\r\n"
    + b"".join(b"X-H%d: v\r\n" % i for i in range(150))
    + b"Content-Length: 4\r\n\r\n<p>x",
    "garbage-status": b"\x00\x01garbage\r\n\r\n",
    "header-line-too-long": b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
    "no-status-line": b"<html><p>HTTP/0.9 style</p></html>",
    "bad-chunk-size": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
    b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_responses_fail_cleanly(
    loopback: LoopbackServer, settings: FetchSettings, name: str
) -> None:
    @_safe
    def raw(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(MALFORMED[name])
        h.close_connection = True

    with pytest.raises(FetchFailed):
        fetch_page(loopback.add("/raw", raw), settings)
