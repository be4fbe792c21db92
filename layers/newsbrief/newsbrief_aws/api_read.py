"""The API's read routes as the read function serves them: no pydantic, no request models.

GET requests are most of the traffic, and a reader waits for their cold start. They carry no
body and a few parameters, so this module checks the parameters itself, with the same bounds
as the typed declarations in :mod:`api_articles` / :mod:`api_feeds` (the constants live here
and those modules import them), and serves a stored brief as the JSON it was stored as. The
typed declarations stay the published contract (OpenAPI spec, /docs); the parity tests
(tests/integration/test_read_parity.py) hold both to the same answers.

Imports are the cold start: nothing here may import pydantic, the HTML parser or the
summarizer (benchmarks/coldstart.py reports what the read function loaded).
"""

from __future__ import annotations

import re
from typing import Any

import newsbrief
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from newsbrief.errors import InvalidInput

from newsbrief_aws.entity_index import ENTITY_TYPES, MAX_ENTITY_CHARS, MAX_INSTANT_CHARS
from newsbrief_aws.store import MAX_LIST_LIMIT, complete_card

from . import bootstrap

router = APIGatewayRouter()

DEFAULT_LIST_LIMIT = 20
MAX_CURSOR_CHARS = 4096  # DynamoDB keys of a page, base64: far below this
CURSOR_DESCRIPTION = (
    "the previous page's next_cursor, unchanged: any other value is a 400 invalid_input"
)
MAX_SOURCE_CHARS = 253  # the longest DNS name
SOURCE_PATTERN = r"^[A-Za-z0-9.-]+$"  # a site's domain, as briefs record it
_SOURCE = re.compile(SOURCE_PATTERN)
TYPE_PATTERN = "^(" + "|".join(ENTITY_TYPES) + ")$"  # an entity type, as briefs spell it
_TYPE = re.compile(TYPE_PATTERN)
# What the typed routes' (pydantic's lax) integer parsing takes: ASCII digits, a sign, digit
# groups joined by "_", surrounding whitespace.
_INT = re.compile(r"\s*[+-]?[0-9]+(?:_[0-9]+)*\s*", re.ASCII)


def query_int(name: str, default: int, low: int, high: int) -> int:
    """The integer query parameter ``name`` within ``[low, high]``, else :class:`InvalidInput`."""
    raw = router.current_event.get_query_string_value(name)
    if raw is None:
        return default
    if not _INT.fullmatch(raw):
        raise InvalidInput(f"query.{name}: must be a whole number")
    # int() refuses strings of over 4,300 digits (ValueError): out of range either way.
    value = int(raw) if len(raw) <= 64 else high + 1
    if not low <= value <= high:
        raise InvalidInput(f"query.{name}: must be between {low} and {high}")
    return value


def query_text(name: str, max_chars: int, pattern: re.Pattern[str] | None = None) -> str | None:
    """The text query parameter ``name`` (``None`` when absent), bounded and checked."""
    raw = router.current_event.get_query_string_value(name)
    if raw is None:
        return None
    if len(raw) > max_chars:
        raise InvalidInput(f"query.{name}: must be at most {max_chars} characters")
    if pattern is not None and not pattern.match(raw):
        raise InvalidInput(f"query.{name}: must match {pattern.pattern}")
    return raw


def _page() -> tuple[int, str | None]:
    limit = query_int("limit", DEFAULT_LIST_LIMIT, 1, MAX_LIST_LIMIT)
    return limit, query_text("cursor", MAX_CURSOR_CHARS)


@router.get("/health")
def health() -> dict[str, str]:
    """Liveness: answers without touching the store."""
    return {"status": "ok", "version": newsbrief.__version__}


@router.get("/articles/<article_id>")
def get_article(article_id: str) -> Response[str]:
    """The stored brief (by brief id or by the id its URL was queued under), as stored."""
    body = bootstrap.store().resolve_json(article_id)
    return Response(
        status_code=200, content_type=content_types.APPLICATION_JSON, body=body.decode("utf-8")
    )


def entity_filters(
    entity: str | None, entity_type: str | None, since: str | None, until: str | None
) -> None:
    """Refuse ``type``, ``since`` and ``until`` without ``entity``: they filter its listing."""
    if entity is None and (entity_type, since, until) != (None, None, None):
        raise InvalidInput("query.entity: type, since and until filter briefs by an entity")


@router.get("/articles")
def list_articles() -> dict[str, Any]:
    """A page of brief cards, newest first, optionally of one site or naming one entity."""
    source = query_text("source", MAX_SOURCE_CHARS, _SOURCE)
    entity = query_text("entity", MAX_ENTITY_CHARS)
    entity_type = query_text("type", len(max(ENTITY_TYPES, key=len)), _TYPE)
    since = query_text("since", MAX_INSTANT_CHARS)
    until = query_text("until", MAX_INSTANT_CHARS)
    limit, cursor = _page()
    items, next_cursor = find_briefs(entity, entity_type, source, since, until, limit, cursor)
    return {"items": items, "next_cursor": next_cursor}


def find_briefs(
    entity: str | None, entity_type: str | None, source: str | None, since: str | None,
    until: str | None, limit: int, cursor: str | None,
) -> tuple[list[dict[str, Any]], str | None]:  # fmt: skip
    """One page of cards: by entity through the index, else the plain (per-source) listing.

    Both functions' ``GET /articles`` call this, so they choose the same way, and every card
    has the fields the document's ``BriefCard`` names (older cards are completed).
    """
    entity_filters(entity, entity_type, since, until)
    if entity is None:
        store = bootstrap.store()
        cards, next_cursor = store.list_briefs(source=source, limit=limit, cursor=cursor)
    else:
        cards, next_cursor = bootstrap.entity_index().list_briefs(
            entity, entity_type=entity_type, source=source, since=since, until=until,
            limit=limit, cursor=cursor,
        )  # fmt: skip
    return [complete_card(card) for card in cards], next_cursor


@router.get("/entities")
def list_entities() -> dict[str, Any]:
    """The entities most briefed in a time window (default: the last 24 hours)."""
    since = query_text("since", MAX_INSTANT_CHARS)
    until = query_text("until", MAX_INSTANT_CHARS)
    entity_type = query_text("type", len(max(ENTITY_TYPES, key=len)), _TYPE)
    source = query_text("source", MAX_SOURCE_CHARS, _SOURCE)
    limit, cursor = _page()
    items, next_cursor = bootstrap.entity_index().top_entities(
        since=since,
        until=until,
        entity_type=entity_type,
        source=source,
        limit=limit,
        cursor=cursor,
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/feeds")
def list_feeds() -> dict[str, Any]:
    """A page of registered feeds with their poll status."""
    limit, cursor = _page()
    items, next_cursor = bootstrap.feed_store().list_feeds(limit=limit, cursor=cursor)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/feeds/<feed_id>")
def get_feed(feed_id: str) -> dict[str, object]:
    """One feed and the state of its polling."""
    return bootstrap.feed_store().get_feed(feed_id).public()


@router.get("/feeds/<feed_id>/articles")
def list_feed_articles(feed_id: str) -> dict[str, Any]:
    """The articles a feed led to, newest first."""
    limit, cursor = _page()
    items, next_cursor = bootstrap.feed_store().list_feed_articles(feed_id, limit, cursor)
    return {"items": items, "next_cursor": next_cursor}
