"""URLs in one place: followable links, resolution, identity, hosts and sources."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from newsbrief.urls import (
    absolute_url,
    clean_url,
    host_of,
    normalize_url,
    origin_of,
    site_domain,
    source_of,
    split_http_url,
)


@pytest.mark.parametrize(
    "url",
    [
        "https://a.example/x",
        "HTTP://A.example:8080/",
        " https://a.example/p?q=1#f ",
        "http://[::1]/",
    ],
)
def test_absolute_http_urls_are_followable(url: str) -> None:
    parts = split_http_url(url)
    assert parts is not None and parts.hostname


@pytest.mark.parametrize(
    "url",
    [
        "ftp://a.example/x",
        "javascript:alert(1)",
        "mailto:desk@a.example",
        "/relative/path",
        "https://",
        "http://a.example:99999/",
        "http://a.example:title/",
        "http://[broken/",
        "",
    ],
)
def test_everything_else_is_not(url: str) -> None:
    assert split_http_url(url) is None


@pytest.mark.parametrize(
    ("href", "base", "expected"),
    [
        ("/a/fair", "https://news.example/x/y?utm=1", "https://news.example/a/fair"),
        ("//cdn.example/f.jpg", "https://news.example/", "https://cdn.example/f.jpg"),
        ("  https://b.example/z  ", None, "https://b.example/z"),
        ("next.html", "https://news.example/dir/page", "https://news.example/dir/next.html"),
        ("javascript:alert(1)", "https://news.example/", None),
        ("data:image/png;base64,AAAA", "https://news.example/", None),
        ("/no/base", None, None),
        ("http://host:title/", None, None),
        ("x", "http://[broken", None),
        ("", "https://news.example/", None),
        (None, "https://news.example/", None),
    ],
)
def test_links_resolve_to_absolute_http_urls_or_nothing(
    href: str | None, base: str | None, expected: str | None
) -> None:
    assert absolute_url(href, base) == expected


def test_clean_url_drops_tracking_and_fragment_but_keeps_meaningful_query() -> None:
    assert clean_url("https://a.example/p?id=3&utm_source=x&fbclid=y#top") == (
        "https://a.example/p?id=3"
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("HTTPS://Example.COM/a?b=1#frag", "https://example.com/a?b=1"),
        ("http://example.com:80/x", "http://example.com/x"),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("https://example.com", "https://example.com/"),
    ],
)
def test_normalize_url_ignores_case_fragment_and_default_port(a: str, b: str) -> None:
    assert normalize_url(a) == b


def test_hosts_pace_by_host_and_port() -> None:
    assert host_of("https://News.Example/a") == "news.example"
    assert host_of("http://news.example:8080/a") == "news.example:8080"
    assert origin_of("HTTPS://News.Example/a?b") == "https://news.example"
    assert origin_of("http://user@news.example:8080/a") == "http://news.example:8080"
    assert origin_of("http://[::FFFF:127.0.0.1]:8080/a") == "http://[::ffff:127.0.0.1]:8080"
    assert host_of("http://[::1]/a") == "[::1]"


def test_source_is_the_domain_without_www() -> None:
    assert source_of("https://www.Example.co.uk/news/1") == "example.co.uk"
    assert source_of(None) is None
    assert source_of("not a url") is None
    assert site_domain(" WWW.Coastal.example ") == "coastal.example"


@given(st.text(max_size=80), st.one_of(st.none(), st.text(max_size=40)))
def test_url_functions_never_raise(href: str, base: str | None) -> None:
    result = absolute_url(href, base)
    assert result is None or split_http_url(result) is not None
    assert isinstance(normalize_url(href), str)
    assert source_of(href) is None or isinstance(source_of(href), str)
