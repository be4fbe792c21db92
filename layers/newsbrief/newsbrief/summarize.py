"""Summarize stage: extractive summaries by newsbrief's scorer or, on request, sumy's; no downloads.

Every summary is chosen from the same candidate sentences (below) by one of the
:data:`~newsbrief.models.ALGORITHMS`: newsbrief's own scorer, the default, or on request one of
sumy's summarizers, which :mod:`newsbrief.sumy_algorithms` runs on these candidates (sumy and
numpy are imported only then).

newsbrief's scorer is Edmundson's recipe (sumy's ``EdmundsonSummarizer``: location, title and cue
words added up) with LexRank's continuous degree centrality (sumy's ``LexRankSummarizer``)
as its content term, tuned for news:

* centrality: a sentence's summed cosine similarity to every other sentence, computed in
  linear time as its similarity to the sum of all (normalized) sentence vectors, so long
  articles need no cap;
* lead: news is written as an inverted pyramid, so early sentences get a bonus, and long
  sentences (over ``LONG_SENTENCE`` words) and sentences opening with a quote a penalty;
  these count fully for short summaries and fade out as the summary grows towards half the
  article, where covering the article (centrality) matters more than its lead;
* title: words shared with the headline, when there is one.

Sentences that never make a good summary line are dropped first: "Read more"/"Click here"
lines, captions and headings (no closing punctuation), short pull-quote fragments, and a
dateline with nothing after it; a leading dateline ("LONDON (CNN) --") is cut from the
sentence that carries it. Near-duplicates of a chosen sentence are skipped.

The weights were set on the DEV sets of ../shared/data/summarization (CNN highlights, BBC
extracts); set on one hash-half and scored on the other they keep their margin over Lead-3
and Reduction (benchmarks/README.md). benchmarks/summaries.py prints the scores.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping

from .errors import InvalidInput
from .language import normalize_language, stop_words, word_stemmer
from .models import DEFAULT_ALGORITHM, check_algorithm
from .sentences import split_paragraph, split_paragraphs, tokenize_words

# Lead bonus of the first sentence, in units of the best centrality (which is scaled to 1):
# the first sentence of a news story beats anything but a clearly more central sentence.
LEAD_WEIGHT = 1.67
# Sentences over which the lead bonus decays by 1/e: most highlights come from the first dozen.
LEAD_DECAY = 12.0
# Sentences longer than this many words are run-ons or lists that crowd out a short summary.
LONG_SENTENCE = 40
LONG_PENALTY = 0.67
# A sentence opening with a quote is someone's reaction, rarely the news itself.
QUOTE_PENALTY = 0.67
# The lead terms count fully while the summary takes at most LEAD_FULL of the sentences and
# not at all from LEAD_NONE on (between, linearly): a long extract should cover the article.
LEAD_FULL = 0.2
LEAD_NONE = 0.4
# Share of the headline's words a sentence contains, in units of the best centrality.
TITLE_WEIGHT = 0.1
# Cosine similarity (of stemmed content words) from which a sentence repeats a chosen one.
NEAR_DUPLICATE = 0.85
# Quoted sentences shorter than this, with no attribution, are pull-quote fragments.
PULL_QUOTE_WORDS = 8
# A sentence with fewer words than this after its dateline is cut is no sentence.
MIN_WORDS = 3

_QUOTES = "\"'“”‘’«»„"
_DATELINE = re.compile(
    # "(CNN)", "LONDON (Reuters) -", "Kano, Nigeria (CNN)": a place of capitalized words,
    # then a parenthesized source, at the very start of the article.
    r"^(?:[A-Z][\w.'’-]*(?:,?\s+[A-Z][\w.'’-]*){0,4}\s*)?\([A-Z][\w .&'’-]{0,40}\)"
    r"\s*(?:--|[-—–:])?\s*"
)
_BOILERPLATE = re.compile(
    r"^\s*(?:read more|more:|related:|see also|watch:|photos?:|video:|image:|caption:|"
    r"follow (?:us|@?\w+) on|sign up|subscribe|share this|editor'?s note|advertisement|"
    r"copyright|all rights reserved|©)"
    r"|click here|contributed to this report|(?:^|\s)(?:getty images|ap photo)\b",
    re.IGNORECASE,
)
# A sentence ends in . ! ? or an ellipsis, maybe followed by closing quotes or brackets.
_ENDS_SENTENCE = re.compile(r"""[.!?…][\"'”’»)\]]*\s*$""")
_ATTRIBUTION = re.compile(r"""[\"”»]\s*,?\s*\w""")


def strip_dateline(sentence: str) -> str:
    """``sentence`` without a leading news dateline such as "(CNN)" or "LONDON (Reuters) --"."""
    return _DATELINE.sub("", sentence, count=1)


def _is_candidate(sentence: str, words: list[str], alone: bool) -> bool:
    """Whether a sentence may stand in a summary; ``alone``: it is a paragraph by itself."""
    if _BOILERPLATE.search(sentence) or not _ENDS_SENTENCE.search(sentence):
        return False
    if len(words) < MIN_WORDS:
        return False
    # A short quote set apart as its own paragraph, with no "she said", is a pull quote
    # (inside a paragraph, the same sentence is just part of a longer quotation).
    if alone and sentence[0] in _QUOTES and len(words) < PULL_QUOTE_WORDS:
        return bool(_ATTRIBUTION.search(sentence[1:]))
    return True


def _vectors(word_lists: list[list[str]], language: str | None) -> list[Counter[str]]:
    """Stemmed content-word counts of each sentence (stop words left out)."""
    stem = word_stemmer(language)
    stops = stop_words(language)
    return [Counter(stem(w) for w in words if w.lower() not in stops) for words in word_lists]


def _normalized(vector: Counter[str]) -> dict[str, float]:
    norm = math.sqrt(sum(c * c for c in vector.values()))
    return {w: c / norm for w, c in vector.items()} if norm else {}


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def _centrality(units: list[dict[str, float]]) -> list[float]:
    """Each sentence's summed cosine similarity to all others, scaled so the best is 1."""
    total: Counter[str] = Counter()
    for unit in units:
        total.update(unit)
    # sum_j cos(i, j) = u_i . (sum_j u_j) - u_i . u_i, and u_i . u_i is 1 (or 0 if empty).
    scores = [max(0.0, _cosine(u, total) - (1.0 if u else 0.0)) for u in units]
    best = max(scores, default=0.0)
    return [s / best for s in scores] if best > 0 else scores


def _scores(
    sentences: list[tuple[str, list[str]]],
    units: list[dict[str, float]],
    count: int,
    title_words: set[str],
) -> list[float]:
    share = count / len(sentences)
    lead = min(1.0, max(0.0, (LEAD_NONE - share) / (LEAD_NONE - LEAD_FULL)))
    scores = []
    for i, ((sentence, words), centrality) in enumerate(
        zip(sentences, _centrality(units), strict=True)
    ):
        score = centrality
        if lead:
            score += lead * (
                LEAD_WEIGHT * math.exp(-i / LEAD_DECAY)
                - LONG_PENALTY * (len(words) > LONG_SENTENCE)
                - QUOTE_PENALTY * (sentence[0] in _QUOTES)
            )
        if title_words:
            score += TITLE_WEIGHT * len(title_words & units[i].keys()) / len(title_words)
        scores.append(score)
    return scores


Candidate = tuple[str, list[str]]  # a sentence and its words


def candidate_paragraphs(text: str, language: str | None) -> list[list[Candidate]]:
    """The sentences of ``text`` that may stand in a summary, with their words, by paragraph.

    A leading dateline is cut; boilerplate, captions, headings and pull quotes are dropped,
    unless the text has nothing else (better them than no summary).
    """
    paragraphs = [p for p in (split_paragraph(p, language) for p in split_paragraphs(text)) if p]
    if not paragraphs:
        return []
    paragraphs[0][0] = strip_dateline(paragraphs[0][0]) or paragraphs[0][0]
    found = [[(s, tokenize_words(s)) for s in p] for p in paragraphs]
    kept = [[(s, w) for s, w in p if _is_candidate(s, w, len(p) == 1)] for p in found]
    if not any(kept):  # nothing but headings or fragments: better them than nothing
        kept = [[(s, w) for s, w in p if w] for p in found]
    return [p for p in kept if p]


def _choose(
    candidates: list[Candidate], count: int, language: str | None, title: str | None
) -> list[str]:
    """The default choice: the best-scored sentences, near-duplicates skipped."""
    units = [_normalized(v) for v in _vectors([words for _, words in candidates], language)]
    title_words = set(_vectors([tokenize_words(title)], language)[0]) if title else set()
    scores = _scores(candidates, units, count, title_words)
    chosen: list[int] = []
    for i in sorted(range(len(candidates)), key=lambda k: (-scores[k], k)):
        if all(_cosine(units[i], units[j]) < NEAR_DUPLICATE for j in chosen):
            chosen.append(i)
            if len(chosen) == count:
                break
    return [candidates[i][0] for i in sorted(chosen)]


def summarize_text(
    text: str,
    sentences: int = 3,
    language: str | None = "en",
    title: str | None = None,
    algorithm: str = DEFAULT_ALGORITHM,
) -> list[str]:
    """Return up to ``sentences`` sentences taken verbatim from ``text``, in document order.

    ``language`` (ISO 639-1) picks the sentence rules, stemmer and stop words; an unknown
    or missing language gets generic rules, no stemming and no stop words. ``title`` (the
    headline) favours the sentences that share its words. A text with fewer usable
    sentences than asked returns all of them; an empty text returns ``[]``. ``algorithm``
    (one of :data:`~newsbrief.models.ALGORITHMS`) chooses the sentences; sumy's may raise
    :class:`~newsbrief.errors.SummaryOverBudget` on a text too long for their time budget.
    """
    if not isinstance(text, str):
        raise InvalidInput("text must be a string")
    if isinstance(sentences, bool) or not isinstance(sentences, int) or sentences < 0:
        raise InvalidInput(f"sentences must be a whole number >= 0, got {sentences!r}")
    check_algorithm(algorithm)
    code = normalize_language(language)
    paragraphs = candidate_paragraphs(text, code) if sentences else []
    candidates = [candidate for paragraph in paragraphs for candidate in paragraph]
    if len(candidates) <= sentences:
        return [s for s, _ in candidates]
    if algorithm == DEFAULT_ALGORITHM:
        return _choose(candidates, sentences, code, title)
    from .sumy_algorithms import choose_sentences

    sentences_by_paragraph = [[s for s, _ in paragraph] for paragraph in paragraphs]
    return choose_sentences(sentences_by_paragraph, sentences, algorithm, code, title)
