"""Feed parsing: every supported kind, the quirks of real feeds, and hostile or broken XML."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from newsbrief.errors import InvalidFeed
from newsbrief.feed_parser import parse_date, parse_feed

from tests.conftest import FIXTURES

FEEDS = FIXTURES / "feeds"


def load(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def test_rss2_with_bom_cdata_relative_links_duplicates_and_tracking() -> None:
    feed = parse_feed(load("rss2_news.xml"), base_url="https://www.harbourgazette.example/feed/")
    assert feed.kind == "rss"
    assert feed.title == "The Harbour Gazette \u2013 Local News"
    assert feed.link == "https://www.harbourgazette.example/"
    urls = [e.url for e in feed.entries]
    assert urls == [
        # utm_* removed, and the "updated" duplicate with another campaign collapses into it
        "https://www.harbourgazette.example/news/2026/11/24/ferry-timetable/",
        # relative link resolved against the feed URL
        "https://www.harbourgazette.example/news/2026/11/24/fishing-quotas/",
        # whitespace around the link text
        "https://www.harbourgazette.example/news/2026/11/23/lifeboat-rescue/",
        # permalink guid stands in for a missing <link>
        "https://www.harbourgazette.example/opinion/letters-harbour-wall/",
        # FeedBurner's origLink instead of the tracking redirect
        "https://www.harbourgazette.example/whats-on/weekend-round-up/",
        # fragment dropped; the podcast item with a tag: guid and no link is skipped
        "https://www.harbourgazette.example/news/2026/11/21/market-hall/",
    ]
    first = feed.entries[0]
    assert first.title == "Council approves new ferry timetable after heated debate"
    assert first.published == "2026-11-24T17:45:00+00:00"
    assert first.summary is not None and "<" not in first.summary
    assert first.summary.startswith("The harbour council voted 7\u20134 on Tuesday")
    assert "timetable. The post" in first.summary  # paragraphs stay apart
    # escaped HTML in a plain description
    assert feed.entries[1].summary == "Small-boat crews say the quota changes favour larger fleets."
    # time zones normalized to UTC; unreadable and missing dates are None, not errors
    assert feed.entries[2].published == "2026-11-23T20:30:00+00:00"
    assert feed.entries[4].published == "2026-11-22T13:00:00+00:00"
    assert feed.entries[3].published is None
    assert feed.entries[5].published is None


def test_rss1_rdf() -> None:
    feed = parse_feed(load("rss1_rdf.xml"))
    assert feed.kind == "rdf"
    assert feed.title == "Science Wire"
    assert [e.url for e in feed.entries] == [
        "https://science.example.org/articles/ocean-heat-record",
        "https://science.example.org/articles/caf%C3%A9-study",  # rdf:about when no <link>
    ]
    assert feed.entries[0].published == "2026-11-20T13:05:00+00:00"
    assert feed.entries[0].summary is not None and "M\u00fcnchen" in feed.entries[0].summary
    assert feed.entries[1].published == "2026-11-19"
    assert feed.entries[1].title == "Caf\u00e9 owners and the four-day week"


def test_atom_xml_base_and_link_relations() -> None:
    feed = parse_feed(load("atom.xml"), base_url="https://elsewhere.example/feed")
    assert feed.kind == "atom"
    assert feed.title == "Northwind Engineering Blog"
    assert feed.link == "https://blog.northwind.example/"
    assert [e.url for e in feed.entries] == [
        "https://blog.northwind.example/posts/2026/why-sqs.html",  # alternate, not edit/enclosure
        "https://blog.northwind.example/guest/moto-testing",  # entry-level xml:base
    ]
    assert feed.entries[0].published == "2026-11-25T14:30:00+00:00"
    assert feed.entries[0].summary == (
        "We replaced a self-hosted broker with SQS and cut paging by half."
    )
    assert feed.entries[1].title == "Guest post: testing with moto"
    assert feed.entries[1].published == "2026-11-20T08:00:00+00:00"  # updated when no published


def test_news_sitemap() -> None:
    feed = parse_feed(load("sitemap_news.xml"))
    assert feed.kind == "sitemap"
    assert [(e.url, e.title, e.published) for e in feed.entries] == [
        (
            "https://www.dailyledger.example/business/2026/11/26/rates-hold",
            "Central bank holds rates for a third month",
            "2026-11-26T07:12:00+00:00",
        ),
        ("https://www.dailyledger.example/world/2026/11/25/summit-ends", None, "2026-11-25"),
    ]


def test_sitemap_index_lists_child_sitemaps() -> None:
    feed = parse_feed(load("sitemap_index.xml"))
    assert feed.kind == "sitemap_index"
    assert feed.sitemaps == [
        "https://www.dailyledger.example/sitemaps/news.xml",
        "https://www.dailyledger.example/sitemaps/archive-2026-10.xml",
    ]


def test_plain_text_sitemap() -> None:
    feed = parse_feed(load("sitemap.txt"))
    assert feed.kind == "url_list"
    assert [e.url for e in feed.entries] == [
        "https://www.dailyledger.example/a/one",
        "https://www.dailyledger.example/a/two",
    ]


def test_kind_comes_from_content_not_url() -> None:
    feed = parse_feed(load("atom.xml"), base_url="https://blog.northwind.example/rss.xml")
    assert feed.kind == "atom"
    feed = parse_feed(load("rss2_news.xml"), base_url="https://x.example/sitemap.xml")
    assert feed.kind == "rss"


def test_broken_xml_is_repaired_when_it_is_still_a_feed() -> None:
    feed = parse_feed(load("malformed_rss.xml"))
    assert feed.title == "Parish & District News"
    assert feed.entries[0].title == "Fish & chip shop reopens after fire"
    assert feed.entries[0].summary == "Owners thank neighbours for their support & patience."
    assert len(feed.entries) == 2


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b'{"version": "https://jsonfeed.org/version/1"}', "JSON"),
        (b"<rss><channel><item><title>cut off", "malformed"),
        (b"<html><body><p>hello</p></body></html>", "HTML page"),
        (b"<?xml version='1.0'?><note><to>Tove</to></note>", "<note>"),
        (b"\x00\x01\x02binary", "malformed"),
        (b"<rss version='2.0'/>", "no <channel>"),
    ],
)
def test_not_a_feed_is_a_clear_error(data: bytes, fragment: str) -> None:
    with pytest.raises(InvalidFeed) as info:
        parse_feed(data)
    assert fragment in info.value.message
    assert info.value.code == "invalid_feed"


def test_html_page_error_tells_what_to_do() -> None:
    with pytest.raises(InvalidFeed, match="give the feed's own URL"):
        parse_feed(load("not_a_feed.html"))


def test_billion_laughs_is_not_expanded() -> None:
    lol = b'<!ENTITY lol0 "lololololololololol">'
    for i in range(1, 10):
        prev = f"&lol{i - 1};".encode()
        lol += b"<!ENTITY lol%d \"%s\">" % (i, prev * 10)
    data = (
        b'<?xml version="1.0"?><!DOCTYPE rss [' + lol + b"]>"
        b"<rss><channel><title>&lol9;</title><item><title>&lol9;</title>"
        b"<link>https://a.example/x</link></item></channel></rss>"
    )
    start = time.process_time()
    feed = parse_feed(data)
    assert time.process_time() - start < 2  # expanded, this would be 10^9 characters
    assert feed.entries[0].url == "https://a.example/x"
    assert not feed.entries[0].title or len(feed.entries[0].title) < 100


def test_external_entity_is_not_loaded(tmp_path) -> None:  # noqa: ANN001 - pytest fixture
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        "<rss><channel><title>&xxe;</title><item><title>t &xxe;</title>"
        "<link>https://a.example/x</link><description>&xxe;</description></item>"
        "</channel></rss>"
    ).encode()
    feed = parse_feed(data)
    flat = repr(feed)
    assert "TOP-SECRET-VALUE" not in flat
    assert feed.entries[0].url == "https://a.example/x"


def test_unsafe_link_schemes_are_dropped() -> None:
    data = (
        b"<rss><channel><item><link>javascript:alert(1)</link></item>"
        b"<item><link>mailto:ed@example.com</link></item>"
        b"<item><link>ftp://files.example/x</link></item>"
        b"<item><link>https://ok.example/a</link></item></channel></rss>"
    )
    assert [e.url for e in parse_feed(data).entries] == ["https://ok.example/a"]


def test_relative_links_without_base_are_skipped() -> None:
    data = b"<rss><channel><item><link>/only/relative</link></item></channel></rss>"
    assert parse_feed(data).entries == []
    assert parse_feed(data, "https://s.example/feed").entries[0].url == (
        "https://s.example/only/relative"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Tue, 24 Nov 2026 17:45:00 +0000", "2026-11-24T17:45:00+00:00"),
        ("Tue, 24 Nov 2026 17:45:00 GMT", "2026-11-24T17:45:00+00:00"),
        ("24 Nov 2026 12:45:00 EST", "2026-11-24T17:45:00+00:00"),
        ("2026-11-24T18:45:00+01:00", "2026-11-24T17:45:00+00:00"),
        ("2026-11-24T17:45:00Z", "2026-11-24T17:45:00+00:00"),
        ("2026-11-24", "2026-11-24"),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(raw: str | None, expected: str | None) -> None:
    assert parse_date(raw) == expected


# ---------------------------------------------------------------- fuzzing: never a crash

ALL_FIXTURES = sorted(p.name for p in FEEDS.iterdir())


def _parse_or_invalid(data: bytes) -> None:
    try:
        feed = parse_feed(data, base_url="https://fuzz.example/feed")
    except InvalidFeed as exc:
        assert exc.message
        return
    for entry in feed.entries:
        assert entry.url.startswith(("http://", "https://"))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(data: bytes) -> None:
    _parse_or_invalid(data)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(ALL_FIXTURES),
    st.integers(min_value=0, max_value=4000),
    st.integers(min_value=0, max_value=200),
    st.binary(max_size=20),
)
def test_mutated_real_feeds_never_crash(name: str, at: int, cut: int, insert: bytes) -> None:
    data = load(name)
    at %= len(data) + 1
    _parse_or_invalid(data[:at] + insert + data[at + cut :])


@pytest.mark.parametrize(
    "link", ["http://[broken/a", "https://host:99999/a", "http://[::1/x", "//[/x"]
)
def test_malformed_links_are_skipped_not_fatal(link: str) -> None:
    data = (
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://[bad/">'
        f'<entry><link href="{link}"/></entry>'
        f'<entry><link href="https://ok.example/b"/></entry></feed>'
    ).encode()
    assert [e.url for e in parse_feed(data, "https://s.example/f").entries] == [
        "https://ok.example/b"
    ]
