"""Entities, data: the built gazetteer, the closed-class word tables and the cue table.

Knowledge that changes (places, people, companies, indices, diseases) comes from the gazetteer
built by layers/newsbrief/build_gazetteer.py; closed-class words and cue weights are
hand-written data files of the package. These tests pin what each source provides.
"""

from __future__ import annotations

import importlib.util
import tomllib
from dataclasses import fields
from importlib import resources
from types import ModuleType

import pytest
from newsbrief.entities import load_gazetteer, load_lexicon
from newsbrief.entities.lexicon import CUES_FILE, TYPES, WORDS_FILE, Words, load_words

from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def build() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_gazetteer", REPO_ROOT / "layers" / "newsbrief" / "build_gazetteer.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _data(name: str) -> str:
    return resources.files("newsbrief").joinpath("data", name).read_text(encoding="utf-8")


def test_every_word_table_is_read_and_every_field_has_a_table() -> None:
    tables = set(tomllib.loads(_data(WORDS_FILE)))
    assert tables == {f.name for f in fields(Words)}
    words = load_words()
    assert "president" in words.titles and "bundeskanzler" in words.titles_other
    assert ("shares", "of") in words.company_before
    assert load_words() is words  # loaded once per process


def test_every_cue_has_a_known_type_a_weight_and_a_group() -> None:
    raw = tomllib.loads(_data(CUES_FILE))["cues"]
    cues = load_lexicon().cues
    assert set(raw) == set(cues)
    for name, cue in cues.items():
        assert cue.type in TYPES, name
        assert cue.weight >= 0 and cue.group, name


def test_places_people_and_companies_come_from_their_packages() -> None:
    gaz = load_gazetteer()
    assert "Japan" in gaz.places_major and "Nairobi" in gaz.places_major
    assert gaz.demonyms["German"] == "Germany"
    assert gaz.aliases["U.S."] == "United States"
    assert gaz.aliases["Britain"] == "United Kingdom"  # from "Great Britain"
    assert {"England", "Scotland", "Wales", "Northern Ireland", "Europe"} <= gaz.nations
    assert "Bavaria" in gaz.places_minor  # a subdivision's English name
    assert "Deutschland" in gaz.places_major  # a country in another language
    assert "Robert" in gaz.first_strong and "Smith" in gaz.last
    assert "Nvidia" in gaz.orgs and "Apple" in gaz.orgs_cued
    assert load_gazetteer() is gaz  # loaded once per process


def test_indices_diseases_and_languages() -> None:
    gaz = load_gazetteer()
    assert {"s&p 500", "ftse 100", "ftse", "dow"} <= gaz.indices
    assert {"COVID-19", "Covid-19", "COVID", "Ebola", "HIV", "AIDS", "SARS"} <= gaz.diseases
    assert "Parkinson" in gaz.diseases_cued  # a surname too: a disease beside "disease"
    assert {"Zulu", "Tamil", "Kurdish"} <= gaz.languages


def test_frequent_words_of_english_and_other_languages() -> None:
    gaz = load_gazetteer()
    assert "the" in gaz.vocab_common and "the" in gaz.function_words
    assert "securities" in gaz.vocab_mid and "gazprom" not in gaz.vocab_mid
    assert "jahr" in gaz.common_other["de"] and "regierung" in gaz.common_other["de"]
    assert "berlin" not in gaz.common_other["de"]  # a place stays a name
    assert "merz" not in gaz.common_other["de"]  # rare enough to be a name


def test_org_forms_drop_legal_suffixes(build: ModuleType) -> None:
    org_forms = build.org_forms
    assert org_forms("Tesla, Inc.") == {"Tesla Inc.", "Tesla"}
    assert org_forms("Ford Motor Company") == {"Ford Motor Company", "Ford Motor", "Ford"}
    assert org_forms("The Cheesecake Factory") == {"Cheesecake Factory"}


def test_index_forms(build: ModuleType) -> None:
    assert build.index_forms("FTSE 100") == {"ftse 100", "ftse"}
    assert build.index_forms("DOW JONES") == {"dow jones", "dow"}
    assert build.index_forms("CAC_40") == {"cac 40", "cac"}


def test_disease_names_are_the_proper_names_of_descriptions(build: ModuleType) -> None:
    names = build.disease_names(
        [
            "Ebola virus disease",
            "Acute bronchitis",
            "Human immunodeficiency virus [HIV] disease",
            "COVID-19",
            "Parkinson's disease",
            "acute infection",
        ]
    )
    assert {"Ebola", "HIV", "COVID-19", "COVID", "Covid-19", "Covid", "Parkinson"} <= names
    assert "Acute" not in names  # written in lower case elsewhere: an ordinary word


def test_generated_files_are_listed_once_and_exist(build: ModuleType) -> None:
    assert build.OUT_NAME in build.GENERATED_FILES
    for name in build.GENERATED_FILES:
        assert (build.OUT_DIR / name).is_file(), name
    assert build.is_current(build.OUT_DIR)


def test_other_languages_of_the_gazetteer_match_the_tagger(build: ModuleType) -> None:
    from newsbrief.entities import SUPPORTED_LANGUAGES

    assert set(build.OTHER_LANGUAGES) | {"en"} == set(SUPPORTED_LANGUAGES)
