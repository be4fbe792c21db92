"""Fetch stage: the only module that opens sockets (being built: issues 2 and 8)."""

from __future__ import annotations

from .models import Page
from .settings import FetchSettings


def fetch_page(url: str, settings: FetchSettings | None = None) -> Page:
    """Fetch ``url`` and return the decoded HTML page, or raise a :mod:`newsbrief.errors` error."""
    raise NotImplementedError


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode HTML bytes: HTTP header charset, then meta charset, then detection.

    Returns ``(text, encoding)``.
    """
    raise NotImplementedError
