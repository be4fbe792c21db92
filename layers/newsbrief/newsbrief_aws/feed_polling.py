"""Wiring of the feed poller for the Lambda functions: store, queue, fetcher, robots cache.

Built lazily from :mod:`newsbrief_aws.bootstrap` (settings parsed once there). The robots.txt
cache lives for the life of a warm container, so a scheduler run every few minutes reads each
site's robots.txt about once an hour, not once per run.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from newsbrief.errors import StoreUnavailable

from newsbrief_aws.dynamodb import sdk_errors

from . import bootstrap
from .queue import SQS_BATCH, BriefJob

if TYPE_CHECKING:
    # newsbrief.crawl parses feeds with lxml: the API's read routes (GET /feeds...) import
    # this module but must not load the XML parser, so crawl is imported where it is used.
    from newsbrief.crawl import FeedPoller, RobotsCache


@cache
def robots() -> RobotsCache:
    """robots.txt per host, cached for the container's life (see crawl.ROBOTS_TTL_SECONDS)."""
    from newsbrief.crawl import RobotsCache

    return RobotsCache(_fetcher(), bootstrap.fetch_settings().user_agent)


@cache
def _fetcher():  # noqa: ANN202 - a crawl.Fetcher
    from newsbrief.crawl import default_fetcher

    return default_fetcher()


def enqueue(jobs: list[tuple[str, int]]) -> None:
    """Queue ``(url, delay_seconds)`` pairs as brief jobs; the delay paces each host.

    The message body is the worker's :class:`BriefJob`; SQS holds each message back for its
    delay, so workers fetch one site at the pace its robots.txt (or our default) asks for.
    """
    from newsbrief.crawl import MAX_QUEUE_DELAY_SECONDS

    queue = bootstrap.queue()
    for start in range(0, len(jobs), SQS_BATCH):
        batch = jobs[start : start + SQS_BATCH]
        entries = [
            {
                "Id": str(i),
                "MessageBody": BriefJob(url=url).model_dump_json(),
                "DelaySeconds": max(0, min(delay, MAX_QUEUE_DELAY_SECONDS)),
            }
            for i, (url, delay) in enumerate(batch)
        ]
        try:
            out = queue.client.send_message_batch(QueueUrl=queue.queue_url, Entries=entries)
        except sdk_errors() as exc:
            raise StoreUnavailable(f"cannot queue feed articles: {type(exc).__name__}") from exc
        if out.get("Failed"):
            codes = sorted({f.get("Code", "?") for f in out["Failed"]})
            raise StoreUnavailable(
                f"{len(out['Failed'])} feed article(s) could not be queued ({', '.join(codes)})"
            )


def poller() -> FeedPoller:
    """The feed poller on this function's table, queue and robots cache.

    The store is also the pacing limiter, so every concurrent run shares each host's slots.
    """
    from newsbrief.crawl import FeedPoller

    store = bootstrap.feed_store()
    return FeedPoller(store, enqueue, _fetcher(), robots(), limiter=store)


def reset() -> None:
    """Forget the cached fetcher and robots.txt answers (tests switch environments)."""
    robots.cache_clear()
    _fetcher.cache_clear()
