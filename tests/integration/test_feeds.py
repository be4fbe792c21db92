"""Feeds end to end in-process: API + scheduler + worker handlers, moto, loopback sites.

A loopback "site" serves robots.txt, an RSS feed (with ETag) and article pages. The tests
register the feed through the API, drain the queue through the worker handler the way Lambda's
SQS poller would, tick the scheduler, and check: each new article is briefed exactly once, a
second run adds nothing, robots.txt is obeyed, a poisoned message ends in the DLQ while the rest
of its batch succeeds, a failing feed backs off and is disabled.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from newsbrief.crawl import MAX_FAILURES, FeedPoller, RobotsCache, default_fetcher, iso
from newsbrief.pipeline import brief_id
from newsbrief_aws import bootstrap, feed_polling

from tests.integration.conftest import api_event, lambda_context, load_event, sqs_event
from tests.support.loopback import LoopbackServer, Response, answer_with_etag

pytestmark = pytest.mark.usefixtures("aws")

PAST = "2000-01-01T00:00:00+00:00"


class FeedSite:
    """The feed of a loopback site: items can be added; ETag changes with the content."""

    def __init__(self, site: LoopbackServer, path: str = "/feed.xml") -> None:
        self.site = site
        self.path = path
        self.items: list[str] = []
        site.add(path, self._serve)

    @property
    def url(self) -> str:
        return self.site.url(self.path)

    def body(self) -> bytes:
        items = "".join(
            f"<item><title>Story {i}</title><link>{link}</link>"
            f"<pubDate>Wed, 25 Nov 2026 {10 + i:02d}:00:00 +0000</pubDate></item>"
            for i, link in enumerate(self.items)
        )
        return (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback News</title>'
            f"<link>{self.site.url('/')}</link>{items}</channel></rss>"
        ).encode()

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        body = self.body()
        etag = f'"{len(self.items)}-{hash(body) & 0xFFFF:x}"'
        answer_with_etag(handler, body, etag, "application/rss+xml; charset=utf-8")


@pytest.fixture(autouse=True)
def _fresh_feed_wiring() -> Iterator[None]:
    feed_polling.reset()  # the fetcher and robots cache read the test's environment
    yield
    feed_polling.reset()


@pytest.fixture
def news(site: LoopbackServer) -> FeedSite:
    """A site whose robots.txt forbids /private/ and asks for no delay (tests stay fast)."""
    site.add("/robots.txt", Response(b"User-agent: *\nDisallow: /private/\nCrawl-delay: 0\n",
                                     headers={"Content-Type": "text/plain"}))  # fmt: skip
    site.add("/private/secret", site.routes["/news/tram_line"])
    feed = FeedSite(site)
    feed.items = [
        site.url("/news/tram_line"),
        site.url("/news/harbour_storm"),
        site.url("/private/secret"),
        site.url("/news/tram_line?utm_source=rss"),  # the same article, tracked
    ]
    return feed


def _register(call_api, url: str, **extra):
    return call_api(api_event("api_feeds_create", body={"url": url, **extra}))


def _make_due(feed_id: str) -> None:
    store = bootstrap.feed_store()
    feed = store.get_feed(feed_id)
    feed.next_poll_at = PAST
    store.save_feed(feed)


def _tick(context) -> dict:
    from functions.scheduler.app import handler

    return handler(load_event("scheduler"), lambda_context(300))  # its template Timeout: 300 s


def _drain(aws, call_worker, rounds: int = 4) -> None:
    """What Lambda's SQS poller does: receive, invoke, delete successes, let failures return."""
    for _ in range(rounds):
        out = aws.sqs.receive_message(
            QueueUrl=aws.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"]
        )
        messages = out.get("Messages", [])
        if not messages:
            continue
        event = sqs_event([m["Body"] for m in messages])
        for record, message in zip(event["Records"], messages, strict=True):
            record["messageId"] = message["MessageId"]
            record["attributes"]["ApproximateReceiveCount"] = message["Attributes"][
                "ApproximateReceiveCount"
            ]
        failed = set(call_worker(event))
        for message in messages:
            if message["MessageId"] in failed:  # back to the queue at once (no 720 s wait)
                aws.sqs.change_message_visibility(
                    QueueUrl=aws.queue_url, ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=0,
                )  # fmt: skip
            else:
                aws.sqs.delete_message(
                    QueueUrl=aws.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )


def test_register_polls_once_obeys_robots_and_dedups(call_api, news, aws):
    created = _register(call_api, news.url, interval_minutes=15)
    assert created.status == 201, created.body
    body = created.body
    assert body["status"] == "active" and body["kind"] == "rss"
    assert body["title"] == "Loopback News"
    assert body["poll"] == {
        "result": "ok",
        "entries": 3,
        "queued": 2,
        "disallowed": 1,
        "refused": 0,
        "deferred": 0,
        "abandoned": 0,
    }
    assert body["article_count"] == 2 and body["interval_minutes"] == 15
    queued = sorted(job["url"] for job in aws.queued_bodies())
    assert queued == [news.site.url("/news/harbour_storm"), news.site.url("/news/tram_line")]
    assert not any(path.startswith("/private/") for _, path, _ in news.site.requests)
    ua = next(h for _, p, h in news.site.requests if p == "/feed.xml")["User-Agent"]
    assert ua.startswith("newsbrief/")

    again = _register(call_api, news.url)
    assert again.status == 200 and again.body["id"] == body["id"] and again.body["poll"] is None
    assert aws.queued_bodies() == []


def test_scheduler_second_run_adds_nothing_and_new_items_are_queued_once(
    call_api, news, aws, context
):
    feed_id = _register(call_api, news.url).body["id"]
    assert len(aws.queued_bodies()) == 2
    assert _tick(context)["polled"] == 0  # not due yet

    _make_due(feed_id)
    report = _tick(context)
    assert report == {  # 304
        "polled": 1,
        "queued": 0,
        "failed": 0,
        "unchanged": 1,
        "timed_out": 0,
        "abandoned": 0,
    }
    assert aws.queued_bodies() == []

    news.items.append(news.site.url("/news/extra_story"))
    _make_due(feed_id)
    assert _tick(context)["queued"] == 1
    assert [j["url"] for j in aws.queued_bodies()] == [news.site.url("/news/extra_story")]

    # Content changed but only with known items (validators lost): still nothing new.
    news.items.append(news.site.url("/news/tram_line#comments"))
    _make_due(feed_id)
    assert _tick(context)["queued"] == 0
    feed = call_api(api_event("api_feed_get", path=f"/feeds/{feed_id}")).body
    assert feed["article_count"] == 3 and feed["last_result"] == "ok"
    assert feed["last_polled_at"] is not None and feed["next_poll_at"] > feed["last_polled_at"]


def test_two_feeds_listing_one_article_queue_it_once(call_api, news, aws):
    other = FeedSite(news.site, "/other.xml")
    other.items = [news.site.url("/news/tram_line"), news.site.url("/news/cookie_wall")]
    assert _register(call_api, news.url).body["poll"]["queued"] == 2
    assert _register(call_api, other.url).body["poll"]["queued"] == 1
    urls = [j["url"] for j in aws.queued_bodies()]
    assert len(urls) == len(set(urls)) == 3


def test_every_new_article_is_briefed_exactly_once(call_api, call_worker, news, aws, context):
    seen_before = len(news.site.requests)
    feed_id = _register(call_api, news.url).body["id"]
    _drain(aws, call_worker)
    _make_due(feed_id)
    _tick(context)
    _drain(aws, call_worker)
    listed = call_api(api_event("api_feed_articles", path=f"/feeds/{feed_id}/articles")).body
    assert len(listed["items"]) == 3
    brief_ids = set()
    for item in listed["items"]:
        got = call_api(api_event("api_article_get", path=f"/articles/{item['id']}"))
        if "/private/" in item["url"]:  # skipped, and its id says why
            assert got.status == 403 and "robots.txt" in got.body["error"]["message"]
            continue
        assert got.status == 200, got.body
        brief_ids.add(got.body["id"])
    assert len(brief_ids) == 2
    requests = news.site.requests[seen_before:]
    article_fetches = [p for _, p, _ in requests if p.startswith("/news/")]
    assert sorted(article_fetches) == ["/news/harbour_storm", "/news/tram_line"]  # once each


def test_poisoned_message_ends_in_dlq_while_the_batch_succeeds(call_api, call_worker, news, aws):
    aws.sqs.send_message(QueueUrl=aws.queue_url, MessageBody="{not a brief job")
    _register(call_api, news.url)
    _drain(aws, call_worker, rounds=5)
    dead = aws.sqs.receive_message(QueueUrl=aws.dlq_url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in dead] == ["{not a brief job"]
    for path in ("/news/tram_line", "/news/harbour_storm"):
        got = call_api(
            api_event("api_article_get", path=f"/articles/{brief_id(news.site.url(path))}")
        )
        assert got.status == 200, got.body


def test_failing_feed_backs_off_then_is_disabled_and_can_be_re_enabled(call_api, site, aws):
    site.add("/flaky.xml", Response(b"down for maintenance", status=503))
    poller = feed_polling.poller()
    now = [1_800_000_000.0]
    poller.clock = lambda: now[0]
    with pytest.raises(Exception) as first:  # the first poll fails: nothing is registered
        poller.register(site.url("/flaky.xml"), 30)
    assert getattr(first.value, "code", None) == "fetch_failed"
    assert call_api(api_event("api_feeds_list")).body["items"] == []

    site.add("/flaky.xml", FeedSite(site, "/good.xml")._serve)
    outcome, created = poller.register(site.url("/flaky.xml"), 30)
    assert created and outcome is not None and outcome.result == "ok"
    site.add("/flaky.xml", Response(b"down", status=503))
    store = bootstrap.feed_store()
    feed_id = outcome.feed.id
    waits = []
    for attempt in range(1, MAX_FAILURES + 1):
        feed = store.lease_feed(feed_id, now[0], 60)
        assert feed is not None
        result = poller.poll(feed)
        assert result.result == "error" and result.feed.failures == attempt
        if attempt < MAX_FAILURES:
            assert result.feed.status == "failing"
            waits.append(result.feed.next_poll_at)
        now[0] += 10
    assert waits == sorted(waits) and len(set(waits)) == len(waits)  # growing backoff
    disabled = store.get_feed(feed_id)
    assert disabled.status == "disabled" and disabled.next_poll_at is None
    assert disabled.last_error and disabled.last_error["code"] == "fetch_failed"
    assert feed_id not in store.due_feeds(iso(now[0] + 10**8))

    site.add("/flaky.xml", FeedSite(site, "/good2.xml")._serve)
    outcome, created = poller.register(site.url("/flaky.xml"), 30)
    assert not created and outcome is not None and outcome.feed.status == "active"


def test_feed_routes_validate_and_answer_errors(call_api, site, aws):
    site.add("/home", Response(b"<html><body><p>No feed here</p></body></html>"))
    not_feed = _register(call_api, site.url("/home"))
    assert not_feed.status == 422 and not_feed.body["error"]["code"] == "invalid_feed"
    assert _register(call_api, "ftp://x.example/feed").status == 400
    assert _register(call_api, "http://x.example:99999/feed").status == 400
    refused = _register(call_api, "http://10.20.30.40/feed.xml")
    assert refused.status == 403 and refused.body["error"]["code"] == "destination_refused"
    assert _register(call_api, site.url("/feed.xml"), interval_minutes=1).status == 400
    missing = "0" * 24
    for name, path in [("api_feed_get", f"/feeds/{missing}"),
                       ("api_feed_articles", f"/feeds/{missing}/articles"),
                       ("api_feed_delete", f"/feeds/{missing}")]:  # fmt: skip
        got = call_api(api_event(name, path=path))
        assert got.status == 404 and got.body["error"]["code"] == "not_found"
    assert call_api(api_event("api_feed_get", path="/feeds/not-an-id")).status == 400


def test_list_and_delete_feeds(call_api, news, aws):
    first = _register(call_api, news.url).body["id"]
    other = FeedSite(news.site, "/other.xml")
    other.items = [news.site.url("/news/cookie_wall")]
    second = _register(call_api, other.url).body["id"]
    page = call_api(api_event("api_feeds_list", query={"limit": "1"})).body
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = call_api(api_event("api_feeds_list", query={"cursor": page["next_cursor"]})).body
    assert {page["items"][0]["id"], rest["items"][0]["id"]} == {first, second}

    gone = call_api(api_event("api_feed_delete", path=f"/feeds/{first}"))
    assert gone.status == 204
    assert call_api(api_event("api_feed_get", path=f"/feeds/{first}")).status == 404
    assert [f["id"] for f in call_api(api_event("api_feeds_list")).body["items"]] == [second]


def test_host_pacing_is_shared_through_the_table(aws):
    store = bootstrap.feed_store()
    assert store.reserve("news.example", 2.0, count=3) == 0.0
    wait = store.reserve("news.example", 2.0)
    assert 5.0 < wait <= 6.0  # behind the three slots reserved before
    assert store.reserve("other.example", 2.0) == 0.0


def test_crawl_delay_spaces_queued_messages(site, aws, monkeypatch):
    site.add("/robots.txt", Response(b"User-agent: *\nCrawl-delay: 5\n"))
    feed = FeedSite(site)
    feed.items = [site.url(f"/news/a{i}") for i in range(3)]
    sent: list[tuple[str, int]] = []
    store = bootstrap.feed_store()
    fetcher = default_fetcher()
    poller = FeedPoller(store, sent.extend, fetcher, RobotsCache(fetcher, "newsbrief/0.1"), store)
    outcome, _ = poller.register(feed.url, 30)
    assert outcome is not None and outcome.queued == 3
    assert sorted(delay for _, delay in sent) == [0, 5, 10]


def test_scheduler_event_sample_is_an_eventbridge_tick():
    event = load_event("scheduler")
    assert event["detail-type"] == "Scheduled Event" and json.dumps(event)


def test_store_trouble_does_not_count_against_the_feed(call_api, news, aws, monkeypatch):
    from newsbrief.errors import StoreUnavailable

    feed_id = _register(call_api, news.url).body["id"]
    news.items.append(news.site.url("/news/late"))
    store = bootstrap.feed_store()

    def broken(*args, **kwargs):
        raise StoreUnavailable("throttled")

    monkeypatch.setattr(type(store), "claim_urls", broken)
    _make_due(feed_id)
    report = _tick(None)
    assert report["failed"] == 1 and report["queued"] == 0
    feed = store.get_feed(feed_id)
    assert feed.failures == 0 and feed.status == "active"  # not the feed's fault
