"""Politeness and feed polling: robots.txt, per-host pacing, conditional GET, per-run caps.

Everything here is storage-agnostic. The pacing state is behind the :class:`RateLimiter`
protocol: :class:`MemoryRateLimiter` serves one process (the CLI); the store provides a
DynamoDB-backed one shared by concurrent Lambda invocations. Fetching goes through a
``fetcher`` callable (``newsbrief.fetch.fetch_resource`` by default) so tests can hand in fakes.

A poll costs what its new articles cost, not what the feed lists: robots.txt is read only for
the entries this poll will queue (after dedup and the per-poll cap), a few hosts at a time,
and every request is cut to the poll's :class:`PollBudget`. An entry that may not be fetched
(refused address, scheme or port; robots.txt forbids it) is skipped and counted; one whose
robots.txt cannot be read now is deferred to a later poll, and given up after
``MAX_DEFERRALS`` polls in a row; the others are queued.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol

from .budgets import Budget
from .errors import (
    DestinationRefused,
    FetchFailed,
    InvalidFeed,
    InvalidInput,
    NewsbriefError,
    PollTimedOut,
)
from .feed_parser import Feed, FeedEntry, discover_feeds, parse_feed
from .models import FeedLink, FeedRecord, Resource
from .urls import host_of, origin_of, split_http_url


class Fetcher(Protocol):
    """GETs a URL (feeds, sitemaps, robots.txt); ``timeout`` caps the whole fetch in seconds."""

    def __call__(  # noqa: D102
        self, url: str, headers: Mapping[str, str], timeout: float | None = None
    ) -> Resource: ...


# robots.txt is re-read hourly: sites change it rarely, and a warm Lambda polls many times.
ROBOTS_TTL_SECONDS = 3600.0
# When robots.txt cannot be read because the server fails (5xx, network), RFC 9309 says to
# assume everything is disallowed; we re-ask sooner than for a good answer.
ROBOTS_ERROR_TTL_SECONDS = 300.0
# RFC 9309 requires parsers to read at least 500 KiB; anything past that is ignored.
ROBOTS_MAX_BYTES = 500 * 1024
# robots.txt is a few KiB: a host that takes longer than this to send it is treated as
# unreachable for now, so one slow host cannot eat a poll's budget.
ROBOTS_TIMEOUT_SECONDS = 10.0
# Hosts whose robots.txt is read at once: the reads wait on the network, and a feed listing
# thousands of hosts must not open thousands of connections.
ROBOTS_CONCURRENCY = 8
# The poll behind POST /feeds answers inside API Gateway's 29 s integration limit: 20 s for
# fetching leaves room for the store writes and the function's own start.
FIRST_POLL_BUDGET_SECONDS = 20.0
# A scheduled poll: the feed's fetch deadline (25 s), robots.txt reads and a sitemap index's
# children; a longer one is cut, keeps what it queued, and goes on at the next run.
SCHEDULED_POLL_BUDGET_SECONDS = 60.0
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


def check_feed_url(url: str) -> str:
    """The feed URL stripped, or :class:`InvalidInput` when it is not an absolute http(s) URL."""
    url = url.strip()
    if split_http_url(url) is None:
        raise InvalidInput(f"a feed URL must be an absolute http(s) URL, got {url[:200]!r}")
    return url


def default_fetcher(accept: str = FEED_ACCEPT) -> Fetcher:
    """A fetcher on :func:`newsbrief.fetch.fetch_resource` with settings from the environment."""
    from dataclasses import replace

    from .fetch import fetch_resource
    from .settings import FetchSettings

    settings = FetchSettings.from_env()

    def fetch(url: str, headers: Mapping[str, str], timeout: float | None = None) -> Resource:
        limits = settings
        if timeout is not None and timeout < settings.total_timeout:
            limits = replace(settings, total_timeout=max(timeout, 0.001))
        return fetch_resource(url, accept=accept, headers=headers, settings=limits)

    return fetch


class PollBudget(Budget):
    """The time one poll may take: each of its requests is cut to what is left."""

    def error(self) -> PollTimedOut:
        """What running out means for a poll."""
        return PollTimedOut(f"the feed poll ran out of its {self.seconds:g} s budget")


RobotsVerdict = Literal["allowed", "disallowed", "unavailable"]


@dataclass(slots=True)
class _Robots:
    parser: object | None  # a Protego parser, or None for "everything allowed"
    expires: float
    # Why nothing may be fetched for now (robots.txt unreachable or failing: RFC 9309 says
    # to assume a full disallow), in words that name the real cause.
    problem: str | None = None


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

    def _load(self, url: str, timeout: float | None) -> tuple[_Robots, bool]:
        """Read a site's robots.txt: the entry and whether it may be cached."""
        robots_url = f"{origin_of(url)}/robots.txt"
        now = self.clock()
        limit = ROBOTS_TIMEOUT_SECONDS if timeout is None else min(timeout, ROBOTS_TIMEOUT_SECONDS)
        try:
            res = self.fetcher(robots_url, {}, timeout=limit)
        except (DestinationRefused, InvalidInput):
            raise  # the site itself may not be fetched: say so, not "robots.txt disallows"
        except NewsbriefError as exc:
            # Unreachable host: nothing there may be fetched now (RFC 9309 2.3.1.4). A read
            # cut short by the caller's budget says nothing about the site: not remembered.
            problem = f"{host_of(url)}: {exc.message} (reading robots.txt)"
            entry = _Robots(None, now + ROBOTS_ERROR_TTL_SECONDS, problem)
            return entry, limit >= ROBOTS_TIMEOUT_SECONDS
        if res.status >= 500 or res.status == 429:
            problem = (
                f"robots.txt of {host_of(url)} answered HTTP {res.status}: nothing is fetched "
                "from the site until it can be read (RFC 9309)"
            )
            return _Robots(None, now + ROBOTS_ERROR_TTL_SECONDS, problem), True
        if res.status >= 400:  # 4xx: no robots.txt, everything allowed (RFC 9309 2.3.1.3)
            return _Robots(None, now + ROBOTS_TTL_SECONDS), True
        from protego import Protego

        text = res.body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
        return _Robots(Protego.parse(text), now + ROBOTS_TTL_SECONDS), True

    def _entry(self, url: str, timeout: float | None = None) -> _Robots:
        host = origin_of(url)
        with self._lock:
            entry = self._cache.get(host)
        if entry is None or entry.expires <= self.clock():
            entry, cacheable = self._load(url, timeout)
            if cacheable:
                with self._lock:
                    self._cache[host] = entry
        return entry

    def check(self, url: str, timeout: float | None = None) -> tuple[RobotsVerdict, str]:
        """Whether robots.txt lets our user agent fetch ``url``, and why not.

        ``unavailable``: robots.txt could not be read (host unreachable, 5xx), so nothing may
        be fetched from the site for now; the message names the real cause. Raises
        :class:`DestinationRefused` or :class:`InvalidInput` when the site itself may not be
        fetched. ``timeout`` caps the robots.txt read when it is not cached.
        """
        entry = self._entry(url, timeout)
        if entry.problem is not None:
            return "unavailable", entry.problem
        if entry.parser is None or entry.parser.can_fetch(url, self.agent):  # type: ignore[attr-defined]
            return "allowed", ""
        return "disallowed", f"robots.txt of {host_of(url)} disallows fetching {url}"

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets our user agent fetch ``url`` (now)."""
        return self.check(url)[0] == "allowed"

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
    entries: list[FeedEntry] = field(default_factory=list)  # newest first, not yet screened
    etag: str | None = None
    last_modified: str | None = None


def _newest_first(entries: Iterable[FeedEntry]) -> list[FeedEntry]:
    # Undated entries keep their feed order after the dated ones (feeds list newest first).
    listed = list(entries)
    dated = sorted((e for e in listed if e.published), key=lambda e: e.published or "")
    undated = [e for e in listed if not e.published]
    return list(reversed(dated)) + undated


def _get(
    fetcher: Fetcher,
    robots: RobotsCache,
    url: str,
    headers: Mapping[str, str],
    budget: PollBudget,
) -> Resource:
    verdict, why = robots.check(url, timeout=budget.timeout(ROBOTS_TIMEOUT_SECONDS))
    if verdict != "allowed":
        raise FetchFailed(why)
    res = fetcher(url, headers, timeout=budget.timeout())
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
    budget: PollBudget | None = None,
) -> PollResult:
    """Fetch a feed (conditional GET) and list its entries, newest first.

    Follows a home page's advertised feed once and a sitemap index's newest child sitemaps.
    The entries are not screened (see :func:`screen_urls`): the caller dedups them first, so
    robots.txt is read only for the ones it will fetch. Raises ``FetchFailed`` (network, HTTP
    error, robots.txt forbids or cannot be read for the feed), ``InvalidFeed``, or
    ``PollTimedOut`` when ``budget`` runs out.
    """
    budget = budget or PollBudget(None)
    url = check_feed_url(url)
    conditional: dict[str, str] = {}
    if etag:
        conditional["If-None-Match"] = etag
    if last_modified:
        conditional["If-Modified-Since"] = last_modified
    res = _get(fetcher, robots, url, conditional, budget)
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
        res = _get(fetcher, robots, feed_url, {}, budget)
        if res.status == 304:  # cannot happen without validators, but never crash on it
            raise InvalidFeed(f"{feed_url} sent no feed") from None
        feed = parse_feed(res.body, base_url=res.final_url or feed_url)
    entries = _entries_of(feed, fetcher, robots, budget)
    return PollResult(
        "ok",
        feed_url,
        kind=feed.kind,
        title=feed.title,
        entries=_newest_first(entries),
        etag=res.headers.get("etag"),
        last_modified=res.headers.get("last-modified"),
    )


def _entries_of(
    feed: Feed, fetcher: Fetcher, robots: RobotsCache, budget: PollBudget
) -> list[FeedEntry]:
    if feed.kind != "sitemap_index":
        return feed.entries
    entries: list[FeedEntry] = []
    children = _newest_first(feed.entries)[:MAX_CHILD_SITEMAPS]
    for child in children:
        try:
            res = _get(fetcher, robots, child.url, {}, budget)
            sub = parse_feed(res.body, base_url=res.final_url or child.url)
        except NewsbriefError:
            continue  # one broken (or, out of time, unread) archive must not hide the others
        if sub.kind != "sitemap_index":  # no nesting beyond one level (loops, bombs)
            entries.extend(sub.entries)
    return entries


@dataclass(slots=True)
class Screening:
    """Which entry URLs may be fetched now, and why the others may not."""

    allowed: list[str] = field(default_factory=list)
    disallowed: list[tuple[str, str]] = field(default_factory=list)  # (url, robots.txt says no)
    refused: list[tuple[str, NewsbriefError]] = field(default_factory=list)  # address, port...
    unavailable: list[tuple[str, str]] = field(default_factory=list)  # robots.txt unreadable now
    unchecked: list[str] = field(default_factory=list)  # the budget ran out first


def _screen_site(
    urls: list[str], robots: RobotsCache, budget: PollBudget
) -> list[tuple[str, RobotsVerdict | NewsbriefError, str]]:
    """robots.txt verdicts for the URLs of one site (one read, then the cache)."""
    try:
        timeout = budget.timeout(ROBOTS_TIMEOUT_SECONDS)
        return [(url, *robots.check(url, timeout=timeout)) for url in urls]
    except (DestinationRefused, InvalidInput) as exc:
        return [(url, exc, "") for url in urls]


def screen_urls(
    urls: Sequence[str],
    robots: RobotsCache,
    budget: PollBudget | None = None,
    concurrency: int | None = None,
) -> Screening:
    """Check entry URLs against their sites' robots.txt, ``concurrency`` sites at a time.

    Each site's robots.txt is read once (then cached); the reads stop when ``budget`` runs
    out, and the URLs of sites not reached by then are ``unchecked``. A URL whose site may not
    be fetched at all (refused address, scheme or port, malformed) is ``refused``.
    """
    budget = budget or PollBudget(None)
    concurrency = concurrency or ROBOTS_CONCURRENCY
    screening = Screening()
    by_site: dict[str, list[str]] = {}
    for url in urls:
        try:
            by_site.setdefault(origin_of(url), []).append(url)
        except ValueError:  # a port that is not a number
            screening.refused.append((url, InvalidInput(f"not a valid URL: {url[:200]!r}")))
    if not by_site:
        return screening
    pool = ThreadPoolExecutor(max_workers=min(concurrency, len(by_site)))
    futures = {pool.submit(_screen_site, urls, robots, budget): urls for urls in by_site.values()}
    # Every read is cut to the budget, so the reads end with it; the slack covers hand-off.
    left = budget.left()
    done, _ = wait_for(futures, timeout=None if left is None else max(left, 0) + 1.0)
    pool.shutdown(wait=False, cancel_futures=True)
    for future, group in futures.items():
        if future not in done or future.exception() is not None:
            screening.unchecked.extend(group)  # out of time (PollTimedOut) before its turn
            continue
        for url, verdict, why in future.result():
            if isinstance(verdict, NewsbriefError):
                screening.refused.append((url, verdict))
            elif verdict == "allowed":
                screening.allowed.append(url)
            elif verdict == "disallowed":
                screening.disallowed.append((url, why))
            else:
                screening.unavailable.append((url, why))
    return screening


def first_allowed(urls: Sequence[str], robots: RobotsCache, count: int) -> Screening:
    """Screen ``urls`` in order until ``count`` are allowed (the CLI's ``--limit``).

    Only as many robots.txt files are read as it takes to find ``count`` fetchable URLs.
    """
    screening = Screening()
    position = 0
    while len(screening.allowed) < count and position < len(urls):
        batch = urls[position : position + count - len(screening.allowed)]
        position += len(batch)
        part = screen_urls(batch, robots)
        screening.allowed += part.allowed
        screening.disallowed += part.disallowed
        screening.refused += part.refused
        screening.unavailable += part.unavailable
    return screening


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
# An entry whose robots.txt cannot be read (no answer, no connection, 5xx) is left for a later
# poll; on this many polls in a row it is given up (recorded as failed, counted ``abandoned``)
# so a site whose robots.txt never answers stops costing a read of up to 10 s on every poll.
# Three polls span 10 minutes at the shortest interval and an hour at the default: longer
# than a passing outage, and the robots.txt error cache (5 min) never counts one read twice.
MAX_DEFERRALS = 3
# Streaks kept on the feed item. A poll screens at most ``max_new`` entries, so this is a
# guard: 200 keys of ~40 bytes keep the item far below DynamoDB's 400 KB item limit.
MAX_TRACKED_DEFERRALS = 200

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
    def record_failure(self, url_key: str, url: str, error: NewsbriefError) -> None: ...  # noqa: D102


@dataclass(slots=True)
class PollOutcome:
    """What one poll of one feed did."""

    feed: FeedRecord
    result: Literal["ok", "not_modified", "error", "busy", "timeout"]
    entries: int = 0  # article entries the feed lists (the newest MAX_CANDIDATES_PER_RUN)
    queued: int = 0  # new article URLs sent to the worker
    disallowed: int = 0  # new entries robots.txt forbids (skipped, their ids say why)
    refused: int = 0  # new entries on a refused address, scheme or port (skipped likewise)
    # New entries left for a later run: pacing, robots.txt unreadable now, or out of time.
    deferred: int = 0
    # New entries given up: their robots.txt could not be read on MAX_DEFERRALS polls in a row
    # (recorded as failed, like the skipped ones, so later polls no longer read it).
    abandoned: int = 0
    error: NewsbriefError | None = None


def count_deferrals(
    previous: Mapping[str, int], unreadable: Iterable[str], unchecked: Iterable[str]
) -> dict[str, int]:
    """The robots.txt deferral streaks of a feed's entries (url keys) after one poll.

    An entry whose robots.txt could not be read adds one to its streak; one not checked in
    time (the poll's budget ran out) keeps its streak, as nothing was learned about its site.
    Every other streak ends: its robots.txt answered, or the entry is no longer new. At most
    ``MAX_TRACKED_DEFERRALS`` streaks are kept, the longest first.
    """
    streaks = {key: previous.get(key, 0) + 1 for key in unreadable}
    for key in unchecked:
        if previous.get(key):
            streaks.setdefault(key, previous[key])
    if len(streaks) > MAX_TRACKED_DEFERRALS:
        longest = sorted(streaks.items(), key=lambda kv: kv[1], reverse=True)
        streaks = dict(longest[:MAX_TRACKED_DEFERRALS])
    return streaks


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

    def register(
        self, url: str, interval_minutes: int, budget_seconds: float | None = None
    ) -> tuple[PollOutcome | None, bool]:
        """Register a feed and poll it once now; ``(outcome, created)``.

        Registering a known feed changes nothing and polls nothing (``outcome`` is ``None``
        with the stored feed in ``get_feed``), except that a disabled feed is re-enabled and
        polled. A first poll that fails removes the new feed again and raises its error, so a
        wrong URL is answered at once instead of failing silently on a schedule; one that
        cannot read the feed within ``budget_seconds`` (``FIRST_POLL_BUDGET_SECONDS``) raises
        :class:`PollTimedOut` likewise.
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
        try:
            budget = PollBudget(budget_seconds or FIRST_POLL_BUDGET_SECONDS)
            outcome = self.poll(leased, budget, first=True)
        except NewsbriefError:
            if created:  # out of time, or the store failed: nothing stays registered
                self.store.delete_feed(feed.id)
            raise
        if outcome.error is not None and created:
            self.store.delete_feed(feed.id)
            raise outcome.error
        return outcome, created

    def poll(
        self, feed: FeedRecord, budget: PollBudget | None = None, first: bool = False
    ) -> PollOutcome:
        """Poll one (leased) feed, queue its new articles and store its new state.

        Every request is cut to ``budget``. Running out of it while reading the feed is not
        the feed's fault: a ``first`` poll raises :class:`PollTimedOut`, a scheduled one
        leaves the feed due for the next run. Running out while reading robots.txt files
        queues what was checked and leaves the rest for later.
        """
        budget = budget or PollBudget(SCHEDULED_POLL_BUDGET_SECONDS)
        now = self.clock()
        feed.last_polled_at = iso(now)
        # Entries left for later are listed by the feed alone: while there are some, it is read
        # in full (no validators), or a 304 would hide them until the feed changes.
        conditional = not feed.has_deferred
        try:
            result = poll_feed(
                feed.url, self.fetcher, self.robots,
                etag=feed.etag if conditional else None,
                last_modified=feed.last_modified if conditional else None, budget=budget,
            )  # fmt: skip
        except NewsbriefError as exc:
            if budget.expired or isinstance(exc, PollTimedOut):
                if first:
                    raise PollTimedOut(
                        f"the feed could not be read within {budget.seconds:g} s: "
                        f"{exc.message}; nothing was registered"
                    ) from None
                return self._out_of_time(feed, now, exc)
            return self._failed(feed, exc, now)  # the feed's fault (or its site's): count it
        outcome = PollOutcome(feed, result.status)
        if result.status == "ok":
            # Store or queue errors propagate without counting against the feed: its lease
            # expires and a later run polls it again.
            self._queue_new(feed, result, outcome, now, budget)
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
                   now: float, budget: PollBudget) -> None:  # fmt: skip
        from .pipeline import brief_id

        links = [
            FeedLink(brief_id(e.url), e.url, e.title, e.published)
            for e in result.entries[:MAX_CANDIDATES_PER_RUN]
        ]
        outcome.entries = len(links)
        # The cap counts NEW articles only: known ones cost nothing, so a feed with 500
        # entries still gets its 50 newest unseen articles queued each run.
        claimed = self.store.claim_urls(feed.id, links, iso(now), limit=self.max_new)
        won = self._screen(feed, claimed, outcome, budget)
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
        feed.has_deferred = outcome.deferred > 0

    def _screen(self, feed: FeedRecord, claimed: list[FeedLink], outcome: PollOutcome,
                budget: PollBudget) -> list[FeedLink]:  # fmt: skip
        """The claimed links that may be fetched; the others are recorded or released.

        A refused or robots-forbidden entry is skipped for good: its claim becomes a failure
        record, so ``GET /articles/{id}`` says why and later polls skip it as known. One whose
        robots.txt cannot be read now, or was not reached in time, is released for a later run,
        unless its robots.txt has now failed ``MAX_DEFERRALS`` polls in a row: then it is given
        up and recorded like a skipped one. The streaks are kept on ``feed`` (saved with it).
        """
        by_url = {link.url: link for link in claimed}
        screening = screen_urls(list(by_url), self.robots, budget)
        for url, error in screening.refused:
            self.store.record_failure(by_url[url].url_key, url, error)
        for url, why in screening.disallowed:
            self.store.record_failure(by_url[url].url_key, url, DestinationRefused(why))
        streaks = count_deferrals(
            feed.deferrals,
            [by_url[url].url_key for url, _ in screening.unavailable],
            [by_url[url].url_key for url in screening.unchecked],
        )
        later = list(screening.unchecked)
        for url, why in screening.unavailable:
            key = by_url[url].url_key
            if streaks.get(key, 0) < MAX_DEFERRALS:
                later.append(url)
                continue
            del streaks[key]
            message = f"{why}; given up after {MAX_DEFERRALS} polls in a row could not read it"
            self.store.record_failure(key, url, FetchFailed(message))
            outcome.abandoned += 1
        feed.deferrals = streaks
        if later:
            self.store.release_urls([by_url[url].url_key for url in later])
        outcome.refused += len(screening.refused)
        outcome.disallowed += len(screening.disallowed)
        outcome.deferred += len(later)
        return [by_url[url] for url in screening.allowed]

    def _out_of_time(self, feed: FeedRecord, now: float, exc: NewsbriefError) -> PollOutcome:
        # The run's time ran out, which is no fault of the feed's: no failure is counted,
        # and it is due again at the next run.
        feed.next_poll_at = iso(now)
        self.store.save_feed(feed)
        return PollOutcome(feed, "timeout", error=exc)

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
            seconds = SCHEDULED_POLL_BUDGET_SECONDS
            if time_left is not None:
                left = time_left()
                if left < POLL_STOP_MARGIN_SECONDS:
                    return None
                # The run's own end bounds the poll too, with the margin kept for its writes.
                seconds = min(seconds, left - POLL_STOP_MARGIN_SECONDS / 2)
            try:
                feed = self.store.lease_feed(feed_id, self.clock(), POLL_LEASE_SECONDS)
                return self.poll(feed, PollBudget(seconds)) if feed is not None else None
            except NewsbriefError as exc:  # store trouble with one feed must not stop the run
                stub = FeedRecord(id=feed_id, url="", interval_minutes=0, created_at="")
                return PollOutcome(stub, "error", error=exc)

        with ThreadPoolExecutor(max_workers=POLL_CONCURRENCY) as pool:
            outcomes = list(pool.map(run, due))
        return [o for o in outcomes if o is not None]
