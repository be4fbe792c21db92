"""Language identification for text with no declared language (being built: issue 5)."""

from __future__ import annotations


def detect_language(text: str) -> str | None:
    """Guess the ISO 639-1 code of ``text`` from its stop words; ``None`` when unsure."""
    raise NotImplementedError
