"""Extraction on the repo's own pages: body, boilerplate left out, metadata, hostile input."""

from __future__ import annotations

import json
import os
import random

import pytest
from newsbrief.errors import NoArticle
from newsbrief.extract import extract_article
from newsbrief.models import ARTICLE_METADATA, Article

from tests.conftest import FIXTURES
from tests.support.loopback import Response

PAGES = FIXTURES / "pages"
EXPECTED: dict[str, dict] = {
    name: spec
    for name, spec in json.loads((PAGES / "expected.json").read_text(encoding="utf-8")).items()
    if not name.startswith("_")
}
ARTICLE_PAGES = sorted(name for name, spec in EXPECTED.items() if not spec.get("no_article"))
METADATA_FIELDS = ARTICLE_METADATA


def load(name: str) -> tuple[str, dict]:
    spec = EXPECTED[name]
    html = (PAGES / name).read_bytes().decode(spec["encoding"])
    return html, spec


@pytest.fixture(scope="module")
def extracted() -> dict[str, Article]:
    results = {}
    for name in ARTICLE_PAGES:
        html, spec = load(name)
        results[name] = extract_article(html, spec["url"])
    return results


@pytest.mark.parametrize("name", ARTICLE_PAGES)
def test_body_runs_from_first_to_last_paragraph(extracted: dict[str, Article], name: str) -> None:
    spec = EXPECTED[name]
    paragraphs = extracted[name].text.split("\n\n")
    assert paragraphs[0].startswith(spec["first_paragraph"])
    assert paragraphs[-1].endswith(spec["last_paragraph"])
    assert len(paragraphs) == spec["paragraphs"]
    for snippet in spec["contains"]:
        assert snippet in extracted[name].text


@pytest.mark.parametrize("name", ARTICLE_PAGES)
def test_boilerplate_is_left_out(extracted: dict[str, Article], name: str) -> None:
    text = extracted[name].text
    for snippet in EXPECTED[name]["absent"]:
        assert snippet not in text, f"{snippet!r} leaked into the text of {name}"


@pytest.mark.parametrize("name", ARTICLE_PAGES)
@pytest.mark.parametrize("field", METADATA_FIELDS)
def test_metadata(extracted: dict[str, Article], name: str, field: str) -> None:
    assert getattr(extracted[name], field) == EXPECTED[name]["metadata"][field]


def test_headline_is_not_part_of_the_text(extracted: dict[str, Article]) -> None:
    for name, article in extracted.items():
        assert article.title
        assert article.title not in article.text.split("\n\n"), name


def test_paragraphs_are_separated_by_one_blank_line(extracted: dict[str, Article]) -> None:
    for article in extracted.values():
        assert "\n\n\n" not in article.text
        assert all(p.strip() == p and p for p in article.text.split("\n\n"))


def test_page_without_article_raises_no_article() -> None:
    html, spec = load("front_page_index.html")
    with pytest.raises(NoArticle) as caught:
        extract_article(html, spec["url"])
    assert caught.value.code == "no_article"


def test_comments_longer_than_the_article_are_not_taken_for_it() -> None:
    html, spec = load("seed_soaking_comments.html")
    article = extract_article(html, spec["url"])
    comments_start = html.index('<div id="comments"')
    assert len(html) - comments_start > 2 * comments_start // 3  # the premise: long comments
    assert "Every spring" in article.text and "Patricia" not in article.text


def test_comments_without_class_hints_are_not_taken_for_the_article() -> None:
    # Obfuscated class names (CSS modules): only the structure says "list of posts".
    opinions = [
        "I have lived here for eleven years and the water has never been this clear in summer. "
        "Whatever the authority changed at the treatment works, it is working, and I hope the "
        "council keeps paying for it instead of cutting the budget again next spring.",
        "The hose ban was overdue in my view. Half my street was watering lawns at noon in a "
        "heatwave. Lifting it now is fine but they should bring it back at the first sign of a "
        "dry spell rather than waiting until the reservoirs are nearly empty again.",
    ]
    comments = "".join(
        f'<div class="x9f2"><div class="k3a"><b>Reader {i}</b> '
        f"<span>March {i + 3}, 2024 at 10:{i}5 am</span></div>"
        f"<p>{opinions[i % 2]}</p><div><a href='#r{i}'>Reply</a></div></div>"
        for i in range(8)
    )
    article = "".join(f"<p>{p}</p>" for p in BODY)
    html = (
        "<html><body><div class='a81'><h1>Water</h1>"
        f"<div class='q7'>{article}</div><div class='z0'><h2>8 replies</h2>{comments}</div>"
        "</div></body></html>"
    )
    assert len(comments) > 2 * len(article)
    assert extract_article(html).text.split("\n\n") == BODY


def test_a_comment_state_class_on_the_article_element_is_not_a_comment_section() -> None:
    article = "".join(f"<p>{p}</p>" for p in BODY)
    html = (
        "<html><body><main><article class='post comments-open'>"
        f"{article}</article></main><div class='sidebar-text'><p>{BODY[0]} And more.</p>"
        f"<p>{BODY[1]} Again.</p></div></body></html>"
    )
    assert extract_article(html).text.split("\n\n") == BODY


def test_a_live_blog_of_dated_posts_is_the_article() -> None:
    posts = "".join(
        f"<div class='entry'><div class='stamp'>March 5, 2024 at 1{i}:00 pm</div><p>{p}</p></div>"
        for i, p in enumerate(BODY)
    )
    aside = "<div class='more'><p>Sign up to hear about every new story we publish first.</p></div>"
    html = f"<html><body><h1>Live</h1><div class='posts'>{posts}</div>{aside}</body></html>"
    assert extract_article(html).text.split("\n\n") == BODY


# --- JSON-LD articleBody ----------------------------------------------------------------

BODY = [
    "The regional water authority said on Monday that reservoir levels had recovered to 84 "
    "percent of capacity after three weeks of steady autumn rain.",
    "Restrictions on garden hoses and car washing, in force since July, will be lifted on "
    "Friday, the authority said in a statement.",
    "Engineers will use the winter months to repair a leaking section of the main pipeline "
    "between the eastern reservoir and the treatment works.",
    "Customers are still asked to report leaks through the authority's website or hotline.",
]


def _page(visible: list[str], body: str | None) -> str:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Water"}
    if body is not None:
        ld["articleBody"] = body
    paragraphs = "".join(f"<p>{p}</p>" for p in visible)
    return (
        "<html><head><title>Water</title>"
        f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
        f'<body><div class="article-body">{paragraphs}</div></body></html>'
    )


def test_paywall_cut_text_is_completed_from_jsonld_article_body() -> None:
    article = extract_article(_page(BODY[:1], "\n\n".join(BODY)), "https://example.com/a")
    assert article.text.split("\n\n") == BODY


def test_jsonld_body_that_disagrees_with_the_page_is_ignored() -> None:
    other = " ".join(["Completely different words about football and weather forecasts."] * 20)
    article = extract_article(_page(BODY, other), "https://example.com/a")
    assert article.text.split("\n\n") == BODY


def test_full_visible_text_wins_over_a_teaser_article_body() -> None:
    article = extract_article(_page(BODY, BODY[0]), "https://example.com/a")
    assert article.text.split("\n\n") == BODY


def test_html_inside_jsonld_article_body_is_reduced_to_paragraphs() -> None:
    body = "".join(f"<p>{p.replace('and', '<em>and</em>')}</p>" for p in BODY)
    article = extract_article(_page(BODY[:1], body), "https://example.com/a")
    assert article.text.split("\n\n") == BODY


def test_jsonld_body_stands_in_when_the_page_shows_no_text() -> None:
    article = extract_article(_page([], "\n\n".join(BODY)), "https://example.com/a")
    assert article.text.split("\n\n") == BODY


# --- structure ------------------------------------------------------------------------------


def test_hidden_elements_and_captions_are_left_out() -> None:
    html = (
        "<html><body><article>"
        f"<p>{BODY[0]}</p>"
        '<div style="display: none"><p>Hidden promotional text that no reader ever sees.</p></div>'
        "<figure><img src=x.jpg><figcaption>Reservoir at dawn. Photo: agency</figcaption></figure>"
        f"<p hidden>Also hidden from every reader of this page, long enough.</p><p>{BODY[1]}</p>"
        "</article></body></html>"
    )
    text = extract_article(html).text
    assert text.split("\n\n") == BODY[:2]


def test_data_table_rows_read_as_lines() -> None:
    rows = "".join(
        f"<tr><td>{n}</td><td><a href='/t/{team}'>{team}</a></td><td>{pts}</td></tr>"
        for n, team, pts in [(1, "Harriers", 54), (2, "Rovers", 51), (3, "Athletic", 47)]
    )
    html = f"<html><body><article><p>{BODY[0]}</p><table>{rows}</table></article></body></html>"
    text = extract_article(html).text
    assert text.split("\n\n")[1:] == ["1 Harriers 54", "2 Rovers 51", "3 Athletic 47"]


def test_line_breaks_inside_a_paragraph_are_kept_as_single_newlines() -> None:
    html = f"<html><body><article><p>{BODY[0]}<br>{BODY[1]}</p></article></body></html>"
    assert extract_article(html).text == f"{BODY[0]}\n{BODY[1]}"


def test_double_line_breaks_separate_paragraphs() -> None:
    post = f"{BODY[0]}<br><br>\n{BODY[1]}<br>{BODY[2]}"
    html = f"<html><body><div class='post'>{post}</div></body></html>"
    assert extract_article(html).text == f"{BODY[0]}\n\n{BODY[1]}\n{BODY[2]}"


def test_entities_and_whitespace_are_normalised() -> None:
    html = (
        "<html><body><article><p>Caf&eacute; owners&nbsp;said   the\n rent &amp; rates rose "
        "by a third this year, and several are thinking of closing.</p></article></body></html>"
    )
    assert extract_article(html).text == (
        "Café owners said the rent & rates rose by a third this year, and several are "
        "thinking of closing."
    )


# --- hostile input: a brief or NoArticle, never a crash ------------------------------------


def _brief_or_no_article(html: str) -> Article | None:
    try:
        return extract_article(html, "https://example.com/x")
    except NoArticle:
        return None


def test_empty_and_whitespace_pages() -> None:
    for html in ("", "   ", "<html></html>", "<!---->", "<"):
        with pytest.raises(NoArticle):
            extract_article(html)


def test_a_million_nested_tags() -> None:
    depth = 1_000_000
    html = "<div>" * depth + "deep text " * 50 + "</div>" * depth
    _brief_or_no_article(html)
    html = "<html><body><article><p>" + BODY[0] + "</p></article>" + "<span>" * depth
    article = _brief_or_no_article(html)
    assert article is not None and article.text == BODY[0]


def test_a_50_mb_single_line_script() -> None:
    script = "<script>var payload='" + "A" * 50_000_000 + "';</script>"
    article = _brief_or_no_article(f"<html><body><p>{BODY[0]}</p>{script}</body></html>")
    assert article is not None and article.text == BODY[0]
    # Unclosed: the rest of the page is script text, as in a browser.
    assert _brief_or_no_article(f"<p>{BODY[0]}</p><script>" + "A" * 50_000_000) is not None


def test_binary_junk() -> None:
    junk = random.Random(7).randbytes(1_000_000)
    for text in (junk.decode("latin-1"), junk.decode("utf-8", errors="replace")):
        _brief_or_no_article(text)
    _brief_or_no_article(os.urandom(1000).decode("latin-1") + f"<p>{BODY[0]}</p>")


def test_unclosed_tags_and_comments_by_the_thousand() -> None:
    for html in (
        "<nav>" * 100_000 + f"<p>{BODY[0]}</p>",
        "<!--" * 100_000,
        "<script>" * 100_000,
        "<aside><aside>" * 50_000 + "</aside>" * 10,
        "<a href='x'>" * 100_000 + BODY[0],
        "<p>" + "<" * 1_000_000,
    ):
        _brief_or_no_article(html)


def test_malformed_jsonld_is_ignored() -> None:
    broken = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
    deep = '<script type="application/ld+json">' + "[" * 100_000 + "</script>"
    html = f"<html><head>{broken}{deep}</head><body><p>{BODY[0]}</p></body></html>"
    assert extract_article(html).text == BODY[0]


def test_non_text_input_is_no_article() -> None:
    with pytest.raises(NoArticle):
        extract_article(b"<p>bytes</p>")  # type: ignore[arg-type]


# --- through fetch: the page's declared charset reaches extraction intact -------------------


def test_windows_1252_page_served_over_loopback(loopback, allow_loopback) -> None:
    from newsbrief.fetch import fetch_page

    body = (PAGES / "bird_survey_cp1252.html").read_bytes()
    url = loopback.add(
        "/outdoors/birdsurvey0518.html",
        Response(body=body, headers={"Content-Type": "text/html; charset=windows-1252"}),
    )
    page = fetch_page(url)
    article = extract_article(page.html, page.final_url)
    assert "I haven’t seen in twenty years,” Pelletier said." in article.text
    assert article.title == "Record 212 species counted in Lakeshore bird survey"
