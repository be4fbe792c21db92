"""Property tests: random and mutated HTML never crashes the pipeline (issue 8, hostile content).

Every input must end in a brief or in one of the library's own errors, within bounded time.
"""

from __future__ import annotations

import gzip

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newsbrief.errors import NewsbriefError
from newsbrief.fetch import decode_html
from newsbrief.pipeline import brief_html, brief_text

from tests.conftest import FIXTURES

PAGE = (FIXTURES / "cli" / "harbour-bridge.html").read_text(encoding="utf-8")
TAGS = [
    "p",
    "div",
    "article",
    "span",
    "a",
    "script",
    "style",
    "nav",
    "h1",
    "li",
    "ul",
    "table",
    "td",
    "tr",
    "br",
    "img",
    "figure",
    "figcaption",
    "section",
    "aside",
    "time",
    "meta",
]

fragments = st.one_of(
    st.text(max_size=60),
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(
        [
            "<!--",
            "-->",
            "<![CDATA[",
            "]]>",
            "&amp;",
            "&#0;",
            "&#x110000;",
            "\x00",
            '<script type="application/ld+json">{"articleBody": ',
            "}</script>",
            "<html lang='zz'>",
            '<meta charset="x-unknown">',
            "\ufeff",
            "\r\n\r\n",
        ]
    ),
)
random_html = st.lists(fragments, max_size=80).map("".join)


def _check(html: str) -> None:
    try:
        brief = brief_html(html)
    except NewsbriefError:
        return
    assert brief.text.strip()
    for sentence in brief.summary:
        assert sentence in brief.text


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(random_html)
def test_random_html_never_crashes(html: str) -> None:
    _check(html)


@SETTINGS
@given(st.data())
def test_mutated_article_never_crashes(data: st.DataObject) -> None:
    html = PAGE
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(html)))
        j = data.draw(st.integers(i, min(len(html), i + 400)))
        html = html[:i] + data.draw(fragments) + html[j:]
    _check(html)


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes_decode_and_never_crash(data: bytes) -> None:
    text, encoding = decode_html(data)
    assert isinstance(text, str) and encoding
    _check(text)


@SETTINGS
@given(st.text(max_size=3000))
def test_random_text_never_crashes(text: str) -> None:
    try:
        brief = brief_text(text)
    except NewsbriefError:
        return
    for sentence in brief.summary:
        assert sentence in brief.text


def test_gzip_bytes_served_as_html_are_not_a_crash() -> None:
    blob = gzip.compress(PAGE.encode() * 3)
    text, _ = decode_html(blob, "text/html")
    _check(text)
