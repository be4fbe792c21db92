"""sumy's summarizers on request, run on newsbrief's sentence splitter, word tokenizer and stemmers.

The summarize stage prepares the candidate sentences (split, dateline cut, "Read more" lines and
captions dropped) and hands them here when a caller asks for one of sumy's algorithms instead of
newsbrief's own scorer. sumy then chooses among them with its own code: the document is built
from sumy's document model with :class:`SumyTokenizer` (sumy's tokenizer protocol over
:mod:`newsbrief.sentences`), and the summarizer gets the project's stemmer and stop words, so
no NLTK data is needed and every algorithm sees the same sentences and words.

Importing this module imports nothing of sumy: the asked algorithm's module is imported on its
first use, which costs ~0.4 s of CPU once per process (sumy's summarizer base class imports NLTK
for its stemmers, and NLTK imports numpy, which LexRank, LSA and TextRank compute with). The
default summary never loads any of them.

Bounds, so that no input makes a request time out: sumy's algorithms compare sentences pairwise
(LexRank, TextRank, Reduction, LSA's matrix) or rate every sentence once per chosen sentence
(KL, SumBasic), so they read at most the first ``MAX_SENTENCES`` candidates (news puts what
matters first), and they run against a time budget: a check at each pairwise or per-round step
raises :class:`~newsbrief.errors.SummaryOverBudget` once it is spent.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

from .budgets import Budget
from .errors import SummaryOverBudget
from .language import stop_words, word_stemmer
from .sentences import split_paragraph, tokenize_words

# name -> (sumy module, class): imported only when that algorithm is asked for.
SUMMARIZERS = {
    "lexrank": ("sumy.summarizers.lex_rank", "LexRankSummarizer"),
    "lsa": ("sumy.summarizers.lsa", "LsaSummarizer"),
    "luhn": ("sumy.summarizers.luhn", "LuhnSummarizer"),
    "textrank": ("sumy.summarizers.text_rank", "TextRankSummarizer"),
    "edmundson": ("sumy.summarizers.edmundson", "EdmundsonSummarizer"),
    "kl": ("sumy.summarizers.kl", "KLSummarizer"),
    "sumbasic": ("sumy.summarizers.sum_basic", "SumBasicSummarizer"),
    "reduction": ("sumy.summarizers.reduction", "ReductionSummarizer"),
}
# The method each algorithm calls once per sentence pair or per sentence and round: a clock
# check there costs nothing next to the work it guards and interrupts the loops that grow
# faster than the text. (Luhn and Edmundson are linear: the stemmer's check covers them.)
CHECKPOINTS = {
    "lexrank": "cosine_similarity",
    "lsa": "_compute_term_frequency",
    "luhn": "rate_sentence",
    "textrank": "_rate_sentences_edge",
    "kl": "_joint_freq",
    "sumbasic": "_compute_average_probability_of_words",
    "reduction": "_rate_sentences_edge",
}
# Candidates an algorithm reads, from the top: 200 sentences is a long feature (~4,000 words)
# and keeps the pairwise algorithms under ~0.5 s of CPU. KL rates every remaining sentence for
# each one it picks until all are ranked (cubic): 80 keep it there too.
MAX_SENTENCES = 200
MAX_SENTENCES_OF = {"kl": 80}
# Wall-clock seconds one summary may take: a safety net under the caps (a slow CPU, run-on
# sentences), far inside the API's 29 s, so a slow algorithm cannot time a request out.
TIME_BUDGET_S = 2.0
# Edmundson's title and location methods skip "null words" and sumy refuses an empty set; a
# language without a stop list has none, and this token never occurs in text.
_NO_NULL_WORDS = frozenset({"\x00"})


class SumyTokenizer:
    """sumy's tokenizer protocol (``to_sentences``, ``to_words``) on newsbrief's splitter.

    Needs no downloaded data, unlike sumy's own tokenizer (NLTK's punkt).
    """

    def __init__(self, language: str | None) -> None:
        self.language = language

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        """The sentences of one paragraph."""
        return tuple(split_paragraph(paragraph, self.language))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        """The words of one sentence."""
        return tuple(tokenize_words(sentence))


class _SummaryBudget(Budget):
    def __init__(self, seconds: float, algorithm: str) -> None:
        super().__init__(seconds)
        self.algorithm = algorithm

    def error(self) -> SummaryOverBudget:
        return SummaryOverBudget(
            f"{self.algorithm} did not finish within its {self.seconds:g} s budget"
        )

    def guard(self, call: Callable[..., Any]) -> Callable[..., Any]:
        """``call`` with a deadline check before each use."""

        def checked(*args: Any, **kwargs: Any) -> Any:
            self.check()
            return call(*args, **kwargs)

        return checked


def _summarizer(algorithm: str, stem: Callable[[str], str], stops: frozenset[str]) -> Any:
    """The summarizer of sumy for ``algorithm``, with the project's stemmer and stop words."""
    module, name = SUMMARIZERS[algorithm]
    cls = getattr(importlib.import_module(module), name)
    if algorithm == "edmundson":
        # Title (the headline's words) and location (first and last sentences and paragraphs):
        # the cue and key methods need hand-made bonus and stigma word lists per language.
        summarizer = cls(stem, cue_weight=0.0, key_weight=0.0)
        summarizer.null_words = stops or _NO_NULL_WORDS
    else:
        summarizer = cls(stem)
        summarizer.stop_words = stops
    return summarizer


def choose_sentences(
    paragraphs: Sequence[Sequence[str]],
    count: int,
    algorithm: str,
    language: str | None = None,
    title: str | None = None,
    budget_s: float | None = None,
) -> list[str]:
    """The ``count`` sentences sumy's ``algorithm`` picks from ``paragraphs``, in document order.

    ``paragraphs`` holds the candidate sentences by paragraph (Edmundson weighs first and last
    ones); ``title``, when given, is the document's heading. Raises
    :class:`~newsbrief.errors.SummaryOverBudget` when ``budget_s`` seconds (by default
    ``TIME_BUDGET_S``) run out first.
    """
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

    if algorithm not in SUMMARIZERS:
        raise ValueError(f"not one of sumy's algorithms: {algorithm!r}")
    deadline = _SummaryBudget(TIME_BUDGET_S if budget_s is None else budget_s, algorithm)
    tokenizer = SumyTokenizer(language)
    limit = MAX_SENTENCES_OF.get(algorithm, MAX_SENTENCES)
    seen: set[str] = set()
    blocks = []
    for paragraph in paragraphs:
        # sumy keys its ratings by sentence text: a repeated sentence would be picked twice.
        kept = [s for s in paragraph if s not in seen][: limit - len(seen)]
        seen.update(kept)
        if kept:
            blocks.append(Paragraph([Sentence(s, tokenizer) for s in kept]))
        if len(seen) >= limit:
            break
    if title and tokenize_words(title):
        blocks.insert(0, Paragraph([Sentence(title, tokenizer, is_heading=True)]))
    stem = deadline.guard(word_stemmer(language))
    summarizer = _summarizer(algorithm, stem, stop_words(language))
    if algorithm in CHECKPOINTS:
        name = CHECKPOINTS[algorithm]
        setattr(summarizer, name, deadline.guard(getattr(summarizer, name)))
    deadline.check()  # importing sumy (and numpy) the first time counts too
    return [str(s) for s in summarizer(ObjectDocumentModel(blocks), count)]
