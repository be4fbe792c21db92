"""What the tagger knows: the built gazetteer, the closed-class word tables and the cue weights.

Three data files of the package, each loaded once per process:

- ``data/gazetteer.txt``: names of places, people, companies, indices, diseases, languages and
  the frequent words of English and six other languages, built by
  ``layers/newsbrief/build_gazetteer.py`` from maintained packages;
- ``data/entity-words.toml``: closed-class words written by hand (titles, months, connectors,
  cue verbs), facts of a language rather than of the world;
- ``data/entity-cues.toml``: the type and weight of every evidence rule, and its group.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..models import EntityType

GAZETTEER_FILE = "gazetteer.txt"
WORDS_FILE = "entity-words.toml"
CUES_FILE = "entity-cues.toml"
TYPES: tuple[EntityType, ...] = ("PERSON", "ORGANIZATION", "LOCATION", "OTHER")
# Languages whose frequent words the gazetteer lists: a capitalized word that is one of them
# is no name in that language (German capitalizes every noun).
LISTED_LANGUAGES = frozenset({"de", "fr", "es", "it", "nl", "pt"})
# Weight of a place the gazetteer knows well (a country, a city of a million) or a little.
PLACE_MAJOR = 4.0
PLACE_MINOR = 2.0


def fold(word: str) -> str:
    """``word`` without accents, as the gazetteer lists names ("São Paulo" -> "Sao Paulo")."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Name lists built at package build time (see build_gazetteer.py)."""

    places_major: frozenset[str]
    places_minor: frozenset[str]
    aliases: dict[str, str]
    demonyms: dict[str, str]
    nations: frozenset[str]
    first_strong: frozenset[str]
    first: frozenset[str]
    last: frozenset[str]
    function_words: frozenset[str]  # "the", "this", "each": never part of a name
    vocab_common: frozenset[str]
    vocab_mid: frozenset[str]  # Zipf 3.5 to 4.3: "securities", "advisers"
    vocab: frozenset[str]
    # Listed companies: typed ORG on sight, or only in company context (ambiguous words).
    orgs: frozenset[str]
    orgs_cued: frozenset[str]
    indices: frozenset[str]  # case-folded: "s&p 500", "ftse"
    diseases: frozenset[str]
    diseases_cued: frozenset[str]  # "Parkinson": a disease only beside "disease"
    languages: frozenset[str]
    common_other: dict[str, frozenset[str]]  # language -> its frequent words, lower case


def _sections(raw: str) -> dict[str, list[str]]:
    """Split the gazetteer file: "@name" lines open sections, other lines are entries."""
    sections: dict[str, list[str]] = {}
    for chunk in ("\n" + raw).split("\n@")[1:]:
        name, _, body = chunk.partition("\n")
        sections[name] = body.rstrip("\n").split("\n") if body.strip() else []
    return sections


@cache
def load_gazetteer() -> Gazetteer:
    """Load the gazetteer once per process (a cold Lambda worker pays for it once)."""
    source = resources.files("newsbrief").joinpath("data", GAZETTEER_FILE)
    try:
        raw = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(
            f"newsbrief/data/{GAZETTEER_FILE} is missing: build it with "
            "`python layers/newsbrief/build_gazetteer.py` (`make install` does)"
        ) from None
    sections = _sections(raw)

    def names(key: str) -> frozenset[str]:
        return frozenset(sections.get(key, ()))

    def pairs(key: str) -> dict[str, str]:
        return dict(line.split("\t", 1) for line in sections.get(key, []) if "\t" in line)

    return Gazetteer(
        places_major=names("places_major"),
        places_minor=names("places_minor"),
        aliases=pairs("aliases"),
        demonyms=pairs("demonyms"),
        nations=names("nations"),
        first_strong=names("first_strong"),
        first=names("first"),
        last=names("last"),
        function_words=names("function_words"),
        vocab_common=names("vocab_common"),
        vocab_mid=names("vocab_mid"),
        vocab=names("vocab"),
        orgs=names("orgs"),
        orgs_cued=names("orgs_cued"),
        indices=names("indices"),
        diseases=names("diseases"),
        diseases_cued=names("diseases_cued"),
        languages=names("languages"),
        common_other={lang: names(f"common_{lang}") for lang in sorted(LISTED_LANGUAGES)},
    )


@dataclass(frozen=True, slots=True)
class Words:
    """The closed-class word tables of ``entity-words.toml`` (see the comments there)."""

    titles: frozenset[str]
    title_heads: frozenset[str]
    titles_other: frozenset[str]
    abbreviations: tuple[str, ...]
    org_suffixes: frozenset[str]
    org_heads: frozenset[str]
    institutions: frozenset[str]
    team_suffixes: frozenset[str]
    org_prefixes: frozenset[str]
    org_first_words: frozenset[str]
    loc_suffixes: frozenset[str]
    loc_prefixes: frozenset[str]
    compass: frozenset[str]
    event_suffixes: frozenset[str]
    event_prefixes: frozenset[str]
    number_words: frozenset[str]
    affiliations: frozenset[str]
    match_verbs: frozenset[str]
    company_after: frozenset[str]
    company_possessed: frozenset[str]
    company_before: frozenset[tuple[str, str]]
    legal_forms: frozenset[str]
    exchanges: frozenset[str]
    not_names: frozenset[str]
    date_words_in_names: frozenset[str]
    holidays: frozenset[str]
    wire_furniture: frozenset[str]
    credit_words: frozenset[str]
    media_nouns: frozenset[str]
    company_nouns: frozenset[str]
    acronym_skip: frozenset[str]
    connectors: frozenset[str]
    loc_prepositions: frozenset[str]
    loc_prepositions_strong: frozenset[str]
    of_heads: frozenset[str]
    head_joiners: frozenset[str]
    disease_words: frozenset[str]
    holiday_parts: frozenset[str]
    sport_words: frozenset[str]
    individual_sports: frozenset[str]
    team_sports: frozenset[str]
    scorer_words: frozenset[str]
    sports_prose_words: frozenset[str]
    never_open: frozenset[str]
    articles: frozenset[str]


def _read_toml(name: str) -> dict[str, object]:
    text = resources.files("newsbrief").joinpath("data", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def load_words() -> Words:
    """Load the closed-class word tables once per process."""
    raw = _read_toml(WORDS_FILE)
    tables = {key: str(value).split() for key, value in raw.items()}
    fields: dict[str, object] = {key: frozenset(words) for key, words in tables.items()}
    fields["abbreviations"] = tuple(tables["abbreviations"])
    fields["company_before"] = frozenset(
        (a, b) for a, _, b in (pair.partition("_") for pair in tables["company_before"])
    )
    return Words(**fields)  # type: ignore[arg-type]  # keys checked by the test of the file


@dataclass(frozen=True, slots=True)
class Cue:
    """One evidence rule's effect: the type it votes for, how much, and its rule group."""

    type: EntityType
    weight: float
    group: str


@cache
def load_cues() -> dict[str, Cue]:
    """The table of cue name -> (type, weight, group) from ``entity-cues.toml``."""
    raw = _read_toml(CUES_FILE)
    table = raw["cues"]
    assert isinstance(table, dict)
    cues: dict[str, Cue] = {}
    for name, entry in table.items():
        kind = entry["type"]
        if kind not in TYPES:
            raise ValueError(f"{CUES_FILE}: cue {name} has unknown type {kind!r}")
        cues[name] = Cue(type=kind, weight=float(entry["weight"]), group=str(entry["group"]))
    return cues


class Lexicon:
    """The look-ups every step shares: gazetteer, word tables and cue weights together."""

    __slots__ = ("gaz", "words", "cues", "countries", "_proper", "_demonym")
    # The memos of proper() and demonym() stop growing here: a process briefs many articles.
    MEMO_LIMIT = 100_000

    def __init__(self, gaz: Gazetteer, words: Words, cues: dict[str, Cue]) -> None:
        self.gaz = gaz
        self.words = words
        self.cues = cues
        self.countries = (
            frozenset(gaz.demonyms.values()) | frozenset(gaz.aliases.values()) | gaz.nations
        )
        # Memos of the two look-ups the tagger repeats most (names recur across articles).
        self._proper: dict[str, str] = {}
        self._demonym: dict[str, bool] = {}

    def place(self, name: str) -> float:
        """How much the gazetteer says ``name`` is a place (0 = not at all)."""
        if not name.isascii():
            name = fold(name)  # the gazetteer spells "España" as "Espana" too
        gaz = self.gaz
        if name in gaz.aliases or name in gaz.places_major or name in gaz.nations:
            return PLACE_MAJOR
        if name in gaz.places_minor:
            return PLACE_MINOR
        return 0.0

    def country(self, name: str) -> bool:
        """A country or home nation: national teams keep their place's name in sports."""
        canonical = self.gaz.aliases.get(name, name)
        return canonical in self.countries or name in self.countries

    def demonym(self, name: str) -> bool:
        """A nationality, people, faith or language word ("German", "Koreans", "Sunni")."""
        known = self._demonym.get(name)
        if known is None:
            known = self._read_demonym(name)
            if len(self._demonym) < self.MEMO_LIMIT:
                self._demonym[name] = known
        return known

    def _read_demonym(self, name: str) -> bool:
        gaz = self.gaz
        if name in gaz.demonyms or name in self.words.affiliations or name in gaz.languages:
            return True
        for suffix in ("s", "es"):
            if name.endswith(suffix) and name[: -len(suffix)] in gaz.demonyms:
                return True
        # "Tasmanian", "Koreans", "Zaireans", "Africans": a place's name plus -n/-an(s).
        for suffix in ("n", "ns", "ans", "ian", "ians"):
            stem = name[: -len(suffix)]
            if name.endswith(suffix) and len(stem) > 3 and self.place(stem) >= PLACE_MAJOR:
                if not self.person_name(name):
                    return True
        parts = name.split("-")
        return len(parts) == 2 and all(
            p in gaz.demonyms or p in self.words.affiliations for p in parts
        )

    def person_name(self, word: str) -> bool:
        """Whether the name lists know ``word`` as a first or last name."""
        if not word.isascii():
            word = fold(word)
        gaz = self.gaz
        return word in gaz.first_strong or word in gaz.first or word in gaz.last

    def first_name(self, word: str) -> bool:
        """Whether ``word`` is a known given name."""
        if not word.isascii():
            word = fold(word)
        return word in self.gaz.first_strong or word in self.gaz.first

    def known(self, word: str) -> bool:
        """Whether any gazetteer list knows ``word`` as a name."""
        return bool(self.person_name(word) or self.place(word) or self.demonym(word))

    def common(self, word: str) -> bool:
        """A frequent English word (Zipf >= 4.3): "Despite", "Will", "Tell"."""
        return word.lower() in self.gaz.vocab_common

    def english_word(self, word: str) -> bool:
        """Any word of English's 60,000 most frequent."""
        low = word.lower()
        gaz = self.gaz
        return low in gaz.vocab_common or low in gaz.vocab_mid or low in gaz.vocab

    def rarer_word(self, word: str) -> bool:
        """An English word of the vocabulary below Zipf 4.3 ("hosts"; "despite" is common).

        Beyond ~30,000 words the list holds many names too.
        """
        low = word.lower()
        return low in self.gaz.vocab_mid or low in self.gaz.vocab

    def frequent(self, word: str) -> bool:
        """An English word of Zipf 3.5 or more ("securities", "advisers"; not "gazprom")."""
        low = word.lower()
        return low in self.gaz.vocab_common or low in self.gaz.vocab_mid

    def common_in(self, word: str, language: str) -> bool:
        """A frequent word of ``language`` (lower-cased), for the languages listed."""
        listed = self.gaz.common_other.get(language)
        return listed is not None and word.lower() in listed

    def title(self, word: str) -> bool:
        """A title or honorific before a name, in any language read ("Dr.", "Kanzlerin")."""
        low = word.lower().rstrip(".")
        return low in self.words.titles or low in self.words.titles_other

    def index(self, name: str) -> bool:
        """A stock index ("S&P 500", "FTSE", "Dow Jones")."""
        return name.casefold() in self.gaz.indices

    def proper(self, surface: str) -> str:
        """An ALL-CAPS surface as the gazetteer spells it ("NEW JERSEY" -> "New Jersey")."""
        if not surface.isupper():
            return surface
        form = self._proper.get(surface)
        if form is None:
            form = self._read_proper(surface)
            if len(self._proper) < self.MEMO_LIMIT:
                self._proper[surface] = form
        return form

    def _read_proper(self, surface: str) -> str:
        titled = " ".join(w.capitalize() if len(w) > 2 else w for w in surface.split())
        plain = " ".join(
            w.capitalize() if w.isupper() and len(w) > 3 else w for w in surface.split()
        )
        for form in (titled, plain, " ".join(w.capitalize() for w in surface.split())):
            if self.place(form) or self.demonym(form):
                return form
        if " " not in surface and len(surface) <= 4:
            return surface  # an acronym: "NHL", "USDA"
        return titled


@cache
def load_lexicon() -> Lexicon:
    """Everything the tagger reads, loaded once per process."""
    return Lexicon(load_gazetteer(), load_words(), load_cues())
