"""Language identification for text that carries no declared language. (Being built: issue 5.)"""

from __future__ import annotations


def detect_language(text: str) -> str | None:
    """Guess the ISO 639-1 code of ``text`` from its stop words; ``None`` when unsure."""
    raise NotImplementedError
