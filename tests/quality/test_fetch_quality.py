"""Quality gate: decode_html on the extraction DEV pages must not fall below the pinned floors.

The pages are evaluation data in ../shared (never copied into the repo); the test skips with a
clear message when that folder is absent. See benchmarks/fetch.py for how pages are re-encoded.
"""

from __future__ import annotations

import json

import pytest

from benchmarks.fetch import measure_decoding
from tests.conftest import REPO_ROOT, shared_path

FLOORS = json.loads((REPO_ROOT / "benchmarks" / "floors" / "fetch.json").read_text())

pytestmark = pytest.mark.quality


@pytest.fixture(scope="module")
def result() -> dict:
    return measure_decoding(shared_path("extraction", "html"))


@pytest.mark.parametrize(
    "metric", ["utf8_rate", "detected_rate", "header_rate", "latin1_header_rate"]
)
def test_decoding_floor(result: dict, metric: str) -> None:
    assert result[metric] >= FLOORS[metric], f"{metric} {result[metric]:.3f} < {FLOORS[metric]}"
