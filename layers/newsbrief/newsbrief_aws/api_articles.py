"""API routes for articles: brief a URL, queue many, read, list, and summarize supplied content.

Each route validates its input with a pydantic model (unknown fields refused, every field
bounded), makes one call into the store/pipeline, and returns the typed result.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit
from newsbrief.brief_schema import Brief, BriefCard
from newsbrief.errors import TooLarge
from newsbrief.models import DEFAULT_ALGORITHM, Algorithm, EntityType
from newsbrief.pipeline import DEFAULT_SENTENCES, MAX_SENTENCES
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

from newsbrief_aws.entity_index import MAX_ENTITY_CHARS, MAX_INSTANT_CHARS
from newsbrief_aws.store import ID_PATTERN, MAX_LIST_LIMIT

from . import bootstrap
from .api_docs import declare_answer
from .api_read import (
    CURSOR_DESCRIPTION,
    DEFAULT_LIST_LIMIT,
    MAX_CURSOR_CHARS,
    MAX_SOURCE_CHARS,
    SOURCE_PATTERN,
    find_briefs,
)
from .briefing import ensure_brief, url_key
from .error_responses import declare_errors, describe_pattern
from .queue import BriefJob

router = APIGatewayRouter()
logger = Logger()
metrics = Metrics(namespace="newsbrief")

MAX_URL_CHARS = 2048  # what browsers and CDNs reliably accept
MAX_BATCH_URLS = 100  # one request must stay well inside the API's 29 s and one SQS burst
# ~300,000 words: far beyond any article, small enough that one request cannot hog the function.
MAX_TEXT_CHARS = 2_000_000

# What the API takes as a URL, stated once as the JSON Schema pattern the OpenAPI document
# publishes and pydantic enforces (with Python's re, as schema validators in Python do), so a
# client that validates against the document is never refused for the URL's form. Anything it
# admits that fetch then refuses is refused for where it points (403 destination_refused), not
# for its form. Scheme http(s) in any case; an optional userinfo (refused: credentials); a host
# that is a dotted-quad IPv4 address or a DNS name whose last label starts with a letter (so
# numeric spellings such as 2130706433 or 0x7f.1 are malformed, never guessed at); a port of
# 0-65535; then path, query and fragment in printable ASCII or non-ASCII text (no controls, no
# whitespace, no lone surrogates). International host names go in their xn-- (punycode) form.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_LABEL = r"[A-Za-z0-9_-]+"
_HOST = rf"(?:{_OCTET}(?:\.{_OCTET}){{3}}|(?:{_LABEL}\.)*[A-Za-z][A-Za-z0-9_-]*\.?)"
_PORT = r"(?::(?:[0-9]{0,4}|[0-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"
_USERINFO = r'(?:[!"$-.0->A-Z\\^-~]*@)?'
_REST = r"(?:[/?#][!-~\u00a0-\ud7ff\ue000-\uffff]*)?"
URL_PATTERN = describe_pattern(
    rf"^[Hh][Tt][Tt][Pp][Ss]?://{_USERINFO}{_HOST}{_PORT}{_REST}$",
    "an absolute http(s) URL without spaces or control characters, its host a DNS name "
    "(international names in their xn-- form) or a dotted IPv4 address",
)

Url = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_URL_CHARS,
        pattern=URL_PATTERN,
        description="an absolute http(s) URL (host names in their xn-- form)",
    ),
]


def _whole_number(value: Any) -> Any:
    # JSON has one number type: 4.0 is the integer 4 by the document's JSON Schema, so it is
    # accepted as 4; strings and booleans stay refused (strict below).
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def whole_number(low: int, high: int, default: int, description: str) -> Any:
    """A JSON integer field within ``[low, high]`` (``4.0`` counts as ``4``)."""
    return Field(default, ge=low, le=high, strict=True, description=description)


SummaryAlgorithm = Annotated[
    Algorithm,
    Field(
        description="who picks the summary's sentences: newsbrief's scorer (the default) or "
        "one of sumy's summarizers; the brief's summary_algorithm says which one did"
    ),
]


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]


class RequestBody(BaseModel):
    """A request body: unknown fields refused, patterns matched as the document states them."""

    model_config = ConfigDict(extra="forbid", regex_engine="python-re")


class ArticleRequest(RequestBody):
    """Brief one URL now."""

    url: Url
    sentences: WholeNumber = whole_number(
        1, MAX_SENTENCES, DEFAULT_SENTENCES, "summary sentences"
    )
    algorithm: SummaryAlgorithm = DEFAULT_ALGORITHM
    refresh: StrictBool = Field(False, description="fetch again and replace the stored brief")


class BatchRequest(RequestBody):
    """Queue up to 100 URLs for the worker."""

    urls: list[Url] = Field(min_length=1, max_length=MAX_BATCH_URLS)
    sentences: WholeNumber = whole_number(
        1, MAX_SENTENCES, DEFAULT_SENTENCES, "summary sentences"
    )
    algorithm: SummaryAlgorithm = DEFAULT_ALGORITHM


class Queued(BaseModel):
    """A queued URL and the id to GET its brief with once the worker is done."""

    url: str
    id: str


class BatchAccepted(BaseModel):
    """The answer to a batch: one entry per distinct URL, in request order."""

    queued: list[Queued]


class SummarizeHtml(RequestBody):
    """Brief an HTML page the caller already has; nothing is fetched or stored."""

    # Bounded by the 6 MB body cap and then by NEWSBRIEF_MAX_BYTES (413, like a fetched page).
    html: str = Field(min_length=1, description="the page's HTML")
    url: Url | None = Field(None, description="where the page came from (not fetched)")
    sentences: WholeNumber = whole_number(
        1, MAX_SENTENCES, DEFAULT_SENTENCES, "summary sentences"
    )
    algorithm: SummaryAlgorithm = DEFAULT_ALGORITHM


class SummarizeText(RequestBody):
    """Brief plain text (no extraction); nothing is fetched or stored."""

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, description="the article text")
    title: str | None = Field(None, max_length=1000, description="the article's title")
    url: Url | None = Field(None, description="where the text came from (not fetched)")
    sentences: WholeNumber = whole_number(
        1, MAX_SENTENCES, DEFAULT_SENTENCES, "summary sentences"
    )
    algorithm: SummaryAlgorithm = DEFAULT_ALGORITHM


class BriefList(BaseModel):
    """One page of briefs, newest first (listing fields only, no full text)."""

    items: list[BriefCard]
    next_cursor: str | None = Field(description="pass back as ?cursor= for the next page")


def json_response(status: int, model: BaseModel) -> Response[Any]:
    """A typed route's answer with its status (201, 202, or 200 where the route has others)."""
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=model,  # serialized (and checked against the route's schema) by powertools
    )


# Answers of a route that takes a JSON body: besides its own, a malformed or oversized body or
# one that is not JSON.
BODY_ERRORS = ("invalid_input", "too_large", "unsupported_media_type")


@router.post(
    "/articles",
    operation_id="create_articles",
    summary="Brief a URL now, or queue up to 100 URLs",
    responses={
        200: declare_answer("the URL was already briefed: the stored brief", Brief),
        201: declare_answer("the new brief", Brief),
        202: declare_answer("URLs queued: GET /articles/{id} once briefed", BatchAccepted),
        **declare_errors(
            *BODY_ERRORS, "destination_refused", "conflict", "unsupported_content",
            "no_article", "fetch_failed", "store_unavailable",
        ),
    },
)  # fmt: skip
def create_articles(
    request: Annotated[ArticleRequest | BatchRequest, Body()],
) -> Response[Brief | BatchAccepted]:
    """``{"url"}``: brief and store (201, or 200 when stored); ``{"urls"}``: queue (202)."""
    if isinstance(request, BatchRequest):
        seen: dict[str, Queued] = {}
        for url in request.urls:
            key = url_key(url)
            seen.setdefault(key, Queued(url=url, id=key))
        jobs = [
            BriefJob(url=q.url, sentences=request.sentences, algorithm=request.algorithm)
            for q in seen.values()
        ]
        bootstrap.queue().enqueue(jobs)
        metrics.add_metric(name="UrlsQueued", unit=MetricUnit.Count, value=len(jobs))
        return json_response(202, BatchAccepted(queued=list(seen.values())))

    outcome = ensure_brief(
        bootstrap.store(),
        request.url,
        sentences=request.sentences,
        refresh=request.refresh,
        settings=bootstrap.fetch_settings(),
        algorithm=request.algorithm,
        events=bootstrap.events(),
    )
    if outcome.created:
        metrics.add_metric(name="BriefsCreated", unit=MetricUnit.Count, value=1)
    logger.info("brief ready", extra={"brief_id": outcome.brief.id, "new_brief": outcome.created})
    return json_response(201 if outcome.created else 200, outcome.brief)


@router.get(
    "/articles/<article_id>",
    operation_id="get_article",
    summary="Read a brief by id",
    responses={
        200: declare_answer("the brief", Brief),
        # A queued URL's id answers with the error the worker recorded for it, if any.
        **declare_errors(
            "invalid_input", "destination_refused", "not_found", "conflict", "too_large",
            "unsupported_content", "no_article", "fetch_failed", "store_unavailable",
        ),
    },
)  # fmt: skip
def get_article(
    article_id: Annotated[str, Path(pattern=ID_PATTERN.pattern, description="brief or URL id")],
) -> Brief:
    """The brief with this id (or queued under this id); 404 while not briefed yet."""
    return bootstrap.store().resolve(article_id)


@router.get(
    "/articles",
    operation_id="list_articles",
    summary="List briefs, newest first; by site or by entity",
    responses={
        200: declare_answer("a page of brief cards", BriefList),
        **declare_errors("invalid_input", "store_unavailable"),
    },
)
def list_articles(
    source: Annotated[
        str | None,
        Query(max_length=MAX_SOURCE_CHARS, pattern=SOURCE_PATTERN, description="site domain"),
    ] = None,
    entity: Annotated[
        str | None,
        Query(
            max_length=MAX_ENTITY_CHARS,
            description="only briefs naming this entity: its name or any mention, exactly, "
            "ignoring case and accents",
        ),
    ] = None,
    type: Annotated[  # noqa: A002 - the query parameter's public name
        EntityType | None, Query(description="with entity: only entities of this type")
    ] = None,
    since: Annotated[
        str | None,
        Query(
            max_length=MAX_INSTANT_CHARS,
            description="with entity: placed (published, else briefed) at or after this "
            "ISO 8601 date or time (UTC without an offset)",
        ),
    ] = None,
    until: Annotated[
        str | None,
        Query(max_length=MAX_INSTANT_CHARS, description="with entity: placed before this"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIST_LIMIT)] = DEFAULT_LIST_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=MAX_CURSOR_CHARS, description=CURSOR_DESCRIPTION)
    ] = None,
) -> BriefList:
    """A page of brief cards (id, title, source, summary...) and the next page's cursor.

    With ``entity``: the briefs whose entities include it, newest first by publication time
    (else the time they were briefed), optionally of one ``type``, one ``source`` and a time
    range (``since`` inclusive, ``until`` exclusive). An entity no brief names is an empty list.
    """
    items, next_cursor = find_briefs(entity, type, source, since, until, limit, cursor)
    return BriefList(items=items, next_cursor=next_cursor)


@router.post(
    "/summarize",
    operation_id="summarize",
    summary="Brief supplied HTML or text (not stored)",
    responses={
        200: declare_answer("the brief of that content", Brief),
        **declare_errors(*BODY_ERRORS, "unsupported_content", "no_article"),
    },
)
def summarize(request: Annotated[SummarizeHtml | SummarizeText, Body()]) -> Brief:
    """Brief the HTML or text in the request body; nothing is fetched or stored."""
    from newsbrief.fetch import check_content
    from newsbrief.pipeline import brief_html, brief_text

    if isinstance(request, SummarizeText):
        # Binary bytes decoded into a string are refused as the CLI and fetch refuse them.
        check_content("text/plain", None, request.text.encode("utf-8", "surrogatepass"))
        return brief_text(
            request.text,
            url=request.url,
            title=request.title,
            sentences=request.sentences,
            algorithm=request.algorithm,
        )
    data = request.html.encode("utf-8", "surrogatepass")
    limit = bootstrap.fetch_settings().max_bytes
    if len(data) > limit:
        raise TooLarge(f"html is larger than the {limit}-byte limit")
    check_content("text/html", None, data)
    return brief_html(
        request.html, url=request.url, sentences=request.sentences, algorithm=request.algorithm
    )
