"""API routes for feeds: register (and poll once), list, read, delete, and a feed's articles.

Each route validates its input with a pydantic model, makes one call into the feed store or
poller, and returns a typed result. Polling policy lives in :mod:`newsbrief.crawl`.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel, Field

from newsbrief_aws.store import ID_PATTERN, MAX_LIST_LIMIT

from . import bootstrap, feed_polling
from .api_articles import (
    BODY_ERRORS,
    RequestBody,
    Url,
    WholeNumber,
    json_response,
    whole_number,
)
from .api_docs import declare_answer
from .api_read import CURSOR_DESCRIPTION, DEFAULT_LIST_LIMIT, MAX_CURSOR_CHARS
from .error_responses import declare_errors

router = APIGatewayRouter()
logger = Logger()
metrics = Metrics(namespace="newsbrief")

# The scheduler fires every 5 minutes (template.yaml): a shorter interval could not be kept.
MIN_INTERVAL_MINUTES = 5
MAX_INTERVAL_MINUTES = 7 * 24 * 60  # a feed polled less than weekly is not news any more
DEFAULT_INTERVAL_MINUTES = 30
FeedId = Annotated[str, Path(pattern=ID_PATTERN.pattern, description="feed id")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIST_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=MAX_CURSOR_CHARS, description=CURSOR_DESCRIPTION)]


class FeedRequest(RequestBody):
    """Register a feed: RSS, Atom, a sitemap, or a page that advertises its feed."""

    url: Url
    interval_minutes: WholeNumber = whole_number(
        MIN_INTERVAL_MINUTES,
        MAX_INTERVAL_MINUTES,
        DEFAULT_INTERVAL_MINUTES,
        "minutes between polls",
    )


class FeedError(BaseModel):
    """Why the last poll failed."""

    code: str
    message: str


class FeedOut(BaseModel):
    """A registered feed and the state of its polling."""

    id: str
    url: str = Field(description="the feed polled (a page's advertised feed once found)")
    title: str | None
    kind: str | None = Field(description="rss, rdf, atom, sitemap, sitemap_index or url_list")
    interval_minutes: int
    status: str = Field(description="active, failing (retrying with backoff) or disabled")
    created_at: str
    last_polled_at: str | None
    last_result: str | None = Field(description="ok, not_modified or error")
    last_error: FeedError | None
    failures: int = Field(description="consecutive failed polls")
    article_count: int = Field(description="articles queued from this feed so far")
    next_poll_at: str | None


class PollSummary(BaseModel):
    """What the poll at registration did."""

    result: str
    entries: int = Field(description="article entries the feed lists (its newest 1,000)")
    queued: int = Field(description="new articles queued for briefing")
    disallowed: int = Field(description="new entries robots.txt forbids us to fetch (skipped)")
    refused: int = Field(
        0, description="new entries on a refused address, scheme or port (skipped)"
    )
    deferred: int = Field(
        0,
        description="new entries left for a later poll (site pacing, robots.txt unreadable "
        "for now, or out of time)",
    )
    abandoned: int = Field(
        0,
        description="new entries given up because their robots.txt could not be read on "
        "3 polls in a row (skipped; their ids say why)",
    )


class FeedCreated(FeedOut):
    """A registered feed with the outcome of its first poll (none if it was known)."""

    poll: PollSummary | None = None


class FeedList(BaseModel):
    """One page of feeds, newest first."""

    items: list[FeedOut]
    next_cursor: str | None


class FeedArticle(BaseModel):
    """An article a feed led to; GET /articles/{id} returns its brief once the worker is done."""

    id: str
    url: str
    title: str | None = None
    published: str | None = None
    queued_at: str


class FeedArticleList(BaseModel):
    """One page of a feed's articles, newest first."""

    items: list[FeedArticle]
    next_cursor: str | None


@router.post(
    "/feeds",
    operation_id="create_feed",
    summary="Register a feed and poll it once now",
    responses={
        200: declare_answer("registered already (re-enabled if disabled)", FeedCreated),
        201: declare_answer("the new feed and its first poll", FeedCreated),
        **declare_errors(
            *BODY_ERRORS, "destination_refused", "conflict", "invalid_feed", "fetch_failed",
            "store_unavailable", "poll_timeout",
        ),
    },
)  # fmt: skip
def create_feed(request: Annotated[FeedRequest, Body()]) -> Response[FeedCreated]:
    """Register ``url`` (polled every ``interval_minutes``); its new articles are queued now."""
    poller = feed_polling.poller()
    outcome, created = poller.register(request.url, request.interval_minutes)
    if outcome is None:
        from newsbrief.pipeline import brief_id

        feed = poller.store.get_feed(brief_id(request.url))
        return json_response(200, FeedCreated(**feed.public()))
    summary = PollSummary(
        result=outcome.result, entries=outcome.entries, queued=outcome.queued,
        disallowed=outcome.disallowed, refused=outcome.refused, deferred=outcome.deferred,
        abandoned=outcome.abandoned,
    )  # fmt: skip
    metrics.add_metric(name="FeedArticlesQueued", unit=MetricUnit.Count, value=outcome.queued)
    logger.info("feed registered", extra={"feed_id": outcome.feed.id, "queued": outcome.queued})
    answer = FeedCreated(**outcome.feed.public(), poll=summary)
    return json_response(201 if created else 200, answer)


@router.get(
    "/feeds",
    operation_id="list_feeds",
    summary="List feeds with their poll status",
    responses={
        200: declare_answer("a page of feeds", FeedList),
        **declare_errors("invalid_input", "store_unavailable"),
    },
)
def list_feeds(limit: Limit = DEFAULT_LIST_LIMIT, cursor: Cursor = None) -> FeedList:
    """A page of feeds (last poll time, status, article count) and the next page's cursor."""
    items, next_cursor = bootstrap.feed_store().list_feeds(limit=limit, cursor=cursor)
    return FeedList(items=[FeedOut(**item) for item in items], next_cursor=next_cursor)


@router.get(
    "/feeds/<feed_id>",
    operation_id="get_feed",
    summary="Read a feed",
    responses={
        200: declare_answer("the feed", FeedOut),
        **declare_errors("invalid_input", "not_found", "store_unavailable"),
    },
)
def get_feed(feed_id: FeedId) -> FeedOut:
    """The feed with this id and the state of its polling."""
    return FeedOut(**bootstrap.feed_store().get_feed(feed_id).public())


@router.delete(
    "/feeds/<feed_id>",
    operation_id="delete_feed",
    summary="Stop polling a feed",
    responses={
        204: {"description": "the feed is forgotten; its articles' briefs stay", "content": {}},
        **declare_errors("invalid_input", "not_found", "store_unavailable"),
    },
)  # fmt: skip
def delete_feed(feed_id: FeedId) -> Response[None]:
    """Forget the feed; the briefs of its articles stay stored."""
    bootstrap.feed_store().delete_feed(feed_id)
    return Response(status_code=204, body=None)


@router.get(
    "/feeds/<feed_id>/articles",
    operation_id="list_feed_articles",
    summary="Articles a feed led to, newest first",
    responses={
        200: declare_answer("a page of the feed's articles", FeedArticleList),
        **declare_errors("invalid_input", "not_found", "store_unavailable"),
    },
)
def list_feed_articles(
    feed_id: FeedId, limit: Limit = DEFAULT_LIST_LIMIT, cursor: Cursor = None
) -> FeedArticleList:
    """The feed's articles (ids for GET /articles/{id}) and the next page's cursor."""
    items: list[dict[str, Any]]
    items, next_cursor = bootstrap.feed_store().list_feed_articles(feed_id, limit, cursor)
    return FeedArticleList(items=[FeedArticle(**i) for i in items], next_cursor=next_cursor)
