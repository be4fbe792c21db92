"""The product: a brief, as stored, served and published in the API's JSON schema.

A pydantic model (validated on the way in and out, its schema published in the OpenAPI spec),
kept apart from :mod:`newsbrief.models` so that modules which only move stored briefs around
(the store, the API's read routes) never pay for importing pydantic.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from .models import DEFAULT_ALGORITHM, Algorithm, EntityType


class EntityOut(BaseModel):
    """An entity as published in a brief."""

    name: str
    type: EntityType
    count: int
    mentions: list[str]


class Brief(BaseModel):
    """The product: one article's brief, as stored and served."""

    id: str = Field(description="Stable id: derived from the canonical URL")
    url: str | None
    canonical_url: str | None
    source: str | None = Field(description="The site's domain, e.g. example.com")
    title: str | None
    authors: list[str]
    published: str | None = Field(description="ISO 8601 or null")
    language: str | None = Field(description="ISO 639-1")
    text: str
    word_count: int
    summary: list[str]
    summary_algorithm: Algorithm = Field(
        DEFAULT_ALGORITHM,
        description="Who chose the summary's sentences: the algorithm asked for, or newsbrief "
        "when the asked one ran out of its time budget",
    )
    entities: list[EntityOut]
    fetched_at: str
    site_name: str | None = None
    top_image: str | None = None


class BriefCard(BaseModel):
    """A brief as lists show it (``GET /articles``): its fields without text and entities.

    The summary keeps its first sentences up to a size bound and the title its first 500
    characters, so a page of cards stays small; ``GET /articles/{id}`` gives the whole brief.
    """

    id: str = Field(description="Stable id: GET /articles/{id} returns the whole brief")
    url: str | None
    canonical_url: str | None
    source: str | None = Field(description="The site's domain, e.g. example.com")
    title: str | None
    published: str | None = Field(description="ISO 8601 or null")
    language: str | None = Field(description="ISO 639-1")
    word_count: int
    summary: list[str]
    summary_algorithm: Algorithm = Field(
        description="Who chose the summary's sentences (see Brief.summary_algorithm)"
    )
    fetched_at: str
