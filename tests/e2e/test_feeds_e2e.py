"""Feeds on the local stack: the schedule from template.yaml polls, the worker briefs, over HTTP.

The stack runs with its schedules sped up (the 5-minute tick fires several times a second), so
a feed made due is polled within a moment, with no test calling the scheduler itself.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import boto3
import pytest

from tests.e2e.conftest import RunningStack, page
from tests.support.loopback import LoopbackServer, Response, answer_with_etag

pytestmark = pytest.mark.e2e


PAST = "2000-01-01T00:00:00+00:00"


class Feed:
    """An RSS feed with ETag support whose items the test can change."""

    def __init__(self, server: LoopbackServer) -> None:
        self.server = server
        self.paths = ["/news/river", "/news/chips", "/private/trains"]
        server.add("/feed.xml", self.serve)

    def body(self) -> bytes:
        items = "".join(
            f"<item><title>{p}</title><link>{self.server.url(p)}</link>"
            f"<pubDate>Thu, 26 Nov 2026 0{i}:00:00 +0000</pubDate></item>"
            for i, p in enumerate(self.paths)
        )
        return f'<rss version="2.0"><channel><title>E2E</title>{items}</channel></rss>'.encode()

    def serve(self, handler: BaseHTTPRequestHandler) -> None:
        answer_with_etag(handler, self.body(), f'"{len(self.paths)}"', "application/rss+xml")


@pytest.fixture(scope="module")
def site() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.add("/robots.txt", Response(b"User-agent: *\nDisallow: /private/\nCrawl-delay: 0\n"))
    server.add("/news/river", Response(page("river_dredging.html")))
    server.add("/news/chips", Response(page("chip_plant.html")))
    server.add("/news/trains", Response(page("night_trains.html")))
    server.add("/private/trains", Response(page("night_trains.html")))
    server.start()
    yield server
    server.stop()


def _dynamodb(stack: RunningStack) -> tuple[Any, str]:
    client = boto3.client(
        "dynamodb", endpoint_url=stack.moto_endpoint, region_name="us-east-1",
        aws_access_key_id="local", aws_secret_access_key="local",
    )  # fmt: skip
    (table,) = client.list_tables()["TableNames"]
    return client, table


def _make_due(stack: RunningStack, feed_id: str) -> None:
    """What time does on its own: the feed's next poll time has come."""
    client, table = _dynamodb(stack)
    client.update_item(
        TableName=table,
        Key={"pk": {"S": f"FEED#{feed_id}"}, "sk": {"S": "FEED"}},
        UpdateExpression="SET next_poll_at = :t, gsi2sk = :k",
        ExpressionAttributeValues={":t": {"S": PAST}, ":k": {"S": f"{PAST}#{feed_id}"}},
    )


def _wait_polled(stack: RunningStack, feed_id: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        feed = stack.request("GET", f"/feeds/{feed_id}").json
        if feed["next_poll_at"] and feed["next_poll_at"] > PAST:
            return feed
        time.sleep(0.3)
    raise AssertionError(f"the schedule did not poll feed {feed_id} in {timeout} s")


def _article_fetches(site: LoopbackServer) -> list[str]:
    return sorted(p for _, p, _ in site.requests if p.startswith(("/news/", "/private/")))


def test_scheduled_feed_briefs_each_new_article_once(stack: RunningStack, site: LoopbackServer):
    feed = Feed(site)
    created = stack.request("POST", "/feeds", {"url": site.url("/feed.xml")})
    assert created.status == 201, created.raw
    feed_id = created.json["id"]
    assert created.json["poll"] == {
        "result": "ok",
        "entries": 3,
        "queued": 2,
        "disallowed": 1,
        "refused": 0,
        "deferred": 0,
        "abandoned": 0,
    }

    articles = stack.request("GET", f"/feeds/{feed_id}/articles").json["items"]
    assert len(articles) == 3
    for item in articles:  # briefed by the worker on its own; the forbidden one says why
        expected = 403 if "/private/" in item["url"] else 200
        assert stack.wait_for(f"/articles/{item['id']}", expected, timeout=60).status == expected

    _make_due(stack, feed_id)  # a scheduled run with nothing new: 304, nothing queued
    polled = _wait_polled(stack, feed_id)
    assert polled["last_result"] == "not_modified" and polled["article_count"] == 2

    feed.paths.append("/news/trains")
    _make_due(stack, feed_id)
    polled = _wait_polled(stack, feed_id)
    assert polled["last_result"] == "ok" and polled["article_count"] == 3
    newest = stack.request("GET", f"/feeds/{feed_id}/articles?limit=1").json["items"][0]
    assert newest["url"] == site.url("/news/trains")
    assert stack.wait_for(f"/articles/{newest['id']}", timeout=60).status == 200

    time.sleep(1)  # any duplicate message would have been delivered by now
    assert _article_fetches(site) == ["/news/chips", "/news/river", "/news/trains"]  # once each
    listed = stack.request("GET", "/feeds").json["items"]
    assert [(f["id"], f["status"]) for f in listed] == [(feed_id, "active")]


def test_poisoned_message_is_parked_while_feed_articles_are_briefed(
    stack: RunningStack, site: LoopbackServer
):
    sqs = stack.sqs()
    queue = next(u for u in sqs.list_queues()["QueueUrls"] if u.endswith("BriefQueue"))
    dlq = next(u for u in sqs.list_queues()["QueueUrls"] if u.endswith("BriefDeadLetterQueue"))
    sqs.send_message(QueueUrl=queue, MessageBody='{"no": "url"}')
    site.add("/second.xml", Response(
        f'<rss><channel><item><link>{site.url("/news/second")}</link></item></channel></rss>'
        .encode()
    ))  # fmt: skip
    site.add("/news/second", Response(page("chip_plant.html").replace(b"chip", b"wafer")))
    created = stack.request("POST", "/feeds", {"url": site.url("/second.xml")})
    assert created.status == 201, created.raw
    (item,) = stack.request("GET", f"/feeds/{created.json['id']}/articles").json["items"]
    assert stack.wait_for(f"/articles/{item['id']}", timeout=60).status == 200
    deadline = time.monotonic() + 40
    parked: list[str] = []
    while not parked and time.monotonic() < deadline:
        out = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=0)
        parked = [m["Body"] for m in out.get("Messages", [])]
        time.sleep(0.5)
    assert '{"no": "url"}' in parked
