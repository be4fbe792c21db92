"""sumy's summarizers on request: through sumy, on the project's tokenizer and stemmers."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from newsbrief import budgets, sumy_algorithms
from newsbrief.errors import InvalidInput, SummaryOverBudget
from newsbrief.models import ALGORITHMS, DEFAULT_ALGORITHM
from newsbrief.pipeline import brief_text, resummarize
from newsbrief.summarize import summarize_text
from newsbrief.sumy_algorithms import (
    CHECKPOINTS,
    SUMMARIZERS,
    SumyTokenizer,
    choose_sentences,
)

from tests.unit.test_summarize import STORY

SUMY = sorted(SUMMARIZERS)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_algorithm_but_the_default_is_sumys() -> None:
    assert set(ALGORITHMS) == {DEFAULT_ALGORITHM, *SUMMARIZERS}


@pytest.mark.parametrize("algorithm", SUMY)
def test_sumy_picks_verbatim_candidates_in_document_order(algorithm: str) -> None:
    summary = summarize_text(STORY, sentences=3, algorithm=algorithm, title="Harbour Bridge")
    assert len(summary) == 3
    positions = [flat(STORY).index(sentence) for sentence in summary]
    assert positions == sorted(positions)
    # The candidates are the default scorer's: no dateline, no "Read more" line.
    assert not any("Reuters" in s or s.startswith("Read more") for s in summary)


@pytest.mark.parametrize("algorithm", SUMY)
def test_sumy_works_in_other_languages_with_the_projects_stemmers(algorithm: str) -> None:
    from tests.unit.test_summarize import STORIES

    text = STORIES["de"]
    summary = summarize_text(text, sentences=2, language="de", algorithm=algorithm)
    assert len(summary) == 2 and all(s in flat(text) for s in summary)


def test_a_short_text_is_returned_whole_whatever_the_algorithm() -> None:
    text = "The mayor resigned on Friday. A new vote is planned for May."
    for algorithm in ALGORITHMS:
        assert summarize_text(text, sentences=3, algorithm=algorithm) == [
            "The mayor resigned on Friday.",
            "A new vote is planned for May.",
        ]


@pytest.mark.parametrize("bad", ["LSA", "bart", "", None, 3])
def test_unknown_algorithms_are_refused(bad: object) -> None:
    with pytest.raises(InvalidInput, match="algorithm must be one of"):
        summarize_text(STORY, sentences=2, algorithm=bad)  # type: ignore[arg-type]


def test_repeated_sentences_are_not_picked_twice() -> None:
    repeated = "Engineers found deep cracks in the bridge supports on Monday."
    text = "\n\n".join([repeated, STORY, repeated, repeated])
    for algorithm in SUMY:
        summary = summarize_text(text, sentences=4, algorithm=algorithm)
        assert len(summary) == len(set(summary)) == 4, algorithm


def test_tokenizer_speaks_sumys_protocol() -> None:
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.luhn import LuhnSummarizer

    tokenizer = SumyTokenizer("en")
    assert tokenizer.to_words("The river's banks, 2 km long") == (
        "The",
        "river's",
        "banks",
        "km",
        "long",
    )
    assert tokenizer.to_sentences('He said "no." Then he left. Dr. Okafor stayed.') == (
        'He said "no."',
        "Then he left.",
        "Dr. Okafor stayed.",
    )
    text = "The river flooded the town. Flood water reached the town hall.\n\nA cat slept."
    document = PlaintextParser(text, tokenizer).document  # sumy's own parser, our tokenizer
    assert len(document.paragraphs) == 2 and len(document.sentences) == 3
    summary = [str(s) for s in LuhnSummarizer()(document, 1)]
    assert summary == ["Flood water reached the town hall."]


# ------------------------------------------------------------------ bounds


@pytest.mark.parametrize("algorithm", SUMY)
def test_an_exhausted_budget_raises(algorithm: str) -> None:
    paragraphs = [["One bridge closed.", "Two roads opened.", "Three ferries sailed.", "Four."]]
    with pytest.raises(SummaryOverBudget, match=algorithm):
        choose_sentences(paragraphs, 2, algorithm, "en", budget_s=0)


@pytest.mark.parametrize("algorithm", SUMY)
def test_the_clock_is_checked_while_the_algorithm_runs(
    algorithm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Time that runs out after the start (the deadline set, the start checked) stops the run."""
    ticks = iter([0.0, 0.0])  # the deadline is set, then checked before sumy starts

    class Clock:
        @staticmethod
        def monotonic() -> float:
            return next(ticks, 1e9)

    monkeypatch.setattr(budgets, "time", Clock)
    paragraphs = [[f"The {w} council met about the {w} bridge." for w in "abcdefghij"]]
    with pytest.raises(SummaryOverBudget):
        choose_sentences(paragraphs, 2, algorithm, "en", budget_s=1.0)


@pytest.mark.parametrize("algorithm", sorted(CHECKPOINTS))
def test_checkpoints_are_the_methods_sumys_loops_call(
    algorithm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A renamed method in a new sumy release must fail here, not silently lose the bound."""
    module, name = SUMMARIZERS[algorithm]
    cls = getattr(importlib.import_module(module), name)
    method = CHECKPOINTS[algorithm]
    raw = inspect.getattr_static(cls, method)
    static = isinstance(raw, staticmethod)
    original = raw.__func__ if static else raw
    calls = []

    def spy(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(cls, method, staticmethod(spy) if static else spy)
    choose_sentences(
        [[f"The {w} council met about the {w} bridge." for w in "abcdef"]], 2, algorithm
    )
    assert calls, f"sumy's {name} no longer calls {method}"


def test_long_texts_are_cut_to_the_sentence_cap() -> None:
    sentences = [
        f"Sentence number {i} talks about topic {i % 17} and topic {i % 5}." for i in range(500)
    ]
    chosen = choose_sentences([sentences], 3, "textrank", "en")
    cap = sumy_algorithms.MAX_SENTENCES
    assert all(sentences.index(s) < cap for s in chosen)
    chosen = choose_sentences([sentences], 3, "kl", "en")
    assert all(sentences.index(s) < sumy_algorithms.MAX_SENTENCES_OF["kl"] for s in chosen)


def test_a_brief_falls_back_to_newsbrief_when_the_budget_runs_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sumy_algorithms, "TIME_BUDGET_S", 0.0)
    brief = brief_text(STORY, sentences=2, algorithm="kl")
    assert brief.summary_algorithm == "newsbrief"
    assert brief.summary == brief_text(STORY, sentences=2).summary


# ------------------------------------------------------------------ briefs


def test_a_brief_says_which_algorithm_made_its_summary() -> None:
    default = brief_text(STORY, sentences=3)
    assert default.summary_algorithm == "newsbrief"
    lsa = brief_text(STORY, sentences=3, algorithm="lsa")
    assert lsa.summary_algorithm == "lsa"
    assert lsa.summary == summarize_text(default.text, 3, default.language, algorithm="lsa")
    assert (lsa.text, lsa.entities, lsa.id) == (default.text, default.entities, default.id)


def test_resummarize_answers_from_the_briefs_own_text() -> None:
    default = brief_text(STORY, sentences=3)
    again = resummarize(default, sentences=2, algorithm="sumbasic")
    assert again.summary_algorithm == "sumbasic" and len(again.summary) == 2
    assert all(s in again.text for s in again.summary)
    assert again.model_dump(exclude={"summary", "summary_algorithm"}) == default.model_dump(
        exclude={"summary", "summary_algorithm"}
    )
    assert default.summary_algorithm == "newsbrief", "the original is left as it was"
    with pytest.raises(InvalidInput):
        resummarize(default, algorithm="bart")


def test_sumy_nltk_and_numpy_load_only_when_asked_for(tmp_path: Path) -> None:
    """No NLTK data anywhere (an empty NLTK_DATA); the default path loads none of them.

    (sumy's summarizer base class imports NLTK, which imports numpy itself when installed.)
    """
    code = f"""
import json, sys
from newsbrief.pipeline import brief_text
story = {STORY!r}
loaded = lambda: sorted(m for m in ("sumy.summarizers", "nltk", "numpy") if m in sys.modules)
steps = {{"default": (brief_text(story, sentences=2), loaded())[1]}}
for algorithm in ("luhn", "kl", "lsa"):
    brief = brief_text(story, sentences=2, algorithm=algorithm)
    assert brief.summary_algorithm == algorithm, brief.summary_algorithm
    steps[algorithm] = loaded()
print(json.dumps(steps))
"""
    env = {**os.environ, "NLTK_DATA": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    steps = json.loads(out.stdout.strip().splitlines()[-1])
    assert steps["default"] == []
    assert {"nltk", "sumy.summarizers"} <= set(steps["luhn"])
    assert steps["lsa"] == ["nltk", "numpy", "sumy.summarizers"]
