"""Summarize stage: an extractive summary on sumy, with a tokenizer that needs no downloads."""

from __future__ import annotations


def summarize_text(
    text: str, sentences: int = 3, language: str | None = "en", title: str | None = None
) -> list[str]:
    """Return up to ``sentences`` sentences taken verbatim from ``text``, in document order."""
    raise NotImplementedError
