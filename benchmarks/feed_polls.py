"""Feed polling at scale (issue 7): one scheduled run over 10 feeds x 50 new items.

    python -m benchmarks.feed_polls              # both parts below
    python -m benchmarks.feed_polls --part count # only the in-process request accounting
    python -m benchmarks.feed_polls --part stack --runs 3

Part "count" runs the scheduler and worker handlers in-process on moto (tables and queues from
template.yaml) and counts every DynamoDB and SQS request through botocore's event hooks, with
estimated capacity units from item sizes, plus Lambda invocations and their durations (wall and
CPU). It prints them per 1,000 articles, the inputs of a cost estimate.

Part "stack" starts the local stack (`make run` in a child process, schedules sped up), makes
the 10 feeds due and times, per run (median of --runs, fresh articles each run): the scheduled
run (due -> every feed polled and its 50 articles queued) and the drain (-> every article
briefed by the worker processes).

Ten loopback "sites" (one port each, so ten hosts) each serve a feed and 50 distinct article
pages built from the fixture pages; robots.txt sets Crawl-delay 0 so pacing does not dominate
the timing (with the default 1 s per host, 50 articles of one site are spread over 49 s by
design).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import signal
import statistics
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PAGES = sorted((REPO / "tests" / "fixtures" / "local_stack").glob("*.html"))
FEEDS = 10
ITEMS = 50
WORKER_BATCH = 5  # template.yaml: WorkerFunction Briefs BatchSize
PAST = "2000-01-01T00:00:00+00:00"
STALL_S = 60.0  # the drain is given up when no brief was added for this long


# ------------------------------------------------------------------ the sites


class Site:
    """One news site on its own loopback port: robots.txt, /feed.xml and /a/<run>/<n>."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.run = 0
        self.items = 0
        pages = [p.read_text(encoding="utf-8") for p in PAGES]
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _send(self, body: bytes, kind: str, status: int = 200) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                if self.path == "/robots.txt":
                    self._send(b"User-agent: *\nCrawl-delay: 0\n", "text/plain")
                elif self.path == "/feed.xml":
                    self._send(outer.feed(), "application/rss+xml")
                elif match := re.fullmatch(r"/a/(\d+)/(\d+)", self.path):
                    n = int(match.group(2))
                    own = f"{outer.base}{self.path}"
                    html = pages[(n + outer.index) % len(pages)]
                    html = re.sub(r'(<link rel="canonical" href=")[^"]*', rf"\g<1>{own}", html)
                    # A distinct title per article: a real site's articles differ.
                    html = html.replace("<title>", f"<title>Site {outer.index} story {n}: ", 1)
                    self._send(html.encode("utf-8"), "text/html; charset=utf-8")
                else:
                    self._send(b"not found", "text/plain", 404)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def feed(self) -> bytes:
        items = "".join(
            f"<item><title>Story {n}</title><link>{self.base}/a/{self.run}/{n}</link>"
            f"<pubDate>Thu, 26 Nov 2026 {n // 60:02d}:{n % 60:02d}:00 +0000</pubDate></item>"
            for n in range(self.items)
        )
        title = f"<title>Site {self.index}</title>"
        return f'<rss version="2.0"><channel>{title}{items}</channel></rss>'.encode()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


# ------------------------------------------------------------------ part 1: request accounting


def _size(item: dict[str, Any]) -> int:
    """DynamoDB's size of an item: attribute names plus values (B counts raw bytes)."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: Any) -> int:
    # Request values are boto3 Python values (client calls go through TypeSerializer output:
    # {"S": ...}); response values too. Maps and lists add 3 bytes plus 1 per element.
    ((kind, raw),) = value.items()
    if kind == "S":
        return len(raw.encode())
    if kind == "N":
        return len(str(raw))
    if kind == "B":
        return len(raw)
    if kind == "BOOL" or kind == "NULL":
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + _value_size(v) + 1 for k, v in raw.items())
    if kind == "L":
        return 3 + sum(_value_size(v) + 1 for v in raw)
    return len(json.dumps(raw, default=str))  # sets: close enough


class Meter:
    """Counts AWS requests and estimates DynamoDB capacity units from item sizes."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.wru = 0.0
        self.rru = 0.0
        self.paused = False  # the benchmark's own requests (draining the queue) do not count

    def before(self, event_name: str, params: dict[str, Any], **_: Any) -> None:
        if self.paused:
            return
        _, service, op = event_name.split(".")[:3]
        self.calls[f"{service}.{op}"] += 1
        if service != "dynamodb":
            return
        if op == "PutItem":
            self.wru += math.ceil(_size(params["Item"]) / 1024)
        elif op == "UpdateItem":
            self.wru += 2  # the feed item with its card is just over 1 KB
        elif op == "DeleteItem":
            self.wru += 1
        elif op == "BatchWriteItem":
            for requests in params["RequestItems"].values():
                for r in requests:
                    item = r.get("PutRequest", {}).get("Item")
                    self.wru += math.ceil(_size(item) / 1024) if item else 1
        elif op == "TransactWriteItems":
            for entry in params["TransactItems"]:
                item = entry.get("Put", {}).get("Item")
                self.wru += 2 * (math.ceil(_size(item) / 1024) if item else 1)

    def after(self, event_name: str, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if self.paused:
            return
        _, service, op = event_name.split(".")[:3]
        if service != "dynamodb":
            return
        if op == "GetItem":
            self.rru += max(1, math.ceil(_size(parsed.get("Item", {})) / 4096))
        elif op == "Query":
            size = sum(_size(i) for i in parsed.get("Items", []))
            self.rru += max(1, math.ceil(size / 4096)) * 0.5  # eventually consistent
        elif op == "BatchGetItem":
            for items in parsed.get("Responses", {}).values():
                self.rru += sum(0.5 * max(1, math.ceil(_size(i) / 4096)) for i in items)
        elif op == "TransactGetItems":
            for r in parsed.get("Responses", []):
                self.rru += 2 * max(1, math.ceil(_size(r.get("Item", {})) / 4096))


def count_briefs(dynamodb: Any, table: str) -> int:
    """Stored briefs (every page of the listing index: COUNT is per 1 MB page)."""
    kwargs: dict[str, Any] = {
        "TableName": table, "IndexName": "ByRecency", "KeyConditionExpression": "gsi1pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "BRIEFS"}}, "Select": "COUNT",
    }  # fmt: skip
    total = 0
    while True:
        out = dynamodb.query(**kwargs)
        total += out["Count"]
        if "LastEvaluatedKey" not in out:
            return total
        kwargs["ExclusiveStartKey"] = out["LastEvaluatedKey"]


def count_part() -> dict[str, Any]:
    """One scheduled run + the worker draining it, in-process on moto, every request counted."""
    import boto3
    from moto import mock_aws

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1", "NEWSBRIEF_ALLOW_LOOPBACK": "1",
        "POWERTOOLS_METRICS_NAMESPACE": "newsbrief", "POWERTOOLS_LOG_LEVEL": "WARNING",
    }.items():  # fmt: skip
        os.environ[name] = value
    os.environ.pop("AWS_ENDPOINT_URL", None)
    meter = Meter()
    sites = [Site(i) for i in range(FEEDS)]
    os.environ["NEWSBRIEF_ALLOWED_PORTS"] = ",".join(s.base.rsplit(":", 1)[1] for s in sites)
    with mock_aws():
        from newsbrief_aws import bootstrap, feed_polling
        from newsbrief_local.runtime import LambdaContext
        from newsbrief_local.template import deploy_template

        dynamodb = boto3.client("dynamodb")
        sqs = boto3.client("sqs")
        stack = deploy_template(dynamodb, sqs)
        for name, value in stack.function("SchedulerFunction").environment.items():
            os.environ[name] = value
        bootstrap.reset()
        feed_polling.reset()
        from functions.scheduler.app import handler as scheduler
        from functions.worker.app import handler as worker

        # Every request of the functions goes through these two clients (built once, lazily).
        for client in (bootstrap.store().client, bootstrap.queue().client):
            client.meta.events.register("before-parameter-build", meter.before)
            client.meta.events.register("after-call", meter.after)

        poller = feed_polling.poller()
        for site in sites:  # registered while empty: the scheduled run finds 50 new each
            poller.register(f"{site.base}/feed.xml", 30)
            site.items = ITEMS
        store = bootstrap.feed_store()
        for site in sites:
            from newsbrief.pipeline import brief_id

            feed = store.get_feed(brief_id(f"{site.base}/feed.xml"))
            feed.next_poll_at = PAST
            store.save_feed(feed)
        meter.calls.clear()
        meter.wru = meter.rru = 0.0

        event = json.loads((REPO / "events" / "scheduler.json").read_text())
        wall, cpu = time.perf_counter(), time.process_time()
        report = scheduler(event, LambdaContext("bench", 1024, 300, "us-east-1"))
        sched = (time.perf_counter() - wall, time.process_time() - cpu)
        sched_calls = Counter(meter.calls)
        sched_units = (meter.wru, meter.rru)

        queue_url = stack.queue_url("BriefQueue")
        worker_runs: list[tuple[float, float]] = []
        failures = 0
        template = json.loads((REPO / "events" / "worker_sqs.json").read_text())["Records"][0]
        while True:
            meter.paused = True
            out = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=WORKER_BATCH)
            meter.paused = False
            messages = out.get("Messages", [])
            if not messages:
                break
            records = []
            for m in messages:
                record = json.loads(json.dumps(template))
                record.update(messageId=m["MessageId"], body=m["Body"])
                records.append(record)
            wall, cpu = time.perf_counter(), time.process_time()
            result = worker({"Records": records}, LambdaContext("bench", 1024, 300, "us-east-1"))
            worker_runs.append((time.perf_counter() - wall, time.process_time() - cpu))
            failures += len(result.get("batchItemFailures", []))
            meter.paused = True
            sqs.delete_message_batch(
                QueueUrl=queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                         for i, m in enumerate(messages)],
            )  # fmt: skip
        meter.paused = True
        briefs = count_briefs(dynamodb, stack.physical_id("Table"))
    for site in sites:
        site.stop()
    return {
        "report": report,
        "briefs": briefs,
        "worker_failures": failures,
        "scheduler": {
            "wall_s": sched[0],
            "cpu_s": sched[1],
            "calls": dict(sched_calls),
            "wru": sched_units[0],
            "rru": sched_units[1],
        },  # fmt: skip
        "worker_invocations": len(worker_runs),
        "worker_wall_s": [w for w, _ in worker_runs],
        "worker_cpu_s": [c for _, c in worker_runs],
        "calls": {k: v for k, v in meter.calls.items() if v},
        "wru": meter.wru,
        "rru": meter.rru,
    }


def print_counts(result: dict[str, Any]) -> None:
    articles = FEEDS * ITEMS
    scale = 1000 / articles
    print(f"== request accounting: one scheduled run, {FEEDS} feeds x {ITEMS} new items ==")
    print(f"scheduler report: {result['report']}")
    print(f"briefs stored: {result['briefs']} (worker batch failures: {result['worker_failures']})")
    s = result["scheduler"]
    print(f"scheduler invocation: wall {s['wall_s']:.2f} s, CPU {s['cpu_s']:.2f} s")
    print(f"scheduler requests: {s['calls']}  (~{s['wru']:.0f} WRU, ~{s['rru']:.0f} RRU)")
    walls, cpus = result["worker_wall_s"], result["worker_cpu_s"]
    if walls:
        print(
            f"worker: {result['worker_invocations']} invocations of {WORKER_BATCH} messages, "
            f"median wall {statistics.median(walls) * 1000:.0f} ms, "
            f"median CPU {statistics.median(cpus) * 1000:.0f} ms, "
            f"total wall {sum(walls):.1f} s"
        )
    print("per 1,000 articles:")
    ddb = {
        k: round(v * scale) for k, v in sorted(result["calls"].items()) if k.startswith("dynamodb")
    }
    sqs = {k: round(v * scale) for k, v in sorted(result["calls"].items()) if k.startswith("sqs")}
    print(f"  DynamoDB requests: {sum(ddb.values())} {ddb}")
    print(f"  DynamoDB capacity (estimated from item sizes): ~{result['wru'] * scale:.0f} WRU, "
          f"~{result['rru'] * scale:.0f} RRU")  # fmt: skip
    print(f"  SQS requests (sends; the SQS poller adds ~2 per batch): {sum(sqs.values())} {sqs}")
    lambda_invocations = (1 + result["worker_invocations"]) * scale
    gb_s = (s["wall_s"] + sum(walls)) * scale * 1.0  # 1024 MB functions
    print(f"  Lambda invocations: {lambda_invocations:.0f} (scheduler {scale:.0f}, worker "
          f"{result['worker_invocations'] * scale:.0f}), ~{gb_s:.0f} GB-s at 1024 MB "
          "(loopback fetches: real sites add their latency)")  # fmt: skip


# ------------------------------------------------------------------ part 2: the local stack


def stack_part(runs: int) -> dict[str, Any]:
    """Median time of a scheduled run and of the drain on the local stack."""
    import boto3
    from newsbrief_local.launcher import start_stack_process

    sites = [Site(i) for i in range(FEEDS)]
    # 5-minute ticks every 2.5 s; failed messages retry after a few seconds.
    child = start_stack_process(["--quiet", "--speedup", "120"], api_key="bench-key")
    poll_times: list[float] = []
    drain_times: list[float] = []
    try:
        import http.client
        from urllib.parse import urlsplit

        parts = urlsplit(child.url)

        def request(method: str, path: str, body: Any = None) -> tuple[int, Any]:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
            data = json.dumps(body).encode() if body is not None else None
            conn.request(
                method,
                path,
                body=data,
                headers={"x-api-key": "bench-key", "Content-Type": "application/json"},
            )
            resp = conn.getresponse()
            raw = resp.read()
            conn.close()
            return resp.status, json.loads(raw) if raw else None

        ddb = boto3.client("dynamodb", endpoint_url=child.moto_endpoint, region_name="us-east-1",
                           aws_access_key_id="local", aws_secret_access_key="local")  # fmt: skip
        (table,) = ddb.list_tables()["TableNames"]
        ids = []
        for site in sites:
            status, body = request("POST", "/feeds", {"url": f"{site.base}/feed.xml"})
            if status != 201:
                sys.exit(f"cannot register a feed: {status} {body}")
            ids.append(body["id"])

        def brief_count() -> int:
            return count_briefs(ddb, table)

        for run in range(1, runs + 1):
            for site in sites:
                site.run, site.items = run, ITEMS
            before = brief_count()
            start = time.perf_counter()
            for feed_id in ids:
                ddb.update_item(
                    TableName=table, Key={"pk": {"S": f"FEED#{feed_id}"}, "sk": {"S": "FEED"}},
                    UpdateExpression="SET next_poll_at = :t, gsi2sk = :k",
                    ExpressionAttributeValues={":t": {"S": PAST}, ":k": {"S": f"{PAST}#{feed_id}"}},
                )  # fmt: skip
            polled = set()
            while len(polled) < len(ids) and time.perf_counter() - start < 300:
                for feed_id in ids:
                    _, feed = request("GET", f"/feeds/{feed_id}")
                    if feed["next_poll_at"] > PAST and feed["article_count"] >= run * ITEMS:
                        polled.add(feed_id)
                time.sleep(0.2)
            poll_times.append(time.perf_counter() - start)
            print(f"run {run}: scheduled run {poll_times[-1]:.1f} s", flush=True)
            target = before + FEEDS * ITEMS
            count, progress_at = brief_count(), time.perf_counter()
            while count < target and time.perf_counter() - progress_at < STALL_S:
                time.sleep(0.5)
                now_count = brief_count()
                if now_count > count:
                    count, progress_at = now_count, time.perf_counter()
            if count < target:
                print(f"run {run}: only {count - before} of {FEEDS * ITEMS} briefed, no progress "
                      f"for {STALL_S:.0f} s (see the stack's log)", flush=True)  # fmt: skip
                break
            drain_times.append(time.perf_counter() - start)
            print(f"run {run}: all {FEEDS * ITEMS} briefed {drain_times[-1]:.1f} s", flush=True)
    finally:
        child.stop()
        for site in sites:
            site.stop()
    return {"poll": poll_times, "drain": drain_times}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["count", "stack", "both"], default="both")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    # A SIGTERM (e.g. `timeout`) must still run the finally blocks that stop the stack.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.part in ("count", "both"):
        print_counts(count_part())
    if args.part in ("stack", "both"):
        times = stack_part(args.runs)
        print(f"== local stack: {FEEDS} feeds x {ITEMS} items, median of {args.runs} runs ==")
        print(
            f"scheduled run (due -> all feeds polled, {FEEDS * ITEMS} queued): "
            f"{statistics.median(times['poll']):.1f} s (includes up to one 2.5 s tick wait)"
        )
        if times["drain"]:
            drain = statistics.median(times["drain"])
            print(f"due -> every article briefed: {drain:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
