"""Entities, evidence step: every rule, on a made-up sentence where it holds and one where not.

Each case names a rule of ``newsbrief.entities.evidence.RULES`` (or ``CAPS_RULES``), a text, the
candidate span it reads, and whether the rule must hold for it. A rule without both a positive
and a negative case fails ``test_every_rule_has_cases``.
"""

from __future__ import annotations

import pytest
from newsbrief.entities import load_lexicon
from newsbrief.entities.evidence import CAPS_RULES, RULES, Evidence, Reading
from newsbrief.entities.spans import SpanFinder
from newsbrief.entities.tokens import read_article

SOCCER = "SOCCER - LEAGUE ROUND-UP.\n\nLONDON 2024-03-16\n"
GOLF = "GOLF - OPEN SCORES.\n\nDUBAI 2024-02-02\n"
GAME = (
    "Mara Quell threw for 310 yards and two touchdowns in the fourth quarter as the coach "
    "watched the game, and the win kept the season alive. "
)


def reading_of(text: str, surface: str, language: str = "en") -> tuple[Evidence, Reading]:
    """The evidence step's reading of the candidate ``surface`` in ``text``."""
    lex = load_lexicon()
    article = read_article(text, None, lex)
    finder = SpanFinder(article, lex, language)
    evidence = Evidence(lex, article, language == "en")
    for line in article.lines:  # names in mixed-case lines vouch for runs in capitals
        if line.tokens and not line.caps:
            for candidate in finder.mixed(line):
                if evidence.vote(evidence.reading(candidate.span)):
                    article.names.add(candidate.span.surface.upper())
    for line in article.lines:
        if not line.tokens:
            continue
        if line.caps:
            for span, _ in finder.caps(line, lambda s: s if s.surface == surface else None):
                return evidence, evidence.reading(span)
            continue
        for candidate in finder.mixed(line):
            if candidate.span.surface == surface:
                return evidence, evidence.reading(candidate.span)
    raise AssertionError(f"no candidate {surface!r} in {text!r}")


CASES: list[tuple[str, str, str, bool]] = [
    # listed companies
    (
        "listed_company_multiword",
        "Bond traders at Goldman Sachs expect cuts.",
        "Goldman Sachs",
        True,
    ),
    (
        "listed_company_multiword",
        "Bond traders at Harlow Quint expect cuts.",
        "Harlow Quint",
        False,
    ),
    ("listed_company_named_like_person", "Ford cut its forecast on Monday.", "Ford", True),
    (
        "listed_company_named_like_person",
        "On Monday Gerald Ford visited Michigan. Ford said the state would recover.",
        "Ford",
        False,
    ),
    ("listed_company_on_sight", "Analysts said Nvidia gained on Monday.", "Nvidia", True),
    ("listed_company_on_sight", "Analysts said Zorblat gained on Monday.", "Zorblat", False),
    ("listed_company_in_context", "Shares of Apple rose 2 percent.", "Apple", True),
    ("listed_company_in_context", "She likes the taste of Apple pie.", "Apple", False),
    # sports
    ("match_side_one_word", "Ashford beat Wexley 3-0 on Saturday.", "Ashford", True),
    ("match_side_one_word", "Ashford beat expectations on Saturday.", "Ashford", False),
    ("match_side_words", "Aston Villa drew 1-1 with Wexley on Sunday.", "Aston Villa", True),
    ("match_side_words", "Aston Villa fans gathered on Sunday.", "Aston Villa", False),
    ("club_city_major", SOCCER + "Barcelona 2 Valencia 1", "Barcelona", True),
    ("club_city_major", "Officials said Barcelona was calm.", "Barcelona", False),
    ("club_city_minor", SOCCER + "Fulham 2 Ipswich 1", "Ipswich", True),
    ("club_city_minor", SOCCER + "Spain 2 Italy 1", "Spain", False),
    ("team_in_game_report", GAME + "Oklahoma beat Baylor 27-14.", "Oklahoma", True),
    ("team_in_game_report", GAME + "They played in Oklahoma on Saturday.", "Oklahoma", False),
    ("club_named_after_city", SOCCER + "Hansa Rostock 2 Wexley 1", "Hansa Rostock", True),
    ("club_named_after_city", "Officials of Hansa Rostock met.", "Hansa Rostock", False),
    ("team_plural", "The Dallas Cowboys won again.", "Dallas Cowboys", True),
    ("team_plural", "The Dallas Police said so.", "Dallas Police", False),
    (
        "scorer_in_parentheses",
        SOCCER + "Vitesse 2 (Kowalczyk 18th, Ramsden 56th) Heerenveen 1",
        "Kowalczyk",
        True,
    ),
    ("scorer_in_parentheses", "The club (Kowalczyk said) won.", "Kowalczyk", False),
    ("scorer_line", SOCCER + "Scorers: Kowalczyk 23, Ramsden 45", "Ramsden", True),
    ("scorer_line", SOCCER + "Ramsden praised the crowd.", "Ramsden", False),
    ("lone_name_in_match_report", SOCCER + "Wexley won easily on Saturday.", "Wexley", True),
    ("lone_name_in_match_report", "Wexley won easily on Saturday.", "Wexley", False),
    ("row_player", GOLF + "135 Rory Dunmore 67 68", "Rory Dunmore", True),
    ("row_player", SOCCER + "Brentford 2 Everton 1", "Brentford", False),
    ("result_line_team", SOCCER + "Brentford 2 Everton 1", "Brentford", True),
    ("result_line_team", GOLF + "135 Rory Dunmore 67 68", "Rory Dunmore", False),
    (
        "row_person_name",
        SOCCER + "Leading scorers:\nJohn Wexby 12 3\nTom Barrow 10 2",
        "John Wexby",
        True,
    ),
    ("row_person_name", SOCCER + "Wexley 12 3 4 5\nBarrow 10 2 3 4", "Wexley", False),
    ("row_team", SOCCER + "Wexley 12 3 4 5\nBarrow 10 2 3 4\nDunton 9 1 1 1", "Dunton", True),
    ("row_team", "Wexley 12 3 4 5\nBarrow 10 2 3 4", "Barrow", False),
    # gazetteer: places, peoples, things
    ("demonym", "German officials met on Monday.", "German", True),
    ("demonym", "Herman officials met on Monday.", "Herman", False),
    ("place_major", "Officials met in Nairobi on Monday.", "Nairobi", True),
    ("place_major", "Officials met Nairobix on Monday.", "Nairobix", False),
    ("place_minor", "Officials met in Ipswich on Monday.", "Ipswich", True),
    ("place_minor", "Officials met in Nairobi on Monday.", "Nairobi", False),
    ("compass_place", "Troops moved into Northern Kenya on Monday.", "Northern Kenya", True),
    ("compass_place", "Troops moved into North Wexlo on Monday.", "North Wexlo", False),
    ("compass_demonym", "The Southern European lenders agreed.", "Southern European", True),
    ("compass_demonym", "The Southern Wexlo lenders agreed.", "Southern Wexlo", False),
    ("disease", "Cases of Ebola rose in the east.", "Ebola", True),
    ("disease", "Cases of Wexlo rose in the east.", "Wexlo", False),
    ("disease_in_context", "She was treated for Parkinson's disease for years.", "Parkinson", True),
    ("disease_in_context", "She spoke with Parkinson on Monday.", "Parkinson", False),
    ("stock_index", "The FTSE 100 fell 2 percent.", "FTSE 100", True),
    ("stock_index", "The FTZE fell 2 percent.", "FTZE", False),
    ("model_number", "Airbus delivered the A350 on time.", "A350", True),
    ("model_number", "Airbus delivered the Axel on time.", "Axel", False),
    ("compound_name", "The Berlin-based startup raised money.", "Berlin-based", True),
    ("compound_name", "Top-seeded Wexlo lost.", "Top-seeded", False),
    ("name_pair", "The UAE-Israel agreement was signed.", "UAE-Israel", True),
    ("name_pair", "The Wexlo-Quarn agreement was signed.", "Wexlo-Quarn", False),
    ("credited_agency", "PARIS (Reuters) - Prices rose, Reuters found.", "Reuters", True),
    ("name_pair", "The UAE-Israel agreement was signed.", "UAE-Israel", True),
    ("name_pair", "The Wexlo-Quarn agreement was signed.", "Wexlo-Quarn", False),
    ("credited_agency", "PARIS (Reuters) - Prices rose, Wexley found.", "Wexley", False),
    ("media_noun_beside", "The state news agency BNA reported the visit.", "BNA", True),
    ("media_noun_beside", "The state guard BNA reported the visit.", "BNA", False),
    ("company_noun_before", "Shares of bank Wexfield rose.", "Wexfield", True),
    ("company_noun_before", "The poet Wexfield rose to speak.", "Wexfield", False),
    # names of things
    ("event_name", "The World Cup starts in June.", "World Cup", True),
    ("event_name", "The World Bank lends in June.", "World Bank", False),
    ("event_numbered", "They remembered World War Two on Sunday.", "World War Two", True),
    ("event_numbered", "They remembered World War on Sunday.", "World War", False),
    ("org_suffix", "Siemens Energy AG cut jobs.", "Siemens Energy AG", True),
    ("org_suffix", "Leeds United won again.", "Leeds United", False),
    ("team_suffix", "Leeds United won again.", "Leeds United", True),
    ("team_suffix", "Siemens Energy AG cut jobs.", "Siemens Energy AG", False),
    ("org_prefix_of", "The Bank of Wexland raised rates.", "Bank of Wexland", True),
    ("org_prefix_of", "The Wexland Bank raised rates.", "Wexland Bank", False),
    ("org_head_of", "The Reserve Bank of India raised rates.", "Reserve Bank of India", True),
    ("org_head_of", "The Isle of Man raised rates.", "Isle of Man", False),
    ("org_word_alone", "The bill then went to the Senate for a vote.", "Senate", True),
    ("org_word_alone", "The bill then went to the Garden for a vote.", "Garden", False),
    ("ampersand_firm", "Engineers from Calder & Finch came.", "Calder & Finch", True),
    ("ampersand_firm", "Engineers from Calder Finch came.", "Calder Finch", False),
    ("org_first_word", "Fans of AC Wexlo cheered.", "AC Wexlo", True),
    ("org_first_word", "Fans of Wexlo AC cheered.", "Wexlo AC", False),
    ("loc_suffix", "Traffic stopped on the Harbour Bridge today.", "Harbour Bridge", True),
    ("loc_suffix", "Traffic stopped near Harbour Finch today.", "Harbour Finch", False),
    # people
    ("title_before", "We met President Wexlo Quarn yesterday.", "Wexlo Quarn", True),
    ("title_before", "We met Wexlo Quarn yesterday.", "Wexlo Quarn", False),
    ("title_before", "Bundeskanzler Wexlo Quarn sprach.", "Wexlo Quarn", True),
    ("initial_first", "A letter from J. Quarn arrived.", "J. Quarn", True),
    ("initial_first", "A letter from Jo Quarn arrived.", "Jo Quarn", False),
    ("first_name_strong", "A letter from Robert Quarn arrived.", "Robert Quarn", True),
    ("first_name_strong", "A letter from Wexlo Quarn arrived.", "Wexlo Quarn", False),
    (
        "first_name_strong_everyday",
        "They mark the day. A letter from Mark Quarn arrived.",
        "Mark Quarn",
        True,
    ),
    ("first_name_strong_everyday", "A letter from Robert Quarn arrived.", "Robert Quarn", False),
    ("first_name", "A letter from Hamish Quarn arrived.", "Hamish Quarn", True),
    ("first_name", "A letter from Robert Quarn arrived.", "Robert Quarn", False),
    (
        "first_name_everyday",
        "The hamish fell. A letter from Hamish Quarn arrived.",
        "Hamish Quarn",
        True,
    ),
    ("first_name_everyday", "A letter from Hamish Quarn arrived.", "Hamish Quarn", False),
    ("last_name", "A letter from Wexlo Smith arrived.", "Wexlo Smith", True),
    ("last_name", "A letter from Wexlo Quarn arrived.", "Wexlo Quarn", False),
    ("name_shape", "A letter from Robert Quarn arrived.", "Robert Quarn", True),
    ("name_shape", "A letter from Robert QUARN arrived.", "Robert QUARN", False),
    ("lone_surname", "The report said Smith was late.", "Smith", True),
    ("lone_surname", "The report said Quarn was late.", "Quarn", False),
    ("lone_given_name", "The report said Robert was late.", "Robert", True),
    ("lone_given_name", "The report said Quarn was late.", "Quarn", False),
    ("age_after", "The driver, Wexlo Quarn, 34, was hurt.", "Wexlo Quarn", True),
    ("age_after", "The driver, Wexlo Quarn, was hurt.", "Wexlo Quarn", False),
    (
        "credit_name",
        "Prices rose. (Reporting by Wexlo Quarn and Ada Berr; Editing by Sam Holt)",
        "Ada Berr",
        True,
    ),
    ("credit_name", "The plan was backed by Wexlo Quarn on Monday.", "Wexlo Quarn", False),
    ("byline_name", "By Wexlo Quarn\nPrices rose on Monday.", "Wexlo Quarn", True),
    ("byline_name", "Prices rose, said Wexlo Quarn.", "Wexlo Quarn", False),
    (
        "photo_credit_name",
        "PARIS (Reuters) - Prices rose.\nA view of the port. REUTERS / Wexlo Quarn",
        "Wexlo Quarn",
        True,
    ),
    ("photo_credit_name", "Pfizer / Wexlo Quarn vaccine doses arrived.", "Wexlo Quarn", False),
    # places by context
    ("in_place", "Talks were held in Wexlo on Monday.", "Wexlo", True),
    ("in_place", "Talks were held by Wexlo on Monday.", "Wexlo", False),
    ("toward_place", "The convoy drove to Wexlo on Monday.", "Wexlo", True),
    ("toward_place", "The convoy drove in Wexlo on Monday.", "Wexlo", False),
    ("in_known_place", "Talks were held in Nairobi on Monday.", "Nairobi", True),
    ("in_known_place", "Talks were held in Wexlo on Monday.", "Wexlo", False),
    # shapes and fallbacks
    ("acronym", "Officials of the WXO met on Monday.", "WXO", True),
    ("acronym", "Officials of PERU met on Monday.", "PERU", False),
    (
        "unknown_name_part",
        "Chief executive Tim Quarn spoke. Quarn made the announcement.",
        "Quarn",
        True,
    ),
    ("unknown_name_part", "The report said Quarn was late.", "Quarn", False),
    ("unknown_word", "The report said Quarn was late.", "Quarn", True),
    ("unknown_word", "The report said Choice was late.", "Choice", False),
    ("unknown_name_shaped", "The report said Wexlo Quarn was late.", "Wexlo Quarn", True),
    ("unknown_name_shaped", "The report said Wexlo Blue Pepper rose.", "Wexlo Blue Pepper", False),
    ("unknown_words", "The report said Wexlo Quarn was late.", "Wexlo Quarn", False),
    ("unknown_words", "The report said Wexlo Blue Pepper rose.", "Wexlo Blue Pepper", True),
    # lines in capitals
    ("caps_article_name", "WEXLO TALKS.\n\nOfficials of Wexlo met.", "WEXLO", True),
    ("caps_article_name", "WEXLO TALKS.\n\nOfficials met.", "WEXLO", False),
    ("caps_place_major", "TALKS IN NAIROBI.\n\nOfficials met.", "NAIROBI", True),
    ("caps_place_major", "TALKS IN WEXLO.\n\nOfficials met.", "WEXLO", False),
    ("caps_place_minor", "TALKS IN NEW HAVEN.\n\nOfficials met.", "NEW HAVEN", True),
    ("caps_place_minor", "TALKS IN NAIROBI.\n\nOfficials met.", "NAIROBI", False),
    ("caps_demonym", "GERMAN TALKS.\n\nOfficials met.", "GERMAN", True),
    ("caps_demonym", "HERMAN TALKS.\n\nOfficials met.", "HERMAN", False),
    ("caps_listed_company", "NVIDIA BEATS FORECASTS.\n\nProfits rose.", "NVIDIA", True),
    ("caps_listed_company", "APPLE HARVEST UP.\n\nOrchards did well.", "APPLE", False),
    ("caps_table_team", SOCCER + "WEXLO 12 7 6", "WEXLO", True),
    ("caps_table_team", "TALKS.\n\nWEXLO 12 7 6", "WEXLO", False),
]
ALL_RULES = dict(RULES) | dict(CAPS_RULES)


@pytest.mark.parametrize(("rule", "text", "surface", "holds"), CASES)
def test_rule(rule: str, text: str, surface: str, holds: bool) -> None:
    evidence, reading = reading_of(text, surface)
    rules = CAPS_RULES if rule.startswith("caps_") else RULES
    fired = (
        evidence.fired(reading, rules)
        if not rule.startswith("caps_")
        else [name for name, check in rules if check(reading, {})]
    )
    assert (rule in fired) == holds, fired


def test_every_rule_has_cases() -> None:
    positive = {rule for rule, _, _, holds in CASES if holds}
    negative = {rule for rule, _, _, holds in CASES if not holds}
    missing = {name for name in ALL_RULES if name not in positive or name not in negative}
    assert not missing


def test_every_rule_is_in_the_cue_table_and_back() -> None:
    cues = load_lexicon().cues
    extra = {"caps_club_city", "dateline_place", "dateline_agency", "venue"}
    assert set(ALL_RULES) | extra == set(cues)
