"""Quality gate: entity scores on the DEV sets must not fall below the floors.

Two sets, one metric (benchmarks/entities.py): CoNLL-2003 (Reuters news of 1996) and CoNLL++
(Reuters news of 2020). The documents are research-only evaluation data in ../shared (never
copied into the repo); the tests skip with a clear message when that folder is absent.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from newsbrief.entities import find_entities

from benchmarks.entities import load_docs, score
from tests.conftest import REPO_ROOT, shared_path

FLOORS = json.loads((REPO_ROOT / "benchmarks" / "floors" / "entities.json").read_text())
SETS = ("conll2003", "conllpp")

pytestmark = pytest.mark.quality


@pytest.fixture(scope="module", params=SETS)
def measured(request: pytest.FixtureRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    name = request.param
    docs = load_docs(shared_path("entities", name, "dev.jsonl"))
    return FLOORS[name], score(docs, [find_entities(doc["text"]) for doc in docs])


def test_typed_f1_floor(measured: tuple[dict[str, Any], dict[str, Any]]) -> None:
    floors, result = measured
    assert result["typed"][2] >= floors["typed_f1"]


def test_untyped_f1_floor(measured: tuple[dict[str, Any], dict[str, Any]]) -> None:
    floors, result = measured
    assert result["untyped"][2] >= floors["untyped_f1"]


@pytest.mark.parametrize("kind", ["PER", "ORG", "LOC", "MISC"])
def test_per_type_f1_floor(measured: tuple[dict[str, Any], dict[str, Any]], kind: str) -> None:
    floors, result = measured
    assert result["per_type"][kind] >= floors["per_type_f1"][kind]


def test_counts_floor(measured: tuple[dict[str, Any], dict[str, Any]]) -> None:
    floors, result = measured
    assert result["count_exact"] >= floors["count_exact"]
