"""The article-extraction benchmark metric (scrapinghub/article-extraction-benchmark).

Implemented exactly as ../shared/data/extraction/README.md defines it, so every part of the
project (extraction benchmark, quality gate, other stages) scores text the same way:

- tokens are ``re.findall(r"\\w+", text)`` (Unicode, case kept); ``None`` counts as "";
- shingles are the multiset of runs of 4 consecutive tokens (1-3 tokens: one shingle of all);
- per page TP/FP/FN from the multisets; precision undefined on empty output;
- macro P = mean of defined page precisions, macro R = mean of page recalls (empty output -> 0),
  F1 = harmonic mean of macro P and macro R (not the mean of page F1s).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

TOKEN_RE = re.compile(r"\w+")
SHINGLE_SIZE = 4  # the benchmark's published shingle length


def tokenize(text: str | None) -> list[str]:
    """The metric's tokens: runs of Unicode word characters, case kept."""
    return TOKEN_RE.findall(text or "")


def shingles(tokens: list[str]) -> Counter[tuple[str, ...]]:
    """Multiset of every run of ``SHINGLE_SIZE`` consecutive tokens."""
    if not tokens:
        return Counter()
    if len(tokens) < SHINGLE_SIZE:
        return Counter([tuple(tokens)])
    return Counter(
        tuple(tokens[i : i + SHINGLE_SIZE]) for i in range(len(tokens) - SHINGLE_SIZE + 1)
    )


@dataclass(frozen=True, slots=True)
class PageScore:
    """One page's counts; ``precision`` is ``None`` when the prediction is empty."""

    tp: int
    fp: int
    fn: int
    exact: bool

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision or 0.0, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_page(truth: str | None, prediction: str | None) -> PageScore:
    """Compare one prediction with its ground truth."""
    truth_tokens, pred_tokens = tokenize(truth), tokenize(prediction)
    t, p = shingles(truth_tokens), shingles(pred_tokens)
    tp = sum(min(n, p[s]) for s, n in t.items())
    fp = sum(p.values()) - tp
    fn = sum(t.values()) - tp
    return PageScore(tp=tp, fp=fp, fn=fn, exact=truth_tokens == pred_tokens)


@dataclass(frozen=True, slots=True)
class Score:
    """Macro scores over a set of pages."""

    f1: float
    precision: float
    recall: float
    accuracy: float
    pages: int


def aggregate(page_scores: Iterable[PageScore]) -> Score:
    """Macro-average page scores the benchmark's way."""
    scores = list(page_scores)
    if not scores:
        return Score(0.0, 0.0, 0.0, 0.0, 0)
    precisions = [s.precision for s in scores if s.precision is not None]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(s.recall for s in scores) / len(scores)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    accuracy = sum(s.exact for s in scores) / len(scores)
    return Score(f1=f1, precision=p, recall=r, accuracy=accuracy, pages=len(scores))


def score_predictions(
    truths: Mapping[str, str | None], predictions: Mapping[str, str | None]
) -> Score:
    """Score predictions keyed by page id against ground truths with the same keys."""
    return aggregate(score_page(truths[k], predictions.get(k)) for k in truths)


# --- metadata (the WCXB DEV pages' title, author and date) ----------------------------------
# Stricter than the set's README: the rules of the issue notes, so that a headline with its
# site name, a co-author missed or a stray name all count as wrong.

_WORD_RE = re.compile(r"\w+")
_LETTERS_RE = re.compile(r"[^\W\d_]+")
# Separators between the gold's names: punctuation, an ampersand or the word "and".
_GOLD_AUTHOR_SPLIT_RE = re.compile(r"\s*[,;&]\s*|\s+and\s+", re.IGNORECASE)
# Credentials and honorifics are not names: "Jane Doe, MD", "Dr. Jane Doe", "Ph.D.".
_CREDENTIAL_WORDS = frozenset({"dr", "phd", "md", "jr", "sr", "mr", "mrs", "ms", "prof"})


def title_matches(gold: str, predicted: str | None) -> bool:
    """Titles match when their casefolded ``\\w+`` tokens are equal."""
    return _WORD_RE.findall(gold.casefold()) == _WORD_RE.findall((predicted or "").casefold())


def _is_credential(part: str) -> bool:
    """A piece of the gold byline that is a degree or title, not a name ("MD", "Ph.D.")."""
    words = part.replace(".", "").split()
    return bool(words) and all(
        w.lower() in _CREDENTIAL_WORDS
        or (w.isupper() and len(w) <= 6)
        or not any(c.isalpha() for c in w)
        for w in words
    )


def gold_authors(gold: str) -> list[frozenset[str]]:
    """The gold names as sets of casefolded letter tokens, credentials dropped."""
    names = []
    for part in _GOLD_AUTHOR_SPLIT_RE.split(gold):
        if not part.strip() or _is_credential(part):
            continue
        tokens = frozenset(
            t for t in _LETTERS_RE.findall(part.casefold()) if t not in _CREDENTIAL_WORDS
        )
        if tokens:
            names.append(tokens)
    return names


def names_match(a: frozenset[str], b: frozenset[str]) -> bool:
    """Equal letter-token sets, or one containing the other with at least two tokens."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return small == large or (len(small) >= 2 and small <= large)


def authors_all_right(gold: str, predicted: list[str]) -> bool:
    """Every gold name found among ``predicted`` and no extra name."""
    wanted = gold_authors(gold)
    given = [frozenset(_LETTERS_RE.findall(name.casefold())) for name in predicted]
    given = [g for g in given if g]
    found = all(any(names_match(w, g) for g in given) for w in wanted)
    extra = any(not any(names_match(w, g) for w in wanted) for g in given)
    return found and not extra


def date_matches(gold: str, predicted: str | None) -> bool:
    """The first ten characters of the predicted date equal the gold ``YYYY-MM-DD``."""
    return (predicted or "")[:10] == gold


# --- WCXB's own body measures (so numbers compare with its paper) ---------------------------


def word_f1(truth: str | None, prediction: str | None) -> float:
    """WCXB's page score: F1 of the multisets of lower-cased ``\\w+`` words."""
    t = Counter(TOKEN_RE.findall((truth or "").lower()))
    p = Counter(TOKEN_RE.findall((prediction or "").lower()))
    overlap = sum((t & p).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(t.values())
    return 2 * precision * recall / (precision + recall)


def _collapsed(text: str) -> str:
    return " ".join(text.lower().split())


def snippets_found(snippets: Iterable[str], prediction: str | None) -> tuple[int, int]:
    """(snippets found in the prediction, snippets), case-insensitive, whitespace collapsed."""
    text = _collapsed(prediction or "")
    wanted = [_collapsed(s) for s in snippets if s.strip()]
    return sum(1 for s in wanted if s in text), len(wanted)
