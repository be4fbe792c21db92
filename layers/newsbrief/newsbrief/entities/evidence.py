"""Step 3, evidence: the cues a candidate's words and context give for each type.

Every rule is a small named function that says whether its cue is present; what the cue votes
for and how much is data (``data/entity-cues.toml``: type, weight and rule group per cue).
Rules run in the order of :data:`RULES`, and a few look at the votes so far (the fallbacks
only speak when nothing else did). A rule group can be switched off to measure what it adds
(``benchmarks/entities.py --ablate``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from ..models import EntityType
from .context import CompanyReading, Span, in_credit, in_photo_credit, match_side
from .context import listed_company as read_listed_company
from .lexicon import PLACE_MAJOR, Lexicon
from .spans import score_line
from .tokens import APOSTROPHES, SENTENCE_END, Article, is_name_token

Votes = dict[EntityType, float]
_INITIAL = re.compile(r"[A-Z]\.")
_DOTTED = re.compile(r"(?:[A-Z]\.)+")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)?")
# A vote at least this strong is a sure cue: weaker type hints do not override it.
SURE = 4.0
# A faint cue: an ordinary word with no more than this is dropped when it opens a line.
FAINT = 2.0


@dataclass(slots=True)
class Reading:
    """What the evidence step reads about one candidate, computed once for all rules."""

    span: Span
    article: Article
    lex: Lexicon
    english: bool
    words: list[str] = field(init=False)
    surface: str = field(init=False)
    multi: bool = field(init=False)  # more than one word
    plain: str = field(init=False)  # as the gazetteer spells it: "GERMANY" -> "Germany"
    first: str = field(init=False)
    last: str = field(init=False)
    low_first: str = field(init=False)
    low_last: str = field(init=False)
    prev_low: str = field(init=False)
    nxt: str = field(init=False)
    nxt2: str = field(init=False)
    acronym: bool = field(init=False)
    place: float = field(init=False)
    company: CompanyReading | None = field(init=False)
    score_line: bool = field(init=False)
    scorers: bool = field(init=False)
    needs_parent: bool = False  # set by a fallback: only kept as part of a longer name
    person_shaped: bool | None = None  # read once by the given-name rules

    def __post_init__(self) -> None:
        span, lex = self.span, self.lex
        self.words = span.words
        self.surface = span.surface
        self.multi = len(self.words) > 1
        self.first, self.last = self.words[0], self.words[-1]
        self.low_first, self.low_last = self.first.lower(), self.last.lower()
        self.prev_low = span.prev.lower().rstrip(".")
        self.nxt, self.nxt2 = span.after(0), span.after(1)
        self.acronym = len(self.words) == 1 and (
            self.surface.isupper() or bool(_DOTTED.fullmatch(self.surface))
        )
        self.plain = self.surface
        if self.surface.isupper():
            # "GERMANY" is Germany; a short word in capitals is an acronym ("IPO", "EDO")
            # unless it is a well-known place's name.
            proper = lex.proper(self.surface)
            if len(self.surface) > 4 or lex.place(proper) >= PLACE_MAJOR:
                self.plain = proper
        self.place = lex.place(self.plain)
        self.company = read_listed_company(span, self.article, lex)
        tokens = span.tokens
        self.score_line = score_line(span.line, self.article)
        self.scorers = self.article.sports and any(
            t.lower() in lex.words.scorer_words for t in tokens[:3]
        )

    @property
    def in_parens(self) -> bool:
        """Whether the span sits inside parentheses."""
        span = self.span
        return span.start < len(span.line.depth) and span.line.depth[span.start] > 0

    @property
    def sports(self) -> bool:
        """Whether the article is a sports desk's page."""
        return self.article.sports

    def row(self) -> bool:
        """The span labels a row of a results table ("Chelsea 2", "Uzbekistan 1 1 0")."""
        return (self.span.line.table or self.score_line) and (
            self.nxt[:1].isdigit() or self.nxt in {"(", ""}
        )


Rule = Callable[[Reading, Votes], bool]


@dataclass(slots=True)
class Mention:
    """One occurrence of a name with the votes its context gave."""

    surface: str
    votes: Votes
    caps: bool = False  # found in a line in capitals, where capitals prove nothing
    # Kept only as the short form of a longer name ("Cook" of "Tim Cook"), never on its own.
    needs_parent: bool = False
    # A place where a game is ("at Boston"): typed on its own, apart from the team.
    venue: bool = False


# -- listed companies ---------------------------------------------------------------------


def listed_company_multiword(r: Reading, votes: Votes) -> bool:
    """A listed company's name, beating given names ("Goldman Sachs", "Morgan Stanley")."""
    return r.company == "listed_company_multiword"


def listed_company_named_like_person(r: Reading, votes: Votes) -> bool:
    """A company unless the article names a person with the word ("Ford", "Pearson")."""
    return r.company == "listed_company_named_like_person"


def listed_company_on_sight(r: Reading, votes: Votes) -> bool:
    """A listed company on sight ("Nvidia", "Pfizer")."""
    return r.company == "listed_company"


def listed_company_in_context(r: Reading, votes: Votes) -> bool:
    """A company named like a word, in company context ("Apple said", "shares of Target")."""
    return r.company == "listed_company_in_context"


# -- sports ---------------------------------------------------------------------------------


def match_side_one_word(r: Reading, votes: Votes) -> bool:
    """A side of a result, over its city's place reading ("Leeds beat Arsenal 3-0")."""
    return not r.multi and match_side(r.span, r.article, r.lex)


def match_side_words(r: Reading, votes: Votes) -> bool:
    """A side of a result, not over a full person's name ("Aston Villa drew 1-1 with Leeds")."""
    return r.multi and match_side(r.span, r.article, r.lex)


def _club_city(r: Reading) -> bool:
    return (
        r.sports
        and bool(r.place)
        and r.surface not in r.lex.gaz.aliases
        and not r.lex.country(r.plain)
    )


def club_city_major(r: Reading, votes: Votes) -> bool:
    """On a sports page a big city's name stands for its club ("Barcelona 2 Valencia 1")."""
    return _club_city(r) and r.place >= PLACE_MAJOR


def club_city_minor(r: Reading, votes: Votes) -> bool:
    """On a sports page a town's name stands for its club."""
    return _club_city(r) and r.place < PLACE_MAJOR


def team_in_game_report(r: Reading, votes: Votes) -> bool:
    """In a game report a place that is no country stands for its team.

    "... threw for 193 yards as Oklahoma beat Baylor"; "Kansas State" is a university's team.
    """
    if r.sports or not r.article.sports_prose or r.lex.country(r.plain):
        return False
    if r.prev_low in ("in", "at", "near", "outside", "from") or r.prev_low == ",":
        return False  # "in Norman, Okla.": the place where the game is
    if r.surface in r.article.surnames:
        return False  # "Cam Newton": a player named like a town
    if r.place and r.surface not in r.lex.gaz.aliases:
        return True
    head = " ".join(r.words[:-1])
    return r.multi and r.last == "State" and bool(r.lex.place(head))


def club_named_after_city(r: Reading, votes: Votes) -> bool:
    """A club named after its city ("Real Madrid", "Hansa Rostock")."""
    return (
        r.sports
        and r.multi
        and not r.place
        and any(r.lex.place(w) and not r.lex.country(w) for w in r.words)
    )


def team_plural(r: Reading, votes: Votes) -> bool:
    """A place and a plural noun make a team ("Dallas Cowboys", "Chicago Bulls")."""
    return (
        r.multi
        and bool(r.lex.place(" ".join(r.words[:-1])))
        and r.low_last.endswith("s")
        and r.lex.rarer_word(r.low_last)
    )


def scorer_in_parentheses(r: Reading, votes: Votes) -> bool:
    """The scorers of a goal list ("Leverkusen 2 (Kirsten 18th, Ramelow 56th)")."""
    return r.in_parens and bool(_ORDINAL.fullmatch(r.nxt.rstrip(",.;")))


def scorer_line(r: Reading, votes: Votes) -> bool:
    """A lone name in a scorers line ("Scorers: Sheringham 23, Vialli 45")."""
    return not r.multi and not r.acronym and r.scorers


def lone_name_in_match_report(r: Reading, votes: Votes) -> bool:
    """A lone unknown name in a team sport's report is more often a club than a person."""
    return (
        not r.multi
        and not r.acronym
        and not r.scorers
        and r.sports
        and not r.article.individual
        and r.surface not in r.lex.gaz.last
        and not r.lex.title(r.prev_low)
    )


def _table_row(r: Reading) -> bool:
    return r.row() and r.sports and not r.lex.country(r.plain)


def row_player(r: Reading, votes: Votes) -> bool:
    """Golf and tennis tables list players: "Nick Price 68 70"."""
    return _table_row(r) and (r.article.individual or r.scorers)


def result_line_team(r: Reading, votes: Votes) -> bool:
    """The two sides of a results line are teams ("Chelsea 2 Bolton 1")."""
    return _table_row(r) and not (r.article.individual or r.scorers) and r.score_line


def row_person_name(r: Reading, votes: Votes) -> bool:
    """A table row labelled with a given name and a surname is a person."""
    return (
        _table_row(r)
        and not (r.article.individual or r.scorers or r.score_line)
        and r.multi
        and r.lex.first_name(r.first)
    )


def row_team(r: Reading, votes: Votes) -> bool:
    """A standings row of a team sport, when nothing surer ("Uzbekistan 1 1 0 0 2 0 3")."""
    return (
        _table_row(r)
        and not (r.article.individual or r.scorers or r.score_line)
        and not (r.multi and r.lex.first_name(r.first))
        and not r.place
        and (not votes or max(votes.values()) < SURE)
    )


# -- gazetteer: places, peoples, things ------------------------------------------------------


def demonym(r: Reading, votes: Votes) -> bool:
    """Nationalities, peoples, faiths, languages ("German", "Kurds", "Tamil", "Sunni")."""
    return r.lex.demonym(r.plain)


def place_major(r: Reading, votes: Votes) -> bool:
    """A country or a city of a million: a place."""
    return r.place >= PLACE_MAJOR


def place_minor(r: Reading, votes: Votes) -> bool:
    """A smaller place the gazetteer knows."""
    return 0 < r.place < PLACE_MAJOR


def compass_place(r: Reading, votes: Votes) -> bool:
    """A compass word before a place ("North Korea", "Southern California")."""
    return r.multi and r.low_first in r.lex.words.compass and bool(r.lex.place(_rest(r)))


def compass_demonym(r: Reading, votes: Votes) -> bool:
    """A compass word before a nationality ("South African", "Southern European")."""
    rest = _rest(r)
    return (
        r.multi
        and r.low_first in r.lex.words.compass
        and not r.lex.place(rest)
        and r.lex.demonym(rest)
    )


def _rest(r: Reading) -> str:
    return " ".join(r.words[1:])


def disease(r: Reading, votes: Votes) -> bool:
    """A disease's name (ICD-10-CM) ("Ebola", "COVID-19", "HIV")."""
    return r.surface in r.lex.gaz.diseases


def disease_in_context(r: Reading, votes: Votes) -> bool:
    """A name that is a disease beside a disease word ("Parkinson's disease", "Zika virus")."""
    possessive = r.nxt in APOSTROPHES and r.nxt2.lower() == "s"
    nxt = (r.span.after(2) if possessive else r.nxt).lower()
    known = r.surface in r.lex.gaz.diseases_cued or r.surface in r.lex.gaz.diseases
    return known and nxt in r.lex.words.disease_words


def stock_index(r: Reading, votes: Votes) -> bool:
    """A stock index ("S&P 500", "FTSE 100", "Dow Jones", "Nikkei")."""
    head, _, number = r.surface.rpartition(" ")
    return r.lex.index(r.surface) or number.isdigit() and r.lex.index(head)


def compound_name(r: Reading, votes: Votes) -> bool:
    """A compound built on a name is OTHER as a whole ("Berlin-based", "pro-Israeli")."""
    if "-" not in r.surface or r.multi or is_name_token(r.surface, r.lex.words.connectors):
        return False
    parts = r.surface.split("-")
    lex, article = r.lex, r.article
    for part in parts:
        if not part[:1].isupper():
            continue
        if lex.demonym(part) or lex.place(part) >= PLACE_MAJOR or part in lex.gaz.aliases:
            return True  # "pro-Israeli", "Berlin-based", "U.S.-owned"
        if lex.common(part):
            continue  # "Church-led", "Top-seeded": an ordinary word
        if lex.place(part) or part in lex.gaz.orgs or part in article.mid_caps:
            return True  # "Perth-based", "Honda-powered"
    return False


_MODEL = re.compile(r"(?=.*\d)[A-Za-z][A-Za-z0-9-]*")


def model_number(r: Reading, votes: Votes) -> bool:
    """Letters and digits in one word name a product, model or event ("A350", "COP26")."""
    return not r.multi and bool(_MODEL.fullmatch(r.surface))


def name_pair(r: Reading, votes: Votes) -> bool:
    """Two places or peoples joined by a hyphen name a relation ("UAE-Israel", "UK-US")."""
    if r.multi or "-" not in r.surface:
        return False
    parts = r.surface.split("-")
    lex = r.lex
    return len(parts) == 2 and all(
        p[:1].isupper() and (lex.place(p) >= PLACE_MAJOR or p in lex.gaz.aliases or lex.demonym(p))
        for p in parts
    )


def credited_agency(r: Reading, votes: Votes) -> bool:
    """The news agency the article's dateline credits ("Reuters", "REUTERS")."""
    return r.surface.upper() in r.article.agencies


def company_noun_before(r: Reading, votes: Votes) -> bool:
    """A company's kind before its name ("bank JPMorgan", "drugmaker Pfizer")."""
    prev = r.span.prev
    return prev[:1].islower() and (
        prev.lower() in r.lex.words.company_nouns or prev.lower().endswith("maker")
    )


def media_noun_beside(r: Reading, votes: Votes) -> bool:
    """A news organization named beside its kind ("news agency BNA", "broadcaster RTL")."""
    media = r.lex.words.media_nouns
    return r.prev_low in media or (r.nxt.lower() == "news" and r.nxt2.lower() in media)


# -- names of things: suffixes and prefixes ---------------------------------------------------


def event_name(r: Reading, votes: Votes) -> bool:
    """Events, competitions, laws ("World Cup", "Hurricane Milton", "Clean Water Act")."""
    words = r.lex.words
    return r.multi and (r.low_last in words.event_suffixes or r.low_first in words.event_prefixes)


def event_numbered(r: Reading, votes: Votes) -> bool:
    """An event with its ordinal ("World War Two", "Super Bowl XXX")."""
    words = r.lex.words
    return (
        len(r.words) > 2
        and r.words[-2].lower() in words.event_suffixes
        and r.low_last in words.number_words
        and not event_name(r, votes)
    )


def org_suffix(r: Reading, votes: Votes) -> bool:
    """A body's last word ("Siemens Energy AG", "Bank of Japan", "Labour Party")."""
    words = r.lex.words
    return r.multi and r.low_last in words.org_suffixes and r.low_last not in words.team_suffixes


def team_suffix(r: Reading, votes: Votes) -> bool:
    """A club's last word (weaker: "Mexico City") ("Leeds United", "Bristol Rovers")."""
    return r.multi and r.low_last in r.lex.words.team_suffixes


def org_prefix_of(r: Reading, votes: Votes) -> bool:
    """A body's first word and "of" ("Bank of America", "Ministry of Defence")."""
    return r.low_first in r.lex.words.org_prefixes and "of" in r.words


def org_head_of(r: Reading, votes: Votes) -> bool:
    """A body's head before "of" ("Reserve Bank of India", "Council of Economic Advisers")."""
    words = r.lex.words
    return any(
        r.words[k + 1] == "of" and (w.lower() in words.org_heads or w.lower() in words.org_suffixes)
        for k, w in enumerate(r.words[:-1])
    )


def org_word_alone(r: Reading, votes: Votes) -> bool:
    """A body's head word alone, capitalized mid-sentence ("the Senate", "Congress")."""
    return (
        not r.multi
        and r.low_first in r.lex.words.institutions
        and r.first in r.article.mid_caps
        and bool(r.span.prev)
        and r.span.prev[:1] not in SENTENCE_END
    )


def ampersand_firm(r: Reading, votes: Votes) -> bool:
    """Firms, not people ("Calder & Finch", "Procter & Gamble")."""
    return "&" in r.words[1:-1]


def org_first_word(r: Reading, votes: Votes) -> bool:
    """Company and club openers ("AC Milan", "PT Tambang Timah", "Real Betis")."""
    first_words = r.lex.words.org_first_words
    return r.multi and (r.low_first in first_words or r.first in first_words)


def loc_suffix(r: Reading, votes: Votes) -> bool:
    """A place's first or last word ("Harbour Bridge", "Mount Kenya", "West Bank")."""
    words = r.lex.words
    return r.multi and (r.low_last in words.loc_suffixes or r.low_first in words.loc_prefixes)


# -- people ---------------------------------------------------------------------------------


def title_before(r: Reading, votes: Votes) -> bool:
    """A title before the name ("President X", "coach X", "Bundeskanzler X")."""
    return r.lex.title(r.prev_low)


def initial_first(r: Reading, votes: Votes) -> bool:
    """An initial opens a person's name ("J. K. Rowling", "M. Waugh")."""
    return r.multi and bool(_INITIAL.fullmatch(r.first))


def _person_shaped(r: Reading) -> bool:
    if r.person_shaped is None:
        r.person_shaped = _read_person_shaped(r)
    return r.person_shaped


def _read_person_shaped(r: Reading) -> bool:
    # A well-known place never loses to its words' given-name readings ("Sao Paulo",
    # "Sri Lanka", "Hong Kong").
    # A team sport's table labels its rows with clubs: "Aston Villa 17 9 5 3" is no person.
    club_row = (
        r.sports and not r.article.individual and not r.scorers and r.row() and not r.in_parens
    )
    return (
        r.multi
        and not r.acronym
        and r.company is None
        and r.place < PLACE_MAJOR
        and not club_row
        # "Washington Post", "John Lewis Partnership": a body named after a person or place.
        and r.low_last not in r.lex.words.org_suffixes
    )


def _everyday(r: Reading) -> bool:
    # A given name the article also writes in lower case ("week") is a weaker hint.
    return r.first.lower() in r.article.lower_words


def first_name_strong(r: Reading, votes: Votes) -> bool:
    """A frequent given name opens the name ("Olaf Scholz")."""
    return _person_shaped(r) and r.first in r.lex.gaz.first_strong and not _everyday(r)


def first_name_strong_everyday(r: Reading, votes: Votes) -> bool:
    """A frequent given name the article also writes in lower case ("Will Howard")."""
    return _person_shaped(r) and r.first in r.lex.gaz.first_strong and _everyday(r)


def first_name(r: Reading, votes: Votes) -> bool:
    """A rarer given name opens the name ("Jocelyn Benson")."""
    return _person_shaped(r) and r.first in r.lex.gaz.first and not _everyday(r)


def first_name_everyday(r: Reading, votes: Votes) -> bool:
    """A rarer given name the article also writes in lower case."""
    return _person_shaped(r) and r.first in r.lex.gaz.first and _everyday(r)


def last_name(r: Reading, votes: Votes) -> bool:
    """A known surname ends the name ("... Scholz")."""
    return _person_shaped(r) and (r.last in r.lex.gaz.last or r.last in r.lex.gaz.first_strong)


def name_shape(r: Reading, votes: Votes) -> bool:
    """Example: "Name Surname" shape confirms a name list hit."""
    connectors = r.lex.words.connectors
    return (
        _person_shaped(r)
        and "PERSON" in votes
        and all(w[:1].isupper() and w[1:].islower() or w in connectors for w in r.words)
    )


def lone_surname(r: Reading, votes: Votes) -> bool:
    """A lone known surname ("Scholz")."""
    return not r.multi and not r.acronym and r.surface in r.lex.gaz.last


def lone_given_name(r: Reading, votes: Votes) -> bool:
    """A lone given name, a faint hint ("Olaf")."""
    return not r.multi and not r.acronym and r.lex.first_name(r.surface)


def age_after(r: Reading, votes: Votes) -> bool:
    """An age after a name ("Salem Bitar, 34, ...")."""
    age = r.nxt2.rstrip(",")  # the tokenizer keeps a number's comma: "34,"
    return r.nxt == "," and age.isdigit() and len(age) <= 2


def credit_name(r: Reading, votes: Votes) -> bool:
    """Journalists ("(Reporting by Jane Doe and Li Wei; Editing by Sam Holmes)")."""
    return in_credit(r.span, r.lex)


def byline_name(r: Reading, votes: Votes) -> bool:
    """The byline's author ("By Ross Kerber")."""
    return r.multi and r.span.prev == "By"


def photo_credit_name(r: Reading, votes: Votes) -> bool:
    """The photographer ("REUTERS / Jason Lee")."""
    return in_photo_credit(r.span, r.article)


# -- places by context --------------------------------------------------------------------


def in_place(r: Reading, votes: Votes) -> bool:
    """A place preposition ("in Jakarta", "near Zurich")."""
    return r.prev_low in r.lex.words.loc_prepositions_strong


def toward_place(r: Reading, votes: Votes) -> bool:
    """A weaker place preposition ("to Jakarta", "from Zurich")."""
    words = r.lex.words
    return r.prev_low in words.loc_prepositions and r.prev_low not in words.loc_prepositions_strong


def in_known_place(r: Reading, votes: Votes) -> bool:
    """A known place after "in" is the place, even in sports ("in Melbourne")."""
    return bool(r.place) and r.prev_low in r.lex.words.loc_prepositions_strong


# -- shapes ---------------------------------------------------------------------------------


def acronym(r: Reading, votes: Votes) -> bool:
    """An acronym that is no place or nationality is mostly a body ("NATO", "USDA")."""
    return r.acronym and not r.place and not r.lex.demonym(r.plain)


def _unknown(r: Reading, votes: Votes) -> bool:
    return not votes and r.english


def _ordinary(r: Reading, word: str) -> bool:
    low = word.lower()
    return low in r.lex.gaz.vocab_common or low in r.article.lower_words


def unknown_name_part(r: Reading, votes: Votes) -> bool:
    """Example: "Cook" of "Tim Cook": typed only when it joins the longer name."""
    if _unknown(r, votes) and not r.multi and r.surface in r.article.name_parts:
        r.needs_parent = True
        return True
    return False


def unknown_word(r: Reading, votes: Votes) -> bool:
    """A lone capitalized word nothing knows, seen mid-sentence, is more likely a body."""
    if not _unknown(r, votes) or r.multi or r.surface in r.article.name_parts:
        return False
    # "Choice", "Attendance": a capitalized ordinary word is rarely a name.
    return not _ordinary(r, r.surface)


def unknown_name_shaped(r: Reading, votes: Votes) -> bool:
    """Two or three unknown words, shaped like a person's name ("Shivnarine Chanderpaul")."""
    return (
        _unknown(r, votes)
        and r.multi
        and len(r.words) <= 3
        and not any(_ordinary(r, w) for w in r.words)
    )


def unknown_words(r: Reading, votes: Votes) -> bool:
    """Several capitalized words nothing knows, some ordinary: more likely a body's name."""
    if not _unknown(r, votes) or not r.multi:
        return False
    ordinary = [_ordinary(r, w) for w in r.words]
    if all(ordinary):
        at_line_start = not r.span.prev or r.span.prev[:1] in ".?!:;\"'([-{"
        if r.span.line.table or at_line_start:
            return False  # "Week Ago", "Slaughter Steers": a heading, not a name
    return any(ordinary) or len(r.words) > 3


# The rules in the order they run; each name is a cue of entity-cues.toml.
RULES: tuple[tuple[str, Rule], ...] = (
    ("listed_company_multiword", listed_company_multiword),
    ("listed_company_named_like_person", listed_company_named_like_person),
    ("listed_company_on_sight", listed_company_on_sight),
    ("listed_company_in_context", listed_company_in_context),
    ("match_side_one_word", match_side_one_word),
    ("match_side_words", match_side_words),
    ("demonym", demonym),
    ("place_major", place_major),
    ("place_minor", place_minor),
    ("club_city_major", club_city_major),
    ("club_city_minor", club_city_minor),
    ("team_in_game_report", team_in_game_report),
    ("club_named_after_city", club_named_after_city),
    ("model_number", model_number),
    ("name_pair", name_pair),
    ("credited_agency", credited_agency),
    ("media_noun_beside", media_noun_beside),
    ("company_noun_before", company_noun_before),
    ("compass_place", compass_place),
    ("compass_demonym", compass_demonym),
    ("disease", disease),
    ("disease_in_context", disease_in_context),
    ("stock_index", stock_index),
    ("compound_name", compound_name),
    ("event_name", event_name),
    ("event_numbered", event_numbered),
    ("org_suffix", org_suffix),
    ("team_suffix", team_suffix),
    ("org_prefix_of", org_prefix_of),
    ("org_head_of", org_head_of),
    ("org_word_alone", org_word_alone),
    ("ampersand_firm", ampersand_firm),
    ("org_first_word", org_first_word),
    ("team_plural", team_plural),
    ("scorer_in_parentheses", scorer_in_parentheses),
    ("loc_suffix", loc_suffix),
    ("title_before", title_before),
    ("initial_first", initial_first),
    ("first_name_strong", first_name_strong),
    ("first_name_strong_everyday", first_name_strong_everyday),
    ("first_name", first_name),
    ("first_name_everyday", first_name_everyday),
    ("last_name", last_name),
    ("name_shape", name_shape),
    ("lone_surname", lone_surname),
    ("scorer_line", scorer_line),
    ("lone_name_in_match_report", lone_name_in_match_report),
    ("lone_given_name", lone_given_name),
    ("age_after", age_after),
    ("credit_name", credit_name),
    ("byline_name", byline_name),
    ("photo_credit_name", photo_credit_name),
    ("in_place", in_place),
    ("toward_place", toward_place),
    ("in_known_place", in_known_place),
    ("acronym", acronym),
    ("row_player", row_player),
    ("result_line_team", result_line_team),
    ("row_person_name", row_person_name),
    ("row_team", row_team),
    ("unknown_name_part", unknown_name_part),
    ("unknown_word", unknown_word),
    ("unknown_name_shaped", unknown_name_shaped),
    ("unknown_words", unknown_words),
)


def venue(r: Reading, votes: Votes) -> bool:
    """On a sports page a town after "at" or "in" is where the game is: a place.

    So even when the town's name is also its team's: "NEW JERSEY AT BOSTON", "beat Baylor in
    Norman".
    """
    if not (r.sports or r.article.sports_prose) or r.nxt[:1].isalpha():
        return False  # "AT NY ISLANDERS": the venue is the whole name after "at"
    # "at Sunderland" in prose is the club's ground (the club); a schedule's "AT BOSTON" and
    # "in Boston" are the city.
    if not (r.prev_low == "in" or r.prev_low == "at" and r.span.prev.isupper()):
        return False
    plain = r.lex.proper(r.surface)
    return bool(r.lex.place(plain)) and not r.lex.country(plain)


# -- lines in capitals: the first reading that holds types the run ------------------------------


def caps_article_name(r: Reading, votes: Votes) -> bool:
    """Example: "GENEVA" in a headline when the article writes "Geneva": typed by those mentions."""
    return r.surface in r.article.names


def _plain(r: Reading) -> str:
    return r.lex.proper(r.surface)


def caps_place_major(r: Reading, votes: Votes) -> bool:
    """A well-known place in capitals."""
    return r.lex.place(_plain(r)) >= PLACE_MAJOR


def caps_place_minor(r: Reading, votes: Votes) -> bool:
    """A smaller place of several words in capitals ("NEW HAVEN")."""
    return r.multi and 0 < r.lex.place(_plain(r)) < PLACE_MAJOR


def caps_club_city(r: Reading, votes: Votes) -> bool:
    """On a sports page a city in capitals stands for its club."""
    plain = _plain(r)
    return (
        bool(r.lex.place(plain))
        and r.sports
        and not r.article.individual
        and not r.lex.country(plain)
    )


def caps_demonym(r: Reading, votes: Votes) -> bool:
    """A nationality in capitals ("GERMAN")."""
    return not r.multi and r.lex.demonym(_plain(r))


def caps_listed_company(r: Reading, votes: Votes) -> bool:
    """A listed company even in capitals ("GOLDMAN SACHS", "NVIDIA").

    Not when its name is also a frequent word or a person's name ("APPLE", "FORD").
    """
    plain, lex = _plain(r), r.lex
    return plain in lex.gaz.orgs and (
        r.multi or not lex.common(plain) and not lex.person_name(plain)
    )


def caps_table_team(r: Reading, votes: Votes) -> bool:
    """A standings row in capitals on a sports page ("HARTFORD 12 7 6")."""
    return r.span.line.table and r.sports and r.span.start == 0 and r.nxt[:1].isdigit()


# Readings of a run in capitals, in order; the first that holds (with the place and club
# readings together) types it.
CAPS_RULES: tuple[tuple[str, Rule], ...] = (
    ("caps_article_name", caps_article_name),
    ("caps_place_major", caps_place_major),
    ("caps_place_minor", caps_place_minor),
    ("caps_demonym", caps_demonym),
    ("caps_listed_company", caps_listed_company),
    ("caps_table_team", caps_table_team),
)


@dataclass(slots=True)
class Evidence:
    """Runs the rules for candidates, with some rule groups possibly switched off."""

    lex: Lexicon
    article: Article
    english: bool
    disabled: Collection[str] = ()

    def reading(self, span: Span) -> Reading:
        """What the rules read about ``span``."""
        return Reading(span, self.article, self.lex, self.english)

    def venue(self, reading: Reading) -> Votes | None:
        """The votes of a venue (see :func:`venue`), None when the span is none."""
        cue = self.lex.cues["venue"]
        if cue.group in self.disabled or not venue(reading, {}):
            return None
        return {cue.type: cue.weight}

    def vote_compound(self, reading: Reading) -> Votes:
        """The votes of a hyphenated word: only the compound rule reads it."""
        return self.vote(reading, (("compound_name", compound_name),))

    def vote(self, reading: Reading, rules: tuple[tuple[str, Rule], ...] = RULES) -> Votes:
        """The votes of every enabled rule that holds, in order."""
        return self.run(reading, rules)[0]

    def fired(self, reading: Reading, rules: tuple[tuple[str, Rule], ...] = RULES) -> list[str]:
        """The names of the enabled rules that hold, in order (what a tuner or a test reads)."""
        return self.run(reading, rules)[1]

    def run(
        self, reading: Reading, rules: tuple[tuple[str, Rule], ...] = RULES
    ) -> tuple[Votes, list[str]]:
        """Run the enabled rules in order: the votes, and the names of the rules that held."""
        votes: Votes = {}
        held: list[str] = []
        cues = self.lex.cues
        for name, rule in rules:
            cue = cues[name]
            if cue.group in self.disabled or name in self.disabled:
                continue
            if rule(reading, votes):
                votes[cue.type] = votes.get(cue.type, 0.0) + cue.weight
                held.append(name)
        return votes, held

    def caps_mention(self, span: Span) -> Mention | None:
        """A run in capitals as a mention, or None when it is no name.

        A venue ("AT BOSTON"), or typed by the first reading that holds.
        """
        if not self._may_be_caps_name(span):
            return None
        place = self.venue(self.reading(span))
        if place is not None:
            return Mention(span.surface, place, caps=True, venue=True)
        votes = self.vote_caps(span)
        return None if votes is None else Mention(span.surface, votes, caps=True)

    def _may_be_caps_name(self, span: Span) -> bool:
        """Whether any reading of a run in capitals could hold: a cheap test before reading."""
        lex, surface = self.lex, span.surface
        plain = lex.proper(surface)
        return bool(
            surface in self.article.names
            or lex.place(plain)
            or lex.demonym(plain)
            or plain in lex.gaz.orgs
            or span.line.table
        )

    def vote_caps(self, span: Span) -> Votes | None:
        """The votes of a run in capitals: its first reading that holds (and the club one).

        None when no reading holds: the run is no name.
        """
        reading = self.reading(span)
        cues = self.lex.cues
        for name, rule in CAPS_RULES:
            cue = cues[name]
            if cue.group in self.disabled or not rule(reading, {}):
                continue
            votes: Votes = {cue.type: cue.weight}
            if name in ("caps_place_major", "caps_place_minor"):
                club = cues["caps_club_city"]
                if club.group not in self.disabled and caps_club_city(reading, votes):
                    votes[club.type] = votes.get(club.type, 0.0) + club.weight
            return votes
        return None
