"""A candidate span and the readings of the words around it that several steps share.

A span is a run of tokens of one line that may be a name. Whether the words around it speak of
a company ("shares of Apple"), a match result ("Leeds beat Arsenal 3-0") or a wire credit
("Reporting by Jane Doe") is read here, once, for both the candidate step (which decides what
to cut off a span) and the evidence step (which types it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .lexicon import Lexicon
from .tokens import APOSTROPHES, STOPS, Article, Line

_SCORE = re.compile(r"\d{1,3}-\d{1,3}[.,;:]?")  # the tokenizer keeps a final dot
_TICKER = re.compile(r"[A-Z]{1,5}(?:\.[A-Z]{1,2})?")
# How far before a name a match verb or score may be, and after it ("Leeds, who ... beat").
MATCH_WINDOW_BEFORE = 5
MATCH_WINDOW_AFTER = 8
# How far back "Reporting by" may be for the later names of its list ("by A, B and C").
CREDIT_WINDOW = 8


@dataclass(slots=True)
class Span:
    """Tokens ``line.tokens[start:end]`` as a candidate name.

    ``prev`` is the word before it: a title or opener the candidate step cut off, or the token
    before the span.
    """

    line: Line
    start: int
    end: int
    prev: str

    @property
    def tokens(self) -> list[str]:
        """The tokens of the span's line."""
        return self.line.tokens

    @property
    def words(self) -> list[str]:
        """The span's tokens."""
        return self.line.tokens[self.start : self.end]

    @property
    def surface(self) -> str:
        """The span as written, its tokens joined by spaces."""
        return " ".join(self.words)

    def after(self, offset: int = 0) -> str:
        """The token ``offset`` places after the span ("" past the end of the line)."""
        index = self.end + offset
        return self.line.tokens[index] if index < len(self.line.tokens) else ""

    def before(self, offset: int = 1) -> str:
        """The token ``offset`` places before the span ("" before the start of the line)."""
        index = self.start - offset
        return self.line.tokens[index] if index >= 0 else ""


def match_side(span: Span, article: Article, lex: Lexicon) -> bool:
    """Whether the span is a side of a match result with its score.

    "Leeds beat Arsenal 3-0", "drew 1-1 with Everton": a result verb right after the name
    (followed by the opponent or the score) or right before it (or "drew ... with"), and
    exactly one score in the same sentence.
    """
    if article.individual:
        return False  # a tennis or golf report: its results are between people
    if lex.country(span.surface):
        return False  # national teams stay their country, as in the sports-page rules
    verbs = lex.words.match_verbs
    after: list[str] = []
    for tok in span.tokens[span.end : span.end + MATCH_WINDOW_AFTER]:
        if tok in STOPS:
            break
        after.append(tok)
        if tok.endswith("."):  # "4-0." ends the sentence it scores
            break
    window = span.tokens[max(0, span.start - MATCH_WINDOW_BEFORE) : span.start]
    cut = max((k for k, t in enumerate(window) if t in STOPS or t.endswith(".")), default=-1)
    before = [t.lower() for t in window[cut + 1 :]]
    # One score: a team match. Set scores in a row ("6-3 7-5") are tennis, between people.
    if sum(1 for t in after + before if _SCORE.fullmatch(t)) != 1:
        return False
    if len(after) > 1 and after[0].lower() in verbs:
        return after[1][:1].isupper() or bool(_SCORE.fullmatch(after[1]))  # not "beat hopes"
    if before and before[-1] in verbs:
        return True
    return len(before) >= 2 and before[-1] == "with" and any(w in verbs for w in before)


def company_context(span: Span, lex: Lexicon) -> bool:
    """Whether the words around the span speak of a company.

    "Apple said", "shares of Apple", "Apple's chief executive", a ticker "Target (NYSE: TGT)".
    """
    words = lex.words
    nxt, nxt2 = span.after(0), span.after(1)
    if nxt.lower() in words.company_after:
        return True
    if nxt in APOSTROPHES and nxt2.lower() == "s":  # the tokenizer keeps a possessive apart
        return span.after(2).lower() in words.company_possessed
    if nxt == "(" and (
        nxt2.lower() in words.exchanges
        or (_TICKER.fullmatch(nxt2) and span.after(2) == ")" and not lex.place(nxt2))
    ):
        return True
    if span.start >= 2:
        return (span.before(2).lower(), span.before(1).lower()) in words.company_before
    return False


CompanyReading = Literal[
    "listed_company_multiword",
    "listed_company_named_like_person",
    "listed_company",
    "listed_company_in_context",
]


def listed_company(span: Span, article: Article, lex: Lexicon) -> CompanyReading | None:
    """Which reading the list of listed companies gives the span here (None: none).

    A multi-word name ("Goldman Sachs") is a company even though its words are given names; a
    company named like a person ("Ford") is one unless the article names a person with it; a
    company named like a word ("Apple") only in company context; none after a title
    ("founder Charles Schwab", "President Ford").
    """
    gaz = lex.gaz
    if lex.title(span.prev):
        return None
    surface = span.surface
    if surface in gaz.orgs:
        if span.end - span.start > 1:
            return "listed_company_multiword"
        if lex.person_name(surface):
            return None if surface in article.name_parts else "listed_company_named_like_person"
        return "listed_company"
    if surface in gaz.orgs_cued and company_context(span, lex):
        return "listed_company_in_context"
    return None


def in_credit(span: Span, lex: Lexicon) -> bool:
    """Whether the span is a name in a wire credit.

    "(Reporting by Jane Doe and Li Wei; Editing by Sam Holmes)", "Writing by ...".
    """
    credits = lex.words.credit_words
    tokens = span.tokens
    for k in range(span.start - 1, max(-1, span.start - 1 - CREDIT_WINDOW), -1):
        tok = tokens[k]
        if tok.lower() == "by":
            return k > 0 and tokens[k - 1].lower() in credits
        if tok in STOPS or tok in (")", "(") or tok[:1].islower() and tok != "and":
            return False
    return False


def in_photo_credit(span: Span, article: Article) -> bool:
    """Whether the span is the photographer of a picture credit.

    "REUTERS / Jason Lee", "Lehtikuva / Roni Rekomaa / via REUTERS"; the agency is one the
    article's datelines credit.
    """
    agencies = article.agencies
    if span.prev == "/" and span.before(2).upper() in agencies:
        return True
    if span.after(0) != "/":
        return False
    nxt = span.after(2) if span.after(1) == "via" else span.after(1)
    return span.prev in ("/", "") and nxt.upper() in agencies
