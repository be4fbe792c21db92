"""Entities stage: named people, organizations, places and other things, with counts."""

from __future__ import annotations

from .models import Entity


def find_entities(text: str, language: str | None = "en", title: str | None = None) -> list[Entity]:
    """Return the article's entities with canonical names, sorted by count (descending)."""
    raise NotImplementedError
