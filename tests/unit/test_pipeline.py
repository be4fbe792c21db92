"""The pipeline's own policy: ids, sources, parameter bounds, and the order of the stages."""

from __future__ import annotations

import pytest
from newsbrief.errors import InvalidInput, NoArticle
from newsbrief.pipeline import (
    MAX_ANALYSED_CHARS,
    analysed_part,
    brief_html,
    brief_id,
    brief_text,
)
from newsbrief.urls import source_of

from tests.conftest import FIXTURES

PAGE = (FIXTURES / "cli" / "harbour-bridge.html").read_text(encoding="utf-8")
TEXT = (FIXTURES / "cli" / "harbour-bridge.txt").read_text(encoding="utf-8")


def test_ids_ignore_what_url_identity_ignores() -> None:
    assert brief_id("HTTPS://Example.COM:443/a?b=1#frag") == brief_id("https://example.com/a?b=1")


def test_ids_differ_for_different_urls_and_texts() -> None:
    assert brief_id("https://example.com/a") != brief_id("https://example.com/b")
    assert brief_id(None, "one text") != brief_id(None, "another text")
    assert len(brief_id("https://example.com/a")) == 24


@pytest.mark.parametrize("bad", [0, 21, -1, True, 2.5, "3"])
def test_sentence_count_is_bounded(bad: object) -> None:
    with pytest.raises(InvalidInput):
        brief_text(TEXT, sentences=bad)  # type: ignore[arg-type]


def test_canonical_url_wins_over_the_url_asked_for() -> None:
    a = brief_html(PAGE, url="https://averycourier.example/share?utm_source=x")
    b = brief_html(PAGE, url="https://m.averycourier.example/news/harbour")
    assert a.id == b.id
    assert a.url != b.url
    assert a.source == "averycourier.example"


def test_text_brief_detects_language_and_summarizes() -> None:
    brief = brief_text(TEXT, title="Bridge closes", sentences=4)
    assert brief.language == "en"
    assert len(brief.summary) == 4
    assert brief.word_count == len(TEXT.split())
    assert brief.canonical_url is None and brief.source is None


def test_empty_text_is_no_article() -> None:
    with pytest.raises(NoArticle):
        brief_text("   \n ")


@pytest.mark.parametrize("url", ["http://[::1/x", "https://example.com:http/", "http://[zz]/"])
def test_unparseable_urls_never_raise(url: str) -> None:
    assert brief_id(url) == brief_id(url)
    assert source_of(url) is None or isinstance(source_of(url), str)
    brief = brief_text("A sentence about the harbour. Another one follows here.", url=url)
    assert brief.url == url


def _paragraph(n: int) -> str:
    return (
        f"Paragraph {n} reports that the harbour council met again on Tuesday evening. "
        f"Members discussed the ferry timetable and the cost of repairs to pier {n}."
    )


def test_summary_and_entities_come_from_the_leading_part_of_a_huge_text() -> None:
    """Past MAX_ANALYSED_CHARS the text is kept but not analysed: bounded CPU for any input."""
    body = []
    while sum(len(p) + 2 for p in body) < MAX_ANALYSED_CHARS:
        body.append(_paragraph(len(body)))
    tail = "Governor Anneliese Marchetti visited Vellmoor and spoke to the press at length."
    text = "\n\n".join(body + [tail] * 50)
    brief = brief_text(text, title="Harbour council")
    assert brief.text == text  # published whole
    assert brief.word_count == len(text.split())
    analysed = analysed_part(text)
    assert len(analysed) <= MAX_ANALYSED_CHARS and text.startswith(analysed)
    assert text[len(analysed) :].startswith("\n\n")  # cut between paragraphs
    assert all(sentence in analysed for sentence in brief.summary)
    assert not any("Marchetti" in e.name or "Vellmoor" in e.name for e in brief.entities)


def test_analysed_part_of_one_giant_paragraph_ends_at_a_word() -> None:
    text = "word " * (MAX_ANALYSED_CHARS // 4)
    part = analysed_part(text)
    assert len(part) <= MAX_ANALYSED_CHARS and part.endswith("word")
    assert analysed_part("short text") == "short text"
