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


def test_a_newsletter_sign_up_box_inside_the_article_is_left_out() -> None:
    # No class names say "newsletter": the e-mail field does.
    check("signup_box.html")


def test_a_pop_up_hidden_by_a_css_class_is_not_the_article() -> None:
    # The hidden offer holds more text than the article; an accordion's answer, hidden until
    # opened, is still the article's.
    check("css_hidden_popup.html")


def test_a_page_wrapper_hidden_until_scripts_run_is_read() -> None:
    html = (
        "<html><body><div class='root hide'><main><article>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</article></main></div></body></html>"
    )
    assert extract_article(html).text.split("\n\n") == PARAGRAPHS


PARAGRAPHS = [
    "The harbour authority reopened the north quay on Monday after three weeks of repairs to "
    "the sea wall, which was damaged in the January storms.",
    "Fishing boats that had moored at the south quay during the work began moving back on "
    "Monday morning, the harbour master said.",
]


def test_a_lead_paragraph_with_pop_up_name_cards_is_kept() -> None:
    # The cards' text sits inside the links: counted as link text, the lead reads as a menu.
    check("name_cards.html")


def test_a_ticker_does_not_outscore_paragraphs_nested_in_page_builder_wrappers() -> None:
    # Each paragraph sits nine single-child wrappers deep; the ticker is one long block.
    check("ticker_vs_nested.html")


def test_wrappers_around_a_single_element_add_no_distance() -> None:
    # One long link-free block near the top of the page against an article whose paragraphs
    # each sit nine single-child wrappers deep: the article must win.
    blurb = (
        "Welcome to the harbour community pages, where volunteers collect notices, tide "
        "tables, club news and the minutes of every meeting of the harbour users' group. "
        "Everything here is written by members for members, and anyone who keeps a boat in "
        "the harbour is welcome to send in news, photographs or corrections by e-mail or by "
        "leaving a note in the box by the slipway office, which is checked every weekend."
    )
    deep = "".join(f"<div class='w{i}'>" for i in range(9))
    body = "".join(f"{deep}<p>{p}</p>{'</div>' * 9}" for p in PARAGRAPHS * 2)
    links = "".join(f"<li><a href='/club/{i}'>Club notice number {i}</a></li>" for i in range(12))
    top = f"<div class='top'><div class='intro'>{blurb}</div><ul>{links}</ul></div>"
    html = f"<html><body>{top}<div class='page'>{body}</div></body></html>"
    assert extract_article(html).text.split("\n\n") == PARAGRAPHS * 2


def test_dates_in_a_data_table_are_values_not_datelines() -> None:
    # A column of dates is neither the article's dateline nor the stamps of a list of posts.
    check("table_dates.html")


def test_a_list_of_links_that_a_sentence_leads_into_is_part_of_the_article() -> None:
    # A changelog's items are each one link; "...were merged into the parser:" says the list
    # is written text. A label of a few words ("More on this blog:") still marks a menu.
    check("changelog_list.html")
