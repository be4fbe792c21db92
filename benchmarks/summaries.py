"""Summary quality and speed of every algorithm ``summarize_text`` offers, and Lead-3, on DEV.

Scoring follows ../shared/data/summarization/README.md: contract ``fn(text, n_sentences)``,
ROUGE-1/2/L F1 x100 (``rouge-score``, ``use_stemmer=True``), macro-averaged over documents,
candidate sentences and reference lines joined with ``\\n``. cnndm: n = 3; bbc: n = the
reference's sentence count. The systems are the product's own ``summarize_text(algorithm=...)``:
newsbrief's scorer and sumy's eight summarizers, all on the same candidate sentences, tokenizer
and stemmers (sumy's default tokenizer needs NLTK data that cannot be downloaded), so they differ
only in their choice; sumy's get the headline as the document's heading on bbc.

newsbrief is also scored on the two halves of each set (by ``sha1(id)``) to show that the few
weights set on DEV do not depend on particular documents, and (bbc only) with the headline.
Speed: CPU time (``time.process_time``) of ``summarize_text`` alone, median of several runs, per
algorithm and article length, and the first call's cost in a fresh process (imports).

    .venv/bin/python -m benchmarks.summaries [--limit N] [--systems newsbrief,lead3,...]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSBRIEF_SHARED_DIR", REPO.parent / "shared"))
DATA = SHARED / "data" / "summarization"
SETS = ("cnndm", "bbc")
SUMY_SYSTEMS = (
    "lexrank",
    "textrank",
    "lsa",
    "luhn",
    "edmundson",
    "sumbasic",
    "kl",
    "reduction",
)
# Lengths (words) at which speed is measured: a brief, a typical article, long reads.
SPEED_WORDS = (200, 800, 3200, 8000)
SPEED_RUNS = 7
SUMY_SPEED_RUNS = 3  # the quadratic ones take a second a run at 8,000 words
# Start-up cost in a fresh interpreter: the import is cheap; the first summary by one of sumy's
# algorithms imports sumy, NLTK and numpy.
COLD_START = """
import sys, time
t = time.process_time()
from newsbrief.summarize import summarize_text
t1 = time.process_time()
summarize_text("One sentence here. Another sentence there. And a third one.", 2,
               algorithm=sys.argv[1])
t2 = time.process_time()
print(round(1000 * (t1 - t), 1), round(1000 * (t2 - t1), 1))
"""

Summarizer = Callable[[str, int, "str | None"], list[str]]


def load_set(name: str, limit: int | None = None) -> list[dict]:
    """The DEV documents of one set (id, title, text, reference, n_sentences)."""
    with (DATA / name / "dev.jsonl").open(encoding="utf-8") as handle:
        docs = [json.loads(line) for line in handle if line.strip()]
    return docs[:limit] if limit else docs


def rouge(docs: Iterable[dict], outputs: Iterable[list[str]]) -> dict[str, float]:
    """Macro-averaged ROUGE-1/2/L F1 (x100) of ``outputs`` against the documents' references."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    totals = {"R1": 0.0, "R2": 0.0, "RL": 0.0}
    count = 0
    for doc, output in zip(docs, outputs, strict=True):
        scores = scorer.score(doc["reference"], "\n".join(output))
        totals["R1"] += scores["rouge1"].fmeasure
        totals["R2"] += scores["rouge2"].fmeasure
        totals["RL"] += scores["rougeL"].fmeasure
        count += 1
    return {k: 100 * v / max(count, 1) for k, v in totals.items()}


def run(system: Summarizer, docs: list[dict], title: bool = False) -> tuple[list, float]:
    """All outputs of ``system`` on ``docs`` and its CPU milliseconds per document."""
    if docs:  # untimed warm-up: imports and caches are start-up cost, measured in speed()
        system(docs[0]["text"], docs[0]["n_sentences"], None)
    outputs = []
    spent = 0.0
    for doc in docs:
        start = time.process_time()
        outputs.append(system(doc["text"], doc["n_sentences"], doc.get("title") if title else None))
        spent += time.process_time() - start
    return outputs, 1000 * spent / max(len(docs), 1)


def newsbrief_system(text: str, n: int, title: str | None = None) -> list[str]:
    """newsbrief's summarizer under the evaluation contract (English, as both sets are)."""
    from newsbrief.summarize import summarize_text

    return summarize_text(text, sentences=n, language="en", title=title)


def lead_system(text: str, n: int, title: str | None = None) -> list[str]:
    """The first ``n`` sentences (Lead-3 on cnndm)."""
    from newsbrief.sentences import split_sentences

    return split_sentences(text, "en")[:n]


def sumy_system(name: str) -> Summarizer:
    """One of sumy's algorithms as the product runs it: ``summarize_text(algorithm=name)``.

    No time budget here (a document that ran out of it would be scored as newsbrief's).
    """
    from newsbrief import sumy_algorithms
    from newsbrief.summarize import summarize_text

    sumy_algorithms.TIME_BUDGET_S = float("inf")

    def summarize(text: str, n: int, title: str | None = None) -> list[str]:
        return summarize_text(text, sentences=n, language="en", title=title, algorithm=name)

    return summarize


def half(doc: dict) -> str:
    """Which half of a set a document falls in, by a hash of its id (stable, uncorrelated)."""
    return "A" if int(hashlib.sha1(doc["id"].encode()).hexdigest(), 16) % 2 == 0 else "B"


def quality(systems: list[str], limit: int | None) -> None:
    """Print the ROUGE table of every system on both sets."""
    for name in SETS:
        docs = load_set(name, limit)
        print(f"\n## {name}: {len(docs)} DEV docs")
        print(f"{'system':<22} {'R1':>6} {'R2':>6} {'RL':>6} {'ms/doc':>7}")
        for system in systems:
            variants: list[tuple[str, Summarizer, bool]] = []
            if system == "newsbrief":
                variants.append(("newsbrief", newsbrief_system, False))
                if name == "bbc":
                    variants.append(("newsbrief +title", newsbrief_system, True))
            elif system == "lead3":
                variants.append(("lead" if name == "bbc" else "lead3", lead_system, False))
            else:
                variants.append((f"sumy {system}", sumy_system(system), name == "bbc"))
            for label, fn, with_title in variants:
                outputs, ms = run(fn, docs, title=with_title)
                s = rouge(docs, outputs)
                print(f"{label:<22} {s['R1']:6.2f} {s['R2']:6.2f} {s['RL']:6.2f} {ms:7.2f}")
                sys.stdout.flush()
                if label == "newsbrief":
                    for part in "AB":
                        idx = [i for i, d in enumerate(docs) if half(d) == part]
                        p = rouge([docs[i] for i in idx], [outputs[i] for i in idx])
                        print(
                            f"{'  half ' + part + f' ({len(idx)})':<22} "
                            f"{p['R1']:6.2f} {p['R2']:6.2f} {p['RL']:6.2f}"
                        )


def speed(systems: list[str]) -> None:
    """Print each algorithm's CPU time per document at several article lengths."""
    from newsbrief import sumy_algorithms
    from newsbrief.sentences import split_sentences
    from newsbrief.summarize import summarize_text

    sumy_algorithms.TIME_BUDGET_S = float("inf")  # measure the work, not the cut-off
    algorithms = [s for s in systems if s == "newsbrief" or s in SUMY_SYSTEMS]
    print(f"\n## speed (CPU ms per document, median of {SPEED_RUNS} runs, sumy's of "
          f"{SUMY_SPEED_RUNS}; stems cached across calls, as in a warm Lambda)")
    words = " ".join(d["text"] for d in load_set("cnndm")).split()
    texts = [" ".join(words[:count]) for count in SPEED_WORDS]
    pairs = zip(SPEED_WORDS, texts, strict=True)
    sizes = [f"{c} w / {len(split_sentences(t))} s" for c, t in pairs]
    header = "".join(f"{size:>18}" for size in sizes)
    print(f"{'algorithm':<12}{'first call':>11}{header}")
    for algorithm in algorithms:
        cold = subprocess.run(
            [sys.executable, "-c", COLD_START, algorithm],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        row = f"{algorithm:<12}{cold[1]:>11}"
        runs_per_text = SPEED_RUNS if algorithm == "newsbrief" else SUMY_SPEED_RUNS
        for text in texts:
            runs = []
            for _ in range(runs_per_text):
                t = time.process_time()
                summarize_text(text, sentences=3, algorithm=algorithm)
                runs.append(time.process_time() - t)
            row += f"{1000 * statistics.median(runs):>18.1f}"
        print(row)
        sys.stdout.flush()
    print(f"(first call: CPU ms of the first summary in a fresh process after importing "
          f"newsbrief.summarize; sumy's read at most {sumy_algorithms.MAX_SENTENCES} candidate "
          f"sentences, KL {sumy_algorithms.MAX_SENTENCES_OF['kl']})")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, print quality then speed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N docs of each set")
    parser.add_argument(
        "--systems",
        default=",".join(("newsbrief", "lead3", *SUMY_SYSTEMS)),
        help="comma-separated: newsbrief, lead3, " + ", ".join(SUMY_SYSTEMS),
    )
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"evaluation data not found at {DATA} (set NEWSBRIEF_SHARED_DIR)", file=sys.stderr)
        return 2
    quality([s.strip() for s in args.systems.split(",") if s.strip()], args.limit)
    if not args.no_speed:
        speed([s.strip() for s in args.systems.split(",") if s.strip()])
    return 0


if __name__ == "__main__":
    sys.exit(main())
