"""Dates: the project's one parser of written dates, and the finder of a page's date.

Every date newsbrief reads goes through here: a page's meta tags, JSON-LD and ``<time>``
elements, the datelines shown beside an article, the date in an article URL, and the dates of
feed entries (RSS, Atom, sitemaps). When a page states its date nowhere that the extract stage
reads, :func:`find_page_date` asks htmldate, a maintained date finder that searches the whole
document (imported only then: most pages never need it).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from html import unescape as html_unescape
from urllib.parse import urlsplit

# Publication dates before this are CMS placeholders (0001-01-01, 1970-01-01), not news.
MIN_YEAR = 1990
# Longer strings are prose, not a date value.
MAX_DATE_CHARS = 64

_MONTHS = {
    m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)
}
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# Where a month name starts: a word boundary, or a capital glued to the lower-case word before
# it, as templates squeeze a category label and a dateline together ("HealthDECEMBER 22, 2022").
_MONTH_START = r"(?:\b|(?-i:(?<=[a-z])(?=[A-Z])))"
# A date written out in words: "March 5, 2024", "Mar. 5 2024", "5 March 2024", "5. März" aside.
# The year may run into the next word ("July 30, 2019Updated: ..." in squeezed datelines).
_WORDED_DATE_RE = re.compile(
    rf"{_MONTH_START}(?P<m1>{_MONTH}) (?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<y1>\d{{4}})(?!\d)|"
    rf"\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\.? (?P<m2>{_MONTH}),? (?P<y2>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
# A date in digits: ISO "2024-03-05", year first with dots or slashes as East Asian and many
# blog templates write it ("2024.03.05", "2024/03/05"), or "05/03/2024", "05.03.2024" and
# "05-03-2024" (order decided below).
_NUMERIC_DATE_RE = re.compile(
    r"\b(?P<iso>\d{4}-\d{2}-\d{2})\b|\b(?P<ymd>\d{4}[./]\d{1,2}[./]\d{1,2})\b|"
    r"(?:\b|(?<=[^\W\d_]))(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})[./-](?P<y>\d{4})\b"
)
# Any written date, to recognise a dateline ("Oct. 6, 2024", "18.09.2024", "2024-09-18"). Not
# year-first dots or slashes: a line starting "2018.04.05 ~" is more often an item of a list of
# events in the article than its dateline.
DATE_IN_LINE_RE = re.compile(
    rf"{_MONTH_START}{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}(?!\d)|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\.? {_MONTH},? \d{{4}}(?!\d)|"
    r"\b\d{1,2}[./]\d{1,2}[./]\d{4}\b|\b\d{4}-\d{2}-\d{2}\b",
    re.IGNORECASE,
)
# A date in a URL path: /2024/05/03/ or /2024-05-03/ (also 20240503 between separators).
_URL_DATE_RE = re.compile(
    r"(?<!\d)(20\d{2}|19\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?!\d)"
)
# Some CMSs spell the month out in their paths: /2023/october/03/slug.
_URL_MONTH_NAME_DATE_RE = re.compile(
    r"(?<!\d)(20\d{2}|19\d{2})/(january|february|march|april|may|june|july|august|september|"
    r"october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)/"
    r"(0?[1-9]|[12]\d|3[01])(?!\d)",
    re.IGNORECASE,
)
_URL_COMPACT_DATE_RE = re.compile(r"[/_-](20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])[/_.-]")
# A digits-only date after its weekday, as some CMSs write their meta tags ("Thu, 09/25/2025 -
# 11:38"): the weekday tells which of the two numbers is the month.
_WEEKDAY_DIGITS_RE = re.compile(
    r"^(?P<wd>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,? (?P<a>\d{1,2})[./](?P<b>\d{1,2})[./]"
    r"(?P<y>\d{4})(?:,? (?:- )?(?P<h>\d{1,2}):(?P<mi>\d{2}))?$",
    re.IGNORECASE,
)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_OFFSET_RE = re.compile(r"([+-]\d{2})(\d{2})$")
_FRACTION_RE = re.compile(r"\.\d+(?=[+-]|$)")
# Dates that meta tags carry in other shapes than ISO 8601 and RFC 822.
_DATE_FORMATS = (
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%Y.%m.%d",
    "%d.%m.%Y",
    "%Y%m%d",
    "%B %d, %Y %I:%M %p",
    "%b %d, %Y %I:%M %p",
)


def to_iso8601(raw: str | None, *, utc: bool = False) -> str | None:
    """A date or timestamp string as ISO 8601; ``None`` when it is not a plausible date.

    Reads ISO 8601 / W3C dates, RFC 822 (RSS, HTTP) and a few written forms ("March 5, 2024").
    A bare date stays a date ("2024-03-05"); a timestamp keeps its zone offset, or is converted
    to UTC when ``utc`` is set (feeds, whose entries are compared across sources).
    Implausible years (CMS placeholders such as 0001-01-01) count as no date.
    """
    if not raw:
        return None
    text = " ".join(html_unescape(raw).split()) if "&" in raw else " ".join(raw.split())
    if not text or len(text) > MAX_DATE_CHARS:
        return None
    parsed = _parse(text)
    if parsed is None:
        return None
    value, date_only = parsed
    if not MIN_YEAR <= value.year <= datetime.now().year + 1:
        return None
    if date_only:
        return value.date().isoformat()
    if utc and value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.isoformat(timespec="seconds")


def _parse(text: str) -> tuple[datetime, bool] | None:
    """The datetime in ``text`` and whether it carried only a date."""
    candidate = text[:-1] + "+00:00" if text[-1:] in "Zz" else text
    candidate = _OFFSET_RE.sub(r"\1:\2", candidate)  # "+0100" is common in meta tags
    candidate = _FRACTION_RE.sub("", candidate)  # fractions of a second add nothing
    try:
        return datetime.fromisoformat(candidate), len(text) <= 10 and "T" not in text
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text), False
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt), "%H" not in fmt and "%I" not in fmt
        except ValueError:
            continue
    return _weekday_digits(text)


def _weekday_digits(text: str) -> tuple[datetime, bool] | None:
    """A "Thu, 09/25/2025 - 11:38" date, read in the order its weekday confirms."""
    match = _WEEKDAY_DIGITS_RE.match(text)
    if match is None:
        return None
    first, second, year = int(match.group("a")), int(match.group("b")), int(match.group("y"))
    hour, minute = int(match.group("h") or 0), int(match.group("mi") or 0)
    weekday = _WEEKDAYS.index(match.group("wd")[:3].lower())
    for month, day in ((first, second), (second, first)):
        try:
            value = datetime(year, month, day, hour, minute)
        except ValueError:
            continue
        if value.weekday() == weekday:
            return value, match.group("h") is None
    return None


def date_in_text(
    text: str, *, month_first: bool = False, known: Collection[str] = ()
) -> str | None:
    """The first calendar date written in a line of text ("Published May 18, 2019").

    Digits-only dates are ambiguous ("8/1/2025"): the reading that is one of the ``known``
    days (ISO dates the page states elsewhere) wins, then month first when ``month_first``
    (American pages) for slashes and dashes, else day first, the order of most of the world.
    """
    match = _WORDED_DATE_RE.search(text)
    if match:
        month_name = (match.group("m1") or match.group("m2") or "")[:3].lower()
        day = int(match.group("d1") or match.group("d2"))
        year = int(match.group("y1") or match.group("y2"))
        return _iso_day(year, _MONTHS.get(month_name, 0), day)
    match = _NUMERIC_DATE_RE.search(text)
    if match is None:
        return None
    if match.group("iso") or match.group("ymd"):
        digits = re.split(r"[-./]", match.group("iso") or match.group("ymd"))
        year, month, day = (int(x) for x in digits)
        return _iso_day(year, month, day)
    first, second, year = int(match.group("a")), int(match.group("b")), int(match.group("y"))
    day_first = _iso_day(year, second, first)
    month_first_reading = _iso_day(year, first, second)
    readings = [r for r in (day_first, month_first_reading) if r]
    for reading in readings:
        if reading in known:
            return reading
    if month_first and match.group("sep") in "/-" and month_first_reading:
        return month_first_reading
    return day_first or month_first_reading


def _iso_day(year: int, month: int, day: int) -> str | None:
    if not MIN_YEAR <= year <= datetime.now().year + 1:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def date_in_url(url: str | None) -> str | None:
    """The date in an article URL's path (/2024/05/03/slug, /news-20240503.html, /2024/may/03)."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    match = _URL_DATE_RE.search(path) or _URL_COMPACT_DATE_RE.search(path)
    if match is not None:
        return _iso_day(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _URL_MONTH_NAME_DATE_RE.search(path)
    if match is None:
        return None
    month = _MONTHS.get(match.group(2)[:3].lower(), 0)
    return _iso_day(int(match.group(1)), month, int(match.group(3)))


def find_page_date(html: str) -> str | None:
    """The publication date htmldate finds anywhere in the page (``YYYY-MM-DD``), if any.

    For pages whose metadata and datelines state no date: htmldate also reads date-like
    attributes, class names and the whole text. It parses the page again, so it is the last
    resort, not the first. It is given a parsed tree, never the string: htmldate downloads a
    string that looks like a URL, and a page's text must never make us fetch anything.
    """
    import lxml.html
    from htmldate import find_date  # ~50 ms to import; most pages never get here

    try:
        try:
            tree = lxml.html.fromstring(html)
        except ValueError:  # lxml refuses str with an XML encoding declaration: give it UTF-8
            parser = lxml.html.HTMLParser(encoding="utf-8")
            tree = lxml.html.fromstring(html.encode("utf-8", errors="replace"), parser=parser)
        found = find_date(tree, original_date=True, extensive_search=False)
    except (ValueError, TypeError, RecursionError, lxml.etree.LxmlError):
        return None  # a page too broken to parse has no date to find
    return to_iso8601(found) if found else None
