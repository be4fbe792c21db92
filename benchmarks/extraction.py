"""Extraction benchmark: newsbrief vs trafilatura on both DEV sets, body and metadata.

Usage: ``python -m benchmarks.extraction [--set NAME] [--half A|B] [--runs N] [--worst N]
[--skip-speed] [--readability] [--rs-trafilatura PYTHON]``

Prints, all extractors in one process on the same pages (decoded to ``str`` first):

- body F1 / P / R (the scrapinghub shingle metric, benchmarks/scoring.py) on each DEV set
  (../shared/data/extraction, 135 pages, and its wcxb-dev folder, 791 pages), for newsbrief and
  each trafilatura setting (default, favor_precision, include_comments=False, both), on the
  whole set and on each half (half A: the first hex digit of sha1 of the page's file name is
  even);
- the half-split check: the best trafilatura setting chosen on one half, newsbrief's lead over
  it on the other half, both ways;
- pages newsbrief leaves empty or scores below 0.5 on where trafilatura's best scores above 0.9
  (the quality gate pins both counts), and the pages below 0.5 in all;
- metadata on the wcxb-dev pages (title exact, all authors right, spurious authors, date right
  to the day; the issue notes' scoring, benchmarks/scoring.py), with and without the page URL
  (the CLI reads saved files that have none), beside trafilatura with its metadata;
- speed: newsbrief's pages per CPU second over trafilatura-with-metadata's, the two timed on
  each page in turn (the machine is shared), median of ``--runs`` passes;
- peak Python heap per page (tracemalloc).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsbrief.errors import NoArticle
from newsbrief.extract import extract_article
from newsbrief.models import ARTICLE_METADATA

from benchmarks.scoring import (
    PageScore,
    Score,
    aggregate,
    authors_all_right,
    date_matches,
    score_page,
    snippets_found,
    title_matches,
    word_f1,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSBRIEF_SHARED_DIR", REPO.parent / "shared"))
SCRAPINGHUB = SHARED / "data" / "extraction"
WCXB = SCRAPINGHUB / "wcxb-dev"
FIXTURES = REPO / "tests" / "fixtures" / "pages"
RS_TRAFILATURA_SCRIPT = Path(__file__).with_name("rs_trafilatura_outputs.py")


@dataclass(frozen=True, slots=True)
class Page:
    """One DEV page with its gold body and, on wcxb-dev, its gold metadata."""

    page_id: str
    file_name: str
    html: str
    body: str
    url: str | None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()

    @property
    def half(self) -> str:
        """ "A" when the first hex digit of sha1(file name) is even, else "B"."""
        digit = int(hashlib.sha1(self.file_name.encode()).hexdigest()[0], 16)
        return "A" if digit % 2 == 0 else "B"


def load_scrapinghub() -> list[Page]:
    """The 135 scrapinghub DEV pages, html decoded as UTF-8 as the set's README says."""
    truth = json.loads((SCRAPINGHUB / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        name = f"{page_id}.html.gz"
        with gzip.open(SCRAPINGHUB / "html" / name, "rt", encoding="utf-8") as f:
            html = f.read()
        item = truth[page_id]
        pages.append(Page(page_id, name, html, item["articleBody"], item.get("url")))
    return pages


def load_wcxb() -> list[Page]:
    """The 791 wcxb-dev article pages with reviewed body, title, author and date."""
    pages = []
    for gold_file in sorted((WCXB / "ground-truth").glob("*.json")):
        item = json.loads(gold_file.read_text(encoding="utf-8"))
        gold = item["ground_truth"]
        name = f"{gold_file.stem}.html.gz"
        with gzip.open(WCXB / "html" / name, "rt", encoding="utf-8", errors="replace") as f:
            html = f.read()
        pages.append(
            Page(
                gold_file.stem,
                name,
                html,
                gold["main_content"],
                item.get("url"),
                gold.get("title"),
                gold.get("author"),
                gold.get("publish_date"),
                tuple(gold.get("with") or ()),
                tuple(gold.get("without") or ()),
            )
        )
    return pages


DEV_SETS: dict[str, Callable[[], list[Page]]] = {
    "scrapinghub": load_scrapinghub,
    "wcxb-dev": load_wcxb,
}


# --- extractors ---------------------------------------------------------------------------


@dataclass(slots=True)
class Output:
    """What an extractor gave for one page."""

    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None


Extractor = Callable[[str, str | None], Output]


def newsbrief(html: str, url: str | None) -> Output:
    """newsbrief's extract stage (text and metadata)."""
    try:
        article = extract_article(html, url)
    except NoArticle:
        return Output("")
    return Output(article.text, article.title, article.authors, article.published)


def trafilatura_extractor(**options: object) -> Extractor:
    """trafilatura's ``bare_extraction`` with these options (metadata only when asked)."""
    import trafilatura

    def run(html: str, url: str | None) -> Output:
        doc = trafilatura.bare_extraction(html, url=url, **options)
        if doc is None:
            return Output("")
        authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
        return Output(doc.text or "", doc.title, authors, doc.date)

    return run


# The settings whose best is the reference ("best setting" of the issue notes).
TRAFILATURA_SETTINGS: dict[str, dict[str, object]] = {
    "trafilatura default": {},
    "trafilatura favor_precision": {"favor_precision": True},
    "trafilatura include_comments=False": {"include_comments": False},
    "trafilatura both": {"favor_precision": True, "include_comments": False},
}


def readability(html: str, url: str | None) -> Output:
    """readability-lxml's summary as text (for reference only)."""
    import lxml.html
    from readability import Document

    try:
        summary = Document(html).summary(html_partial=True)
    except Exception:  # readability raises bare errors on odd pages
        return Output("")
    return Output(lxml.html.fromstring(summary).text_content() if summary.strip() else "")


# --- body quality -------------------------------------------------------------------------


def run_bodies(pages: list[Page], extractors: dict[str, Extractor]) -> dict[str, dict[str, Output]]:
    """Each extractor's output on each page, systems interleaved page by page."""
    outputs: dict[str, dict[str, Output]] = {name: {} for name in extractors}
    for page in pages:
        for name, run in extractors.items():
            outputs[name][page.page_id] = run(page.html, page.url)
    return outputs


def score_outputs(pages: list[Page], outputs: dict[str, Output]) -> dict[str, PageScore]:
    """Page scores of one extractor's outputs."""
    return {p.page_id: score_page(p.body, outputs[p.page_id].text) for p in pages}


def _total(scores: dict[str, PageScore], pages: Iterable[Page]) -> Score:
    return aggregate(scores[p.page_id] for p in pages if p.page_id in scores)


def print_body_table(
    set_name: str,
    pages: list[Page],
    outputs: dict[str, dict[str, Output]],
    scores: dict[str, dict[str, PageScore]],
) -> None:
    """F1 / P / R of every extractor on the whole set and on each half (and WCXB's measures)."""
    halves = {h: [p for p in pages if p.half == h] for h in "AB"}
    wcxb = any(p.with_snippets for p in pages)
    print(
        f"\n### {set_name}: {len(pages)} pages "
        f"(half A {len(halves['A'])}, half B {len(halves['B'])})\n"
    )
    extra = " word F1 | with found | without leaked |" if wcxb else ""
    print(f"| extractor | F1 | P | R | F1 half A | F1 half B |{extra}")
    print("| --- | --- | --- | --- | --- | --- |" + (" --- | --- | --- |" if wcxb else ""))
    for name, page_scores in scores.items():
        total = _total(page_scores, pages)
        a, b = (_total(page_scores, halves[h]).f1 for h in "AB")
        row = (
            f"| {name} | {total.f1:.3f} | {total.precision:.3f} | {total.recall:.3f} "
            f"| {a:.3f} | {b:.3f} |"
        )
        if wcxb:
            texts = outputs[name]
            words = statistics.mean(word_f1(p.body, texts[p.page_id].text) for p in pages)
            found = [snippets_found(p.with_snippets, texts[p.page_id].text) for p in pages]
            leaked = [snippets_found(p.without_snippets, texts[p.page_id].text) for p in pages]
            share_found = sum(f for f, _ in found) / max(1, sum(n for _, n in found))
            share_leaked = sum(f for f, _ in leaked) / max(1, sum(n for _, n in leaked))
            row += f" {words:.3f} | {share_found:.1%} | {share_leaked:.1%} |"
        print(row)


def print_half_check(pages: list[Page], scores: dict[str, dict[str, PageScore]]) -> None:
    """Decide trafilatura's best setting on one half, compare with newsbrief on the other."""
    ours = scores["newsbrief"]
    references = {k: v for k, v in scores.items() if k in TRAFILATURA_SETTINGS}
    for decide, confirm in (("A", "B"), ("B", "A")):
        decide_pages = [p for p in pages if p.half == decide]
        confirm_pages = [p for p in pages if p.half == confirm]
        best = max(references, key=lambda k: _total(references[k], decide_pages).f1)
        ours_f1 = _total(ours, confirm_pages).f1
        ref_f1 = _total(references[best], confirm_pages).f1
        strongest = max(_total(v, confirm_pages).f1 for v in references.values())
        print(
            f"- best setting on half {decide}: {best}; on half {confirm} newsbrief "
            f"{ours_f1:.3f} vs {ref_f1:.3f} ({ours_f1 - ref_f1:+.3f}); vs the best setting "
            f"of half {confirm} itself {ours_f1 - strongest:+.3f}"
        )


# The floor of the issue: no page below this F1...
FAILED_PAGE_F1 = 0.5
# ...where trafilatura (any setting) scores above this.
REFERENCE_PAGE_F1 = 0.9


def failed_pages(
    pages: list[Page],
    ours: dict[str, PageScore],
    reference_f1: Callable[[Page], float],
) -> tuple[list[str], list[str]]:
    """(pages newsbrief leaves empty, pages below 0.5 where ``reference_f1`` is above 0.9).

    ``reference_f1`` is only asked about the pages below 0.5, so a caller can run trafilatura
    on those alone (the quality gate does).
    """
    empty = [p.page_id for p in pages if ours[p.page_id].precision is None]
    worse = [
        p.page_id
        for p in pages
        if ours[p.page_id].f1 < FAILED_PAGE_F1 and reference_f1(p) > REFERENCE_PAGE_F1
    ]
    return empty, worse


def best_trafilatura_f1(page: Page) -> float:
    """The best page F1 of trafilatura's settings on one page."""
    return max(
        score_page(page.body, trafilatura_extractor(**options)(page.html, page.url).text).f1
        for options in TRAFILATURA_SETTINGS.values()
    )


def print_failures(pages: list[Page], scores: dict[str, dict[str, PageScore]]) -> None:
    """Pages newsbrief leaves empty, or scores below 0.5 where trafilatura's best is > 0.9."""
    references = [v for k, v in scores.items() if k in TRAFILATURA_SETTINGS]
    empty, worse = failed_pages(
        pages, scores["newsbrief"], lambda p: max(r[p.page_id].f1 for r in references)
    )
    below = [p.page_id for p in pages if scores["newsbrief"][p.page_id].f1 < FAILED_PAGE_F1]
    print(f"- empty output: {len(empty)} {empty[:20]}")
    print(f"- below 0.5 where trafilatura's best is above 0.9: {len(worse)} {worse[:20]}")
    print(f"- below 0.5 in all: {len(below)} {below[:20]}")


def print_worst(pages: list[Page], scores: dict[str, dict[str, PageScore]], count: int) -> None:
    """The pages where newsbrief trails trafilatura's best setting most."""
    ours = scores["newsbrief"]
    references = [v for k, v in scores.items() if k in TRAFILATURA_SETTINGS]

    def gap(page: Page) -> float:
        return ours[page.page_id].f1 - max(r[page.page_id].f1 for r in references)

    print(f"\nworst {count} pages against trafilatura's best (ours p/r, gap, url):")
    for page in sorted(pages, key=gap)[:count]:
        s = ours[page.page_id]
        print(
            f"  {page.page_id[:12]} f1={s.f1:.2f} p={s.precision or 0:.2f} r={s.recall:.2f} "
            f"gap={gap(page):+.2f} {page.url}"
        )


# --- metadata -----------------------------------------------------------------------------


@dataclass(slots=True)
class MetadataScore:
    """Counts of the metadata checks on the pages whose gold has the field."""

    titles: int = 0
    titles_right: int = 0
    authors: int = 0
    authors_right: int = 0
    no_author: int = 0
    spurious: int = 0
    dates: int = 0
    dates_right: int = 0

    def add(self, page: Page, output: Output) -> None:
        """Score one page's title, authors and date."""
        if page.title:
            self.titles += 1
            self.titles_right += title_matches(page.title, output.title)
        if page.author:
            self.authors += 1
            self.authors_right += authors_all_right(page.author, output.authors)
        else:
            self.no_author += 1
            self.spurious += bool(output.authors)
        if page.published:
            self.dates += 1
            self.dates_right += date_matches(page.published, output.published)

    def row(self, name: str) -> str:
        """One Markdown table row."""

        def share(right: int, total: int) -> str:
            return f"{right / total:.1%} ({right}/{total})" if total else "-"

        return (
            f"| {name} | {share(self.titles_right, self.titles)} "
            f"| {share(self.authors_right, self.authors)} "
            f"| {share(self.spurious, self.no_author)} "
            f"| {share(self.dates_right, self.dates)} |"
        )


def print_metadata(pages: list[Page], trafilatura_outputs: dict[str, Output] | None) -> None:
    """Title, authors and date on the pages with gold metadata, with and without the URL."""
    with_url, without_url = MetadataScore(), MetadataScore()
    for page in pages:
        with_url.add(page, newsbrief(page.html, page.url))
        without_url.add(page, newsbrief(page.html, None))
    print(
        "\n| extractor | title exact | all authors right | author where gold has none "
        "| date right to the day |"
    )
    print("| --- | --- | --- | --- | --- |")
    print(with_url.row("newsbrief (with the page URL)"))
    print(without_url.row("newsbrief (no URL, as the CLI on a saved file)"))
    if trafilatura_outputs is not None:
        reference = MetadataScore()
        for page in pages:
            reference.add(page, trafilatura_outputs[page.page_id])
        reference_row = reference.row("trafilatura with_metadata (with the page URL)")
        print(reference_row)


def fixture_metadata_accuracy() -> tuple[int, int, dict[str, int]]:
    """(fields right, fields checked, misses by field) on the repo's fixture pages."""
    expected = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
    right = total = 0
    misses: dict[str, int] = {}
    for name, spec in expected.items():
        if name.startswith("_") or spec.get("no_article"):
            continue
        html = (FIXTURES / name).read_bytes().decode(spec["encoding"])
        article = extract_article(html, spec["url"])
        for field_name in ARTICLE_METADATA:
            total += 1
            if getattr(article, field_name) == spec["metadata"][field_name]:
                right += 1
            else:
                misses[field_name] = misses.get(field_name, 0) + 1
    return right, total, misses


# --- speed and memory ---------------------------------------------------------------------


def speed_ratio(pages: list[Page], reference: Extractor, runs: int) -> float:
    """newsbrief's pages per CPU second over ``reference``'s, timed on each page in turn.

    Alternating per page makes both see the same machine load (the box is shared), so the
    ratio is steadier than two separate rates.
    """
    ratios = []
    for _ in range(runs):
        spent_ours = spent_ref = 0.0
        for page in pages:
            start = time.process_time()
            newsbrief(page.html, page.url)
            middle = time.process_time()
            reference(page.html, page.url)
            spent_ours += middle - start
            spent_ref += time.process_time() - middle
        ratios.append(spent_ref / spent_ours)
    return statistics.median(ratios)


def pages_per_second(pages: list[Page], run: Extractor) -> float:
    """Pages per CPU second of one extractor over ``pages``."""
    start = time.process_time()
    for page in pages:
        run(page.html, page.url)
    return len(pages) / (time.process_time() - start)


def peak_memory_mb(page: Page) -> float:
    """Peak Python heap while extracting one page (tracemalloc), in MB."""
    tracemalloc.start()
    try:
        newsbrief(page.html, page.url)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def print_memory(pages: list[Page]) -> None:
    """Median and largest peak heap per page, and the peak on the largest page."""
    peaks = {p.page_id: peak_memory_mb(p) for p in pages}
    largest = max(pages, key=lambda p: len(p.html))
    worst = max(pages, key=lambda p: peaks[p.page_id])
    print(
        f"- peak heap per page (tracemalloc): median {statistics.median(peaks.values()):.1f} MB, "
        f"max {peaks[worst.page_id]:.1f} MB ({len(worst.html) / 1e6:.1f} MB of HTML); largest "
        f"page ({len(largest.html) / 1e6:.1f} MB) {peaks[largest.page_id]:.1f} MB"
    )


# --- rs-trafilatura (optional: a CPython 3.12 wheel only, so it runs in another Python) ----


def rs_trafilatura_outputs(python: str, pages: list[Page], set_name: str) -> dict[str, Output]:
    """rs-trafilatura's text per page, run by ``python`` (a 3.12 interpreter that has it)."""
    source = SCRAPINGHUB if set_name == "scrapinghub" else WCXB
    request = json.dumps(
        {"folder": str(source / "html"), "pages": [[p.page_id, p.file_name, p.url] for p in pages]}
    )
    done = subprocess.run(
        [python, str(RS_TRAFILATURA_SCRIPT)],
        input=request,
        capture_output=True,
        text=True,
        check=True,
    )
    answer = json.loads(done.stdout)
    rate = len(pages) / answer["cpu_seconds"] if answer["cpu_seconds"] else float("inf")
    print(f"- rs-trafilatura: {rate:.1f} pages per CPU second (its own process, {set_name})")
    return {k: Output(v or "") for k, v in answer["texts"].items()}


# --- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(DEV_SETS), help="only this DEV set")
    parser.add_argument("--half", choices=("A", "B"), help="only this half of each set")
    parser.add_argument("--runs", type=int, default=3, help="passes for the speed median")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages per set")
    parser.add_argument("--skip-speed", action="store_true", help="no speed or memory runs")
    parser.add_argument("--readability", action="store_true", help="add readability-lxml")
    parser.add_argument(
        "--rs-trafilatura", metavar="PYTHON", help="a Python 3.12 with rs-trafilatura installed"
    )
    args = parser.parse_args(argv)
    if not SCRAPINGHUB.exists():
        print(f"evaluation set {SCRAPINGHUB} is absent; nothing to measure", file=sys.stderr)
        return 1
    extractors: dict[str, Extractor] = {"newsbrief": newsbrief}
    for name, options in TRAFILATURA_SETTINGS.items():
        extractors[name] = trafilatura_extractor(**options)
    if args.readability:
        extractors["readability-lxml"] = readability
    with_metadata = trafilatura_extractor(with_metadata=True, include_comments=False)
    all_pages: list[Page] = []
    for set_name, load in DEV_SETS.items():
        if args.set and set_name != args.set:
            continue
        pages = [p for p in load() if not args.half or p.half == args.half]
        all_pages.extend(pages)
        outputs = run_bodies(pages, extractors)
        if args.rs_trafilatura:
            outputs["rs-trafilatura"] = rs_trafilatura_outputs(args.rs_trafilatura, pages, set_name)
        scores = {name: score_outputs(pages, out) for name, out in outputs.items()}
        print_body_table(set_name, pages, outputs, scores)
        print()
        print_half_check(pages, scores)
        print_failures(pages, scores)
        if args.worst:
            print_worst(pages, scores, args.worst)
        if set_name == "wcxb-dev":
            reference = {p.page_id: with_metadata(p.html, p.url) for p in pages}
            print_metadata(pages, reference)
    if not args.skip_speed and all_pages:
        print(f"\n### speed and memory ({len(all_pages)} pages, median of {args.runs} passes)\n")
        ratio = speed_ratio(all_pages, with_metadata, args.runs)
        bare = speed_ratio(all_pages, extractors["trafilatura include_comments=False"], args.runs)
        print(f"- newsbrief vs trafilatura with metadata, pages per CPU second: {ratio:.2f}x")
        print(f"- newsbrief vs trafilatura text only (include_comments=False): {bare:.2f}x")
        print(f"- newsbrief: {pages_per_second(all_pages, newsbrief):.1f} pages per CPU second")
        print_memory(all_pages)
    right, total, misses = fixture_metadata_accuracy()
    print(
        f"- metadata on {FIXTURES.relative_to(REPO)}: {right}/{total} fields "
        f"({right / total:.1%}) misses: {misses or 'none'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
