"""Which site a URL belongs to (Public Suffix List), and whose canonical URL names a brief."""

from __future__ import annotations

import pytest
from newsbrief.pipeline import brief_html, brief_id, identity_url
from newsbrief.sites import registrable_domain, same_site
from newsbrief.urls import hostname_of

from tests.conftest import FIXTURES

PAGE = (FIXTURES / "cli" / "harbour-bridge.html").read_text(encoding="utf-8")
DECLARED = "https://www.averycourier.example/news/2026/03/10/harbour-bridge-closure"
VICTIM = "https://www.bbc.co.uk/news/articles/harbour-bridge"


@pytest.mark.parametrize(
    ("host", "site"),
    [
        ("www.bbc.co.uk", "bbc.co.uk"),
        ("news.BBC.co.uk.", "bbc.co.uk"),
        ("alice.github.io", "alice.github.io"),  # private section: hosting platforms
        ("a.b.example", "b.example"),  # unknown TLD: the default "*" rule
        ("co.uk", "co.uk"),  # a public suffix is only itself
        ("localhost", "localhost"),
        ("127.0.0.1", "127.0.0.1"),  # an IP is its own site, never "0.1"
        ("[::1]", "[::1]"),
    ],
)
def test_registrable_domain(host: str, site: str) -> None:
    assert registrable_domain(host) == site


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://amp.paper.example/x", "http://www.paper.example:8080/y", True),
        ("https://www.bbc.co.uk/a", "https://bbc.co.uk/b", True),
        ("https://www.bbc.co.uk/a", "https://www.bbc.com/a", False),
        ("https://evil.co.uk/a", "https://bbc.co.uk/a", False),
        ("https://alice.github.io/a", "https://bob.github.io/a", False),
        ("http://127.0.0.1:8000/a", "http://127.0.0.2:8000/a", False),
        ("https://bücher.example/a", "https://www.xn--bcher-kva.example/b", True),
        ("not a url", "https://bbc.co.uk/", False),
        (None, "https://bbc.co.uk/", False),
    ],
)
def test_same_site(a: str | None, b: str, same: bool) -> None:
    assert same_site(a, b) is same


def test_hostname_of_refuses_what_has_no_host() -> None:
    assert hostname_of("http://[::1/x") is None
    assert hostname_of("/relative/path") is None
    assert hostname_of("HTTP://WWW.Example.COM./x") == "www.example.com"


def test_identity_is_the_canonical_only_on_the_fetched_site() -> None:
    fetched = "https://amp.paper.example/story?utm_source=x"
    assert identity_url("https://www.paper.example/story", fetched) == (
        "https://www.paper.example/story"
    )
    assert identity_url(VICTIM, "https://attacker.example/plant") == (
        "https://attacker.example/plant"
    )
    assert identity_url(None, fetched) == fetched
    assert identity_url(VICTIM, None) == VICTIM  # nothing fetched: nothing to check against


def test_a_page_cannot_name_another_sites_article() -> None:
    """The attack: a page declares a broadcaster's article as its canonical URL."""
    planted = PAGE.replace(DECLARED, VICTIM)
    brief = brief_html(planted, url="https://attacker.example/plant")
    assert brief.id == brief_id("https://attacker.example/plant") != brief_id(VICTIM)
    assert brief.source == "attacker.example"
    assert brief.canonical_url == VICTIM  # kept as data, never as identity


def test_a_page_names_its_own_sites_canonical_article() -> None:
    own = PAGE.replace(DECLARED, "https://www.paper.example/story")
    brief = brief_html(own, url="https://amp.paper.example/story?ref=rss")
    assert brief.id == brief_id("https://www.paper.example/story")
    assert brief.source == "paper.example"
