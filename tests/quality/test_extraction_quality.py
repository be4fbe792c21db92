"""Quality gate: extraction on the shared DEV set must not fall below the pinned floors."""

from __future__ import annotations

import gzip
import json

import pytest
from newsbrief.errors import NoArticle
from newsbrief.extract import extract_article

from benchmarks.extraction import fixture_metadata_accuracy
from benchmarks.scoring import aggregate, score_page
from tests.conftest import REPO_ROOT, shared_path

FLOORS = json.loads((REPO_ROOT / "benchmarks" / "floors" / "extraction.json").read_text())

pytestmark = pytest.mark.quality


def _extract(html: str, url: str | None) -> str:
    try:
        return extract_article(html, url).text
    except NoArticle:
        return ""


def test_extraction_f1_stays_above_the_floor() -> None:
    data = shared_path("extraction")
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    scores = {}
    for page_id, item in truth.items():
        with gzip.open(data / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as f:
            html = f.read()
        scores[page_id] = score_page(item["articleBody"], _extract(html, item.get("url")))
    total = aggregate(scores.values())
    summary = f"F1 {total.f1:.4f} P {total.precision:.4f} R {total.recall:.4f}"
    assert total.f1 >= FLOORS["f1"], summary
    assert total.precision >= FLOORS["precision"], summary
    assert total.recall >= FLOORS["recall"], summary
    failing = sorted(k[:12] for k, s in scores.items() if s.f1 < 0.5)
    assert len(failing) <= FLOORS["max_pages_below_half"], failing


def test_metadata_accuracy_on_repo_pages_stays_above_the_floor() -> None:
    right, total, misses = fixture_metadata_accuracy()
    assert right / total >= FLOORS["metadata_accuracy"], misses
