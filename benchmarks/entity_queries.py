"""Entity index: what a query reads, what a brief writes, and latency on the local stack.

    python -m benchmarks.entity_queries                    # 10,000 briefs, 10 rounds
    python -m benchmarks.entity_queries --briefs 1000 --rounds 10

Starts the local stack, stores N synthetic briefs straight into its table through the store
(the briefing pipeline is not what is measured: 10,000 fetches would take an hour), then:

* per brief written: transactions, items, bytes and write units, split into the brief itself
  and its entity index (entries, counters, the ByEntitySource GSI, the head's index record);
* per query: DynamoDB calls, items and bytes read and read units, counted in-process on the
  stack's own moto server by the same code the read function runs;
* latency of each query through the stack's HTTP gateway (read function, moto), p50 and p99
  over all rounds;
* the extra cost of the index per 1,000 briefs at DynamoDB on-demand prices (printed).

The store builds each brief's transaction as always and every item of it is counted; the items
are then applied in bulk (puts in batches, counter additions summed and put once at the end)
instead of as a transaction, which ends in the same table much faster than 10,000
transactions through moto.

moto's latency is not DynamoDB's: the calls, items and bytes are the figures that carry over.
The synthetic briefs follow the shape of real ones: entities per brief as on the DEV news sets
(median ~17, long tail), names drawn Zipf-like from a made-up vocabulary (a few very frequent,
most rare), 60 sites, publication times spread over 30 days, 5 % without one.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

# On-demand prices (us-east-1, standard table class, since November 2024) and EventBridge's.
PRICE_PER_MILLION_WRU = 0.625
PRICE_PER_MILLION_RRU = 0.125
PRICE_PER_GB_MONTH = 0.25
PRICE_PER_MILLION_EVENTS = 1.00
KB = 1024
TYPES = ("PERSON", "ORGANIZATION", "LOCATION", "OTHER")
TYPE_WEIGHTS = (0.35, 0.25, 0.30, 0.10)
VOCABULARY = 6000  # distinct entities per type the synthetic news draws from
SITES = 60
DAYS = 30

_SYLLABLES = (
    "ka", "lin", "mo", "ra", "vek", "to", "sa", "ne", "dar", "vi", "lo", "ren", "ha",
    "bel", "cor", "du", "fen", "gi", "mar", "ost", "pul", "qui", "ser", "tam",
)  # fmt: skip
_ORG_SUFFIXES = ("Group", "Holdings", "Council", "University", "Party", "Agency", "Bank")
_OTHER_SUFFIXES = ("Festival", "Summit", "Act", "Cup", "Awards")


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def vocabulary(seed: int = 17) -> dict[str, list[tuple[str, list[str]]]]:
    """Per type, entity names with their short mentions, most frequent first."""
    rng = random.Random(seed)
    out: dict[str, list[tuple[str, list[str]]]] = {}
    for kind in TYPES:
        names: dict[str, list[str]] = {}
        while len(names) < VOCABULARY:
            if kind == "PERSON":
                last = _word(rng)
                name, short = f"{_word(rng)} {last}", [last]
            elif kind == "ORGANIZATION":
                first = _word(rng)
                name, short = f"{first} {rng.choice(_ORG_SUFFIXES)}", [first]
            elif kind == "LOCATION":
                name, short = _word(rng), []
            else:
                name, short = f"{_word(rng)} {rng.choice(_OTHER_SUFFIXES)}", []
            names.setdefault(name, short)
        out[kind] = list(names.items())
    return out


def _zipf_index(rng: random.Random, size: int) -> int:
    # P(rank r) ~ 1/r: a handful of names are in every other story, most appear once or twice.
    return min(size - 1, int(math.exp(rng.random() * math.log(size + 1))) - 1)


def synthetic_briefs(count: int, now: datetime, seed: int = 7) -> list[Any]:
    """``count`` briefs shaped like real ones (see the module docstring)."""
    from newsbrief.brief_schema import Brief
    from newsbrief.pipeline import brief_id

    rng = random.Random(seed)
    words = vocabulary()
    sites = [f"{_word(rng).lower()}-news.example" for _ in range(SITES)]
    briefs = []
    for n in range(count):
        site = sites[_zipf_index(rng, SITES)]
        url = f"https://www.{site}/story/{n}"
        fetched = now - timedelta(minutes=rng.randint(0, DAYS * 24 * 60))
        published = None
        if rng.random() > 0.05:
            published = (fetched - timedelta(minutes=rng.randint(0, 180))).isoformat()
        wanted = max(3, min(100, int(rng.gammavariate(2.2, 8.5))))  # median ~17, p90 ~37
        entities: dict[tuple[str, str], dict[str, Any]] = {}
        for _ in range(wanted):
            kind = rng.choices(TYPES, TYPE_WEIGHTS)[0]
            name, short = words[kind][_zipf_index(rng, VOCABULARY)]
            mentions = [name] + (short if short and rng.random() < 0.4 else [])
            entities.setdefault((kind, name), {"name": name, "type": kind, "mentions": mentions})
        ranked = sorted(entities.values(), key=lambda e: e["name"])
        rng.shuffle(ranked)
        for i, entity in enumerate(ranked):
            entity["count"] = max(1, 8 - i // 3)
        summary = [f"{_word(rng)} said the {_word(rng).lower()} plan would go ahead. " * 3] * 3
        text = " ".join(summary) * 4
        briefs.append(
            Brief(
                id=brief_id(url),
                url=url,
                canonical_url=url,
                source=site,
                title=f"{_word(rng)} {_word(rng).lower()} {_word(rng).lower()} story {n}",
                authors=["A. Writer"],
                published=published,
                language="en",
                text=text,
                word_count=len(text.split()),
                summary=summary,
                entities=ranked,
                fetched_at=fetched.isoformat(timespec="seconds"),
            )  # fmt: skip
        )
    return briefs


# ------------------------------------------------------------------ sizes and units


def item_size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it."""
    from newsbrief_aws.entity_index import item_bytes

    return item_bytes(item)


def write_units(size: int, transactional: bool) -> int:
    """Write request units for one item of ``size`` bytes (transactions cost double)."""
    return max(1, math.ceil(size / KB)) * (2 if transactional else 1)


def _counter_size(update: dict[str, Any]) -> int:
    # The item an ADD/SET leaves: its keys plus briefs, mentions, name and expires_at.
    keys = item_size(update["Key"])
    values = update["ExpressionAttributeValues"]
    name = len(values[":n"]["S"].encode()) + 4 if ":n" in values else 0
    return keys + len("briefs") + len("mentions") + 8 + name + (len("expires_at") + 6)


class WriteMeter:
    """Wraps the store's client: what each save writes, the brief's part and the index's.

    Transactions are counted item by item, then applied in bulk (see the module docstring):
    call :meth:`flush` at the end.
    """

    def __init__(self, client: Any) -> None:
        self._client = client
        self.transactions = 0
        self.totals: Counter[str] = Counter()
        self._puts: list[dict[str, Any]] = []
        self._counters: dict[tuple[str, str], dict[str, Any]] = {}
        self._table = ""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def transact_write_items(self, TransactItems: list[dict[str, Any]]) -> Any:  # noqa: N803
        self.transactions += 1
        for entry in TransactItems:
            ((kind, body),) = entry.items()
            self._table = body["TableName"]
            self._apply(kind, body)
            if kind == "Put":
                item = body["Item"]
                part = "index" if item["pk"]["S"].startswith("ENTITY#") else "brief"
                size = item_size(item)
                if part == "brief" and "index" in item:  # the head's record of its index
                    record = item_size({"index": item["index"]})
                    self.totals["indexed_entities"] += len(item["index"]["M"]["counted"]["L"])
                    self.totals["index_bytes"] += record
                    self.totals["index_wru_head"] += write_units(size, True) - write_units(
                        size - record, True
                    )
                self.totals[f"{part}_items"] += 1
                self.totals[f"{part}_bytes"] += size
                self.totals[f"{part}_wru"] += write_units(size, True)
                gsi = _gsi_writes(item)
                self.totals[f"{part}_gsi_wru"] += sum(write_units(s, False) for s in gsi)
                self.totals[f"{part}_gsi_bytes"] += sum(gsi)
            elif kind == "Update":
                size = _counter_size(body)
                self.totals["index_items"] += 1
                self.totals["index_bytes"] += size
                self.totals["index_wru"] += write_units(size, True)
                self.totals["counter_updates"] += 1
            else:
                self.totals["index_items"] += 1
                self.totals["index_wru"] += 2
        if len(self._puts) >= 1000:
            self._put_all()
        return {}

    def _apply(self, kind: str, body: dict[str, Any]) -> None:
        if kind == "Put":
            self._puts.append(body["Item"])
        elif kind == "Update":
            key = (body["Key"]["pk"]["S"], body["Key"]["sk"]["S"])
            values = body["ExpressionAttributeValues"]
            counter = self._counters.setdefault(key, {**body["Key"], "briefs": 0, "mentions": 0})
            counter["briefs"] += int(values[":b"]["N"])
            counter["mentions"] += int(values[":m"]["N"])
            for name, attribute in ((":n", "name"), (":e", "expires_at")):
                if name in values:
                    counter[attribute] = values[name]
        else:
            raise NotImplementedError("a fresh load deletes nothing")

    def _put_all(self) -> None:
        for start in range(0, len(self._puts), 25):  # BatchWriteItem takes 25 items
            requests = [{"PutRequest": {"Item": i}} for i in self._puts[start : start + 25]]
            while requests:
                out = self._client.batch_write_item(RequestItems={self._table: requests})
                requests = out.get("UnprocessedItems", {}).get(self._table, [])
        self._puts.clear()

    def flush(self) -> None:
        """Write what is buffered: the remaining puts and the summed counters."""
        for counter in self._counters.values():
            briefs, mentions = counter.pop("briefs"), counter.pop("mentions")
            counter["briefs"], counter["mentions"] = {"N": str(briefs)}, {"N": str(mentions)}
            self._puts.append(counter)
        self._counters.clear()
        self._put_all()


def _gsi_writes(item: dict[str, Any]) -> list[int]:
    """Sizes of the GSI entries one put writes (projected keys and attributes)."""
    base = item_size({k: item[k] for k in ("pk", "sk")})
    out = []
    for pk, sk, extra in (("gsi1pk", "gsi1sk", ["card"]), ("gsi2pk", "gsi2sk", ["card"]),
                          ("gsi3pk", "gsi3sk", ["card", "expires_at"])):  # fmt: skip
        if pk in item:
            projected = {k: item[k] for k in [pk, sk, *extra] if k in item}
            out.append(base + item_size(projected))
    return out


# ------------------------------------------------------------------ queries


def queries(briefs: list[Any], now: datetime) -> dict[str, dict[str, str]]:
    """The requests measured: entity listings of names common and rare, trending windows."""
    names: Counter[tuple[str, str]] = Counter()
    for brief in briefs:
        for entity in brief.entities:
            names[(entity.name, entity.type)] += 1
    ranked = names.most_common()
    top_name, top_type = ranked[0][0]
    mid_name, _ = ranked[len(ranked) // 50][0]
    rare_name, _ = ranked[-1][0]
    site = Counter(b.source for b in briefs).most_common(1)[0][0]
    # Windows end at the time the briefs were made for, not when a query runs (minutes later).
    until = now.isoformat(timespec="seconds")
    week = (now - timedelta(days=7)).isoformat(timespec="seconds")
    month = (now - timedelta(days=31)).isoformat(timespec="seconds")
    return {
        f"entity top ({ranked[0][1]} briefs)": {"entity": top_name},
        f"entity 2nd pct ({ranked[len(ranked) // 50][1]} briefs)": {"entity": mid_name},
        "entity rare (1 brief)": {"entity": rare_name},
        "entity top, type": {"entity": top_name, "type": top_type},
        "entity top, source": {"entity": top_name, "source": site},
        "entity top, last 7 days": {"entity": top_name, "since": week},
        "entity top, limit 100": {"entity": top_name, "limit": "100"},
        "entities 24 h": {},
        "entities 24 h, type": {"type": "PERSON"},
        "entities 7 days": {"since": week, "until": until},
        "entities 31 days": {"since": month, "until": until},
        "entities 31 days, type": {"since": month, "until": until, "type": "PERSON"},
        "entities 31 days, source": {"since": month, "until": until, "source": site},
    }


def read_figures(index: Any, query: dict[str, str]) -> dict[str, float]:
    """DynamoDB calls, items, bytes and read units of one request (in-process, same moto)."""
    from newsbrief_aws.entity_index import QueryStats

    index.stats = stats = QueryStats()
    started = time.perf_counter()
    args = {k: v for k, v in query.items() if k not in ("entity", "type", "limit")}
    if "entity" in query:
        index.list_briefs(query["entity"], entity_type=query.get("type"),
                          limit=int(query.get("limit", 20)), **args)  # fmt: skip
    else:
        index.top_entities(entity_type=query.get("type"), **args)
    index.stats = None
    return {
        "direct_ms": (time.perf_counter() - started) * 1000,
        "calls": stats.calls, "items": stats.items, "bytes": stats.bytes,
        "rru": stats.read_units(),
    }  # fmt: skip


def http_get(url: str, api_key: str, path: str) -> tuple[int, float]:
    """One GET through the stack's gateway: status and seconds."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    started = time.perf_counter()
    conn.request("GET", path, headers={"x-api-key": api_key})
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    return response.status, elapsed


def _pct(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


# ------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    """Load the briefs, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefs", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10, help="HTTP requests per query")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)

    from newsbrief_local.launcher import start_stack_process

    print("starting the local stack...", flush=True)
    stack = start_stack_process(["--quiet", "--concurrency", "1"], api_key="bench-key")
    try:
        return _run(stack, args)
    finally:
        stack.stop()


def _run(stack: Any, args: argparse.Namespace) -> int:
    import boto3
    from newsbrief_aws.entity_index import EntityIndex
    from newsbrief_aws.store import BriefStore

    now = datetime.now(UTC)
    os.environ.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
                       "AWS_DEFAULT_REGION": "us-east-1"})  # fmt: skip
    from botocore.config import Config

    # moto is slower than DynamoDB by orders of magnitude on big tables: no SDK timeout.
    patient = Config(read_timeout=600, retries={"mode": "standard", "max_attempts": 1})
    client = boto3.client("dynamodb", endpoint_url=stack.moto_endpoint, config=patient)
    table = "newsbrief-local-Table"  # the local stack's name for template.yaml's Table
    meter = WriteMeter(client)
    store = BriefStore(table, client=meter)
    briefs = synthetic_briefs(args.briefs, now)
    started = time.perf_counter()
    for n, brief in enumerate(briefs, 1):
        store.save_brief(brief)
        if n % 500 == 0:
            print(f"  stored {n} briefs ({time.perf_counter() - started:.0f} s)", flush=True)
    meter.flush()
    t = meter.totals
    per = {k: v / len(briefs) for k, v in t.items()}
    entities = statistics.mean(len(b.entities) for b in briefs)
    print(f"\n{len(briefs)} briefs stored in {time.perf_counter() - started:.0f} s "
          f"({meter.transactions / len(briefs):.2f} transactions per brief; "
          f"{entities:.1f} entities per brief, {per['indexed_entities']:.1f} indexed)")  # fmt: skip
    print("\nwritten per brief        items     bytes   WRU (+GSI WRU)")
    print(
        f"  brief (head, GSIs)  {per['brief_items']:7.1f} {per['brief_bytes']:9.0f}"
        f" {per['brief_wru'] - per['index_wru_head']:6.1f} (+{per['brief_gsi_wru']:.1f})"
    )
    index_wru = per["index_wru"] + per["index_wru_head"]
    print(f"  entity index        {per['index_items']:7.1f} {per['index_bytes']:9.0f}"
          f" {index_wru:6.1f} (+{per['index_gsi_wru']:.1f})"
          f"   [{per['counter_updates']:.1f} counter updates]")  # fmt: skip

    index = EntityIndex(table, client)
    figures: dict[str, dict[str, float]] = {}
    # p50/p99: through the stack's gateway and read function (29 s timeout, as API Gateway);
    # direct: the same reads called in this process on the stack's moto, once.
    print(f"\n{'query':<34}{'calls':>6}{'items':>7}{'KB read':>9}{'RRU':>7}"
          f"{'p50 ms':>9}{'p99 ms':>9}{'direct ms':>10}")  # fmt: skip
    for name, query in queries(briefs, now).items():
        reads = read_figures(index, query)
        path = ("/articles?" if "entity" in query else "/entities?") + urlencode(
            query, quote_via=quote
        )
        times, failed = [], Counter()
        for _ in range(args.rounds):
            status, seconds = http_get(stack.url, stack.api_key, path)
            times.append(seconds * 1000)
            if status != 200:
                failed[status] += 1
        reads["p50_ms"], reads["p99_ms"] = _pct(times, 50), _pct(times, 99)
        figures[name] = reads
        print(f"{name:<34}{reads['calls']:>6.0f}{reads['items']:>7.0f}"
              f"{reads['bytes'] / KB:>9.1f}{reads['rru']:>7.1f}"
              f"{reads['p50_ms']:>9.0f}{reads['p99_ms']:>9.0f}{reads['direct_ms']:>10.0f}"
              + (f"  HTTP {dict(failed)}" if failed else ""), flush=True)  # fmt: skip

    # The index's extra cost per 1,000 briefs: its writes, its storage, the events.
    storage_gb = (per["index_bytes"] + per["index_gsi_bytes"] + 100 * per["index_items"]) / 1e9
    write_cost = (index_wru + per["index_gsi_wru"]) * 1000 / 1e6 * PRICE_PER_MILLION_WRU
    storage_cost = storage_gb * 1000 * PRICE_PER_GB_MONTH
    event_cost = 1000 / 1e6 * PRICE_PER_MILLION_EVENTS
    print(f"\nextra per 1,000 briefs: writes ${write_cost:.4f}, storage ${storage_cost:.5f} a "
          f"month, BriefCreated events ${event_cost:.4f}: ${write_cost + event_cost:.4f} once "
          f"+ ${storage_cost:.5f}/month")  # fmt: skip
    print(f"prices: ${PRICE_PER_MILLION_WRU}/M WRU, ${PRICE_PER_MILLION_RRU}/M RRU, "
          f"${PRICE_PER_GB_MONTH}/GB-month (DynamoDB on-demand, us-east-1), "
          f"${PRICE_PER_MILLION_EVENTS}/M custom events (EventBridge)")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"per_brief": per, "queries": figures}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
