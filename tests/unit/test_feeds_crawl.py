"""Politeness and polling with an in-memory fake web: robots.txt, pacing, 304, discovery."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from newsbrief.crawl import (
    DEFAULT_HOST_INTERVAL,
    MAX_HOST_INTERVAL,
    MAX_TRACKED_DEFERRALS,
    MemoryRateLimiter,
    RobotsCache,
    count_deferrals,
    poll_feed,
    product_token,
    screen_urls,
)
from newsbrief.errors import FetchFailed, InvalidFeed
from newsbrief.models import Resource

from tests.conftest import FIXTURES

SITE = "https://www.harbourgazette.example"
RSS = (FIXTURES / "feeds" / "rss2_news.xml").read_bytes()
UA = "newsbrief/0.1 (+https://github.com/newsbrief/newsbrief)"


class FakeWeb:
    """URL -> (status, body, headers); records every request with its headers."""

    def __init__(self, pages: dict[str, tuple[int, bytes, dict[str, str]]]) -> None:
        self.pages = pages
        self.requests: list[tuple[str, dict[str, str]]] = []

    def __call__(
        self, url: str, headers: Mapping[str, str], timeout: float | None = None
    ) -> Resource:
        self.requests.append((url, dict(headers)))
        status, body, extra = self.pages.get(url, (404, b"", {}))
        if status == -1:
            raise FetchFailed("connection refused")
        if status == 200 and extra.get("etag") and headers.get("If-None-Match") == extra["etag"]:
            return Resource(url, url, 304, b"", dict(extra))
        return Resource(url, url, status, body, dict(extra))

    def count(self, url: str) -> int:
        return sum(1 for u, _ in self.requests if u == url)


def robots(web: FakeWeb, clock: list[float] | None = None) -> RobotsCache:
    if clock is None:
        return RobotsCache(web, UA)
    return RobotsCache(web, UA, clock=lambda: clock[0])


def test_product_token() -> None:
    assert product_token(UA) == "newsbrief"


def test_robots_disallow_is_obeyed_for_entries() -> None:
    robots_txt = (
        b"User-agent: *\nDisallow: /opinion/\n\nUser-agent: newsbrief\nDisallow: /whats-on/\n"
    )
    web = FakeWeb(
        {
            f"{SITE}/robots.txt": (200, robots_txt, {}),
            f"{SITE}/feed/": (200, RSS, {}),
        }
    )
    cache = robots(web)
    result = poll_feed(f"{SITE}/feed/", web, cache)
    screening = screen_urls([e.url for e in result.entries], cache)
    # our own group overrides "*": /opinion/ is allowed to us, /whats-on/ is not
    assert [url for url, _ in screening.disallowed] == [f"{SITE}/whats-on/weekend-round-up/"]
    assert f"{SITE}/opinion/letters-harbour-wall/" in screening.allowed
    assert len(screening.allowed) == len(result.entries) - 1
    assert web.count(f"{SITE}/robots.txt") == 1  # cached per host


def test_robots_forbidding_the_feed_itself_is_an_error() -> None:
    web = FakeWeb({f"{SITE}/robots.txt": (200, b"User-agent: *\nDisallow: /\n", {})})
    with pytest.raises(FetchFailed, match="robots.txt"):
        poll_feed(f"{SITE}/feed/", web, robots(web))
    assert web.count(f"{SITE}/feed/") == 0


@pytest.mark.parametrize(
    ("status", "allowed"), [(404, True), (403, True), (503, False), (-1, False)]
)
def test_robots_unavailable_vs_unreachable(status: int, allowed: bool) -> None:
    web = FakeWeb({f"{SITE}/robots.txt": (status, b"", {})})
    assert robots(web).allowed(f"{SITE}/news/a") is allowed


def test_robots_cache_expires() -> None:
    clock = [0.0]
    web = FakeWeb({f"{SITE}/robots.txt": (200, b"User-agent: *\nDisallow:\n", {})})
    cache = robots(web, clock)
    cache.allowed(f"{SITE}/a")
    cache.allowed(f"{SITE}/b")
    assert web.count(f"{SITE}/robots.txt") == 1
    clock[0] = 4000.0
    cache.allowed(f"{SITE}/c")
    assert web.count(f"{SITE}/robots.txt") == 2


def test_crawl_delay_sets_interval_within_bounds() -> None:
    web = FakeWeb(
        {
            f"{SITE}/robots.txt": (200, b"User-agent: *\nCrawl-delay: 4\n", {}),
            "https://slow.example/robots.txt": (200, b"User-agent: *\nCrawl-delay: 3600\n", {}),
        }
    )
    cache = robots(web)
    assert cache.interval(f"{SITE}/a") == 4.0
    assert cache.interval("https://slow.example/a") == MAX_HOST_INTERVAL
    assert cache.interval("https://none.example/a") == DEFAULT_HOST_INTERVAL


def test_memory_rate_limiter_spaces_requests_per_host() -> None:
    now = [100.0]
    limiter = MemoryRateLimiter(clock=lambda: now[0])
    assert limiter.reserve("a.example", 2.0) == 0.0
    assert limiter.reserve("a.example", 2.0) == 2.0
    assert limiter.reserve("a.example", 2.0) == 4.0
    assert limiter.reserve("b.example", 2.0) == 0.0  # hosts do not wait for each other
    now[0] = 110.0
    assert limiter.reserve("a.example", 2.0) == 0.0


def test_conditional_get_returns_not_modified() -> None:
    web = FakeWeb({f"{SITE}/feed/": (200, RSS, {"etag": '"v1"', "last-modified": "Tue, 24 Nov"})})
    first = poll_feed(f"{SITE}/feed/", web, robots(web))
    assert first.status == "ok" and first.etag == '"v1"' and first.last_modified == "Tue, 24 Nov"
    second = poll_feed(f"{SITE}/feed/", web, robots(web), etag=first.etag,
                       last_modified=first.last_modified)  # fmt: skip
    assert second.status == "not_modified"
    assert second.entries == []
    sent = [h for u, h in web.requests if u == f"{SITE}/feed/"][-1]
    assert sent == {"If-None-Match": '"v1"', "If-Modified-Since": "Tue, 24 Nov"}


def test_entries_newest_first() -> None:
    web = FakeWeb({f"{SITE}/feed/": (200, RSS, {})})
    result = poll_feed(f"{SITE}/feed/", web, robots(web))
    assert [e.published for e in result.entries[:3]] == [
        "2026-11-24T17:45:00+00:00",
        "2026-11-24T09:15:00+00:00",
        "2026-11-23T20:30:00+00:00",
    ]


def test_home_page_advertising_a_feed_is_followed() -> None:
    html = (
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed/"></head></html>'
    )
    web = FakeWeb({f"{SITE}/": (200, html, {}), f"{SITE}/feed/": (200, RSS, {})})
    result = poll_feed(f"{SITE}/", web, robots(web))
    assert result.feed_url == f"{SITE}/feed/"
    assert result.kind == "rss" and len(result.entries) == 6


def test_page_without_feed_is_invalid_feed() -> None:
    web = FakeWeb({f"{SITE}/": (200, b"<html><body>hi</body></html>", {})})
    with pytest.raises(InvalidFeed):
        poll_feed(f"{SITE}/", web, robots(web))


def test_http_error_is_fetch_failed() -> None:
    web = FakeWeb({f"{SITE}/feed/": (500, b"oops", {})})
    with pytest.raises(FetchFailed, match="HTTP 500"):
        poll_feed(f"{SITE}/feed/", web, robots(web))


def test_sitemap_index_reads_newest_children_only() -> None:
    index = (
        b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"""
        + b"".join(
            b"<sitemap><loc>https://d.example/sm/%d.xml</loc><lastmod>2026-%02d-01</lastmod></sitemap>"
            % (m, m)
            for m in range(1, 13)
        )
        + b"</sitemapindex>"
    )

    def sitemap(m: int) -> bytes:
        return (
            b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<url><loc>https://d.example/a/%d</loc><lastmod>2026-%02d-02</lastmod></url>"
            b"</urlset>" % (m, m)
        )

    pages = {f"https://d.example/sm/{m}.xml": (200, sitemap(m), {}) for m in range(1, 13)}
    pages["https://d.example/sitemap_index.xml"] = (200, index, {})
    pages["https://d.example/sm/11.xml"] = (200, b"<broken", {})  # skipped, not fatal
    web = FakeWeb(pages)
    result = poll_feed("https://d.example/sitemap_index.xml", web, robots(web))
    assert result.kind == "sitemap_index"
    assert [e.url for e in result.entries] == ["https://d.example/a/12", "https://d.example/a/10"]
    assert web.count("https://d.example/sm/1.xml") == 0


def test_refused_destination_is_not_reported_as_robots() -> None:
    from newsbrief.errors import DestinationRefused

    def refuse(url: str, headers: Mapping[str, str], timeout: float | None = None) -> Resource:
        raise DestinationRefused("private address")

    with pytest.raises(DestinationRefused):
        poll_feed("http://10.1.2.3/feed", refuse, RobotsCache(refuse, UA))


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.usefixtures("allow_loopback")
def test_an_unreachable_feed_host_is_could_not_connect_not_robots() -> None:
    from newsbrief.crawl import default_fetcher

    fetcher = default_fetcher()
    url = f"http://127.0.0.1:{_closed_port()}/feed.xml"
    with pytest.raises(FetchFailed) as info:
        poll_feed(url, fetcher, RobotsCache(fetcher, UA))
    assert info.value.code == "fetch_failed"
    assert "could not connect" in info.value.message
    assert "disallow" not in info.value.message


def test_robots_is_read_once_per_site_a_few_sites_at_a_time() -> None:
    import threading
    import time

    from newsbrief.crawl import ROBOTS_CONCURRENCY

    lock = threading.Lock()
    in_flight = [0, 0]  # now, most at once
    asked: list[str] = []

    def slow_web(url: str, headers: Mapping[str, str], timeout: float | None = None) -> Resource:
        with lock:
            asked.append(url)
            in_flight[0] += 1
            in_flight[1] = max(in_flight[1], in_flight[0])
        time.sleep(0.02)
        with lock:
            in_flight[0] -= 1
        return Resource(url, url, 200, b"User-agent: *\nDisallow: /private/\n")

    urls = [f"https://site{i}.example/{path}" for i in range(40) for path in ("a", "private/b")]
    screening = screen_urls(urls, RobotsCache(slow_web, UA))
    assert sorted(asked) == sorted(f"https://site{i}.example/robots.txt" for i in range(40))
    assert 1 < in_flight[1] <= ROBOTS_CONCURRENCY
    assert len(screening.allowed) == len(screening.disallowed) == 40


def test_screening_stops_at_the_budget_and_leaves_the_rest_unchecked() -> None:
    import time

    from newsbrief.crawl import PollBudget

    def hanging_web(url: str, headers: Mapping[str, str], timeout: float | None = None) -> Resource:
        # A host that accepts and never answers: the fetch gives up at its timeout.
        assert timeout is not None and timeout <= 0.5
        time.sleep(timeout)
        raise FetchFailed("timed out waiting for the server")

    urls = [f"https://slow{i}.example/a" for i in range(30)]
    started = time.monotonic()
    screening = screen_urls(urls, RobotsCache(hanging_web, UA), PollBudget(0.5), concurrency=6)
    assert time.monotonic() - started < 2.0
    assert screening.allowed == []
    # The first six reads timed out (unreadable for now), the rest never started.
    assert len(screening.unavailable) + len(screening.unchecked) == 30
    assert len(screening.unchecked) >= 24


def test_a_refused_site_refuses_its_urls_only() -> None:
    from newsbrief.errors import DestinationRefused

    def web(url: str, headers: Mapping[str, str], timeout: float | None = None) -> Resource:
        if "0.0.0.0" in url:
            raise DestinationRefused("refusing to connect to non-public address 0.0.0.0")
        return Resource(url, url, 404)

    urls = ["https://good.example/a", "http://0.0.0.0/x", "http://bad.example:99999/y"]
    screening = screen_urls(urls, RobotsCache(web, UA))
    assert screening.allowed == ["https://good.example/a"]
    assert {url: error.code for url, error in screening.refused} == {
        "http://0.0.0.0/x": "destination_refused",
        "http://bad.example:99999/y": "invalid_input",
    }


def test_deferral_streaks_grow_on_unreadable_robots_and_end_otherwise() -> None:
    previous = {"unreadable": 2, "unchecked": 1, "answered": 2}
    streaks = count_deferrals(previous, unreadable=["unreadable", "new"], unchecked=["unchecked"])
    # +1 where robots.txt failed again; kept where it was not checked in time (nothing was
    # learned); ended where robots.txt answered or the entry was not screened this poll.
    assert streaks == {"unreadable": 3, "new": 1, "unchecked": 1}
    assert count_deferrals(previous, [], ["never-deferred"]) == {}


def test_deferral_streaks_are_bounded_longest_kept() -> None:
    keys = [f"{i:024x}" for i in range(MAX_TRACKED_DEFERRALS + 50)]
    previous = {keys[0]: 2}
    streaks = count_deferrals(previous, keys, [])
    assert len(streaks) == MAX_TRACKED_DEFERRALS and streaks[keys[0]] == 3
