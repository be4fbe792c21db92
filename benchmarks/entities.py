"""Entity quality and speed on the CoNLL-2003 DEV documents in ../shared (research-only data).

Implements the document-level metric of ``shared/data/entities/conll2003/README.md``: per
document, gold = {(norm(mention), type)} and predicted = {(norm(surface), type)} over every
distinct surface form an entity lists in ``mentions`` (OTHER is scored as MISC); micro P/R/F1
over all documents, untyped on the normalized strings alone. ``count_exact`` is the share of
typed true positives whose predicted count (the count of the entity listing that surface)
equals the number of gold mentions with that normalized string and type.

Run: ``.venv/bin/python benchmarks/entities.py [--runs 3] [--errors N]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSBRIEF_SHARED_DIR", REPO.parent / "shared"))
DEV = SHARED / "data" / "entities" / "conll2003" / "dev.jsonl"
TYPE_MAP = {"PERSON": "PER", "ORGANIZATION": "ORG", "LOCATION": "LOC", "OTHER": "MISC"}
TYPES = ("PER", "ORG", "LOC", "MISC")

_CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": "'", "\u201d": "'", "\u201b": "'"})
_NOT_WORD = re.compile(r"[^\w\s]|_")


def norm(text: str) -> str:
    """The README's normalization: NFKC, quotes, casefold, 's, leading 'the ', punctuation."""
    text = unicodedata.normalize("NFKC", text).translate(_CURLY).casefold().strip()
    if text.endswith("'s"):
        text = text[:-2]
    if text.startswith("the "):
        text = text[4:]
    text = _NOT_WORD.sub("", text)
    return " ".join(text.split())


def load_docs(path: Path = DEV) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def gold_pairs(doc: dict) -> Counter:
    return Counter((norm(e["text"]), e["type"]) for e in doc["entities"] if norm(e["text"]))


def predicted_pairs(entities: list) -> dict[tuple[str, str], int]:
    pairs: dict[tuple[str, str], int] = {}
    for entity in entities:
        kind = TYPE_MAP[entity.type]
        for surface in entity.mentions or [entity.name]:
            key = (norm(surface), kind)
            if key[0]:
                pairs[key] = max(pairs.get(key, 0), entity.count)
    return pairs


def score(docs: list[dict], predictions: list[list]) -> dict:
    """Micro P/R/F1 typed and untyped, per-type F1 and count_exact over the documents."""
    tp = n_pred = n_gold = 0
    utp = un_pred = un_gold = 0
    per_type = {t: [0, 0, 0] for t in TYPES}  # tp, pred, gold
    exact = 0
    for doc, entities in zip(docs, predictions, strict=True):
        gold = gold_pairs(doc)
        pred = predicted_pairs(entities)
        hits = set(gold) & set(pred)
        tp += len(hits)
        n_pred += len(pred)
        n_gold += len(gold)
        exact += sum(1 for key in hits if pred[key] == gold[key])
        for t in TYPES:
            g = {k for k in gold if k[1] == t}
            p = {k for k in pred if k[1] == t}
            per_type[t][0] += len(g & p)
            per_type[t][1] += len(p)
            per_type[t][2] += len(g)
        ug = {k[0] for k in gold}
        up = {k[0] for k in pred}
        utp += len(ug & up)
        un_pred += len(up)
        un_gold += len(ug)

    def prf(t: int, p: int, g: int) -> tuple[float, float, float]:
        precision = t / p if p else 0.0
        recall = t / g if g else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    return {
        "typed": prf(tp, n_pred, n_gold),
        "untyped": prf(utp, un_pred, un_gold),
        "per_type": {t: prf(*per_type[t])[2] for t in TYPES},
        "count_exact": exact / tp if tp else 0.0,
    }


def show_errors(docs: list[dict], predictions: list[list], limit: int) -> None:
    """Print the most frequent missed and spurious (string, type) pairs (local tuning aid)."""
    missed: Counter = Counter()
    spurious: Counter = Counter()
    for doc, entities in zip(docs, predictions, strict=True):
        gold = set(gold_pairs(doc))
        pred = set(predicted_pairs(entities))
        missed.update(gold - pred)
        spurious.update(pred - gold)
    print("missed:", missed.most_common(limit))
    print("spurious:", spurious.most_common(limit))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs (median is printed)")
    parser.add_argument("--errors", type=int, default=0, help="print the N commonest errors")
    args = parser.parse_args()
    if not DEV.exists():
        print(f"evaluation set {DEV} is absent; nothing to measure", file=sys.stderr)
        return 2
    docs = load_docs()

    from newsbrief import entities as stage

    started = time.process_time()
    stage.load_gazetteer()
    load_s = time.process_time() - started

    timings = []
    predictions: list[list] = []
    for _ in range(max(1, args.runs)):
        started = time.process_time()
        predictions = [stage.find_entities(doc["text"]) for doc in docs]
        timings.append(time.process_time() - started)
    seconds = statistics.median(timings)
    chars = sum(len(doc["text"]) for doc in docs)

    result = score(docs, predictions)
    p, r, f = result["typed"]
    up, ur, uf = result["untyped"]
    print(f"documents        {len(docs)}")
    print(f"typed    P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    print(f"untyped  P {up:.3f}  R {ur:.3f}  F1 {uf:.3f}")
    print("per-type F1      " + "  ".join(f"{t} {v:.3f}" for t, v in result["per_type"].items()))
    print(f"count_exact      {result['count_exact']:.3f}")
    print(f"ms_per_doc       {1000 * seconds / len(docs):.2f}  (CPU, median of {len(timings)})")
    print(f"ms_per_1000_chars {1000 * seconds / chars * 1000:.3f}")
    print(f"load_s           {load_s:.3f}  (CPU, gazetteer load in a fresh process)")
    if args.errors:
        show_errors(docs, predictions, args.errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
