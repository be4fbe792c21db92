"""Extraction benchmark: newsbrief vs trafilatura and readability-lxml on the shared DEV set.

Usage: ``python -m benchmarks.extraction [--only newsbrief] [--worst N] [--runs N]``

Prints F1 / precision / recall (the benchmark's metric, see benchmarks/scoring.py) and pages/s
measured in CPU time (``time.process_time``, the machine is shared) with the pages already
decoded to ``str``, all extractors in the same process on the same pages. Speed is the median of
``--runs`` passes. Also prints metadata accuracy on the repo's own fixture pages.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from newsbrief.models import ARTICLE_METADATA

from benchmarks.scoring import PageScore, aggregate, score_page

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSBRIEF_SHARED_DIR", REPO.parent / "shared"))
DATA = SHARED / "data" / "extraction"


def load_pages() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(html, ground truth, url) by page id, html decoded as UTF-8 as the set's README says."""
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    html = {}
    for page_id in sorted(truth):
        with gzip.open(DATA / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as f:
            html[page_id] = f.read()
    bodies = {k: v["articleBody"] for k, v in truth.items()}
    urls = {k: v.get("url") for k, v in truth.items()}
    return html, bodies, urls


def newsbrief_extractor() -> Callable[[str, str | None], str]:
    from newsbrief.errors import NoArticle
    from newsbrief.extract import extract_article

    def run(html: str, url: str | None) -> str:
        try:
            return extract_article(html, url).text
        except NoArticle:
            return ""

    return run


def trafilatura_extractor(**options: object) -> Callable[[str, str | None], str]:
    import trafilatura

    def run(html: str, url: str | None) -> str:
        return trafilatura.extract(html, url=url, **options) or ""

    return run


def readability_extractor() -> Callable[[str, str | None], str]:
    import lxml.html
    from readability import Document

    def run(html: str, url: str | None) -> str:
        try:
            summary = Document(html).summary(html_partial=True)
        except Exception:  # readability raises bare errors on odd pages
            return ""
        return lxml.html.fromstring(summary).text_content() if summary.strip() else ""

    return run


EXTRACTORS: dict[str, Callable[[], Callable[[str, str | None], str]]] = {
    "newsbrief": newsbrief_extractor,
    "trafilatura (include_comments=False)": lambda: trafilatura_extractor(include_comments=False),
    "trafilatura (defaults)": trafilatura_extractor,
    "readability-lxml": readability_extractor,
}


def measure(
    run: Callable[[str, str | None], str],
    html: dict[str, str],
    urls: dict[str, str],
    runs: int,
) -> tuple[dict[str, str], float]:
    """Outputs by page id and pages/s (median over ``runs`` passes, CPU time)."""
    outputs: dict[str, str] = {}
    rates = []
    for _ in range(runs):
        spent = 0.0
        for page_id, page in html.items():
            start = time.process_time()
            outputs[page_id] = run(page, urls.get(page_id))
            spent += time.process_time() - start
        rates.append(len(html) / spent if spent else float("inf"))
    return outputs, statistics.median(rates)


FIXTURES = REPO / "tests" / "fixtures" / "pages"
METADATA_FIELDS = ARTICLE_METADATA


def metadata_accuracy() -> tuple[int, int, dict[str, int]]:
    """(fields right, fields checked, misses by field) on the repo's fixture pages."""
    from newsbrief.extract import extract_article

    expected = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
    right = total = 0
    misses: dict[str, int] = {}
    for name, spec in expected.items():
        if name.startswith("_") or spec.get("no_article"):
            continue
        html = (FIXTURES / name).read_bytes().decode(spec["encoding"])
        article = extract_article(html, spec["url"])
        for field in METADATA_FIELDS:
            total += 1
            if getattr(article, field) == spec["metadata"][field]:
                right += 1
            else:
                misses[field] = misses.get(field, 0) + 1
    return right, total, misses


def peak_memory_mb(html: str, url: str | None) -> float:
    """Peak Python heap while extracting one page (tracemalloc), in MB."""
    import tracemalloc

    from newsbrief.extract import extract_article

    tracemalloc.start()
    try:
        extract_article(html, url)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def interleaved_ratio(html: dict[str, str], urls: dict[str, str], runs: int) -> float:
    """newsbrief pages/s over trafilatura's, timing both on each page in turn.

    Alternating per page makes both see the same machine load (the box is shared), so the
    ratio is steadier than two separate rates.
    """
    ours = newsbrief_extractor()
    reference = trafilatura_extractor(include_comments=False)
    ratios = []
    for _ in range(runs):
        spent_ours = spent_ref = 0.0
        for page_id, page in html.items():
            start = time.process_time()
            ours(page, urls.get(page_id))
            middle = time.process_time()
            reference(page, urls.get(page_id))
            spent_ours += middle - start
            spent_ref += time.process_time() - middle
        ratios.append(spent_ref / spent_ours)
    return statistics.median(ratios)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only extractors whose name starts with this")
    parser.add_argument("--runs", type=int, default=3, help="passes for the speed median")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst newsbrief pages")
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"evaluation set {DATA} is absent; nothing to measure", file=sys.stderr)
        return 1
    html, truth, urls = load_pages()
    per_page: dict[str, dict[str, PageScore]] = {}
    print(f"{len(html)} pages, CPU-time pages/s = median of {args.runs} passes\n")
    print(f"| {'extractor':<38} | F1    | P     | R     | pages/s |")
    print(f"|{'-' * 40}|-------|-------|-------|---------|")
    for name, factory in EXTRACTORS.items():
        if args.only and not name.startswith(args.only):
            continue
        outputs, rate = measure(factory(), html, urls, args.runs)
        scores = {k: score_page(truth[k], outputs.get(k)) for k in truth}
        per_page[name] = scores
        total = aggregate(scores.values())
        print(
            f"| {name:<38} | {total.f1:.3f} | {total.precision:.3f} | {total.recall:.3f} "
            f"| {rate:7.1f} |"
        )
    ours = per_page.get("newsbrief")
    reference = per_page.get("trafilatura (include_comments=False)")
    if ours and reference:
        bad = [k for k in ours if ours[k].f1 < 0.5 and reference[k].f1 > 0.9]
        print(f"\npages below 0.5 F1 where trafilatura is above 0.9: {len(bad)} {bad}")
    if ours is not None and reference is not None:
        ratio = interleaved_ratio(html, urls, args.runs)
        print(f"\nspeed vs trafilatura, interleaved per page (CPU time): {ratio:.2f}x")
    if ours is not None:
        right, total, misses = metadata_accuracy()
        print(
            f"\nmetadata accuracy on {FIXTURES.relative_to(REPO)}: {right}/{total} fields "
            f"({right / total:.1%}) misses: {misses or 'none'}"
        )
        peaks = {k: peak_memory_mb(html[k], urls.get(k)) for k in html}
        worst_page = max(peaks, key=lambda k: peaks[k])
        largest = max(html, key=lambda k: len(html[k]))
        print(
            f"peak heap (tracemalloc): largest page ({len(html[largest]) / 1e6:.1f} MB HTML) "
            f"{peaks[largest]:.1f} MB; worst page ({len(html[worst_page]) / 1e6:.1f} MB HTML) "
            f"{peaks[worst_page]:.1f} MB"
        )
    if ours and args.worst:
        print("\nworst newsbrief pages (f1, precision, recall, trafilatura f1):")
        for k in sorted(ours, key=lambda k: ours[k].f1)[: args.worst]:
            s = ours[k]
            ref = f"{reference[k].f1:.2f}" if reference else "-"
            print(
                f"  {k[:12]} f1={s.f1:.2f} p={s.precision or 0:.2f} r={s.recall:.2f} "
                f"traf={ref} {urls.get(k)}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
