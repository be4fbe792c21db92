"""Extraction rules, one failure class each, on small pages written for the purpose.

Each page in tests/fixtures/extraction_rules reproduces one way real pages defeat a main-text
extractor (markup lxml misparses, streaming server rendering, page builders, misleading class
names...). The expected start, contents and omissions are in the folder's expected.json.
"""

from __future__ import annotations

import json

import pytest
from newsbrief.extract import extract_article

from tests.conftest import FIXTURES

RULE_PAGES = FIXTURES / "extraction_rules"
EXPECTED: dict[str, dict] = {
    name: spec
    for name, spec in json.loads((RULE_PAGES / "expected.json").read_text("utf-8")).items()
    if not name.startswith("_")
}


def extract_page(name: str) -> str:
    """The article text of one rule page."""
    return extract_article((RULE_PAGES / name).read_text("utf-8")).text


def check(name: str) -> None:
    """The page's text starts, contains and leaves out what expected.json says."""
    spec = EXPECTED[name]
    text = extract_page(name)
    assert text.startswith(spec["first"]), text[:200]
    for snippet in spec["contains"]:
        assert snippet in text, f"{snippet!r} missing from the text of {name}"
    for snippet in spec["absent"]:
        assert snippet not in text, f"{snippet!r} leaked into the text of {name}"


def test_an_unclosed_button_does_not_swallow_the_page() -> None:
    # <button><div>... never closed: lxml puts the rest of the page inside the button.
    check("unclosed_button.html")


def test_a_figure_left_open_by_an_unclosed_div_does_not_swallow_the_page() -> None:
    check("swallowing_figure.html")


def test_an_unclosed_aside_does_not_swallow_the_page() -> None:
    check("unclosed_aside.html")


def test_react_streaming_hidden_segments_are_read() -> None:
    # The article arrives in <div hidden id="S:0">, which a script moves into place.
    check("react_streaming.html")


def test_page_builder_widget_wrappers_are_layout_not_boilerplate() -> None:
    # Every piece of the article sits in a "widget" element: the class is the page's layout.
    check("page_builder.html")


def test_a_class_containing_comment_is_not_a_comment_section() -> None:
    # "commentary" is an opinion article; the real comment section still goes.
    check("commentary.html")


def test_an_article_split_into_sibling_sections_is_kept_whole() -> None:
    check("sibling_sections.html")


def test_list_items_without_links_are_article_prose_not_teasers() -> None:
    check("prose_list_items.html")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rule_pages_keep_paragraphs_apart(name: str) -> None:
    text = extract_page(name)
    assert "\n\n\n" not in text
    assert all(p.strip() == p and p for p in text.split("\n\n"))


def test_a_post_delivered_inside_noscript_is_read() -> None:
    # The page shows a placeholder that a script would replace with the post.
    check("noscript_post.html")


def test_embedded_posts_and_pull_quotes_belong_to_the_article() -> None:
    # The tweet sits in a wrapper named for media; the pull quote inside a <figure>.
    check("embedded_post.html")
