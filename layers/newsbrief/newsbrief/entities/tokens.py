"""Step 1, tokens: lines of tokens, what kind of line each is, and what the article shows.

News text mixes prose with furniture: headlines in capitals, datelines ("LONDON 1996-12-06",
"BEIJING, Dec 7 (Reuters) -"), photo captions and credits, sports tables. Each line is
tokenized once; the article-wide facts the later steps need (which words the article writes in
lower case, which capitalized words appear mid-sentence, whether it is a sports report) are
collected here in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from .lexicon import Lexicon

# Characters after which a capitalized word opens a sentence or a clause, so its capital
# says nothing about it being a name.
SENTENCE_END = frozenset(".?!:;\"'([-{\u201c\u2018")
STOPS = frozenset({".", "?", "!", ";"})
APOSTROPHES = frozenset({"'", "\u2019"})
# A sports results line is mostly numbers: at least two, and as many as words.
TABLE_MIN_NUMBERS = 2
# A line is in capitals (headline, table in capitals) when this share of its words is.
CAPS_LINE_SHARE = 0.75
# Headline words that mark a sports desk's article.
HEADLINE_WORDS = 4
# Score lines that make an article without a sports headline a sports page.
SPORTS_MIN_SCORE_LINES = 5
# Sports prose: a report about a game uses this many of the sports words ("points",
# "touchdown", "season") in its first lines.
SPORTS_PROSE_MIN_WORDS = 4
SPORTS_PROSE_WINDOW = 400  # tokens read for it
# A dateline's credit opens the story: it ends within this many characters of the line.
DATELINE_MAX_START = 120

_CONTRACTION = re.compile(r"\w['\u2019](?:ve|ll|re|m|d|t)$", re.IGNORECASE)
# "LONDON 1996-12-06", "SAO PAULO, Brazil 1996-12-06": a whole-line dateline of the 1990s.
_DATELINE = re.compile(
    r"^\s*([A-Z][A-Za-z .'&-]+?)(?:\s*,\s*([A-Za-z .'&-]+?))?\s+\d{4}-\d\d-\d\d\s*$"
)
# "BEIJING, Dec 7 (Reuters) - ", "LONDON / BRUSSELS (Reuters) - ", "(Reuters) - ": the
# agency's credit ends a modern dateline; the places before it are in capitals.
_AGENCY_CREDIT = re.compile(
    r"\((?P<agency>[A-Z][A-Za-z&.\- ]{1,30})\)(?P<dash>\s*[-\u2013\u2014]+)?\s"
)
_DATELINE_DATE = re.compile(r",?\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*$")
# What may come before a credit without places: nothing, a byline ("By Ross Kerber") or the
# end of an editor's note ("(Updates with comment)").
_DATELINE_LEAD = re.compile(r"(?:^\s*|\)\s*|\bBy(?:\s+[A-Z][\w.'\-]*){1,4}\s*)$")
_DATELINE_PLACES = re.compile(
    r"(?P<places>[A-Z][A-Z.'\-]*(?:\s+[A-Z][A-Z.'\-]*)*(?:\s*/\s*[A-Z][A-Z.'\-]*(?:\s+[A-Z][A-Z.'\-]*)*)*)"
    r"(?:\s*,\s*(?P<region>[A-Z][A-Za-z.'\-]*(?:\s+[A-Z][A-Za-z.'\-]*){0,2}))?$"
)


@cache
def token_pattern(abbreviations: tuple[str, ...]) -> re.Pattern[str]:
    """The tokenizer: acronyms, abbreviations, initials, words, numbers, punctuation."""
    dotted = "|".join(re.escape(a) for a in abbreviations)
    return re.compile(
        r"(?:[A-Za-z]\.){2,}"  # dotted acronyms: U.S., U.N.
        rf"|(?:{dotted})\.(?!\w)"
        r"|[A-Z]\.(?!\w)"  # initials: M. Waugh
        # Words; a possessive 's stands apart, with a typographic apostrophe (’s) too, which
        # is what most published pages use ("Merkel’s" is Merkel; "O’Brien" stays one word).
        r"|[^\W\d_](?:[\w&-]|['\u2019](?![sS]\b))*(?<![-'\u2019])"
        r"|\d[\d,.:/-]*"
        r"|\S"
    )


def is_name_token(token: str, particles: frozenset[str] = frozenset()) -> bool:
    """A capitalized word that can be part of a name ("Bre-X", "AL-AIN", not "Man-of-the").

    ``particles`` are the lower-case name particles a name may hold or open with a hyphen
    ("al-Otaibi", "el-Sisi").
    """
    if token[:1].islower() and "-" in token:
        particle, _, rest = token.partition("-")
        return particle in particles and is_name_token(rest, particles)
    if not (token[:1].isupper() and token[:1].isalpha()) or _CONTRACTION.search(token):
        return False
    if "-" in token:
        parts = [p for p in token.split("-") if p]
        return all(p[:1].isupper() or p.isdigit() or p in particles or len(p) <= 2 for p in parts)
    return True


def is_word(token: str) -> bool:
    """A token that starts with a letter."""
    return token[:1].isalpha()


def is_caps_line(tokens: list[str]) -> bool:
    """A line in capitals (a headline), where capitals say nothing about names."""
    letters = [t for t in tokens if t[:1].isalpha()]
    if not letters:
        return False
    upper = sum(1 for t in letters if t.isupper())
    # One capitalized word alone ("HARTFORD 12 7 6") is a caps line too, but "A" or "I" is not.
    return upper >= max(1, CAPS_LINE_SHARE * len(letters)) and any(len(t) > 1 for t in letters)


# The numbers of a sports table: small counts, scores, win percentages (".778"), fractions
# of games behind ("1/2"); prices and tonnages have decimals and thousands.
_SPORTS_NUMBER = re.compile(r"(?:\d{1,3}|\d{1,3}-\d{1,3}|\.\d{3}|\d/\d)[.,;:]?")


def is_sports_table_line(tokens: list[str]) -> bool:
    """A table line whose numbers are all counts and scores ("Arsenal 17 9 6 2 33 15 33")."""
    numbers = [t for t in tokens if t[:1].isdigit() or t[:1] == "." and t[1:2].isdigit()]
    return is_table_line(tokens) and all(_SPORTS_NUMBER.fullmatch(t) for t in numbers)


def is_table_line(tokens: list[str]) -> bool:
    """A results or figures line: mostly numbers ("Chelsea 2 Bolton 1")."""
    numbers = sum(1 for t in tokens if t[:1].isdigit())
    return numbers >= TABLE_MIN_NUMBERS and numbers * 2 >= len(tokens) - numbers


@dataclass(slots=True)
class Line:
    """One line of the article, tokenized, with what kind of line it is."""

    tokens: list[str]
    caps: bool
    table: bool
    depth: list[int] = field(default_factory=list)  # parentheses open before each token
    # Names followed by a score ("Chelsea 2 Bolton 1": two), read once per line.
    scored_names: int = 0

    @classmethod
    def read(cls, tokens: list[str]) -> Line:
        """A line of these tokens, with its kind and parenthesis depths."""
        depth, level = [], 0
        for tok in tokens:
            depth.append(level)
            level = max(0, level + (tok == "(") - (tok == ")"))
        scored = sum(
            1
            for a, b in zip(tokens, tokens[1:], strict=False)
            if a[:1].isalpha() and b[:1].isdigit()
        )
        return cls(tokens, is_caps_line(tokens), is_table_line(tokens), depth, scored)


@dataclass(slots=True)
class Dateline:
    """Places and the news agency a dateline names, and where the line's prose starts."""

    places: list[str]
    agencies: list[str]
    # The text of the line that is not dateline: what came before it (a byline, an
    # "(Updates ...)" note) and the story after it, read as lines of their own.
    rest: list[str]


def read_dateline(text: str) -> Dateline | None:
    """The dateline that opens ``text``, if any.

    Two styles: a whole line "LONDON 1996-12-06" (place, optional region, date), and the
    modern "BEIJING, Dec 7 (Reuters) - text" (places in capitals, an optional region and date,
    the agency's credit in parentheses, then the story).
    """
    old = _DATELINE.match(text)
    if old:
        return Dateline([p.strip() for p in old.groups() if p], [], [])
    for credit in _AGENCY_CREDIT.finditer(text, 0, DATELINE_MAX_START):
        head = _DATELINE_DATE.sub("", text[: credit.start()])
        found = _DATELINE_PLACES.search(head)
        places: list[str] = []
        if found and found.group("places"):
            places = [p.strip() for p in found.group("places").split("/") if p.strip()]
            if found.group("region"):
                places.append(found.group("region").strip())
        if credit.group("dash") is None and not places:
            continue  # "(Reuter) Statistics" credits only after a place in capitals
        if not places and not _DATELINE_LEAD.search(head):
            continue  # "The deal (AICC) - ...": a parenthesis in a sentence
        before = head[: found.start()] if found and places else head
        rest = [before, text[credit.end() :]]
        return Dateline(places, [credit.group("agency").strip()], rest)
    return None


@dataclass(slots=True)
class Article:
    """The article's lines and what it shows about its words, collected in one pass."""

    lines: list[Line]
    datelines: list[Dateline]
    lower_words: set[str]  # words the article writes in lower case
    mid_caps: set[str]  # words seen capitalized mid-sentence
    known_multi: set[str]  # two-word names seen mid-sentence, upper-cased
    name_parts: set[str]  # the words of those names ("Tim", "Cook")
    surnames: set[str]  # the second words of those that open with a given name ("Cook")
    agencies: set[str]  # news agencies credited in datelines, upper-cased
    sports: bool  # a sports desk's article: places stand for clubs
    individual: bool  # golf, tennis...: result tables list players, not clubs
    sports_prose: bool  # a game report in prose: places beside a result are teams
    # Upper-cased surfaces of the names found in mixed-case lines: in a line in capitals,
    # "GENEVA" is a name because the article writes "Geneva" elsewhere.
    names: set[str] = field(default_factory=set)


def read_article(text: str, title: str | None, lex: Lexicon) -> Article:
    """Tokenize every line and collect the article-wide facts."""
    pattern = token_pattern(lex.words.abbreviations)
    raw_lines = text.split("\n")
    if title:
        raw_lines.insert(0, title)
    datelines: list[Dateline] = []
    token_lists: list[list[str]] = []
    for raw in raw_lines:
        dateline = read_dateline(raw)
        if dateline is None:
            token_lists.append(pattern.findall(raw))
            continue
        datelines.append(dateline)
        token_lists.extend(pattern.findall(part) for part in dateline.rest)
    lines = [Line.read(tokens) for tokens in token_lists]
    headline = next((line.tokens for line in lines if line.tokens), [])
    # "SOCCER - ...", "ALPINE SKIING-WOMEN'S ...", "BOBSLEIGH-WORLD CUP ...": the desk's label.
    head_words = {w.lower() for t in headline[:HEADLINE_WORDS] for w in t.split("-")}
    words = lex.words
    particles = words.connectors
    sports = bool(head_words & words.sport_words)
    individual = bool(head_words & words.individual_sports) and not head_words & words.team_sports
    lower_words: set[str] = set()
    mid_caps: set[str] = set()
    known_multi: set[str] = set()
    name_parts: set[str] = set()
    surnames: set[str] = set()
    for line in lines:
        if line.caps:
            continue
        tokens = line.tokens
        for i, tok in enumerate(tokens):
            if tok[:1].islower():
                lower_words.add(tok)
            elif i and is_name_token(tok, particles) and tokens[i - 1][:1] not in SENTENCE_END:
                mid_caps.add(tok)
                if i + 1 < len(tokens) and is_name_token(tokens[i + 1], particles):
                    known_multi.add(f"{tok} {tokens[i + 1]}".upper())
                    name_parts.update((tok, tokens[i + 1]))
                    if lex.first_name(tok):
                        surnames.add(tokens[i + 1])
    if not sports:
        tables = sum(1 for line in lines if line.table and is_sports_table_line(line.tokens))
        sports = tables >= SPORTS_MIN_SCORE_LINES
    prose = [t.lower() for line in lines if not line.caps for t in line.tokens]
    sports_prose = (
        len(set(prose[:SPORTS_PROSE_WINDOW]) & words.sports_prose_words) >= SPORTS_PROSE_MIN_WORDS
    )
    agencies = {a.upper() for d in datelines for a in d.agencies}
    return Article(
        lines=lines,
        datelines=datelines,
        lower_words=lower_words,
        mid_caps=mid_caps,
        known_multi=known_multi,
        name_parts=name_parts,
        surnames=surnames,
        agencies=agencies,
        sports=sports,
        individual=individual,
        sports_prose=sports_prose,
    )
