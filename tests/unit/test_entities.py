"""Entities stage: typed names, canonical forms, counts, and the traps of wire copy."""

from __future__ import annotations

import importlib.util

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from newsbrief.entities import find_entities, load_gazetteer
from newsbrief.errors import InvalidInput
from newsbrief.models import Entity

from tests.conftest import FIXTURES, REPO_ROOT

SUMMIT = (FIXTURES / "entities" / "summit.txt").read_text(encoding="utf-8")


def by_name(entities: list[Entity]) -> dict[str, Entity]:
    return {e.name: e for e in entities}


def surfaces(entities: list[Entity]) -> set[str]:
    return {m for e in entities for m in e.mentions}


@pytest.fixture(scope="module")
def summit() -> dict[str, Entity]:
    return by_name(find_entities(SUMMIT))


def test_person_variants_collapse_into_the_longest_name(summit: dict[str, Entity]) -> None:
    putin = summit["Vladimir Putin"]
    assert putin.type == "PERSON"
    # "President Vladimir Putin" and "Putin": the title is no part of the name, both count.
    assert putin.count == 2
    assert putin.mentions == ["Putin", "Vladimir Putin"]
    assert "Putin" not in summit
    scholz = summit["Olaf Scholz"]
    assert scholz.type == "PERSON" and scholz.count == 3


def test_country_aliases_are_one_place(summit: dict[str, Entity]) -> None:
    us = summit["United States"]
    assert us.type == "LOCATION"
    assert set(us.mentions) == {"United States", "U.S."}
    assert "U.S." not in summit


def test_types_from_cues_and_gazetteer(summit: dict[str, Entity]) -> None:
    assert summit["Geneva"].type == "LOCATION"
    assert summit["Moscow"].type == "LOCATION"
    assert summit["Germany"].type == "LOCATION"
    assert summit["German"].type == "OTHER"  # nationality adjective
    assert summit["Russian"].type == "OTHER"
    assert summit["Siemens Energy AG"].type == "ORGANIZATION"  # company suffix
    assert summit["Deutsche Bank"].type == "ORGANIZATION"
    assert summit["World Trade Organisation"].type == "ORGANIZATION"
    assert summit["Matthew Miller"].type == "PERSON"  # known first name


def test_dateline_and_headline_mentions_count(summit: dict[str, Entity]) -> None:
    # "GENEVA" in the headline and the dateline, "Geneva" once in the body.
    assert summit["Geneva"].count == 3
    assert set(summit["Geneva"].mentions) == {"GENEVA", "Geneva"}


def test_openers_and_headline_words_are_not_entities() -> None:
    found = surfaces(find_entities(SUMMIT))
    for word in ("Despite", "The", "LEADERS", "TRADE", "TALKS", "STALL", "A", "We", "Shares"):
        assert word not in found
    assert "Thursday" not in found


def test_sorted_by_count_descending(summit: dict[str, Entity]) -> None:
    counts = [e.count for e in find_entities(SUMMIT)]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] >= 3


def test_possessive_is_not_part_of_the_name() -> None:
    entities = by_name(
        find_entities("Analysts praised Maria Lopez's plan. Lopez's rivals said little.")
    )
    assert entities["Maria Lopez"].count == 2
    assert entities["Maria Lopez"].mentions == ["Lopez", "Maria Lopez"]


def test_sports_results_table_names_clubs_and_countries() -> None:
    text = (
        "SOCCER - LEAGUE RESULTS.\n\nMANCHESTER 2024-03-16\n"
        "Results of matches played on Saturday:\n"
        "Brentford 2 Everton 1\nAston Villa 0 Fulham 3\nSpain 1 Croatia 1\n"
    )
    entities = by_name(find_entities(text))
    for club in ("Brentford", "Everton", "Aston Villa", "Fulham"):
        assert entities[club].type == "ORGANIZATION", club
    assert entities["Spain"].type == "LOCATION"  # national teams stay places
    assert entities["Croatia"].type == "LOCATION"
    assert entities["Manchester"].type == "LOCATION"  # the dateline is a place


def test_golf_scores_list_players() -> None:
    text = (
        "GOLF - OPEN SECOND ROUND SCORES.\n\nDUBAI 2024-02-02\n"
        "Leading second round scores:\n"
        "135 Rory Dunmore 67 68, Thomas Pieters 66 69\n136 Adrian Meronk (Poland) 70 66\n"
    )
    entities = by_name(find_entities(text))
    for player in ("Rory Dunmore", "Thomas Pieters", "Adrian Meronk"):
        assert entities[player].type == "PERSON", player
    assert entities["Poland"].type == "LOCATION"


def test_title_is_scanned_like_a_headline() -> None:
    entities = by_name(
        find_entities("Officials in Nairobi said talks would go on.", title="Kenya talks")
    )
    assert entities["Kenya"].type == "LOCATION"
    assert entities["Nairobi"].type == "LOCATION"


def test_empty_text_has_no_entities() -> None:
    assert find_entities("") == []
    assert find_entities("   \n\n") == []
    assert find_entities("no capital letters at all here.") == []


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput):
        find_entities(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        find_entities("text", title=42)  # type: ignore[arg-type]


def test_other_languages_keep_only_vouched_names() -> None:
    # German capitalizes every noun: a frequent word of the language is never a name.
    text = "Die Regierung in Berlin hat am Montag die Steuer erhöht, sagte Olaf Scholz."
    entities = by_name(find_entities(text, language="de"))
    assert entities["Berlin"].type == "LOCATION"
    assert "Regierung" not in entities and "Steuer" not in entities


def test_gazetteer_is_built_from_its_packages() -> None:
    gaz = load_gazetteer()
    assert "Japan" in gaz.places_major
    assert gaz.demonyms["German"] == "Germany"
    assert gaz.aliases["U.S."] == "United States"
    assert "Robert" in gaz.first_strong
    assert "the" in gaz.vocab_common
    assert load_gazetteer() is gaz  # loaded once per process


def test_windows_line_endings() -> None:
    entities = by_name(
        find_entities("LONDON 2024-01-02\r\nJohn Smith resigned, the bank said.\r\n")
    )
    assert entities["John Smith"].type == "PERSON"
    assert entities["London"].type == "LOCATION"


def test_long_title_case_runs_are_cut_into_short_spans() -> None:
    text = " ".join(["Alpha Beta Gamma"] * 400) + " said."
    assert all(len(e.name.split()) <= 8 for e in find_entities(text))


def test_scorers_in_parentheses_are_people() -> None:
    text = (
        "SOCCER - DUTCH FIRST DIVISION SUMMARY.\n\nAMSTERDAM 2024-03-16\n"
        "Vitesse 2 (Kowalczyk 18th, Ramsden 56th) Heerenveen 1 (Dalmau 44th). Halftime 1-1.\n"
    )
    entities = by_name(find_entities(text))
    for player in ("Kowalczyk", "Ramsden", "Dalmau"):
        assert entities[player].type == "PERSON", player
    assert entities["Vitesse"].type == "ORGANIZATION"
    assert "Halftime" not in entities


def test_surname_that_is_a_word_joins_the_full_name() -> None:
    text = (
        "Chief executive Tim Cook said on Tuesday the plant would open in Austin. "
        "Cook made the announcement in Texas.\n\n"
        '"We are proud," Cook told reporters.'
    )
    entities = by_name(find_entities(text))
    assert entities["Tim Cook"].type == "PERSON"
    assert entities["Tim Cook"].count == 3
    assert "Cook" not in entities


def test_country_seen_only_by_its_abbreviation_gets_its_name() -> None:
    entities = by_name(find_entities("Officials in the U.S. and the UK said the deal was done."))
    assert entities["United States"].mentions == ["U.S."]
    assert entities["United Kingdom"].mentions == ["UK"]


WIRE_WORDS = st.sampled_from(
    [
        "LONDON",
        "1996-12-06",
        "Mr.",
        "the",
        "of",
        "U.S.",
        "Bank",
        "(",
        ")",
        "2",
        "-",
        "Inc",
        "de",
        "'s",
        "O'Neill",
        "pro-Israeli",
        "SOCCER",
        "Scorers",
        ":",
        "Halftime",
        "\n",
        "\r\n",
        "A.",
        "St.",
        "&",
        "Kowalczyk",
        "said",
        "İstanbul",
        "ΑΘΗΝΑ",
        "Maria",
        "Lopez",
        "German",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(st.text(max_size=300), st.lists(WIRE_WORDS, max_size=80).map(" ".join)),
    st.sampled_from(["en", "de", None]),
)
def test_any_text_gives_well_formed_entities(text: str, language: str | None) -> None:
    entities = find_entities(text, language=language)
    assert [e.count for e in entities] == sorted((e.count for e in entities), reverse=True)
    for entity in entities:
        assert entity.name and entity.mentions and entity.count >= len(entity.mentions) >= 1
        assert entity.type in ("PERSON", "ORGANIZATION", "LOCATION", "OTHER")


def test_ampersand_firms_and_named_structures_get_their_types() -> None:
    text = (
        "Engineers from Calder & Finch inspected the Harbour Bridge on Monday. The report by "
        "Calder & Finch found corrosion, and the council closed Harbour Bridge to cars."
    )
    types = {e.name: (e.type, e.count) for e in find_entities(text)}
    assert types["Calder & Finch"] == ("ORGANIZATION", 2)
    assert types["Harbour Bridge"] == ("LOCATION", 2)


def test_listed_companies_are_organizations() -> None:
    text = (
        "Microsoft and Nvidia gained on Wednesday. Pfizer cut its outlook, and Morgan Stanley "
        "said Goldman Sachs would lead the offering. Volkswagen Group and Tesla, Inc. did not "
        "comment."
    )
    types = {e.name: e.type for e in find_entities(text)}
    for company in ("Microsoft", "Nvidia", "Pfizer", "Morgan Stanley", "Goldman Sachs"):
        assert types[company] == "ORGANIZATION", company
    # Legal forms the gazetteer drops are still one organization with the suffix kept.
    assert types["Volkswagen Group"] == "ORGANIZATION"
    assert types["Tesla"] == "ORGANIZATION"
    assert "Inc." not in types  # the legal form after a comma is no entity of its own


def test_company_named_like_people_beats_the_person_reading() -> None:
    # "Morgan" and "Stanley" are both given names: the list of companies outvotes them.
    entities = by_name(find_entities("Bond traders at Morgan Stanley expect two rate cuts."))
    assert entities["Morgan Stanley"].type == "ORGANIZATION"
    # A title before a company-shaped name still makes it a person.
    entities = by_name(find_entities("We spoke with Mr. Morgan Stanley, a retired teacher."))
    assert entities["Morgan Stanley"].type == "PERSON"


def test_company_named_like_a_word_needs_company_context() -> None:
    assert find_entities("She ate an apple.") == []
    assert find_entities("Apple pie is served warm.") == []
    assert "Target" not in by_name(find_entities("Target practice starts at noon."))
    for text in (
        "Apple said on Monday that it would open a store in Mumbai.",
        "Shares of Apple rose 2 percent in early trading.",
        "Apple's chief executive visited the factory.",
        "Target (NYSE: TGT) cut prices on groceries.",
        "Analysts at Target expect weaker holiday sales.",
    ):
        entities = by_name(find_entities(text))
        company = "Apple" if "Apple" in text else "Target"
        assert entities[company].type == "ORGANIZATION", text


def test_surname_of_a_named_person_is_not_a_company() -> None:
    # "Ford" is a listed company and a surname: after "Gerald Ford" it is the person.
    text = "Gerald Ford visited Michigan. Ford said the state would recover."
    entities = by_name(find_entities(text))
    assert entities["Gerald Ford"].type == "PERSON"
    assert entities["Gerald Ford"].count == 2
    assert "Ford" not in entities


def test_company_names_in_the_gazetteer_are_cut_to_news_forms() -> None:
    gaz = load_gazetteer()
    for name in ("Apple", "Tesla", "Volkswagen", "Goldman Sachs", "Air Liquide"):
        assert name in gaz.orgs or name in gaz.orgs_cued, name
    assert "Apple" in gaz.orgs_cued and "Apple" not in gaz.orgs  # an ordinary word too
    assert "Nvidia" in gaz.orgs  # a rare word: a company on sight
    assert "Tesla, Inc." not in gaz.orgs and "Tesla" in gaz.orgs


def test_org_forms_drop_legal_suffixes() -> None:
    spec = importlib.util.spec_from_file_location(
        "build_gazetteer", REPO_ROOT / "layers" / "newsbrief" / "build_gazetteer.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    org_forms = module.org_forms
    assert org_forms("Tesla, Inc.") == {"Tesla Inc.", "Tesla"}  # "Tesla Inc." is news style too
    assert org_forms("Apple Inc.") == {"Apple Inc.", "Apple"}
    assert "Volkswagen" in org_forms("Volkswagen Group")
    assert org_forms("The Cheesecake Factory") == {"Cheesecake Factory"}
    assert org_forms("Ford Motor Company") == {"Ford Motor Company", "Ford Motor", "Ford"}
    assert "Swiss Reinsurance" in org_forms("Swiss Reinsurance Company Ltd")
    assert org_forms("Air Liquide") == {"Air Liquide"}


def test_listed_companies_in_a_capitals_headline() -> None:
    title = "MORGAN STANLEY AND NVIDIA BEAT FORECASTS"
    entities = by_name(find_entities("Profits rose at both firms.", title=title))
    assert entities["Morgan Stanley"].type == "ORGANIZATION"
    assert entities["Nvidia"].type == "ORGANIZATION"
    # A company named like a frequent word stays unknown in capitals: "APPLE" proves nothing.
    assert "Apple" not in by_name(find_entities("Orchards did well.", title="APPLE HARVEST UP"))


def test_typographic_possessives_are_not_part_of_names() -> None:
    """Published pages write ’s (U+2019): the name is the same entity as without it."""
    text = (
        "Angela Merkel’s party won in Germany’s east on Sunday. Merkel said the result was "
        "clear. Britain’s regulator disagreed, and Conor O’Brien of the Dublin office spoke."
    )
    found = {e.name: e for e in find_entities(text, language="en")}
    assert "Angela Merkel" in found and found["Angela Merkel"].count == 2
    assert found["Germany"].type == "LOCATION"
    assert found["United Kingdom"].type == "LOCATION"  # "Britain" under its country's name
    assert found["United Kingdom"].mentions == ["Britain"]
    assert "Conor O’Brien" in found  # an apostrophe inside a name stays
    assert not any("’s" in name for name in found)
    for entity in found.values():
        assert all(mention in text for mention in entity.mentions)


def test_an_acronym_joins_the_name_it_abbreviates() -> None:
    text = (
        "The plan, backed by the International Monetary Fund (IMF), was criticised on Monday. "
        "The IMF said growth would slow. The European Central Bank kept rates, and the ECB "
        "said it would wait. Who knows what comes next, said Mary Jones."
    )
    found = {e.name: e for e in find_entities(text, language="en")}
    imf = found["International Monetary Fund"]
    assert imf.type == "ORGANIZATION" and imf.count == 3
    assert set(imf.mentions) == {"IMF", "International Monetary Fund"}
    assert found["European Central Bank"].count == 2
    assert "IMF" not in found and "ECB" not in found
    assert not any("Who" in e.mentions for e in found.values())  # a capitalized word, no acronym


def test_an_acronym_of_two_names_joins_neither() -> None:
    text = (
        "British Airways cut flights. Bank of America raised its forecast. "
        "BA shares fell on Tuesday, traders said."
    )
    found = {e.name: e for e in find_entities(text, language="en")}
    assert found["British Airways"].count == 1 and found["Bank of America"].count == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Secretary of State Ada Mbeki met the press.", {("PERSON", "Ada Mbeki")}),
        ("Attorney General Tomas Lindqvist said so.", {("PERSON", "Tomas Lindqvist")}),
        ("Minister of Finance Jane Doe resigned.", {("PERSON", "Jane Doe")}),
        (
            "President of Russia Vladimir Putin spoke.",
            {("LOCATION", "Russia"), ("PERSON", "Vladimir Putin")},
        ),
        (
            "Farmers protested in the U.S. Jane Smith said so.",
            {("LOCATION", "United States"), ("PERSON", "Jane Smith")},
        ),
        ("Shares of U.S. Steel rose.", {("ORGANIZATION", "U.S. Steel")}),
        ("The U.S. Treasury sold bonds.", {("ORGANIZATION", "U.S. Treasury")}),
    ],
)
def test_titles_and_country_abbreviations_stay_out_of_names(
    text: str, expected: set[tuple[str, str]]
) -> None:
    assert {(e.type, e.name) for e in find_entities(text, language="en")} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hurricane Helga struck the coast on Monday.", ("OTHER", "Hurricane Helga")),
        ("Operation Northern Shield began in March.", ("OTHER", "Operation Northern Shield")),
        ("The Tour de France starts in July.", ("OTHER", "Tour de France")),
        ("The band's Summer Lights Tour sold out.", ("OTHER", "Summer Lights Tour")),
        ("The Ridgeway Fire has burned 20,000 acres.", ("OTHER", "Ridgeway Fire")),
        ("The Clean Water Act passed in 1972.", ("OTHER", "Clean Water Act")),
        ("The National Storm Center said so.", ("ORGANIZATION", "National Storm Center")),
        ("Board Chair Helena Voss resigned on Friday.", ("PERSON", "Helena Voss")),
    ],
)
def test_events_centres_and_titles(text: str, expected: tuple[str, str]) -> None:
    assert expected in {(e.type, e.name) for e in find_entities(text, language="en")}


def test_a_one_letter_word_ending_a_sentence_is_no_name() -> None:
    text = "The founder posted the video on X. The company denied it. J. K. Rowling wrote back."
    names = {e.name for e in find_entities(text, language="en")}
    assert names == {"J. K. Rowling"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ashford beat Wexley 3-0 at the Mill Lane ground on Saturday.",
            {("ORGANIZATION", "Ashford"), ("ORGANIZATION", "Wexley")},
        ),
        (
            "Liverpool drew 1-1 with Chelsea on Sunday.",
            {("ORGANIZATION", "Liverpool"), ("ORGANIZATION", "Chelsea")},
        ),
        (
            "Jannik Sinner beat Carlos Alcaraz 6-3 6-4 in the final.",
            {("PERSON", "Jannik Sinner"), ("PERSON", "Carlos Alcaraz")},
        ),
    ],
)
def test_sides_of_a_match_result_are_teams(text: str, expected: set[tuple[str, str]]) -> None:
    """One score and a result verb make teams, even without a sports headline; set scores
    ("6-3 6-4") are a contest between people."""
    assert expected <= {(e.type, e.name) for e in find_entities(text, language="en")}


def test_a_vote_count_is_no_match_result() -> None:
    found = find_entities("The vote was 7-2 as Germany beat expectations.", language="en")
    assert {(e.type, e.name) for e in found} == {("LOCATION", "Germany")}


def test_justices_and_firms_opening_a_sentence() -> None:
    text = (
        "Justice Maria Okafor dissented, joined by Justices Tom Berg and Lena Park. "
        "Samsung Electronics shares rose in Seoul."
    )
    found = {(e.type, e.name) for e in find_entities(text, language="en")}
    assert {
        ("PERSON", "Maria Okafor"),
        ("PERSON", "Tom Berg"),
        ("ORGANIZATION", "Samsung Electronics"),
    } <= found


def test_a_rare_first_name_opening_a_sentence_stays_when_the_surname_recurs() -> None:
    text = "Elon Musk posted on Monday. Investors asked whether Musk would sell. Hosts Fiji won."
    found = {(e.type, e.name, e.count) for e in find_entities(text, language="en")}
    assert ("PERSON", "Elon Musk", 2) in found
    assert not any(name.startswith("Hosts") for _, name, _ in found)


def test_product_launches_and_police_titles() -> None:
    text = "Apple unveiled a new phone on Tuesday. Chief Constable Ruth Adeyemi urged calm."
    found = {(e.type, e.name) for e in find_entities(text, language="en")}
    assert found == {("ORGANIZATION", "Apple"), ("PERSON", "Ruth Adeyemi")}


RECENT = """KYIV, March 3 (Reuters) - Ukrainian President Volodymyr Zelenskiy said on Sunday that \
Russian forces had stepped up attacks in the Donetsk region, while the newspaper Kyiv \
Independent reported heavy shelling of Kharkiv.
Tell Zelenskyy we are with him, a soldier told the Washington Post. Zelensky later met \
officials from the European Commission and NATO in Kyiv.
FILE PHOTO: A man walks past a damaged building in Kharkiv, Ukraine February 28, 2024. \
REUTERS / Vyacheslav Madiyevskyy
Slideshow (5 images)
(Reporting by Tom Balmforth; Editing by Andrew Heavens)"""


def test_obvious_names_of_a_recent_article() -> None:
    found = {e.name: e for e in find_entities(RECENT)}
    for place in ("Kyiv", "Kharkiv", "Donetsk", "Ukraine"):
        assert found[place].type == "LOCATION", place  # well-known places are places
    for body in ("Kyiv Independent", "Washington Post", "Reuters", "NATO"):
        assert found[body].type == "ORGANIZATION", body  # newspapers and agencies
    zelenskiy = found["Volodymyr Zelenskiy"]  # one person in three spellings, longest name
    assert zelenskiy.type == "PERSON" and zelenskiy.count == 3
    assert not any(name.startswith("Tell") for name in found)  # a verb opening a sentence


def test_wire_furniture_gives_its_people_and_no_labels() -> None:
    found = {e.name: e for e in find_entities(RECENT)}
    for person in ("Tom Balmforth", "Andrew Heavens", "Vyacheslav Madiyevskyy"):
        assert found[person].type == "PERSON", person
    labels = ("File", "Photo", "Slideshow", "Editing", "Reporting", "February")
    assert not any(word in name for name in found for word in labels)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("New cases of COVID-19 rose in March.", ("OTHER", "COVID-19")),
        ("She was treated for Parkinson's disease.", ("OTHER", "Parkinson")),
        ("The S&P 500 fell 1 percent on Monday.", ("OTHER", "S&P 500")),
        ("Airbus delivered the first A350 on time.", ("OTHER", "A350")),
        ("The Berlin-based startup raised money.", ("OTHER", "Berlin-based")),
        ("The Clean Water Act passed in 1972.", ("OTHER", "Clean Water Act")),
    ],
)
def test_diseases_indices_products_and_laws_are_other(
    text: str, expected: tuple[str, str]
) -> None:
    assert expected in {(e.type, e.name) for e in find_entities(text)}


def test_places_in_a_game_report_are_teams_but_the_venue_is_a_place() -> None:
    text = (
        "Mara Quell threw for 310 yards and two touchdowns as Oklahoma beat Baylor 27-14 in "
        "Norman on Saturday. The coach praised the defense after the game, and the win kept "
        "the season alive."
    )
    found = {(e.type, e.name) for e in find_entities(text)}
    assert ("ORGANIZATION", "Oklahoma") in found and ("ORGANIZATION", "Baylor") in found
    assert ("LOCATION", "Norman") in found
    prose = {(e.type, e.name) for e in find_entities("Storms hit Oklahoma on Saturday.")}
    assert prose == {("LOCATION", "Oklahoma")}


@pytest.mark.parametrize(
    ("language", "text", "expected", "never"),
    [
        (
            "de",
            "Bundeskanzler Friedrich Merz sagte am Montag in Berlin, das Jahr sei schwierig "
            "gewesen. Die Deutsche Bank begrüßte den Plan. Merz reiste danach nach Paris.",
            {("PERSON", "Friedrich Merz"), ("LOCATION", "Berlin"),
             ("ORGANIZATION", "Deutsche Bank"), ("LOCATION", "Paris")},
            ("Jahr", "Bundeskanzler Friedrich Merz", "Die Deutsche Bank"),
        ),
        (
            "fr",
            "Le président Emmanuel Macron a rencontré mardi à Bruxelles la présidente Ursula "
            "von der Leyen. "
            "Selon le journal Le Monde, la France veut relancer le projet.",
            {("PERSON", "Emmanuel Macron"), ("LOCATION", "Bruxelles"),
             ("PERSON", "Ursula von der Leyen"), ("LOCATION", "France")},
            ("Le",),
        ),
        (
            "es",
            "El presidente Pedro Sánchez viajó el lunes a Bruselas. España y Francia firmarán "
            "un acuerdo.",
            {("PERSON", "Pedro Sánchez"), ("LOCATION", "España"), ("LOCATION", "Francia")},
            ("El", "España y Francia"),
        ),
    ],
)
def test_other_languages_precision_first(
    language: str, text: str, expected: set[tuple[str, str]], never: tuple[str, ...]
) -> None:
    found = {(e.type, e.name) for e in find_entities(text, language=language)}
    assert expected <= found
    assert not any(name in never for _, name in found)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh", "北京市政府周一宣布新的措施。"),
        ("ru", "Президент Владимир Путин заявил в Москве, что переговоры продолжатся."),
        ("ar", "قال الرئيس في القاهرة إن المحادثات ستستمر."),
        ("xx", "President Vladimir Putin spoke in Moscow."),
    ],
)
def test_languages_without_entity_lists_get_none(language: str, text: str) -> None:
    assert find_entities(text, language=language) == []


def test_readme_names_the_languages_that_get_entity_lists() -> None:
    import re

    from newsbrief.entities import SUPPORTED_LANGUAGES
    from newsbrief.language import LANGUAGE_NAMES

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    sentence = re.search(r"Entity lists are made for articles in (.+?):", readme, re.S)
    assert sentence, "README must say which languages get entity lists"
    named = {w.lower() for w in re.findall(r"[A-Z][a-z]+", sentence.group(1))}
    assert named == {LANGUAGE_NAMES[code] for code in SUPPORTED_LANGUAGES}
