"""Quality gate: summary ROUGE on the summarization DEV sets must not fall below the floors.

The documents are research-only evaluation data in ../shared (never copied into the repo); the
tests skip with a clear message when that folder is absent. Whole sets are scored (~10 s).
"""

from __future__ import annotations

import json
import re

import pytest

from benchmarks.summaries import lead_system, load_set, newsbrief_system, rouge
from tests.conftest import REPO_ROOT, shared_path

FLOORS = json.loads((REPO_ROOT / "benchmarks" / "floors" / "summaries.json").read_text())

pytestmark = pytest.mark.quality


Run = tuple[list[dict], list[list[str]], dict[str, float]]


def _summaries(name: str) -> Run:
    shared_path("summarization", name, "dev.jsonl")  # skips when the set is absent
    docs = load_set(name)
    outputs = [newsbrief_system(d["text"], d["n_sentences"]) for d in docs]
    return docs, outputs, rouge(docs, outputs)


@pytest.fixture(scope="module")
def cnndm() -> Run:
    return _summaries("cnndm")


@pytest.fixture(scope="module")
def bbc() -> Run:
    return _summaries("bbc")


@pytest.mark.parametrize("metric", ["R1", "R2", "RL"])
def test_cnndm_floor(cnndm: Run, metric: str) -> None:
    assert cnndm[2][metric] >= FLOORS["cnndm"][metric]


@pytest.mark.parametrize("metric", ["R1", "R2", "RL"])
def test_bbc_floor(bbc: Run, metric: str) -> None:
    assert bbc[2][metric] >= FLOORS["bbc"][metric]


def test_beats_lead3_on_cnndm(cnndm: Run) -> None:
    docs, _, ours = cnndm
    lead = rouge(docs, [lead_system(d["text"], d["n_sentences"]) for d in docs])
    assert ours["R1"] >= lead["R1"] + FLOORS["cnndm_r1_over_lead3"]
    assert ours["R2"] > lead["R2"]


@pytest.mark.parametrize("name", ["cnndm", "bbc"])
def test_summaries_read_well(name: str, request: pytest.FixtureRequest) -> None:
    docs, outputs, _ = request.getfixturevalue(name)
    for doc, summary in zip(docs, outputs, strict=True):
        flat = re.sub(r"\s+", " ", doc["text"])
        assert 0 < len(summary) <= doc["n_sentences"]
        positions = [flat.find(re.sub(r"\s+", " ", s)) for s in summary]
        assert -1 not in positions, "summary sentences are verbatim pieces of the text"
        assert positions == sorted(positions), "summary sentences keep document order"
        assert len(set(summary)) == len(summary)
        for sentence in summary:
            assert "(CNN)" not in sentence[:60]
            assert not re.match(r"(?i)read more|click here", sentence)
