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


def test_published_falls_back_to_the_date_in_the_url() -> None:
    article = extract_article(page(), "https://news.example/2021/07/09/fair-returns/")
    assert article.published == "2021-07-09"


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2021-07-10T02:00:00+00:00", "2021-07-09"),  # the URL's calendar day
        ("2021-07-08T23:30:00+00:00", "2021-07-09"),
        ("2021-07-12T10:00:00+00:00", "2021-07-12T10:00:00+00:00"),  # days apart: not a zone
        ("2021-07-10", "2021-07-10"),  # a day without a time is no moment to place
    ],
)
def test_a_timestamp_one_day_off_the_urls_day_is_the_urls_day(stamp: str, expected: str) -> None:
    head = f'<meta property="article:published_time" content="{stamp}">'
    url = "https://news.example/2021/07/09/fair-returns/"
    assert extract_article(page(head), url).published == expected


def test_a_saved_page_falls_back_to_the_date_in_the_url_it_gives_as_its_own() -> None:
    head = '<link rel="canonical" href="https://news.example/2021/07/09/fair-returns/">'
    assert extract_article(page(head)).published == "2021-07-09"


def test_published_prefers_meta_over_time_element_and_url() -> None:
    head = '<meta property="article:published_time" content="2022-01-02T03:04:05Z">'
    body = '<time datetime="2020-01-01"></time>'
    article = extract_article(page(head, body), "https://news.example/2019/01/01/x")
    assert article.published == "2022-01-02T03:04:05+00:00"


def test_the_date_shown_above_the_article_beats_the_metadata() -> None:
    # The CMS's record says 2024; readers are told the article is from March 2023.
    head = '<meta property="article:published_time" content="2024-06-24T10:00:00Z">'
    body = "<h1>Fair returns</h1><div class='meta'>March 20, 2023</div>"
    assert extract_article(page(head, body)).published == "2023-03-20"


def test_a_shown_date_the_metadata_agrees_with_keeps_the_metadata_timestamp() -> None:
    head = (
        '<meta property="article:published_time" content="2024-01-10T08:00:00-05:00">'
        '<meta property="article:modified_time" content="2025-02-22T22:13:14+00:00">'
    )
    body = "<div class='meta'>Feb 22, 2025</div>"
    assert extract_article(page(head, body)).published == "2025-02-22T22:13:14+00:00"


@pytest.mark.parametrize(
    "dateline",
    [
        "Updated May 2, 2025",
        "Last updated on May 2, 2025",
        "Reviewed: May 2, 2025",
        "Jane DoeUpdated May 2, 2025",  # the label glued to the name before it
    ],
)
def test_a_dateline_of_an_update_is_not_the_publication_date(dateline: str) -> None:
    head = '<meta property="article:published_time" content="2021-08-12T19:35:44+00:00">'
    body = f"<div class='meta'>{dateline}</div>"
    assert extract_article(page(head, body)).published == "2021-08-12T19:35:44+00:00"


def test_an_update_shown_alone_dates_a_page_whose_publication_only_schema_org_states() -> None:
    # Microdata is schema.org markup too; a publication meta tag of the site's own would stand.
    head = '<meta itemprop="datePublished" content="2021-08-12">'
    body = "<div class='meta'>Updated May 2, 2025</div>"
    assert extract_article(page(head, body)).published == "2025-05-02"
    head += '<meta property="article:published_time" content="2021-08-12T19:35:44+00:00">'
    assert extract_article(page(head, body)).published == "2021-08-12T19:35:44+00:00"


def test_a_web_page_node_date_is_the_weakest_statement_of_the_day() -> None:
    # The WebPage node of an SEO plugin's graph dates the page's creation; a dateline shown in
    # the article, or the article URL's date, says when this version was published.
    graph = (
        '{"@context": "https://schema.org", "@graph": [{"@type": "WebPage", '
        '"datePublished": "2024-02-01T15:46:14+00:00"}]}'
    )
    head = f'<script type="application/ld+json">{graph}</script>'
    assert extract_article(page(head)).published == "2024-02-01T15:46:14+00:00"
    dated = page(head).replace("<article>", "<article><p>April 19, 2025</p>")
    assert extract_article(dated).published == "2025-04-19"
    url = "https://news.example/2025/04/19/fair/"
    assert extract_article(page(head), url).published == "2025-04-19"


def test_published_then_updated_on_one_line_gives_the_publication() -> None:
    body = "<div class='meta'>Published Apr 26, 2023 · Updated Aug 21, 2025</div>"
    assert extract_article(page("", body)).published == "2023-04-26"


@pytest.mark.parametrize(
    ("lang", "known", "expected"),
    [
        ("en-US", "", "2025-08-01"),  # American pages put the month first
        ("en-GB", "", "2025-01-08"),
        ("en-GB", "2025-08-01T15:01:58+00:00", "2025-08-01T15:01:58+00:00"),  # metadata decides
    ],
)
def test_digits_only_datelines_are_read_in_the_page_order(
    lang: str, known: str, expected: str
) -> None:
    head = f'<meta property="article:modified_time" content="{known}">' if known else ""
    body = "<div class='meta'>8/1/2025</div>"
    assert extract_article(page(head, body, f'lang="{lang}"')).published == expected


def test_a_date_shown_anywhere_on_the_page_is_the_last_resort() -> None:
    # Neither metadata nor a dateline by the article: only a footer line gives a date.
    body = "<div class='page-foot'><p>Last updated: November 13, 2025</p></div>"
    html = page("", "").replace("</article>", f"</article>{body}")
    assert extract_article(html).published == "2025-11-13"


def test_a_page_without_any_stated_date_gets_the_date_htmldate_finds() -> None:
    # No meta, JSON-LD, <time> or dateline: the date sits in an attribute of the page.
    body = "<abbr class='published' title='2022-10-05T10:00:00'>Oct</abbr>"
    assert extract_article(page("", body)).published == "2022-10-05"


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


def test_the_visible_headline_beats_a_title_written_for_search_engines() -> None:
    signals = md.Signals(
        meta={"og:title": "Health And Nutrition Trends For 2026"},
        title="Health And Nutrition Trends For 2026 | Example Clinic",
        h1=["Top 10 Health and Nutrition Trends to Watch"],
    )
    assert md.find_title(signals, "Example Clinic") == "Top 10 Health and Nutrition Trends to Watch"


@pytest.mark.parametrize(
    "h1",
    [
        "Cory Dransfeldt",  # the site's name as its logo
        "Lakeside Notes and Letters",  # shares no word with any metadata title
        "Cameras",  # a section's name: too short to be this headline
    ],
)
def test_an_h1_that_is_not_the_headline_is_passed_over(h1: str) -> None:
    signals = md.Signals(
        meta={"og:title": "A brief intro to git"},
        title="A brief intro to git | Cory Dransfeldt",
        h1=[h1],
    )
    assert md.find_title(signals, "Cory Dransfeldt") == "A brief intro to git"


def test_visible_headline_wins_when_the_title_wraps_it() -> None:
    signals = md.Signals(title="Fair returns | Local | Courier", h1=["Fair returns"])
    assert md.find_title(signals, None) == "Fair returns"


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("BY JANE DOE, Staff Writer", ["JANE DOE"]),
        ("Jane Doe | March 5, 2024", ["Jane Doe"]),
        ("Von Anna Schmidt und Jörg Weber", ["Anna Schmidt", "Jörg Weber"]),
        ("jane@example.com", []),
        ("Sarah E. Needleman", ["Sarah E. Needleman"]),
        ("By Bruce Y. Lee and Ana Lima", ["Bruce Y. Lee", "Ana Lima"]),
        ("Finian Cunningham. Example International", ["Finian Cunningham"]),
        ("Charlie Wood, The Courier", ["Charlie Wood"]),
        ("https://facebook.com/janedoe", []),
        # What templates put around the names: dates, reading times, notes, other credits.
        ("By Sofia Gomez December 2, 2025", ["Sofia Gomez"]),
        ("Dec 23 Written By Lina Park", ["Lina Park"]),
        ("Posted by Ravi Menon on Friday December 19, 2025 @08:00PM", ["Ravi Menon"]),
        ("Ana LimaPublished May 2, 2025", ["Ana Lima"]),
        ("By Shelby Lane, DVM . Reviewed by Molly Price, DVM", ["Shelby Lane"]),
        ("By Paul Frew, Home and Digital Security Expert", ["Paul Frew"]),
        ("Written by Dana Pike, Head of Marketing and Community Development", ["Dana Pike"]),
        ("Article by: Cara Dunn RN, BSN, Certified Pediatric Sleep Consultant", ["Cara Dunn RN"]),
        ("About Alexa Reed", ["Alexa Reed"]),
        ("Sat, 20 Dec, 2025 - 06:36", []),
    ],
)
def test_authors_in_bylines(byline: str, authors: list[str]) -> None:
    assert md.find_authors(md.Signals(bylines=[byline]), "The Courier") == authors


@pytest.mark.parametrize(
    ("byline", "credit"),
    [
        ("Associated Press", ["Associated Press"]),
        ("By The Courier Staff", ["The Courier Staff"]),
        ("by Marketing Team", ["Marketing Team"]),
        ("EDB Team", ["EDB Team"]),
    ],
)
def test_a_byline_naming_no_person_credits_the_team(byline: str, credit: list[str]) -> None:
    assert md.find_authors(md.Signals(bylines=[byline]), "The Courier") == credit


def test_the_reviewer_is_named_when_the_byline_credits_only_the_publication() -> None:
    signals = md.Signals(bylines=["Lakeside Mattress Makers Reviewed by Youval Meir"])
    assert md.find_authors(signals, "Lakeside Mattress Makers") == ["Youval Meir"]


def test_only_the_first_byline_element_may_credit_a_team() -> None:
    # The first holds a date and a category; the second is the category alone.
    signals = md.Signals(
        bylines=["March 20, 2023 | Wellness & Prevention", "Wellness & Prevention"]
    )
    assert md.find_authors(signals, None) == []


def test_a_person_in_the_byline_beats_a_team_in_the_metadata() -> None:
    signals = md.Signals(meta={"author": "Example Health Group"}, bylines=["By Tracy Parker"])
    assert md.find_authors(signals, None, lambda name: True) == ["Tracy Parker"]


@pytest.mark.parametrize("credit", ["Camphouse Team", "q_admin", "Susan"])
def test_metadata_credits_of_no_person_count_only_when_the_page_shows_them(credit: str) -> None:
    signals = md.Signals(meta={"author": credit})
    assert md.find_authors(signals, None) == []
    assert md.find_authors(signals, None, lambda name: name == credit) == [credit]


def test_a_shown_credit_of_two_first_names_keeps_both() -> None:
    signals = md.Signals(meta={"author": "Linny and Pete"})
    assert md.find_authors(signals, None, lambda text: text == "Linny and Pete") == [
        "Linny",
        "Pete",
    ]


def test_credentials_and_web_addresses_are_not_names() -> None:
    signals = md.Signals(meta={"author": "Dylan Bailey, MS, RD, FAND"})
    assert md.find_authors(signals, None) == ["Dylan Bailey"]
    signals = md.Signals(meta={"author": "Example.com"})
    assert md.find_authors(signals, None, lambda name: True) == []


def test_citation_authors_are_all_read_last_name_first() -> None:
    head = "".join(
        f'<meta name="citation_author" content="{name}">'
        for name in ("Roy, Aniruddha", "Patel, Jyoti", "Md Najmul Hossain")
    )
    assert extract_article(page(head)).authors == [
        "Aniruddha Roy",
        "Jyoti Patel",
        "Md Najmul Hossain",
    ]


def test_a_yoast_written_by_label_names_the_author() -> None:
    head = (
        '<meta name="twitter:label1" content="Written by">'
        '<meta name="twitter:data1" content="Erin Spain">'
        '<meta name="twitter:label2" content="Est. reading time">'
        '<meta name="twitter:data2" content="7 minutes">'
    )
    assert extract_article(page(head)).authors == ["Erin Spain"]


def test_a_metadata_credit_the_page_shows_as_its_byline_is_kept() -> None:
    head = '<meta name="author" content="Podium Staff">'
    assert extract_article(page(head, "<p class='by'>By Podium Staff</p>")).authors == [
        "Podium Staff"
    ]
    assert extract_article(page(head)).authors == []


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


def test_a_huge_page_gives_the_date_finder_only_the_start_of_its_stripped_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # htmldate's memory grows with what it searches: on a page over MAX_DATE_SEARCH_CHARS it
    # gets a bounded start of the page without scripts, which still holds the dateline.
    from newsbrief import extract

    searched: list[int] = []
    real = extract.find_page_date

    def spy(html: str) -> str | None:
        searched.append(len(html))
        return real(html)

    monkeypatch.setattr(extract, "find_page_date", spy)
    article = "".join(
        f"<p>Paragraph {i} of the long report on the harbour works, with its many details.</p>"
        for i in range(40)
    )
    filler = "<div><p>" + "Archive listing entry with a long description. " * 30 + "</p></div>"
    html = (
        "<html><head><title>Harbour works</title></head><body>"
        "<abbr class='published' title='2022-10-05T10:00:00'>Oct</abbr>"
        f"<article><h1>Harbour works</h1>{article}</article>"
        + "<script>var x = 1;</script>" * 20_000
        + filler * 1_000
        + "</body></html>"
    )
    assert len(html) > extract.MAX_DATE_SEARCH_CHARS
    found = extract.extract_article(html, None)
    assert found.published is not None and found.published.startswith("2022-10-05")
    assert searched and max(searched) <= extract.MAX_STRIPPED_DATE_SEARCH_CHARS
