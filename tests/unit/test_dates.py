"""The one date parser: timestamps, datelines, URL dates, and the htmldate fallback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from newsbrief.dates import date_in_text, date_in_url, find_page_date, to_iso8601

from tests.support.loopback import Response


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
        ("Tue, 03/05/2024 - 14:30", "2024-03-05T14:30:00"),  # the weekday says March 5th
        ("Friday, 08/03/2024", "2024-03-08"),  # and here the 8th of March
        ("Wed, 03/05/2024 - 14:30", None),  # neither reading is a Wednesday
        ("  2024-03-05\n", "2024-03-05"),
        ("0001-01-01T00:00:00+00:00", None),
        ("1970-01-01", None),
        ("not a date", None),
        ("2024-03-05" * 10, None),
        ("", None),
        (None, None),
    ],
)
def test_timestamps_normalise_to_iso8601(raw: str | None, iso: str | None) -> None:
    assert to_iso8601(raw) == iso


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("Tue, 24 Nov 2026 12:45:00 EST", "2026-11-24T17:45:00+00:00"),
        ("2026-11-24T18:45:00+01:00", "2026-11-24T17:45:00+00:00"),
        ("2026-11-24T17:45:00", "2026-11-24T17:45:00"),  # no zone given: none invented
        ("2026-11-24", "2026-11-24"),
    ],
)
def test_utc_converts_zoned_timestamps_only(raw: str, iso: str) -> None:
    assert to_iso8601(raw, utc=True) == iso


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Published Saturday, May 18, 2019", "2019-05-18"),
        ("Keisha Morgan · Oct. 6, 2024", "2024-10-06"),
        ("18.09.2024, 06:00 Uhr", "2024-09-18"),
        ("Updated 2023-11-02 09:10", "2023-11-02"),
        ("29th August, 2023", "2023-08-29"),
        ("BySarah July 30, 2019January 18, 2023", "2019-07-30"),
        ("HealthDECEMBER 22, 2022Updated: JANUARY 02, 2026", "2022-12-22"),
        ("Essay - Published: 2025.12.17 | ", "2025-12-17"),
        ("2025/3/7", "2025-03-07"),
        ("Post time: 01-04-2024", "2024-04-01"),  # day first unless the page is American
        ("premarch 5, 2024", None),  # glued in lower case: a word, not a month name
        ("31.02.2024", None),
        ("Chapter 12 of 2024", None),
    ],
)
def test_datelines_in_text(line: str, iso: str | None) -> None:
    assert date_in_text(line) == iso


def test_digits_only_dates_use_what_the_page_states_then_its_order() -> None:
    assert date_in_text("8/1/2025") == "2025-01-08"
    assert date_in_text("8/1/2025", month_first=True) == "2025-08-01"
    assert date_in_text("8/1/2025", known={"2025-08-01"}) == "2025-08-01"
    assert date_in_text("18/1/2025", month_first=True) == "2025-01-18"  # only one reading
    assert date_in_text("8-1-2025", month_first=True) == "2025-08-01"  # dashes alike
    assert date_in_text("8.1.2025", month_first=True) == "2025-01-08"  # dots: day first
    assert date_in_text("Yucy3/4/2025", month_first=True) == "2025-03-04"  # glued to a name


@pytest.mark.parametrize(
    ("url", "iso"),
    [
        ("https://news.example/2021/07/09/fair-returns/", "2021-07-09"),
        ("https://news.example/2021-7-9/fair", "2021-07-09"),
        ("https://news.example/story-20210709.html", "2021-07-09"),
        ("https://news.example/blog/2021/july/09/fair-returns", "2021-07-09"),
        ("https://news.example/2021/Sept/9/fair", "2021-09-09"),
        ("https://news.example/2021/octopus/09/x", None),  # a word, not a month
        ("https://news.example/2021/13/09/x", None),
        ("https://news.example/fair-returns", None),
        ("http://[broken/2021/07/09/x", None),
        (None, None),
    ],
)
def test_dates_in_urls(url: str | None, iso: str | None) -> None:
    assert date_in_url(url) == iso


def test_page_date_is_found_where_no_metadata_states_it() -> None:
    html = "<html><body><abbr class='published' title='2022-10-05T10:00:00'>Oct</abbr></body>"
    assert find_page_date(html) == "2022-10-05"


@pytest.mark.parametrize("html", ["", "<", "\x00\x01", "<?xml version='1.0' encoding='latin-1'?>"])
def test_page_date_of_broken_pages_is_none(html: str) -> None:
    assert find_page_date(html) is None


def test_a_page_that_reads_like_a_url_is_never_fetched(loopback) -> None:
    # htmldate downloads a string that looks like a URL: find_page_date must not let it.
    url = loopback.add("/dated", Response(body=b"<time datetime='2022-10-05'>x</time>"))
    assert find_page_date(url) is None
    assert loopback.requests == []


def test_the_page_date_fallback_never_loads_dateparser() -> None:
    # htmldate's extensive mode loads dateparser (~1.5 s CPU the first time, 10 MB installed):
    # the fast mode finds as many dates on the DEV pages and must stay the one used.
    code = (
        "import sys\n"
        "from newsbrief.dates import find_page_date\n"
        "html = '<html><body><p>Posted on 12 March 2024 by the editors.</p>' * 3\n"
        "find_page_date(html + '<p>Dates: 2023/01/05, le 3 mars 2022</p></body></html>')\n"
        "print('dateparser' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
