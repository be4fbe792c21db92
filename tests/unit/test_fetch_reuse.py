"""fetch keeps connections alive per origin: across redirect hops and across a batch of URLs.

The loopback server tells connections apart by the client's port. Every reuse is vetted again
(the SSRF guard's guarantee that every hop is checked holds for kept-alive connections too).
"""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from newsbrief import netguard
from newsbrief.errors import DestinationRefused, TooLarge
from newsbrief.fetch import close_connections, fetch_page, fetch_resource
from newsbrief.settings import FetchSettings

from tests.support.loopback import LoopbackServer

PAGE = (
    b"<html><head><title>Ferry timetable</title></head>"
    b"<body><p>Ferries run hourly.</p></body></html>"
)


@pytest.fixture
def settings() -> FetchSettings:
    return FetchSettings(allow_loopback=True, total_timeout=10)


@pytest.fixture(autouse=True)
def fresh_connections() -> Iterator[None]:
    close_connections()  # no connection kept from an earlier test
    yield
    close_connections()


class Site:
    """Routes on the loopback server that record which connection (client port) served them."""

    def __init__(self, server: LoopbackServer) -> None:
        self.server = server
        self.served: list[tuple[str, int]] = []  # (path, client port)

    def page(self, path: str, body: bytes = PAGE, close: bool = False) -> str:
        def serve(handler: BaseHTTPRequestHandler) -> None:
            self.served.append((path, handler.client_address[1]))
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Length", str(len(body)))
            if close:
                handler.send_header("Connection", "close")
            handler.end_headers()
            handler.wfile.write(body)

        return self.server.add(path, serve)

    def redirect(self, path: str, target: str, status: int = 302) -> str:
        def serve(handler: BaseHTTPRequestHandler) -> None:
            self.served.append((path, handler.client_address[1]))
            body = b"<a href='elsewhere'>moved</a>"
            handler.send_response(status)
            handler.send_header("Location", target)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

        return self.server.add(path, serve)

    def connections(self) -> int:
        return len({port for _, port in self.served})


@pytest.fixture
def site(loopback: LoopbackServer) -> Site:
    return Site(loopback)


def test_redirect_hops_on_one_host_share_one_connection(site: Site, settings) -> None:
    site.redirect("/old", "/moved", status=301)
    site.redirect("/moved", "/story")
    site.page("/story")
    page = fetch_page(site.server.url("/old"), settings)
    assert page.final_url.endswith("/story")
    assert [path for path, _ in site.served] == ["/old", "/moved", "/story"]
    assert site.connections() == 1


def test_a_batch_of_urls_on_one_host_shares_one_connection(site: Site, settings) -> None:
    urls = [site.page(f"/story/{i}") for i in range(4)]
    site.server.add("/missing", lambda h: _not_found(h, site))
    for url in urls[:2]:
        fetch_page(url, settings)
    # An error page's body is read and dropped: the connection carries on.
    assert fetch_resource(site.server.url("/missing"), settings=settings).status == 404
    for url in urls[2:]:
        fetch_page(url, settings)
    assert len(site.served) == 5
    assert site.connections() == 1


def _not_found(handler: BaseHTTPRequestHandler, site: Site) -> None:
    site.served.append(("/missing", handler.client_address[1]))
    body = b"<html><body>" + b"no such page " * 100 + b"</body></html>"
    handler.send_response(404)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def test_each_origin_gets_its_own_connection(site: Site, settings) -> None:
    url = site.page("/story")
    fetch_page(url, settings)
    fetch_page(url.replace("127.0.0.1", "localhost"), settings)  # another host name
    fetch_page(url, settings)
    assert site.connections() == 2


def test_a_connection_the_server_closes_is_not_reused(site: Site, settings) -> None:
    first = site.page("/closing", close=True)
    second = site.page("/story")
    fetch_page(first, settings)
    fetch_page(second, settings)
    assert site.connections() == 2


def test_a_failed_fetch_does_not_leave_its_connection_for_the_next(site: Site) -> None:
    small = FetchSettings(allow_loopback=True, max_bytes=200)
    big = site.page("/big", body=b"<p>" + b"x" * 5000 + b"</p>")
    small_page = site.page("/small")
    with pytest.raises(TooLarge):
        fetch_page(big, small)
    page = fetch_page(small_page, small)  # not confused by the unread rest of /big
    assert "Ferries run hourly." in page.html
    assert site.connections() == 2


def test_a_kept_alive_connection_closed_under_us_is_retried_once(
    site: Site, settings, loopback: LoopbackServer
) -> None:
    """The server drops an idle connection just as it is reused: the request goes again."""
    seen_ports: set[int] = set()

    def flaky(handler: BaseHTTPRequestHandler) -> None:
        port = handler.client_address[1]
        if port in seen_ports:  # a second request on this connection: hang up unanswered
            site.served.append(("/flaky-dropped", port))
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        seen_ports.add(port)
        site.served.append(("/flaky", port))
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(PAGE)))
        handler.end_headers()
        handler.wfile.write(PAGE)

    url = loopback.add("/flaky", flaky)
    fetch_page(url, settings)
    page = fetch_page(url, settings)
    assert "Ferries run hourly." in page.html
    assert [p for p, _ in site.served] == ["/flaky", "/flaky-dropped", "/flaky"]


def test_a_kept_alive_connection_is_vetted_again_before_reuse(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection opened while the guard allowed it is refused once the guard says no.

    Protection off (the test switch), a name resolving to loopback is fetched and its
    connection kept. With protection back on, the same URL must be refused without a request
    reaching the server, although no new connection (the usual check point) is needed.
    """
    monkeypatch.setattr(netguard, "resolve", lambda host, port: ["127.0.0.1"])
    port = site.server.port
    strict = dataclasses.replace(FetchSettings(), allowed_ports=frozenset({port}))
    url = site.page("/story").replace("127.0.0.1", "intranet.example")
    monkeypatch.setattr(netguard, "PROTECTION_ENABLED", False)
    fetch_page(url, strict)
    monkeypatch.setattr(netguard, "PROTECTION_ENABLED", True)
    with pytest.raises(DestinationRefused):
        fetch_page(url, strict)
    assert len(site.served) == 1


def test_policies_never_share_a_connection(site: Site, settings) -> None:
    url = site.page("/story")
    fetch_page(url, settings)
    other = dataclasses.replace(settings, allowed_ports=frozenset({80, 443, site.server.port}))
    fetch_page(url, other)
    assert site.connections() == 2


def test_only_the_most_recently_used_origins_keep_a_connection(
    site: Site, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsbrief import fetch

    monkeypatch.setattr(fetch, "KEPT_ORIGINS", 2)
    other = LoopbackServer().start()  # a third origin: another port
    try:
        other_site = Site(other)
        origins = [site.page("/story")]
        origins.append(origins[0].replace("127.0.0.1", "localhost"))
        origins.append(other_site.page("/story"))
        for origin in origins:
            fetch_page(origin, settings)
        fetch_page(origins[2], settings)  # still kept: no new connection
        fetch_page(origins[0], settings)  # dropped when the third origin came: a new one
    finally:
        other.stop()
    assert other_site.connections() == 1
    assert site.connections() == 3
