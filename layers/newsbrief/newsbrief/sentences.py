"""Sentence splitting and word tokenizing that need no downloaded data.

Sentences come from ``sentencex`` (Wikimedia's rule-based segmenter: abbreviation lists for
~300 languages, compiled, about 0.1 ms per news article), which replaces NLTK's punkt: punkt
needs a data download that Lambda and CI cannot do. Paragraph and line structure is decided
here first, because ``sentencex`` only looks at punctuation.

The summarize and entities stages use these functions directly; sumy's summarizers get them
through :class:`newsbrief.sumy_algorithms.SumyTokenizer`.
"""

from __future__ import annotations

import re

import sentencex

DEFAULT_LANGUAGE = "en"

# A blank line (possibly holding spaces) separates paragraphs, as the extract stage writes them.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
# A line that ends like this finished its sentence or is a heading-like line of its own.
_LINE_END = re.compile(r"""[.!?:;"'”’»)\]…]\s*$""")
# A line that starts like this continues the previous line of a hard-wrapped paragraph.
_CONTINUATION = re.compile(r"^\s*[a-z0-9(,;]")
# A lone quote mark after a sentence's closing punctuation and a space.
_DANGLING_QUOTE = re.compile(r"""(?<=[.!?…])\s+(["“”'‘’«»„])$""")
# Words: letters joined by apostrophes or hyphens ("don't", "well-known"), the same notion of a
# word as sumy's own Tokenizer keeps; digits and punctuation carry no content for the scorers.
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def split_paragraphs(text: str) -> list[str]:
    """Split ``text`` into paragraphs on blank lines; hard-wrapped lines are joined back.

    A single newline ends a sentence unless the line is clearly wrapped mid-sentence (it
    ends without closing punctuation and the next line starts in lower case), so captions,
    headings and list items on lines of their own stay separate sentences.
    """
    paragraphs: list[str] = []
    for block in _PARAGRAPH_BREAK.split(text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        merged = [lines[0]]
        for line in lines[1:]:
            if not _LINE_END.search(merged[-1]) and _CONTINUATION.match(line):
                merged[-1] = f"{merged[-1]} {line}"
            else:
                merged.append(line)
        paragraphs.append("\n".join(merged))
    return paragraphs


def split_paragraph(paragraph: str, language: str | None = DEFAULT_LANGUAGE) -> list[str]:
    """The sentences of one paragraph from :func:`split_paragraphs` (its lines end sentences)."""
    language = (language or DEFAULT_LANGUAGE).lower()
    sentences: list[str] = []
    for line in paragraph.split("\n"):
        carry = ""
        for piece in sentencex.segment(language, line):
            sentence = carry + piece.strip()
            carry = ""
            # sentencex hands a quote that opens the next sentence ('said. "We ...') to the
            # sentence before it: give it back.
            opening = _DANGLING_QUOTE.search(sentence)
            if opening:
                carry = opening.group(1)
                sentence = sentence[: opening.start()]
            if sentence:
                sentences.append(sentence)
        if carry and sentences:
            sentences[-1] += " " + carry
    return sentences


def split_sentences(text: str, language: str | None = DEFAULT_LANGUAGE) -> list[str]:
    """Split ``text`` into sentences, each a verbatim (whitespace-trimmed) piece of it.

    ``language`` is an ISO 639-1 code choosing the abbreviation rules; unknown or missing
    languages get sentencex's generic rules (it falls back to English for codes it lacks).
    """
    return [s for p in split_paragraphs(text) for s in split_paragraph(p, language)]


def tokenize_words(text: str) -> list[str]:
    """The words of ``text`` (letters, with inner apostrophes and hyphens), case preserved."""
    return _WORD.findall(text)

