"""Wiring of the feed poller for the Lambda functions: store, queue, fetcher, robots cache.

Built lazily from :mod:`newsbrief_aws.bootstrap` (settings parsed once there). The robots.txt
cache lives for the life of a warm container, so a scheduler run every few minutes reads each
site's robots.txt about once an hour, not once per run.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from . import bootstrap
from .queue import BriefJob

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

    bootstrap.queue().enqueue(
        [BriefJob(url=url) for url, _ in jobs],
        delays=[max(0, min(delay, MAX_QUEUE_DELAY_SECONDS)) for _, delay in jobs],
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
