"""The work queue is down while feeds are polled: nothing is lost, a later run catches up.

A feed's new articles are claimed in the table before they are queued; when queueing fails
the claims are released (deleted), so the next poll claims and queues them again instead of
believing they were queued. Both callers are covered: the API's first poll of a new feed and
the scheduler's runs.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from newsbrief.pipeline import brief_id
from newsbrief_aws import bootstrap, feed_polling

from tests.integration.conftest import api_event, lambda_context, load_event
from tests.support.loopback import LoopbackServer, Response

PAST = "2000-01-01T00:00:00+00:00"


@pytest.fixture(autouse=True)
def _fresh_feed_wiring() -> Iterator[None]:
    feed_polling.reset()
    yield
    feed_polling.reset()


def _feed(site: LoopbackServer, paths: list[str]) -> str:
    # No pacing delay: queued messages are visible at once.
    site.add("/robots.txt", Response(b"User-agent: *\nCrawl-delay: 0\n"))
    items = "".join(f"<item><link>{site.url(p)}</link></item>" for p in paths)
    body = f'<rss version="2.0"><channel><title>Outage</title>{items}</channel></rss>'
    return site.add("/outage.xml", Response(body.encode(), headers={"Content-Type": "text/xml"}))


def _claimed(aws, url: str) -> bool:
    key = {"pk": {"S": f"URL#{brief_id(url)}"}, "sk": {"S": "URL"}}
    return "Item" in aws.dynamodb.get_item(TableName=aws.table_name, Key=key)


def _queue_down(aws) -> None:
    aws.sqs.delete_queue(QueueUrl=aws.queue_url)


def _queue_back(aws) -> None:
    attributes = {"VisibilityTimeout": "1080"}
    url = aws.sqs.create_queue(QueueName=aws.queue_url.rsplit("/", 1)[1], Attributes=attributes)
    assert url["QueueUrl"] == aws.queue_url


def _tick() -> dict:
    from functions.scheduler.app import handler

    return handler(load_event("scheduler"), lambda_context(300))


def test_a_new_feed_polled_while_the_queue_is_down_leaves_no_claim(call_api, site, aws):
    url = _feed(site, ["/news/tram_line"])
    _queue_down(aws)
    created = call_api(api_event("api_feeds_create", body={"url": url}))
    assert (created.status, created.body["error"]["code"]) == (503, "store_unavailable")
    assert not _claimed(aws, site.url("/news/tram_line"))  # released: nothing believes it queued
    assert call_api(api_event("api_feeds_list")).body["items"] == []  # nor registered
    _queue_back(aws)
    again = call_api(api_event("api_feeds_create", body={"url": url}))
    assert again.status == 201 and again.body["poll"]["queued"] == 1
    assert [job["url"] for job in aws.queued_bodies()] == [site.url("/news/tram_line")]


def test_a_scheduled_run_during_an_outage_is_caught_up_by_the_next(call_api, site, aws):
    url = _feed(site, ["/news/tram_line"])
    feed_id = call_api(api_event("api_feeds_create", body={"url": url})).body["id"]
    assert len(aws.queued_bodies()) == 1
    _feed(site, ["/news/tram_line", "/news/harbour_storm"])
    store = bootstrap.feed_store()

    def make_due() -> None:
        feed = store.get_feed(feed_id)
        feed.next_poll_at = PAST
        store.save_feed(feed)

    make_due()
    _queue_down(aws)
    assert _tick()["failed"] == 1
    assert not _claimed(aws, site.url("/news/harbour_storm"))
    _queue_back(aws)
    make_due()
    assert _tick()["queued"] == 1
    assert [job["url"] for job in aws.queued_bodies()] == [site.url("/news/harbour_storm")]
