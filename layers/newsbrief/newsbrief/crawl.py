"""Politeness and feed polling: robots.txt, per-host pacing, conditional GET, per-run caps.

Everything here is storage-agnostic. The pacing state is behind the :class:`RateLimiter`
protocol: :class:`MemoryRateLimiter` serves one process (the CLI); the store provides a
DynamoDB-backed one shared by concurrent Lambda invocations. Fetching goes through a
``fetcher`` callable (``newsbrief.fetch.fetch_resource`` by default) so tests can hand in fakes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol
from urllib.parse import urlsplit

from .errors import DestinationRefused, FetchFailed, InvalidFeed, InvalidInput, NewsbriefError
from .feed_parser import Feed, FeedEntry, discover_feeds, parse_feed
from .models import FeedLink, FeedRecord, Resource

Fetcher = Callable[[str, Mapping[str, str]], Resource]

# robots.txt is re-read hourly: sites change it rarely, and a warm Lambda polls many times.
ROBOTS_TTL_SECONDS = 3600.0
# When robots.txt cannot be read because the server fails (5xx, network), RFC 9309 says to
# assume everything is disallowed; we re-ask sooner than for a good answer.
ROBOTS_ERROR_TTL_SECONDS = 300.0
# RFC 9309 requires parsers to read at least 500 KiB; anything past that is ignored.
ROBOTS_MAX_BYTES = 500 * 1024
# Default gap between two requests to one host when robots.txt sets no Crawl-delay: polite
# for news sites, yet 50 new articles of one site still start within a minute.
DEFAULT_HOST_INTERVAL = 1.0
# A Crawl-delay beyond this would park a worker for minutes; we honour it up to this and
# the per-run cap does the rest.
MAX_HOST_INTERVAL = 30.0
# A feed may list hundreds of items; a run queues at most this many new ones per feed (newest
# first) so one huge sitemap cannot flood the queue; the rest come in later runs.
MAX_NEW_PER_RUN = 50
# A sitemap index may list years of monthly archives: only the newest few can hold news.
MAX_CHILD_SITEMAPS = 3
# Entries checked against the store per run, newest first: a 50,000-URL sitemap is an
# archive, and checking all of it every run would cost 500 batch reads for nothing new.
MAX_CANDIDATES_PER_RUN = 1000
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/plain;q=0.5, text/html;q=0.3, */*;q=0.1"
)


def product_token(user_agent: str) -> str:
    """The robots.txt name of a User-Agent string: ``newsbrief/0.1 (+url)`` -> ``newsbrief``."""
    return user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else "*"


def host_of(url: str) -> str:
    """The host (and non-default port) a URL's requests are paced and robots-checked by."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def check_feed_url(url: str) -> str:
    """The feed URL stripped, or :class:`InvalidInput` when it is not an absolute http(s) URL."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number in range
    except ValueError:
        raise InvalidInput(f"not a valid URL: {url[:200]!r}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"a feed URL must be an absolute http(s) URL, got {url[:200]!r}")
    return url


def default_fetcher(accept: str = FEED_ACCEPT) -> Fetcher:
    """A fetcher on :func:`newsbrief.fetch.fetch_resource` with settings from the environment."""
    from .fetch import fetch_resource
    from .settings import FetchSettings

    settings = FetchSettings.from_env()

    def fetch(url: str, headers: Mapping[str, str]) -> Resource:
        return fetch_resource(url, accept=accept, headers=headers, settings=settings)

    return fetch


@dataclass(slots=True)
class _Robots:
    parser: object | None  # a Protego parser, or None for "everything allowed"
    disallow_all: bool
    expires: float


class RobotsCache:
    """robots.txt per host, fetched once and cached (thread-safe; per process)."""

    def __init__(
        self,
        fetcher: Fetcher,
        user_agent: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.fetcher = fetcher
        self.agent = product_token(user_agent)
        self.clock = clock
        self._cache: dict[str, _Robots] = {}
        self._lock = threading.Lock()

    def _load(self, url: str) -> _Robots:
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        now = self.clock()
        try:
            res = self.fetcher(robots_url, {})
        except (DestinationRefused, InvalidInput):
            raise  # the site itself may not be fetched: say so, not "robots.txt disallows"
        except NewsbriefError:
            # Unreachable host: nothing there may be fetched now (RFC 9309 2.3.1.4).
            return _Robots(None, True, now + ROBOTS_ERROR_TTL_SECONDS)
        if res.status >= 500 or res.status == 429:
            return _Robots(None, True, now + ROBOTS_ERROR_TTL_SECONDS)
        if res.status >= 400:  # 4xx: no robots.txt, everything allowed (RFC 9309 2.3.1.3)
            return _Robots(None, False, now + ROBOTS_TTL_SECONDS)
        from protego import Protego

        text = res.body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
        return _Robots(Protego.parse(text), False, now + ROBOTS_TTL_SECONDS)

    def _entry(self, url: str) -> _Robots:
        host = f"{urlsplit(url).scheme}://{host_of(url)}"
        with self._lock:
            entry = self._cache.get(host)
        if entry is None or entry.expires <= self.clock():
            entry = self._load(url)
            with self._lock:
                self._cache[host] = entry
        return entry

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets our user agent fetch ``url``."""
        entry = self._entry(url)
        if entry.disallow_all:
            return False
        if entry.parser is None:
            return True
        return bool(entry.parser.can_fetch(url, self.agent))  # type: ignore[attr-defined]

    def interval(self, url: str, default: float = DEFAULT_HOST_INTERVAL) -> float:
        """Seconds to leave between two requests to ``url``'s host.

        The site's Crawl-delay when it sets one (bounded by ``MAX_HOST_INTERVAL``), else
        ``default``.
        """
        entry = self._entry(url)
        delay = None
        if entry.parser is not None:
            delay = entry.parser.crawl_delay(self.agent)  # type: ignore[attr-defined]
        if delay is None:
            return default
        return min(max(float(delay), 0.0), MAX_HOST_INTERVAL)


class RateLimiter(Protocol):
    """Shared per-host pacing: each call reserves the host's next free request slot."""

    def reserve(self, host: str, interval: float, count: int = 1) -> float:
        """Reserve ``count`` consecutive slots on ``host``; return seconds until the first."""
        ...


class MemoryRateLimiter:
    """Per-host pacing within one process."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, host: str, interval: float, count: int = 1) -> float:
        """Reserve the host's next ``count`` slots and return the wait until the first."""
        with self._lock:
            now = self.clock()
            slot = max(now, self._next.get(host, 0.0))
            self._next[host] = slot + interval * count
            return slot - now


@dataclass(slots=True)
class PollResult:
    """The outcome of polling one feed once."""

    status: Literal["ok", "not_modified"]
    feed_url: str  # the feed actually read (differs when a home page advertised it)
    kind: str | None = None
    title: str | None = None
    entries: list[FeedEntry] = field(default_factory=list)  # allowed by robots, newest first
    disallowed: list[str] = field(default_factory=list)  # entry URLs robots.txt forbids
    etag: str | None = None
    last_modified: str | None = None


def _newest_first(entries: Iterable[FeedEntry]) -> list[FeedEntry]:
    # Undated entries keep their feed order after the dated ones (feeds list newest first).
    listed = list(entries)
    dated = sorted((e for e in listed if e.published), key=lambda e: e.published or "")
    undated = [e for e in listed if not e.published]
    return list(reversed(dated)) + undated


def _get(fetcher: Fetcher, robots: RobotsCache, url: str, headers: Mapping[str, str]) -> Resource:
    if not robots.allowed(url):
        raise FetchFailed(f"robots.txt of {host_of(url)} disallows fetching {url}")
    res = fetcher(url, headers)
    if res.status == 304:
        return res
    if res.status >= 400:
        raise FetchFailed(f"the feed answered HTTP {res.status}")
    return res


def poll_feed(
    url: str,
    fetcher: Fetcher,
    robots: RobotsCache,
    etag: str | None = None,
    last_modified: str | None = None,
    limit: int | None = None,
) -> PollResult:
    """Fetch a feed (conditional GET) and list the entries we may fetch, newest first.

    Follows a home page's advertised feed once and a sitemap index's newest child sitemaps.
    ``limit`` caps the entries returned (the caller dedups first, so it normally passes none).
    Raises ``FetchFailed`` (network, HTTP error, robots.txt forbids the feed) or ``InvalidFeed``.
    """
    url = check_feed_url(url)
    conditional: dict[str, str] = {}
    if etag:
        conditional["If-None-Match"] = etag
    if last_modified:
        conditional["If-Modified-Since"] = last_modified
    res = _get(fetcher, robots, url, conditional)
    if res.status == 304:
        return PollResult("not_modified", url, etag=etag, last_modified=last_modified)
    feed_url = url
    base = res.final_url or url
    try:
        feed = parse_feed(res.body, base_url=base)
    except InvalidFeed:
        advertised = discover_feeds(res.body, base_url=base)
        if not advertised:
            raise
        feed_url = advertised[0]
        res = _get(fetcher, robots, feed_url, {})
        if res.status == 304:  # cannot happen without validators, but never crash on it
            raise InvalidFeed(f"{feed_url} sent no feed") from None
        feed = parse_feed(res.body, base_url=res.final_url or feed_url)
    entries = _entries_of(feed, fetcher, robots)
    result = PollResult(
        "ok",
        feed_url,
        kind=feed.kind,
        title=feed.title,
        etag=res.headers.get("etag"),
        last_modified=res.headers.get("last-modified"),
    )
    for entry in _newest_first(entries):
        if robots.allowed(entry.url):
            result.entries.append(entry)
        else:
            result.disallowed.append(entry.url)
    if limit is not None:
        result.entries = result.entries[:limit]
    return result


def _entries_of(feed: Feed, fetcher: Fetcher, robots: RobotsCache) -> list[FeedEntry]:
    if feed.kind != "sitemap_index":
        return feed.entries
    entries: list[FeedEntry] = []
    children = _newest_first(feed.entries)[:MAX_CHILD_SITEMAPS]
    for child in children:
        try:
            res = _get(fetcher, robots, child.url, {})
            sub = parse_feed(res.body, base_url=res.final_url or child.url)
        except NewsbriefError:
            continue  # one broken archive sitemap must not hide the others
        if sub.kind != "sitemap_index":  # no nesting beyond one level (loops, bombs)
            entries.extend(sub.entries)
    return entries


# ---------------------------------------------------------------------------- scheduled polling

# A feed failing this many polls in a row is disabled (no longer polled) until it is
# registered again: a dead feed must not be retried forever.
MAX_FAILURES = 5
# After a failure the next poll waits interval * 2**failures (exponential backoff), capped.
MAX_BACKOFF_SECONDS = 24 * 3600.0
# How long one run owns a feed: longer than a poll can take (fetch deadline + dedup writes).
POLL_LEASE_SECONDS = 300.0
# SQS cannot delay a message longer than 15 minutes; a URL whose paced slot is further away
# is released and picked up by a later run instead.
MAX_QUEUE_DELAY_SECONDS = 900
# Feeds polled at once in one run: fetches wait on the network, not the CPU.
POLL_CONCURRENCY = 8
# A poll may take the whole fetch deadline (25 s) plus the store writes: a run with less time
# left than this starts no new poll.
POLL_STOP_MARGIN_SECONDS = 40.0

Enqueue = Callable[[list[tuple[str, int]]], None]
"""Queues ``(url, delay_seconds)`` pairs for the worker; raises a NewsbriefError on failure."""


class FeedStorage(Protocol):
    """What the poller needs from the store (``newsbrief_aws.store.FeedStore``)."""

    def add_feed(self, feed: FeedRecord) -> bool: ...  # noqa: D102
    def get_feed(self, feed_id: str) -> FeedRecord: ...  # noqa: D102
    def save_feed(self, feed: FeedRecord) -> bool: ...  # noqa: D102
    def delete_feed(self, feed_id: str) -> None: ...  # noqa: D102
    def due_feeds(self, now_iso: str, limit: int = 100) -> list[str]: ...  # noqa: D102
    def lease_feed(self, feed_id: str, now: float, seconds: float) -> FeedRecord | None: ...  # noqa: D102
    def claim_urls(  # noqa: D102
        self, feed_id: str, links: Sequence[FeedLink], now_iso: str, limit: int | None = None
    ) -> list[FeedLink]: ...
    def release_urls(self, url_keys: Sequence[str]) -> None: ...  # noqa: D102


@dataclass(slots=True)
class PollOutcome:
    """What one poll of one feed did."""

    feed: FeedRecord
    result: Literal["ok", "not_modified", "error", "busy"]
    entries: int = 0  # article entries the feed lists that robots.txt allows
    queued: int = 0  # new article URLs sent to the worker
    disallowed: int = 0  # entries robots.txt forbids
    deferred: int = 0  # new entries left for a later run because of pacing
    error: NewsbriefError | None = None


def iso(ts: float) -> str:
    """Epoch seconds as the ISO 8601 UTC string every stored time uses."""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


class FeedPoller:
    """The feed policy: register, poll due feeds, dedup, pace per host, queue, back off."""

    def __init__(
        self,
        store: FeedStorage,
        enqueue: Enqueue,
        fetcher: Fetcher,
        robots: RobotsCache,
        limiter: RateLimiter,
        max_new: int = MAX_NEW_PER_RUN,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.enqueue = enqueue
        self.fetcher = fetcher
        self.robots = robots
        self.limiter = limiter
        self.max_new = max_new
        self.clock = clock

    def register(self, url: str, interval_minutes: int) -> tuple[PollOutcome | None, bool]:
        """Register a feed and poll it once now; ``(outcome, created)``.

        Registering a known feed changes nothing and polls nothing (``outcome`` is ``None``
        with the stored feed in ``get_feed``), except that a disabled feed is re-enabled and
        polled. A first poll that fails removes the new feed again and raises its error, so a
        wrong URL is answered at once instead of failing silently on a schedule.
        """
        from .pipeline import brief_id

        url = check_feed_url(url)
        now = self.clock()
        feed = FeedRecord(
            id=brief_id(url),
            url=url,
            interval_minutes=interval_minutes,
            created_at=iso(now),
            next_poll_at=iso(now),
        )
        created = self.store.add_feed(feed)
        if not created:
            stored = self.store.get_feed(feed.id)
            if stored.status != "disabled":
                return None, False
            stored.status, stored.failures, stored.next_poll_at = "active", 0, iso(now)
            stored.interval_minutes = interval_minutes
            self.store.save_feed(stored)
        leased = self.store.lease_feed(feed.id, now, POLL_LEASE_SECONDS)
        if leased is None:  # a scheduled run is polling it right now
            return PollOutcome(self.store.get_feed(feed.id), "busy"), created
        outcome = self.poll(leased)
        if outcome.error is not None and created:
            self.store.delete_feed(feed.id)
            raise outcome.error
        return outcome, created

    def poll(self, feed: FeedRecord) -> PollOutcome:
        """Poll one (leased) feed, queue its new articles and store its new state."""
        now = self.clock()
        feed.last_polled_at = iso(now)
        try:
            result = poll_feed(
                feed.url, self.fetcher, self.robots, etag=feed.etag,
                last_modified=feed.last_modified,
            )  # fmt: skip
        except NewsbriefError as exc:  # the feed's fault (or its site's): count it
            return self._failed(feed, exc, now)
        outcome = PollOutcome(feed, result.status, disallowed=len(result.disallowed))
        if result.status == "ok":
            # Store or queue errors propagate without counting against the feed: its lease
            # expires and a later run polls it again.
            self._queue_new(feed, result, outcome, now)
            feed.etag, feed.last_modified = result.etag, result.last_modified
            feed.title = result.title or feed.title
            feed.kind = result.kind
            feed.url = result.feed_url  # a home page led to its feed: poll that directly
        feed.status, feed.failures, feed.last_error = "active", 0, None
        feed.last_result = result.status
        feed.next_poll_at = iso(now + feed.interval_minutes * 60)
        self.store.save_feed(feed)
        return outcome

    def _queue_new(self, feed: FeedRecord, result: PollResult, outcome: PollOutcome,
                   now: float) -> None:  # fmt: skip
        from .pipeline import brief_id

        links = [
            FeedLink(brief_id(e.url), e.url, e.title, e.published)
            for e in result.entries[:MAX_CANDIDATES_PER_RUN]
        ]
        outcome.entries = len(links)
        # The cap counts NEW articles only: known ones cost nothing, so a feed with 500
        # entries still gets its 50 newest unseen articles queued each run.
        won = self.store.claim_urls(feed.id, links, iso(now), limit=self.max_new)
        by_host: dict[str, list[FeedLink]] = {}
        for link in won:
            by_host.setdefault(host_of(link.url), []).append(link)
        jobs: list[tuple[str, int]] = []
        released: list[str] = []
        for host, host_links in by_host.items():
            interval = self.robots.interval(host_links[0].url)
            wait = self.limiter.reserve(host, interval, count=len(host_links))
            for i, link in enumerate(host_links):
                delay = wait + i * interval
                if delay > MAX_QUEUE_DELAY_SECONDS:
                    released.append(link.url_key)
                else:
                    jobs.append((link.url, int(delay + 0.999)))
        try:
            if jobs:
                self.enqueue(jobs)
        except NewsbriefError:
            self.store.release_urls([link.url_key for link in won])
            raise
        if released:
            self.store.release_urls(released)
        outcome.queued = len(jobs)
        outcome.deferred += len(released)
        feed.article_count += len(jobs)

    def _failed(self, feed: FeedRecord, exc: NewsbriefError, now: float) -> PollOutcome:
        feed.failures += 1
        feed.last_result = "error"
        feed.last_error = exc.to_dict()
        if feed.failures >= MAX_FAILURES:
            feed.status = "disabled"
            feed.next_poll_at = None
        else:
            feed.status = "failing"
            backoff = min(feed.interval_minutes * 60 * 2**feed.failures, MAX_BACKOFF_SECONDS)
            feed.next_poll_at = iso(now + backoff)
        self.store.save_feed(feed)
        return PollOutcome(feed, "error", error=exc)

    def poll_due(
        self, limit: int = 100, time_left: Callable[[], float] | None = None
    ) -> list[PollOutcome]:
        """Poll every feed that is due (up to ``limit``), a few at a time.

        ``time_left`` (seconds) lets a Lambda stop starting polls before its timeout; feeds
        not reached stay due for the next run.
        """
        from concurrent.futures import ThreadPoolExecutor

        now = self.clock()
        due = self.store.due_feeds(iso(now), limit=limit)

        def run(feed_id: str) -> PollOutcome | None:
            if time_left is not None and time_left() < POLL_STOP_MARGIN_SECONDS:
                return None
            try:
                feed = self.store.lease_feed(feed_id, self.clock(), POLL_LEASE_SECONDS)
                return self.poll(feed) if feed is not None else None
            except NewsbriefError as exc:  # store trouble with one feed must not stop the run
                stub = FeedRecord(id=feed_id, url="", interval_minutes=0, created_at="")
                return PollOutcome(stub, "error", error=exc)

        with ThreadPoolExecutor(max_workers=POLL_CONCURRENCY) as pool:
            outcomes = list(pool.map(run, due))
        return [o for o in outcomes if o is not None]
