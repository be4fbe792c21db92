"""Publication-date rules, one way of misreading a page's date each, on pages written for them.

Each page in tests/fixtures/date_rules states its date in a shape real pages use and an
earlier reader missed or misread; expected.json gives the day extraction must return.
"""

from __future__ import annotations

import json

from newsbrief.extract import extract_article

from tests.conftest import FIXTURES

DATE_PAGES = FIXTURES / "date_rules"
EXPECTED: dict[str, str] = {
    name: day
    for name, day in json.loads((DATE_PAGES / "expected.json").read_text("utf-8")).items()
    if not name.startswith("_")
}


def published_day(name: str) -> str | None:
    """The first ten characters of the publication date extracted from one rule page."""
    published = extract_article((DATE_PAGES / name).read_text("utf-8")).published
    return published[:10] if published else None


def check(name: str) -> None:
    assert published_day(name) == EXPECTED[name]


def test_a_dateline_glued_to_its_category_label_is_read() -> None:
    # "WellbeingMARCH 14, 2023Updated: FEBRUARY 02, 2026": the template puts no space between
    # the label and the date; the publication date is the first one, not the update's.
    check("glued_category_dateline.html")


def test_a_year_first_dateline_is_read() -> None:
    # "Published: 2024.06.09", the only date on the page.
    check("year_first_dateline.html")


def test_a_meta_date_with_its_weekday_is_read_in_the_order_the_weekday_confirms() -> None:
    # "Tue, 10/07/2025 - 14:05": 7 October 2025 is a Tuesday, 10 July 2025 a Thursday.
    check("weekday_digits_meta.html")


def test_an_update_label_glued_to_its_date_still_marks_an_update() -> None:
    # "UpdatedNovember 3, 2025" is the update; the page was published in 2016.
    check("glued_update_label.html")


def test_every_page_has_an_expectation() -> None:
    pages = {path.name for path in DATE_PAGES.glob("*.html")}
    assert pages == set(EXPECTED)


def test_a_guide_that_shows_only_its_update_is_dated_by_it() -> None:
    # Publication stated in JSON-LD alone (2022) and "Last updated: March 3, 2025" the only
    # date shown: the guide is presented as of its last revision.
    check("guide_dated_by_its_update.html")


def test_a_dateline_in_digits_with_dashes_is_read_in_the_page_order() -> None:
    # "Post time: 03-11-2024" on an American page: March 11th, not the update in the metadata.
    check("dash_digits_dateline.html")


def test_the_web_page_node_of_a_json_ld_graph_dates_a_page_that_has_no_article_node() -> None:
    # An SEO plugin's graph describes the WebPage (published 2024-02-11) and no Article; the
    # only other date is the metadata's update.
    check("web_page_node_date.html")


def test_a_digit_date_glued_to_the_authors_name_is_read() -> None:
    # "Dana3/4/2025": the template puts no space between the name and the date (an
    # American-English page: March 4th).
    check("glued_name_digits.html")


def test_the_date_in_the_pages_own_url_decides_the_order_of_a_digit_date() -> None:
    # A saved page: no URL given, but og:url holds /2023/october/03/, so "03/10/2023" on a
    # page that says only "en" is the 3rd of October.
    check("own_url_decides_digit_order.html")


def test_a_utc_timestamp_a_day_off_the_urls_day_gives_the_urls_day() -> None:
    # Published at 03:12 UTC on the 10th, which is the evening of the 9th where the
    # publisher is: the URL (here the page's canonical one) carries the 9th.
    check("utc_stamp_local_url_day.html")


def test_an_update_shown_in_the_byline_dates_a_guide_like_a_dateline() -> None:
    # "Written by: Lena Ortiz, Senior EditorUpdated Jan 9, 2025", the role glued to the
    # label; the publication (2019) is stated in JSON-LD alone.
    check("byline_shows_the_update.html")
