"""Entities, steps 1, 2, 4 and 5: tokens, candidate spans, decision and merging, rule by rule.

Made-up news sentences; each test names the rule it checks. The evidence step's rules have
their own file (test_entities_rules.py).
"""

from __future__ import annotations

import pytest
from newsbrief.entities import find_entities, load_lexicon, tag_entities
from newsbrief.entities.decision import best_type, pool_mentions
from newsbrief.entities.evidence import Mention
from newsbrief.entities.merging import _close, _skeleton, canonical_name
from newsbrief.entities.spans import SpanFinder
from newsbrief.entities.tokens import (
    is_caps_line,
    is_sports_table_line,
    is_table_line,
    read_article,
    read_dateline,
    token_pattern,
)
from newsbrief.models import Entity


def spans(text: str, language: str = "en") -> list[str]:
    """The candidate surfaces the span step finds in ``text`` (mixed-case lines)."""
    lex = load_lexicon()
    article = read_article(text, None, lex)
    finder = SpanFinder(article, lex, language)
    return [
        c.span.surface
        for line in article.lines
        if line.tokens and not line.caps
        for c in finder.mixed(line)
    ]


def found(text: str, language: str = "en") -> set[tuple[str, str]]:
    return {(e.type, e.name) for e in find_entities(text, language=language)}


# -- step 1: tokens --------------------------------------------------------------------------


def test_tokenizer_keeps_possessives_and_acronyms_apart() -> None:
    tokens = token_pattern(load_lexicon().words.abbreviations).findall(
        "Merkel’s aide met U.S. envoy Mr. O’Brien in St. Louis."
    )
    assert tokens[:3] == ["Merkel", "’", "s"]
    assert "U.S." in tokens and "Mr." in tokens and "O’Brien" in tokens and "St." in tokens


@pytest.mark.parametrize(
    ("line", "places", "agencies"),
    [
        ("LONDON 1996-12-06", ["LONDON"], []),
        ("SAO PAULO, Brazil 1996-12-06", ["SAO PAULO", "Brazil"], []),
        ("BEIJING, Dec 7 (Reuters) - China said so.", ["BEIJING"], ["Reuters"]),
        ("LONDON / BRUSSELS (Reuters) - Talks resumed.", ["LONDON", "BRUSSELS"], ["Reuters"]),
        ("WILMINGTON, Del. (Reuters) - He spoke.", ["WILMINGTON", "Del."], ["Reuters"]),
        ("(Reuters) - Shares fell.", [], ["Reuters"]),
        ("CHICAGO, Dec 6 (Reuter) Statistics for the week.", ["CHICAGO"], ["Reuter"]),
    ],
)
def test_datelines_name_places_and_the_agency(
    line: str, places: list[str], agencies: list[str]
) -> None:
    dateline = read_dateline(line)
    assert dateline is not None
    assert dateline.places == places and dateline.agencies == agencies


def test_no_dateline_in_prose_or_captions() -> None:
    assert read_dateline("The deal (AICC) - a first - was signed.") is None
    assert read_dateline("Prices rose on Monday in London.") is None


def test_a_byline_before_the_dateline_is_its_own_line() -> None:
    dateline = read_dateline("By Wexlo Quarn Dec 7 (Reuters) - U.S. Treasury yields fell.")
    assert dateline is not None and dateline.rest[0].strip() == "By Wexlo Quarn"
    assert ("PERSON", "Wexlo Quarn") in found(
        "By Wexlo Quarn Dec 7 (Reuters) - U.S. Treasury yields fell."
    )


def test_line_kinds() -> None:
    assert is_caps_line(["LEADERS", "MEET", "IN", "GENEVA"])
    assert not is_caps_line(["Leaders", "meet", "in", "GENEVA"])
    assert is_table_line(["Arsenal", "17", "9", "6", "2"])
    assert is_sports_table_line(["Arsenal", "17", "9", "6", "2", "33", "15"])
    assert not is_sports_table_line(["Wheat", "4320.2", "3,870.1"])  # a price table


def test_sports_page_from_its_desk_label_or_its_tables() -> None:
    lex = load_lexicon()
    assert read_article("ALPINE SKIING-WOMEN'S DOWNHILL.\n\nText.", None, lex).sports
    assert read_article("BOBSLEIGH-WORLD CUP RESULTS.\n\nText.", None, lex).individual is False
    prices = "GRAIN STATS.\n\n" + "\n".join(f"Wheat {i}.5 {i},200.1" for i in range(8))
    assert not read_article(prices, None, lex).sports


def test_game_report_in_prose() -> None:
    lex = load_lexicon()
    report = (
        "Mara Quell threw for 310 yards and two touchdowns in the fourth quarter as the "
        "coach watched the game, and the win kept the season alive."
    )
    assert read_article(report, None, lex).sports_prose
    assert not read_article("The minister won the vote in a long season.", None, lex).sports_prose


# -- step 2: candidate spans -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("She met Ursula von der Leyen in Brussels.", "Ursula von der Leyen"),
        ("It cited Luiz Inacio Lula da Silva on Monday.", "Luiz Inacio Lula da Silva"),
        ("Sultan Haitham bin Tariq spoke.", "Haitham bin Tariq"),
    ],
)
def test_name_particles_join(text: str, surface: str) -> None:
    assert surface in spans(text)


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        (
            "The U.S. Centers for Disease Control and Prevention said so.",
            "U.S. Centers for Disease Control and Prevention",
        ),
        ("The U.S. Food and Drug Administration approved it.", "U.S. Food and Drug Administration"),
        (
            "Data from the General Administration of Customs showed it.",
            "General Administration of Customs",
        ),
        (
            "The National Committee for the Salvation of the People met.",
            "National Committee for the Salvation of the People",
        ),
        (
            "The U.S. Securities and Exchange Commission sued.",
            "U.S. Securities and Exchange Commission",
        ),
    ],
)
def test_official_names_go_on_across_of_for_and(text: str, surface: str) -> None:
    assert surface in spans(text)


def test_two_names_joined_by_and_stay_two() -> None:
    found_spans = spans("Shares of Gazprom and Siemens Energy AG fell.")
    assert "Gazprom" in found_spans and "Siemens Energy AG" in found_spans
    assert "Ministry for Brex" not in " ".join(spans("The Energy Ministry for Brex agreed."))


def test_an_index_keeps_its_number() -> None:
    assert "FTSE 100" in spans("The FTSE 100 fell 2 percent.")


def test_days_join_clubs_on_sports_pages_only_and_months_never() -> None:
    assert "Sheffield Wednesday" in spans("SOCCER - RESULTS.\n\nSheffield Wednesday 2 Leeds 1")
    assert "Sheffield Wednesday" not in spans("Talks in Sheffield Wednesday went well.")
    caption = "A view of the port in Antwerp, Belgium December 7, 2020."
    assert "Belgium" in spans(caption) and "Belgium December" not in spans(caption)


def test_short_date_words_inside_a_name() -> None:
    assert "Hwang Sun Hong" in spans("Striker Hwang Sun Hong scored twice.")
    assert "Theresa May" in spans("Former prime minister Theresa May spoke.")
    assert "Dec" not in " ".join(spans("Talks ended on Dec 7 in Vienna."))


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("We met President Vladimir Putin in Moscow.", "Vladimir Putin"),
        ("Attorney General Tomas Lindqvist said so.", "Tomas Lindqvist"),
        ("Bundeskanzler Friedrich Merz sprach in Berlin.", "Friedrich Merz"),
        ("Board Chair Helena Voss resigned on Friday.", "Helena Voss"),
    ],
)
def test_titles_never_join_names(text: str, surface: str) -> None:
    assert surface in spans(text, "de" if "sprach" in text else "en")


def test_after_a_title_and_of_comes_the_portfolio() -> None:
    assert {"State", "Kerry"} <= set(spans("Former Secretary of State Kerry spoke."))
    assert "Sao Paulo" in spans("The Governor of Sao Paulo spoke.")


def test_a_sentence_opening_word_is_no_part_of_the_name() -> None:
    text = (
        "Tell Zelenskyy we are with him, the soldier said. The drugmaker agreed. "
        "Drugmakers Pfizer and Moderna agreed."
    )
    found_spans = spans(text)
    assert "Zelenskyy" in found_spans and "Tell Zelenskyy" not in found_spans
    assert "Pfizer" in found_spans and "Drugmakers Pfizer" not in found_spans


def test_a_bodys_first_word_stays_even_when_it_opens_the_line() -> None:
    assert "Field Level Media" in spans("-- Field Level Media")
    assert "Bank of America" in spans("Bank of America raised its forecast.")


def test_a_rare_word_after_a_parenthesis_is_a_name() -> None:
    assert "Juventus" in spans("Defenders - Dimas Teixeira (Juventus, Italy)")


def test_a_field_label_is_no_name() -> None:
    assert "Note" not in spans("Note: figures are provisional.")


def test_a_country_abbreviation_splits_from_a_name_but_not_from_a_body() -> None:
    assert {"U.S.", "Jane Smith"} <= set(spans("Farmers protested in the U.S. Jane Smith said so."))
    assert "U.S. Senate" in spans("The U.S. Senate voted.")


def test_a_nationality_splits_from_a_name_but_not_from_a_body() -> None:
    assert {"Argentine", "Abel Balbo"} <= set(spans("Striker Argentine Abel Balbo scored."))
    assert "British Airways" in spans("Shares of British Airways fell.")


def test_a_disease_is_its_own_name() -> None:
    assert {"BioNTech", "COVID-19"} <= set(spans("The BioNTech COVID-19 vaccine arrived."))


def test_a_title_alone_is_no_name() -> None:
    assert "Secretary" not in spans("The visit was planned, the Secretary said.")


def test_ordinary_words_in_capitals_inside_a_line_are_a_heading() -> None:
    text = "LESS RECYCLING NEEDED. Online retailer Wexfield Group is riding the wave."
    assert not any("Recycling" in e.name for e in find_entities(text))
    assert ("ORGANIZATION", "Wexfield Group") in found(text)


# -- step 4: decision ------------------------------------------------------------------------


def test_votes_pool_over_the_article_and_case() -> None:
    pool = pool_mentions(
        [
            Mention("GENEVA", {"LOCATION": 4.0}, caps=True),
            Mention("Geneva", {"ORGANIZATION": 0.5}),
        ]
    )
    assert pool.types["GENEVA"] == "LOCATION" and pool.counts["GENEVA"] == 2


def test_ties_go_in_a_fixed_order_and_no_votes_is_no_type() -> None:
    assert best_type({"ORGANIZATION": 2.0, "OTHER": 2.0}) == "ORGANIZATION"
    assert best_type({}) is None and best_type({"OTHER": 0.0}) is None


def test_ordinary_words_with_a_faint_cue_opening_a_line_are_dropped() -> None:
    assert not any(e.name == "Choice" for e in find_entities("Choice\nPrices rose."))


# -- step 5: merging -------------------------------------------------------------------------


def test_a_surname_joins_its_person_before_a_body_named_after_them() -> None:
    text = (
        "On Monday Joe Biden spoke. The Biden Administration agreed. Biden said more later, "
        "and Biden left."
    )
    people = {e.name: e for e in find_entities(text) if e.type == "PERSON"}
    assert people["Joe Biden"].count == 3


def test_spelling_variants_of_one_person_are_one_entity() -> None:
    text = (
        "KYIV (Reuters) - President Volodymyr Zelenskiy spoke on Sunday. Tell Zelenskyy we are "
        "with him, a soldier said. Zelensky later met officials in Kyiv."
    )
    people = [e for e in find_entities(text) if e.type == "PERSON"]
    assert len(people) == 1
    assert people[0].name == "Volodymyr Zelenskiy" and people[0].count == 3
    assert set(people[0].mentions) == {"Volodymyr Zelenskiy", "Zelenskyy", "Zelensky"}


def test_different_people_with_one_surname_stay_apart() -> None:
    text = "On Monday Hunter Biden and Joe Biden arrived in Delaware."
    names = {e.name for e in find_entities(text) if e.type == "PERSON"}
    assert {"Hunter Biden", "Joe Biden"} <= names


def test_transliteration_skeletons() -> None:
    assert _skeleton("Zelenskyy") == _skeleton("Zelenskiy") == _skeleton("Zelensky")
    assert _close("zelenski", "zelenska") and not _close("zelenski", "zelenaya")


def test_a_venue_is_kept_apart_from_its_team() -> None:
    text = (
        "NBA BASKETBALL - STANDINGS.\n\nNEW YORK 1996-12-06\nBOSTON 4 12 .250 9\n"
        "MIAMI 14 4 .778 -\nORLANDO 8 6 .571 4\nCHICAGO 17 1 .944 -\nUTAH 14 2 .875 1\n"
        "FRIDAY, DECEMBER 6\nMIAMI AT BOSTON\n"
    )
    boston = {e.type for e in find_entities(text) if e.name == "Boston"}
    assert boston == {"ORGANIZATION", "LOCATION"}


def test_canonical_name_is_the_longest_mixed_case_form() -> None:
    lex = load_lexicon()
    assert canonical_name(["GENEVA"], "LOCATION", lex) == "Geneva"
    assert canonical_name(["U.S."], "LOCATION", lex) == "United States"
    assert canonical_name(["Putin", "Vladimir Putin"], "PERSON", lex) == "Vladimir Putin"


def test_rule_groups_can_be_switched_off() -> None:
    text = "Shares of bank Wexlo Quarn rose."
    assert ("ORGANIZATION", "Wexlo Quarn") in found(text)
    off = tag_entities(text, disabled={"company_context"})
    assert Entity("Wexlo Quarn", "ORGANIZATION", 1, ["Wexlo Quarn"]) not in off
