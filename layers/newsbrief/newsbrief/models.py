"""Data shapes passed between the stages, and the feed records the store keeps.

Plain dataclasses: cheap to build, no validation needed since the library creates them itself,
and no pydantic import (the API's read function loads this module and must stay lean). The
public product, :class:`newsbrief.brief_schema.Brief`, is the pydantic model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from .errors import InvalidInput

EntityType = Literal["PERSON", "ORGANIZATION", "LOCATION", "OTHER"]

# Who picks a summary's sentences: newsbrief's own scorer (the default: it beats the others on
# every DEV set, benchmarks/README.md) or one of sumy's summarizers, on request.
Algorithm = Literal[
    "newsbrief", "lexrank", "lsa", "luhn", "textrank", "edmundson", "kl", "sumbasic", "reduction"
]
ALGORITHMS: tuple[Algorithm, ...] = get_args(Algorithm)
DEFAULT_ALGORITHM: Algorithm = "newsbrief"


def check_algorithm(name: object) -> Algorithm:
    """``name`` as an :data:`Algorithm`, or :class:`InvalidInput` naming the choices."""
    for algorithm in ALGORITHMS:
        if name == algorithm:
            return algorithm
    raise InvalidInput(f"algorithm must be one of {', '.join(ALGORITHMS)}, got {name!r}")


@dataclass(slots=True)
class Page:
    """A fetched (or locally read) HTML page, already decoded to text."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    html: str
    status: int = 200
    content_type: str = "text/html"
    encoding: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Resource:
    """Any fetched resource as bytes (feeds, sitemaps, robots.txt), not decoded as a page.

    ``status`` 304 (not modified) comes with an empty body: the caller's copy is current.
    """

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names


@dataclass(slots=True)
class Article:
    """What extraction finds in a page: the body text and its metadata."""

    text: str  # paragraphs separated by a blank line
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601
    language: str | None = None  # ISO 639-1
    canonical_url: str | None = None
    site_name: str | None = None
    top_image: str | None = None
    description: str | None = None


# Everything extraction reports about an article besides its text (what metadata checks score).
ARTICLE_METADATA = (
    "title",
    "authors",
    "published",
    "language",
    "canonical_url",
    "site_name",
    "top_image",
    "description",
)


@dataclass(slots=True)
class Entity:
    """One named entity of an article with its canonical name and mention count."""

    name: str
    type: EntityType
    count: int
    mentions: list[str] = field(default_factory=list)


FeedStatus = Literal["active", "failing", "disabled"]


@dataclass(slots=True)
class FeedRecord:
    """A registered feed and the state of its polling, as stored."""

    id: str
    url: str
    interval_minutes: int
    created_at: str  # ISO 8601
    status: FeedStatus = "active"
    title: str | None = None
    kind: str | None = None  # rss, rdf, atom, sitemap, sitemap_index, url_list
    etag: str | None = None
    last_modified: str | None = None
    last_polled_at: str | None = None
    last_result: str | None = None  # ok, not_modified, error
    last_error: dict[str, str] | None = None  # {"code", "message"} of the last failure
    failures: int = 0  # consecutive failed polls
    article_count: int = 0  # articles queued from this feed, ever
    next_poll_at: str | None = None
    # Entry url key -> polls in a row on which its robots.txt could not be read (internal:
    # the poller gives an entry up after crawl.MAX_DEFERRALS; kept on the feed item so the
    # streak survives between polls, at most crawl.MAX_TRACKED_DEFERRALS keys).
    deferrals: dict[str, int] = field(default_factory=dict)
    # The last poll left new entries for later (internal): the next one reads the feed in full,
    # since a 304 would hide them until the feed changes.
    has_deferred: bool = False

    def public(self) -> dict[str, object]:
        """The fields the API shows (validators, lease and deferral state stay internal)."""
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "kind": self.kind,
            "interval_minutes": self.interval_minutes,
            "status": self.status,
            "created_at": self.created_at,
            "last_polled_at": self.last_polled_at,
            "last_result": self.last_result,
            "last_error": self.last_error,
            "failures": self.failures,
            "article_count": self.article_count,
            "next_poll_at": self.next_poll_at,
        }


@dataclass(frozen=True, slots=True)
class FeedLink:
    """An article URL a feed led to, as claimed for queueing."""

    url_key: str  # brief_id(url): the id GET /articles/{id} accepts
    url: str
    title: str | None = None
    published: str | None = None
