"""Load test of the local stack (issue 8): 32 concurrent clients for a fixed time.

    python -m benchmarks.load                       # starts its own local stack
    python -m benchmarks.load --duration 60 --clients 64
    python -m benchmarks.load --url http://127.0.0.1:3000 --api-key KEY   # a running `make run`

The stack runs in another process; this one serves a few realistic article pages on loopback
(each URL a distinct article, so creates really brief) and drives a mix of requests: brief a new
URL, brief an already briefed URL, read a brief, list a page, list the briefs naming an entity
of a brief made earlier, list the most briefed entities of the last day. It prints
requests/s, latency percentiles (overall and per kind), errors by status, the stack's CPU time
per request (less noisy than wall time on a shared machine), and finally reads back every brief
the API accepted.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit

PAGES_DIR = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "local_stack"
# Request mix (weights): new briefs are the expensive path, reads the common one.
MIX = {"create": 3, "create_again": 1, "read": 4, "list": 2, "entity": 2, "trending": 1}
REQUEST_TIMEOUT_S = 60.0
MAX_REQUESTS_PER_CLIENT = 100_000  # bound on every client loop besides the deadline


# ------------------------------------------------------------------ the article site


class ArticleSite:
    """Serves the fixture pages at /a/<n>/<name>; each URL is its own canonical article."""

    def __init__(self) -> None:
        self.pages = {p.stem: p.read_text(encoding="utf-8") for p in PAGES_DIR.glob("*.html")}
        if not self.pages:
            sys.exit(f"no fixture pages in {PAGES_DIR}")
        pages = self.pages

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                match = re.fullmatch(r"/a/(\d+)/(\w+)", self.path)
                html = pages.get(match.group(2)) if match else None
                if html is None:
                    self.send_error(404)
                    return
                own = f"http://{self.headers.get('Host')}{self.path}"
                body = re.sub(r'(<link rel="canonical" href=")[^"]*', rf"\g<1>{own}", html)
                data = body.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._counter = itertools.count()
        self._names = sorted(self.pages)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def new_url(self) -> str:
        """A URL never handed out before."""
        n = next(self._counter)
        return f"{self.base}/a/{n}/{self._names[n % len(self._names)]}"

    def stop(self) -> None:
        """Stop serving."""
        self._httpd.shutdown()
        self._httpd.server_close()


# ------------------------------------------------------------------ the clients


@dataclass
class Results:
    """What every client saw, merged under a lock."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)  # (kind, status or exception name)
    accepted: dict[str, str] = field(default_factory=dict)  # brief id -> URL
    entities: set[str] = field(default_factory=set)  # names of the accepted briefs' entities
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client(threading.Thread):
    """One user with a keep-alive connection, looping until the deadline."""

    def __init__(
        self, url: str, api_key: str, site: ArticleSite, results: Results, deadline: float,
        seed: int,
    ) -> None:
        super().__init__(daemon=True)
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.api_key = api_key
        self.site = site
        self.results = results
        self.deadline = deadline
        self.random = random.Random(seed)
        self.conn: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        """One request on the keep-alive connection (reconnects after a failure)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT_S)
        headers = {"x-api-key": self.api_key}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise

    def run(self) -> None:
        """Pick a request kind by MIX, send it, record latency and outcome."""
        kinds, weights = list(MIX), list(MIX.values())
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= self.deadline:
                break
            kind = self.random.choices(kinds, weights)[0]
            with self.results.lock:
                known = list(self.results.accepted.items())
                names = sorted(self.results.entities)
            if kind in ("create_again", "read") and not known or kind == "entity" and not names:
                kind = "create"
            if kind == "create":
                method, path, body = "POST", "/articles", {"url": self.site.new_url()}
            elif kind == "create_again":
                method, path, body = "POST", "/articles", {"url": self.random.choice(known)[1]}
            elif kind == "read":
                method, path, body = "GET", f"/articles/{self.random.choice(known)[0]}", None
            elif kind == "entity":
                name = quote(self.random.choice(names))
                method, path, body = "GET", f"/articles?entity={name}&limit=10", None
            elif kind == "trending":
                method, path, body = "GET", "/entities?limit=20", None
            else:
                method, path, body = "GET", "/articles?limit=10", None
            started = time.perf_counter()
            try:
                status, raw = self.call(method, path, body)
            except (OSError, http.client.HTTPException) as exc:
                with self.results.lock:
                    self.results.errors[(kind, type(exc).__name__)] += 1
                continue
            elapsed = time.perf_counter() - started
            with self.results.lock:
                self.results.latencies[kind].append(elapsed)
                self.results.statuses[status] += 1
                if status >= 400:
                    self.results.errors[(kind, status)] += 1
                elif kind == "create":
                    brief = json.loads(raw)
                    self.results.accepted[brief["id"]] = body["url"]  # type: ignore[index]
                    self.results.entities.update(e["name"] for e in brief["entities"][:5])
        if self.conn is not None:
            self.conn.close()


# ------------------------------------------------------------------ measurement


def _tree_cpu_seconds(pid: int) -> float | None:
    """User+system CPU of a process and its live descendants (Linux /proc), else None."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total, todo, seen = 0, [pid], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            stat = Path(f"/proc/{current}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except (OSError, IndexError, ValueError):
            if current == pid:
                return None
    return total / tick


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _ms(value: float) -> str:
    return f"{value * 1000:8.1f}"


def report(results: Results, wall: float, cpu: float | None, readback: tuple[int, int]) -> dict:
    """Print the numbers and return them as a dict (for --json)."""
    every = [v for values in results.latencies.values() for v in values]
    total = len(every)
    print(f"requests: {total} in {wall:.1f} s  ->  {total / wall:.1f} requests/s")
    print(f"{'kind':<14}{'count':>7}{'p50 ms':>10}{'p90 ms':>10}{'p99 ms':>10}")
    summary: dict = {"requests": total, "seconds": wall, "rps": total / wall, "kinds": {}}
    for kind in [*MIX, "all"]:
        values = every if kind == "all" else results.latencies.get(kind, [])
        if not values:
            continue
        p50, p90, p99 = (percentile(values, q) for q in (50, 90, 99))
        print(f"{kind:<14}{len(values):>7}  {_ms(p50)}  {_ms(p90)}  {_ms(p99)}")
        summary["kinds"][kind] = {"count": len(values), "p50": p50, "p90": p90, "p99": p99}
    print("status counts:", dict(sorted(results.statuses.items())))
    errors = {
        f"{kind}:{status}": n for (kind, status), n in sorted(results.errors.items(), key=str)
    }
    print("errors:", errors or "none")
    summary["statuses"] = dict(results.statuses)
    summary["errors"] = errors
    if cpu is not None and total:
        print(f"stack CPU: {cpu:.1f} s  ->  {cpu / total * 1000:.1f} ms CPU per request")
        summary["stack_cpu_s"] = cpu
    readable, accepted = readback
    print(f"read-back: {readable}/{accepted} accepted briefs readable")
    summary["readable"], summary["accepted"] = readable, accepted
    return summary


def read_back(url: str, api_key: str, site: ArticleSite, results: Results) -> tuple[int, int]:
    """GET every accepted brief once more: the final consistency check."""
    client = Client(url, api_key, site, results, deadline=0, seed=0)
    readable = 0
    for brief_id in list(results.accepted):
        try:
            status, _ = client.call("GET", f"/articles/{brief_id}")
        except (OSError, http.client.HTTPException):
            continue
        readable += status == 200
    return readable, len(results.accepted)


def _loopback(url: str) -> str:
    from newsbrief_local.server import is_loopback_host

    if not is_loopback_host(urlsplit(url).hostname or ""):
        raise SystemExit(f"--url must be a loopback address, got {url}")
    return url.rstrip("/")


def main(argv: list[str] | None = None) -> int:
    """Run the load test and print its numbers."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients")
    parser.add_argument("--url", type=_loopback, help="a running local stack (default: start one)")
    parser.add_argument("--api-key", help="its API key (with --url)")
    parser.add_argument("--concurrency", type=int, help="processes per function (own stack)")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args(argv)
    if args.url and not args.api_key:
        parser.error("--url needs --api-key")

    stack = None
    if args.url:
        url, api_key = args.url, args.api_key
    else:
        from newsbrief_local.launcher import start_stack_process

        extra = ["--quiet"] + (["--concurrency", str(args.concurrency)] if args.concurrency else [])
        print("starting the local stack...", flush=True)
        stack = start_stack_process(extra, api_key="load-test-key")
        url, api_key = stack.url, stack.api_key
    site = ArticleSite()
    results = Results()
    try:
        # One warm-up brief so the first measured requests do not pay lazy imports.
        Client(url, api_key, site, results, 0, 0).call("POST", "/articles", {"url": site.new_url()})
        cpu_before = _tree_cpu_seconds(stack.pid) if stack else None
        started = time.monotonic()
        deadline = started + args.duration
        clients = [
            Client(url, api_key, site, results, deadline, seed) for seed in range(args.clients)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=args.duration + REQUEST_TIMEOUT_S + 5)
        wall = time.monotonic() - started
        cpu_after = _tree_cpu_seconds(stack.pid) if stack else None
        cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
        print(f"\n{args.clients} clients, {args.duration:g} s, stack at {url}")
        summary = report(results, wall, cpu, read_back(url, api_key, site, results))
        if args.json:
            args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    finally:
        site.stop()
        if stack is not None:
            stack.stop()
    return 0 if summary["readable"] == summary["accepted"] else 1


if __name__ == "__main__":
    sys.exit(main())
