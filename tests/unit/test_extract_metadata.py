"""Metadata rules on hand-built signals and small pages: dates, titles, authors, language, URLs."""

from __future__ import annotations

import pytest
from newsbrief import metadata as md
from newsbrief.extract import extract_article

PARAGRAPH = (
    "<p>The county fair returns this weekend with a livestock show, a pie contest and "
    "the first demolition derby in six years, organisers said on Tuesday.</p>"
)


def page(head: str = "", body: str = "", html_attrs: str = "") -> str:
    body = f"<body>{body}<article>{PARAGRAPH}</article></body>"
    return f"<html {html_attrs}><head>{head}</head>{body}</html>"


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2024-03-05T14:30:00Z", "2024-03-05T14:30:00+00:00"),
        ("2024-03-05T14:30:00+0100", "2024-03-05T14:30:00+01:00"),
        ("2024-03-05T14:30:00.123-05:00", "2024-03-05T14:30:00-05:00"),
        ("2024-03-05 14:30:00", "2024-03-05T14:30:00"),
        ("2024-03-05", "2024-03-05"),
        ("Tue, 05 Mar 2024 14:30:00 GMT", "2024-03-05T14:30:00+00:00"),
        ("March 5, 2024", "2024-03-05"),
        ("5 March 2024", "2024-03-05"),
        ("20240305", "2024-03-05"),
        ("0001-01-01T00:00:00+00:00", None),
        ("1970-01-01", None),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_normalise_to_iso8601(raw: str | None, iso: str | None) -> None:
    assert md.to_iso8601(raw) == iso


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Published Saturday, May 18, 2019", "2019-05-18"),
        ("Keisha Morgan · Oct. 6, 2024", "2024-10-06"),
        ("18.09.2024, 06:00 Uhr", "2024-09-18"),
        ("Updated 2023-11-02 09:10", "2023-11-02"),
        ("31.02.2024", None),
    ],
)
def test_datelines_in_text(line: str, iso: str | None) -> None:
    assert md.date_in_text(line) == iso


def test_published_falls_back_to_the_date_in_the_url() -> None:
    article = extract_article(page(), "https://news.example/2021/07/09/fair-returns/")
    assert article.published == "2021-07-09"


def test_published_prefers_meta_over_time_element_and_url() -> None:
    head = '<meta property="article:published_time" content="2022-01-02T03:04:05Z">'
    body = '<time datetime="2020-01-01">1 Jan 2020</time>'
    article = extract_article(page(head, body), "https://news.example/2019/01/01/x")
    assert article.published == "2022-01-02T03:04:05+00:00"


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Fair returns with derby | County Courier", None, "Fair returns with derby"),
        ("Fair returns with derby - County Courier", "County Courier", "Fair returns with derby"),
        (
            "County Courier: Fair returns with derby",
            "County Courier",
            "County Courier: Fair returns with derby",
        ),
        ("County Courier | Fair returns with derby", "County Courier", "Fair returns with derby"),
        (
            "Fair returns - with derby - Local - County Courier",
            "County Courier",
            "Fair returns - with derby - Local",
        ),
        ("Fair returns with derby", None, "Fair returns with derby"),
    ],
)
def test_title_loses_the_site_name(title: str, site: str | None, expected: str) -> None:
    signals = md.Signals(title=title)
    assert md.find_title(signals, site) == expected


def test_visible_headline_wins_when_the_title_wraps_it() -> None:
    signals = md.Signals(title="Fair returns | Local | Courier", h1=["Fair returns"])
    assert md.find_title(signals, None) == "Fair returns"


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("BY JANE DOE, Staff Writer", ["JANE DOE"]),
        ("Jane Doe | March 5, 2024", ["Jane Doe"]),
        ("Associated Press", []),
        ("By The Courier Staff", []),
        ("Reuters", []),
        ("Von Anna Schmidt und Jörg Weber", ["Anna Schmidt", "Jörg Weber"]),
        ("jane@example.com", []),
        ("Sarah E. Needleman", ["Sarah E. Needleman"]),
        ("By Bruce Y. Lee and Ana Lima", ["Bruce Y. Lee", "Ana Lima"]),
        ("Finian Cunningham. Example International", ["Finian Cunningham"]),
        ("The Water Coolest", []),
        ("Charlie Wood, The Courier", ["Charlie Wood"]),
        ("https://facebook.com/janedoe", []),
    ],
)
def test_authors_are_people_only(byline: str, authors: list[str]) -> None:
    assert md.find_authors(md.Signals(bylines=[byline]), "The Courier") == authors


def test_jsonld_organisation_authors_are_dropped() -> None:
    signals = md.Signals(
        jsonld=[
            {
                "@type": "NewsArticle",
                "author": [
                    {"@type": "Person", "name": "Ana Lima"},
                    {"@type": "Organization", "name": "Wire Service"},
                ],
            }
        ]
    )
    assert md.find_authors(signals, None) == ["Ana Lima"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("en-US", "en"),
        ("pt_BR", "pt"),
        ("DE", "de"),
        ("zh-Hant-TW", "zh"),
        ("english", None),
        ("", None),
    ],
)
def test_language_codes(raw: str, code: str | None) -> None:
    assert md.to_language(raw) == code


def test_language_from_meta_when_html_has_none() -> None:
    head = '<meta http-equiv="Content-Language" content="it-IT">'
    assert extract_article(page(head)).language == "it"
    assert extract_article(page(html_attrs='lang="fr-CA"')).language == "fr"


def test_canonical_and_image_are_made_absolute() -> None:
    head = (
        '<link rel="canonical" href="/a/fair">'
        '<meta property="og:image" content="//cdn.example/f.jpg">'
    )
    article = extract_article(page(head), "https://news.example/x/y?utm=1")
    assert article.canonical_url == "https://news.example/a/fair"
    assert article.top_image == "https://cdn.example/f.jpg"


def test_javascript_urls_are_not_canonical() -> None:
    head = '<link rel="canonical" href="javascript:alert(1)"><meta property="og:url" content="/ok">'
    assert (
        extract_article(page(head), "https://news.example/").canonical_url
        == "https://news.example/ok"
    )


def test_jsonld_graph_is_searched() -> None:
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "WebSite", "name": "Courier"},'
        '{"@type": ["NewsArticle"], "headline": "Fair returns", "datePublished": "2024-08-01",'
        '"author": {"@type": "Person", "name": "Rosa Delgado"},'
        '"publisher": {"@type": "Organization", "name": "County Courier"}}]}</script>'
    )
    article = extract_article(page(head))
    assert (article.title, article.published, article.authors, article.site_name) == (
        "Fair returns",
        "2024-08-01",
        ["Rosa Delgado"],
        "County Courier",
    )


@pytest.mark.parametrize("bad", ["http://[::1", "https://example.com:title/x", "http:///path"])
def test_unusable_canonical_urls_are_dropped_not_raised(bad: str) -> None:
    head = f'<link rel="canonical" href="{bad}">'
    assert extract_article(page(head), "https://news.example/a").canonical_url is None


def test_unparseable_urls_are_dropped_not_raised() -> None:
    head = '<link rel="canonical" href="http://[::1"><meta property="og:image" content="//[x">'
    article = extract_article(page(head), "http://[broken/2024/01/02/x")
    assert (article.canonical_url, article.top_image, article.published) == (None, None, None)


def test_publication_names_are_not_authors() -> None:
    signals = md.Signals(bylines=["Charlie Wood and Business Insider"])
    assert md.find_authors(signals, "Business Insider Deutschland") == ["Charlie Wood"]


def test_double_escaped_entities_in_meta_are_decoded() -> None:
    title = "Lynn: &amp;#8220;We needed to win this&amp;nbsp;game&amp;#8221;"
    head = f'<meta property="og:title" content="{title}">'
    assert extract_article(page(head)).title == "Lynn: “We needed to win this game”"


def test_a_url_is_not_a_site_name() -> None:
    signals = md.Signals(meta={"og:site_name": "https://www.example.com", "application-name": "Ex"})
    assert md.find_site_name(signals) == "Ex"
