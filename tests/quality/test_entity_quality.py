"""Quality gate: entity scores on the CoNLL-2003 DEV documents must not fall below the floors.

The documents are research-only evaluation data in ../shared (never copied into the repo); the
test skips with a clear message when that folder is absent.
"""

from __future__ import annotations

import json

import pytest
from newsbrief.entities import find_entities

from benchmarks.entities import load_docs, score
from tests.conftest import REPO_ROOT, shared_path

FLOORS = json.loads((REPO_ROOT / "benchmarks" / "floors" / "entities.json").read_text())

pytestmark = pytest.mark.quality


@pytest.fixture(scope="module")
def result() -> dict:
    docs = load_docs(shared_path("entities", "conll2003", "dev.jsonl"))
    return score(docs, [find_entities(doc["text"]) for doc in docs])


def test_typed_f1_floor(result: dict) -> None:
    assert result["typed"][2] >= FLOORS["typed_f1"]


def test_untyped_f1_floor(result: dict) -> None:
    assert result["untyped"][2] >= FLOORS["untyped_f1"]


@pytest.mark.parametrize("kind", ["PER", "ORG", "LOC", "MISC"])
def test_per_type_f1_floor(result: dict, kind: str) -> None:
    assert result["per_type"][kind] >= FLOORS["per_type_f1"][kind]


def test_counts_floor(result: dict) -> None:
    assert result["count_exact"] >= FLOORS["count_exact"]
