"""API routes for articles: brief a URL, queue many, read, list, and summarize supplied content.

Each route validates its input with a pydantic model (unknown fields refused, every field
bounded), makes one call into the store/pipeline, and returns the typed result.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit
from newsbrief.brief_schema import Brief
from newsbrief.errors import TooLarge
from newsbrief.pipeline import DEFAULT_SENTENCES, MAX_SENTENCES
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, model_validator

from newsbrief_aws.store import ID_PATTERN, MAX_LIST_LIMIT

from . import bootstrap
from .api_read import DEFAULT_LIST_LIMIT, MAX_CURSOR_CHARS, MAX_SOURCE_CHARS, SOURCE_PATTERN
from .briefing import ensure_brief, url_key
from .queue import BriefJob

router = APIGatewayRouter()
logger = Logger()
metrics = Metrics(namespace="newsbrief")

MAX_URL_CHARS = 2048  # what browsers and CDNs reliably accept
MAX_BATCH_URLS = 100  # one request must stay well inside the API's 29 s and one SQS burst
# ~300,000 words: far beyond any article, small enough that one request cannot hog the function.
MAX_TEXT_CHARS = 2_000_000


def _check_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an absolute http(s) URL")
    if any(ch.isspace() for ch in value):
        raise ValueError("must not contain whitespace")
    return value


Url = Annotated[str, Field(min_length=1, max_length=MAX_URL_CHARS), AfterValidator(_check_url)]
Sentences = Annotated[int, Field(ge=1, le=MAX_SENTENCES, strict=True)]


class ArticleRequest(BaseModel):
    """Brief one URL now."""

    model_config = ConfigDict(extra="forbid")

    url: Url
    sentences: Sentences = DEFAULT_SENTENCES
    refresh: StrictBool = Field(False, description="fetch again and replace the stored brief")


class BatchRequest(BaseModel):
    """Queue up to 100 URLs for the worker."""

    model_config = ConfigDict(extra="forbid")

    urls: list[Url] = Field(min_length=1, max_length=MAX_BATCH_URLS)
    sentences: Sentences = DEFAULT_SENTENCES


class Queued(BaseModel):
    """A queued URL and the id to GET its brief with once the worker is done."""

    url: str
    id: str


class BatchAccepted(BaseModel):
    """The answer to a batch: one entry per distinct URL, in request order."""

    queued: list[Queued]


class SummarizeRequest(BaseModel):
    """Brief content the caller already has; nothing is fetched or stored."""

    model_config = ConfigDict(extra="forbid")

    # Bounded by the 6 MB body cap and then by NEWSBRIEF_MAX_BYTES (413, like a fetched page).
    html: str | None = Field(None, min_length=1)
    text: str | None = Field(None, min_length=1, max_length=MAX_TEXT_CHARS)
    url: Url | None = Field(None, description="where the content came from (not fetched)")
    title: str | None = Field(None, max_length=1000, description="title of plain text")
    sentences: Sentences = DEFAULT_SENTENCES

    @model_validator(mode="after")
    def _one_kind(self) -> SummarizeRequest:
        if (self.html is None) == (self.text is None):
            raise ValueError("give exactly one of 'html' or 'text'")
        return self


class BriefList(BaseModel):
    """One page of briefs, newest first (listing fields only, no full text)."""

    items: list[dict[str, Any]]
    next_cursor: str | None = Field(description="pass back as ?cursor= for the next page")


def _json(status: int, model: BaseModel) -> Response[Any]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=model,  # serialized (and checked against the route's schema) by powertools
    )


@router.post(
    "/articles",
    summary="Brief a URL now, or queue up to 100 URLs",
    responses={
        200: {"description": "the URL was already briefed: the stored brief"},
        201: {"description": "the new brief"},
        202: {"description": "URLs queued; GET /articles/{id} once the worker is done"},
    },
)
def create_articles(
    request: Annotated[ArticleRequest | BatchRequest, Body()],
) -> Response[Brief | BatchAccepted]:
    """``{"url"}``: brief and store (201, or 200 when stored); ``{"urls"}``: queue (202)."""
    if isinstance(request, BatchRequest):
        seen: dict[str, Queued] = {}
        for url in request.urls:
            key = url_key(url)
            seen.setdefault(key, Queued(url=url, id=key))
        jobs = [BriefJob(url=q.url, sentences=request.sentences) for q in seen.values()]
        bootstrap.queue().enqueue(jobs)
        metrics.add_metric(name="UrlsQueued", unit=MetricUnit.Count, value=len(jobs))
        return _json(202, BatchAccepted(queued=list(seen.values())))

    outcome = ensure_brief(
        bootstrap.store(),
        request.url,
        sentences=request.sentences,
        refresh=request.refresh,
        settings=bootstrap.fetch_settings(),
    )
    if outcome.created:
        metrics.add_metric(name="BriefsCreated", unit=MetricUnit.Count, value=1)
    logger.info("brief ready", extra={"brief_id": outcome.brief.id, "new_brief": outcome.created})
    return _json(201 if outcome.created else 200, outcome.brief)


@router.get("/articles/<article_id>", summary="Read a brief by id")
def get_article(
    article_id: Annotated[str, Path(pattern=ID_PATTERN.pattern, description="brief or URL id")],
) -> Brief:
    """The brief with this id (or queued under this id); 404 while not briefed yet."""
    return bootstrap.store().resolve(article_id)


@router.get("/articles", summary="List briefs, newest first")
def list_articles(
    source: Annotated[
        str | None,
        Query(max_length=MAX_SOURCE_CHARS, pattern=SOURCE_PATTERN, description="site domain"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIST_LIMIT)] = DEFAULT_LIST_LIMIT,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_CHARS)] = None,
) -> BriefList:
    """A page of brief cards (id, title, source, summary...) and the next page's cursor."""
    items, next_cursor = bootstrap.store().list_briefs(source=source, limit=limit, cursor=cursor)
    return BriefList(items=items, next_cursor=next_cursor)


@router.post("/summarize", summary="Brief supplied HTML or text (not stored)")
def summarize(request: Annotated[SummarizeRequest, Body()]) -> Brief:
    """Brief the HTML or text in the request body; nothing is fetched or stored."""
    from newsbrief.pipeline import brief_html, brief_text

    if request.text is not None:
        return brief_text(
            request.text, url=request.url, title=request.title, sentences=request.sentences
        )
    html = request.html or ""  # the model guarantees exactly one of html/text
    limit = bootstrap.fetch_settings().max_bytes
    if len(html.encode("utf-8")) > limit:
        raise TooLarge(f"html is larger than the {limit}-byte limit")
    return brief_html(html, url=request.url, sentences=request.sentences)
