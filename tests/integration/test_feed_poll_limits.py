"""One bad feed entry costs one entry, and a feed poll costs what its new articles cost.

Feeds are served over loopback under made-up ``.example`` names (one "host" per name). The
tests check that robots.txt is read only for the entries a poll queues, a few hosts at a time
and within the poll's budget; that hosts which accept and never answer cannot hold the API
past its budget; that a first poll out of time registers nothing (504 ``poll_timeout``); and
that refused entries are skipped and counted while the others are briefed.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from newsbrief import crawl
from newsbrief.crawl import FeedPoller, PollBudget, RobotsCache, default_fetcher
from newsbrief.pipeline import brief_id
from newsbrief_aws import bootstrap, feed_polling

from tests.integration.conftest import api_event
from tests.support.loopback import LoopbackServer, Response, answer_with_etag

pytestmark = pytest.mark.usefixtures("aws")


class SilentServer:
    """A loopback port that accepts connections and never answers (nor closes them)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = int(self.sock.getsockname()[1])
        self.held: list[socket.socket] = []
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.held.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _fresh_feed_wiring() -> Iterator[None]:
    feed_polling.reset()  # the fetcher and robots cache read the test's environment
    yield
    feed_polling.reset()


def _rss(links: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><link>{link}</link>"
        f"<pubDate>Wed, 25 Nov 2026 {(i // 60) % 24:02d}:{i % 60:02d}:00 +0000</pubDate></item>"
        for i, link in enumerate(reversed(links))  # the first link is the newest
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        f"{items}</channel></rss>"
    ).encode()


def _feed(site: LoopbackServer, path: str, links: list[str]) -> None:
    site.add(path, Response(_rss(links), headers={"Content-Type": "application/rss+xml"}))


def _register(call_api, url: str):
    return call_api(api_event("api_feeds_create", body={"url": url}))


def _robots_reads(site: LoopbackServer) -> list[str]:
    return [h.get("Host", "") for _, p, h in site.requests if p == "/robots.txt"]


def test_refused_entries_are_skipped_and_counted_the_rest_briefed(
    call_api, call_worker, site, named_hosts, aws
):
    good = [named_hosts("news.example", "/news/tram_line"),
            named_hosts("news.example", "/news/harbour_storm")]  # fmt: skip
    refused = ["http://0.0.0.0/news/x", "http://[::ffff:127.0.0.1]/news/y"]
    site.add("/robots.txt", Response(b"User-agent: *\nCrawl-delay: 0\n"))  # queued at once
    _feed(site, "/mixed.xml", [refused[0], good[0], refused[1], good[1]])
    created = _register(call_api, named_hosts("news.example", "/mixed.xml"))
    assert created.status == 201, created.body
    assert created.body["poll"] == {
        "result": "ok",
        "entries": 4,
        "queued": 2,
        "disallowed": 0,
        "refused": 2,
        "deferred": 0,
        "abandoned": 0,
    }
    assert sorted(job["url"] for job in aws.queued_bodies()) == sorted(good)
    for url in refused:  # each refused entry's id says why
        got = call_api(api_event("api_article_get", path=f"/articles/{brief_id(url)}"))
        assert got.status == 403 and got.body["error"]["code"] == "destination_refused"
    feed = bootstrap.feed_store().get_feed(created.body["id"])
    assert feed.status == "active" and feed.failures == 0


def test_robots_is_read_only_for_the_entries_this_poll_queues(call_api, site, named_hosts):
    site.add("/robots.txt", Response(b"User-agent: *\nCrawl-delay: 0\n"))
    links = [named_hosts(f"host{i}.example", f"/a/{i}") for i in range(200)]
    _feed(site, "/wide.xml", links)
    created = _register(call_api, named_hosts("wire.example", "/wide.xml"))
    assert created.status == 201, created.body
    poll = created.body["poll"]
    assert poll["entries"] == 200 and poll["queued"] == crawl.MAX_NEW_PER_RUN
    reads = _robots_reads(site)
    hosts_queued = {f"host{i}.example:{site.port}" for i in range(crawl.MAX_NEW_PER_RUN)}
    # The feed's own host, then one read per host of the 50 newest entries: no more.
    assert sorted(reads) == sorted({f"wire.example:{site.port}"} | hosts_queued)

    site.requests.clear()
    _feed(site, "/same.xml", links[:50])  # another feed, listing only known articles
    again = _register(call_api, named_hosts("wire.example", "/same.xml"))
    assert again.body["poll"]["queued"] == 0 and _robots_reads(site) == []  # cached, none new


def test_hosts_that_never_answer_cannot_hold_a_first_poll(
    call_api, site, named_hosts, silent, monkeypatch
):
    monkeypatch.setattr(crawl, "ROBOTS_TIMEOUT_SECONDS", 1.0)
    good = [named_hosts("news.example", "/news/tram_line")]
    hanging = [f"http://hang{i}.example:{silent.port}/story" for i in range(6)]
    _feed(site, "/hang.xml", hanging + good)
    started = time.monotonic()
    created = _register(call_api, named_hosts("news.example", "/hang.xml"))
    elapsed = time.monotonic() - started
    assert created.status == 201, created.body
    assert created.body["poll"]["queued"] == 1 and created.body["poll"]["deferred"] == 6
    assert silent.accepted == 6  # each hanging host was tried once, all at the same time
    assert elapsed < 2 * crawl.ROBOTS_TIMEOUT_SECONDS + 2
    for url in hanging:  # released: a later poll tries them again
        assert bootstrap.store().find_url(brief_id(url)) is None


def test_a_first_poll_out_of_time_registers_nothing_and_says_so(
    call_api, site, named_hosts, aws, monkeypatch
):
    monkeypatch.setattr(crawl, "FIRST_POLL_BUDGET_SECONDS", 1.5)
    release = threading.Event()

    def stalls(handler: BaseHTTPRequestHandler) -> None:
        release.wait(10)  # answers only once the test is over

    site.add("/slow.xml", stalls)
    started = time.monotonic()
    try:
        answer = _register(call_api, named_hosts("news.example", "/slow.xml"))
    finally:
        release.set()
    assert time.monotonic() - started < 5
    assert answer.status == 504, answer.body
    assert answer.body["error"]["code"] == "poll_timeout"
    assert "nothing was registered" in answer.body["error"]["message"]
    assert call_api(api_event("api_feeds_list")).body["items"] == []
    assert aws.queued_bodies() == []


def test_an_unreachable_feed_host_is_could_not_connect(call_api, site):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    answer = _register(call_api, f"http://127.0.0.1:{port}/feed.xml")
    assert answer.status == 502, answer.body
    assert answer.body["error"]["code"] == "fetch_failed"
    assert "could not connect" in answer.body["error"]["message"]
    assert "disallows" not in answer.body["error"]["message"]


def test_a_scheduled_poll_out_of_time_keeps_what_it_queued(
    site, named_hosts, silent, aws, monkeypatch
):
    monkeypatch.setattr(crawl, "ROBOTS_TIMEOUT_SECONDS", 0.5)
    monkeypatch.setattr(crawl, "ROBOTS_CONCURRENCY", 1)  # one site after another, in order
    site.add("/robots.txt", Response(b"User-agent: *\nCrawl-delay: 0\n"))
    good = [named_hosts(f"fast{i}.example", "/news/tram_line") for i in range(3)]
    hanging = [f"http://hang{i}.example:{silent.port}/story" for i in range(10)]
    _feed(site, "/later.xml", good + hanging)
    sent: list[tuple[str, int]] = []
    store = bootstrap.feed_store()
    fetcher = default_fetcher()
    poller = FeedPoller(store, sent.extend, fetcher, RobotsCache(fetcher, "newsbrief/0.1"), store)
    outcome, _ = poller.register(named_hosts("news.example", "/later.xml"), 30)
    assert outcome is not None
    feed = store.lease_feed(outcome.feed.id, time.time(), 60)
    assert feed is not None
    sent.clear()
    for link in good + hanging:  # forget the first poll: every entry is new again
        store.release_urls([brief_id(link)])
    result = poller.poll(feed, PollBudget(1.2))
    assert result.result == "ok"
    assert sorted(url for url, _ in sent) == sorted(good)  # what was checked is queued
    assert result.queued == 3 and result.deferred == 10
    assert all(store.find_url(brief_id(url)) is None for url in hanging)  # tried next time
    assert store.get_feed(feed.id).failures == 0


def _dead_port() -> int:
    """A loopback port nobody listens on: every connection is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _poller(sent: list[tuple[str, int]]) -> FeedPoller:
    store = bootstrap.feed_store()
    fetcher = default_fetcher()
    return FeedPoller(store, sent.extend, fetcher, RobotsCache(fetcher, "newsbrief/0.1"), store)


def _poll_again(poller: FeedPoller, feed_id: str) -> crawl.PollOutcome:
    """A scheduled poll of the feed, as the next run would make it."""
    feed = poller.store.lease_feed(feed_id, time.time(), 60)
    assert feed is not None
    return poller.poll(feed, PollBudget(10))


def test_entries_whose_robots_never_answers_are_given_up_after_the_cap(
    call_api, site, named_hosts, silent, monkeypatch
):
    monkeypatch.setattr(crawl, "ROBOTS_TIMEOUT_SECONDS", 0.5)
    # Each poll reads robots.txt again, as a new container (or a run past the error TTL) does.
    monkeypatch.setattr(crawl, "ROBOTS_ERROR_TTL_SECONDS", 0.0)
    site.add("/robots.txt", Response(b"User-agent: *\nCrawl-delay: 0\n"))
    good = named_hosts("news.example", "/news/tram_line")
    stalled = f"http://stall.example:{silent.port}/story"  # accepts, never answers
    dead = f"http://dead.example:{_dead_port()}/story"  # refuses every connection
    _feed(site, "/stuck.xml", [good, stalled, dead])
    sent: list[tuple[str, int]] = []
    poller = _poller(sent)
    first, _ = poller.register(named_hosts("news.example", "/stuck.xml"), 30)
    assert first is not None and first.queued == 1
    feed_id = first.feed.id
    stuck = {brief_id(stalled), brief_id(dead)}
    outcomes = [first]
    for _ in range(crawl.MAX_DEFERRALS - 1):
        assert poller.store.get_feed(feed_id).deferrals == dict.fromkeys(stuck, len(outcomes))
        outcomes.append(_poll_again(poller, feed_id))
    assert [(o.deferred, o.abandoned) for o in outcomes] == (
        [(2, 0)] * (crawl.MAX_DEFERRALS - 1) + [(0, 2)]
    )
    assert silent.accepted == crawl.MAX_DEFERRALS  # one robots.txt read per poll
    assert poller.store.get_feed(feed_id).deferrals == {}
    for url in (stalled, dead):  # each id says why it was given up
        got = call_api(api_event("api_article_get", path=f"/articles/{brief_id(url)}"))
        assert got.status == 502 and got.body["error"]["code"] == "fetch_failed"
        why = got.body["error"]["message"]
        assert f"given up after {crawl.MAX_DEFERRALS} polls in a row" in why

    later = _poll_again(poller, feed_id)  # given up: no longer costs a robots.txt read
    assert (later.deferred, later.abandoned, later.queued) == (0, 0, 0)
    assert silent.accepted == crawl.MAX_DEFERRALS
    assert [url for url, _ in sent] == [good]


def test_an_entry_whose_robots_answers_before_the_cap_is_queued(site, named_hosts, monkeypatch):
    monkeypatch.setattr(crawl, "ROBOTS_TIMEOUT_SECONDS", 0.5)
    monkeypatch.setattr(crawl, "ROBOTS_ERROR_TTL_SECONDS", 0.0)
    release = threading.Event()
    late_reads: list[int] = []

    def robots(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("Host", "").startswith("late.example") and (
            len(late_reads) < crawl.MAX_DEFERRALS - 1
        ):
            late_reads.append(1)
            release.wait(5)  # silent past the read's timeout, then hangs up
            handler.close_connection = True
            return
        body = b"User-agent: *\nCrawl-delay: 0\n"
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    site.add("/robots.txt", robots)
    late = named_hosts("late.example", "/news/harbour_storm")
    _feed(site, "/late.xml", [late])
    sent: list[tuple[str, int]] = []
    poller = _poller(sent)
    try:
        first, _ = poller.register(named_hosts("news.example", "/late.xml"), 30)
        assert first is not None and first.deferred == 1
        outcomes = [first]
        while len(outcomes) < crawl.MAX_DEFERRALS:
            outcomes.append(_poll_again(poller, first.feed.id))
    finally:
        release.set()
    assert [(o.deferred, o.queued, o.abandoned) for o in outcomes] == (
        [(1, 0, 0)] * (crawl.MAX_DEFERRALS - 1) + [(0, 1, 0)]
    )
    assert [url for url, _ in sent] == [late]  # queued as normal once robots.txt answered
    assert poller.store.get_feed(first.feed.id).deferrals == {}  # its streak ended


def test_a_feed_with_entries_left_for_later_is_read_in_full_until_none_is_left(
    site, named_hosts, monkeypatch
):
    """A 304 would hide the deferred entries until the feed changes: no conditional GET then."""
    monkeypatch.setattr(crawl, "ROBOTS_ERROR_TTL_SECONDS", 0.0)
    site.add("/robots.txt", Response(b"User-agent: *\nCrawl-delay: 0\n"))
    dead = f"http://dead.example:{_dead_port()}/story"
    body = _rss([named_hosts("news.example", "/news/tram_line"), dead])
    site.add("/etag.xml", lambda h: answer_with_etag(h, body, '"v1"', "application/rss+xml"))
    poller = _poller([])
    first, _ = poller.register(named_hosts("news.example", "/etag.xml"), 30)
    assert first is not None and (first.queued, first.deferred) == (1, 1)
    outcomes = [_poll_again(poller, first.feed.id) for _ in range(crawl.MAX_DEFERRALS)]
    conditional = [h.get("If-None-Match") for _, p, h in site.requests if p == "/etag.xml"]
    # Read in full while the entry waits (each time it is tried again), then given up; once
    # nothing is left, the feed is asked conditionally and its 304 costs nothing.
    assert conditional == [None] * crawl.MAX_DEFERRALS + ['"v1"']
    assert [(o.result, o.deferred, o.abandoned) for o in outcomes] == [
        *[("ok", 1, 0)] * (crawl.MAX_DEFERRALS - 2), ("ok", 0, 1), ("not_modified", 0, 0)
    ]
