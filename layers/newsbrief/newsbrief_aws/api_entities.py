"""API route for entities: the entities most briefed in a time window (trending).

The typed declaration of ``GET /entities`` (OpenAPI document, /docs); the read function serves
it through :mod:`newsbrief_aws.api_read`, held to the same answers by the parity tests.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from newsbrief.models import EntityType
from pydantic import BaseModel, Field

from newsbrief_aws.entity_index import (
    DEFAULT_ENTITY_LIMIT,
    MAX_INSTANT_CHARS,
    MAX_WINDOW,
    MAX_WINDOW_HOURS,
)
from newsbrief_aws.store import MAX_LIST_LIMIT

from . import bootstrap
from .api_docs import declare_answer
from .api_read import CURSOR_DESCRIPTION, MAX_CURSOR_CHARS, MAX_SOURCE_CHARS, SOURCE_PATTERN
from .error_responses import declare_errors

router = APIGatewayRouter()


class EntityCount(BaseModel):
    """One entity and how much it was briefed in the window."""

    name: str = Field(description="the canonical name, as the most recent brief spelled it")
    type: EntityType
    briefs: int = Field(description="briefs naming it, placed in the window")
    mentions: int = Field(description="its mentions in those briefs")


class EntityList(BaseModel):
    """One page of entities, most briefed first."""

    items: list[EntityCount]
    next_cursor: str | None = Field(description="pass back as ?cursor= for the next page")


@router.get(
    "/entities",
    operation_id="list_entities",
    summary="Entities most briefed in a time window",
    responses={
        200: declare_answer("a page of entities, most briefed first", EntityList),
        **declare_errors("invalid_input", "store_unavailable"),
    },
)
def list_entities(
    since: Annotated[
        str | None,
        Query(
            max_length=MAX_INSTANT_CHARS,
            description="ISO 8601 date or time (UTC without an offset), widened down to the "
            "hour; default: 24 hours before until",
        ),
    ] = None,
    until: Annotated[
        str | None,
        Query(
            max_length=MAX_INSTANT_CHARS,
            description=f"widened up to the hour; default: now. At most {MAX_WINDOW.days} "
            f"days after since ({MAX_WINDOW_HOURS} hours once widened)",
        ),
    ] = None,
    type: Annotated[  # noqa: A002 - the query parameter's public name
        EntityType | None, Query(description="only entities of this type")
    ] = None,
    source: Annotated[
        str | None,
        Query(
            max_length=MAX_SOURCE_CHARS,
            pattern=SOURCE_PATTERN,
            description="only briefs of this site",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIST_LIMIT)] = DEFAULT_ENTITY_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=MAX_CURSOR_CHARS, description=CURSOR_DESCRIPTION)
    ] = None,
) -> EntityList:
    """The entities of the briefs placed in the window, most briefed first.

    A brief is placed at its publication time, else the time it was briefed. Entities rank by
    the number of briefs naming them, then by mentions; counts are exact. Pages keep the
    window of the first page.
    """
    items, next_cursor = bootstrap.entity_index().top_entities(
        since=since,
        until=until,
        entity_type=type,
        source=source,
        limit=limit,
        cursor=cursor,
    )
    return EntityList(
        items=[EntityCount.model_validate(item) for item in items], next_cursor=next_cursor
    )
