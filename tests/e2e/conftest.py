"""The end-to-end suite's targets: the local stack (as `make run` starts it) or a deployment.

By default each module starts the local stack in a subprocess and talks HTTP to it. With
``NEWSBRIEF_SMOKE_URL`` and ``NEWSBRIEF_SMOKE_KEY`` set (``make smoke API_URL=... API_KEY=...``)
the same tests speak to that deployment instead: read-only, unless ``NEWSBRIEF_SMOKE_PAGES``
names where tests/fixtures/smoke is published, in which case the tests marked ``writes``
brief those pages too (each run under its own query string: ``?smoke-run=<id>``). Tests that
need the local stack's insides (its queues, its moto server, pages on loopback) skip there.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from newsbrief_local.aws_calls import RECORD_DIR_ENV
from newsbrief_local.launcher import StackDidNotStart, StackProcess, start_stack_process

from tests.conftest import REPO_ROOT
from tests.support import call_log
from tests.support.loopback import LoopbackServer, Response

PAGES = REPO_ROOT / "tests" / "fixtures" / "local_stack"
# Pages a smoke run may brief on a deployment (published by the operator, see README).
SMOKE_PAGES = REPO_ROOT / "tests" / "fixtures" / "smoke"
API_KEY = "e2e-test-key"
# The template's 1080 s visibility timeout becomes 1.5 s: failed messages retry promptly.
SPEEDUP = 720
# One process per function: the tests send one request at a time, and every extra process is a
# cold start on a shared two-core machine (benchmarks/load.py exercises concurrency).
CONCURRENCY = 1
SMOKE_URL_ENV = "NEWSBRIEF_SMOKE_URL"
SMOKE_KEY_ENV = "NEWSBRIEF_SMOKE_KEY"
SMOKE_PAGES_ENV = "NEWSBRIEF_SMOKE_PAGES"


def smoke_target() -> tuple[str, str] | None:
    """``(base URL, API key)`` of the deployment to test, ``None`` for the local stack."""
    url = os.environ.get(SMOKE_URL_ENV, "").strip()
    if not url:
        return None
    key = os.environ.get(SMOKE_KEY_ENV, "").strip()
    if not key:
        raise pytest.UsageError(f"{SMOKE_URL_ENV} is set but {SMOKE_KEY_ENV} is not")
    if urlsplit(url).scheme not in ("http", "https"):
        raise pytest.UsageError(f"{SMOKE_URL_ENV} must be an http(s) URL, got {url!r}")
    return url.rstrip("/"), key


@dataclass
class Reply:
    """An HTTP answer with its JSON body decoded (None when not JSON)."""

    status: int
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.raw)
        except ValueError:
            return None

    @property
    def code(self) -> str | None:
        body = self.json
        return body.get("error", {}).get("code") if isinstance(body, dict) else None


@dataclass
class ApiTarget:
    """An API to test: its base URL (the stage path included) and its key."""

    url: str
    api_key: str

    @property
    def deployed(self) -> bool:
        """Whether this is a deployment rather than the local stack."""
        return not isinstance(self, RunningStack)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        key: str | None = "default",
        headers: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> Reply:
        """Send one request; ``key="default"`` sends the target's API key, None sends none."""
        parts = urlsplit(self.url)
        connection = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        conn = connection(parts.hostname, parts.port, timeout=timeout)
        hdrs = dict(headers or {})
        if key is not None:
            hdrs["x-api-key"] = self.api_key if key == "default" else key
        data: bytes | None = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        try:
            conn.request(method, parts.path.rstrip("/") + path, body=data, headers=hdrs)
            resp = conn.getresponse()
            return Reply(resp.status, dict(resp.getheaders()), resp.read())
        finally:
            conn.close()

    def wait_for(self, path: str, status: int = 200, timeout: float = 30) -> Reply:
        """Poll GET ``path`` until it answers ``status`` (bounded by ``timeout``)."""
        deadline = time.monotonic() + timeout
        reply = self.request("GET", path)
        while reply.status != status and time.monotonic() < deadline:
            time.sleep(0.3 if not self.deployed else 2.0)
            reply = self.request("GET", path)
        return reply


@dataclass
class RunningStack(ApiTarget):
    """A local stack subprocess: its URL, key and moto endpoint, and an HTTP helper."""

    moto_endpoint: str = ""
    process: StackProcess | None = None
    output: list[str] = field(default_factory=list)
    calls: Path | None = None  # where its functions record their AWS calls
    events_log: Path | None = None  # where the stack writes its bus's events

    def events(self) -> list[dict[str, Any]]:
        """The events the stack's functions sent so far, oldest first."""
        assert self.events_log is not None
        lines = self.events_log.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines]

    def sqs(self) -> Any:
        """A boto3 SQS client on the stack's moto server (to look at queues as an operator)."""
        import boto3

        return boto3.client(
            "sqs",
            endpoint_url=self.moto_endpoint,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )


def start_stack(extra_args: list[str] | None = None, env: dict[str, str] | None = None) -> Any:
    """Start ``python -m newsbrief_local`` on a free port; returns a RunningStack.

    Its functions record the AWS calls they make (the least-privilege evidence). Skips the
    calling test when the suite targets a deployment.
    """
    if smoke_target() is not None:
        pytest.skip("needs the local stack (its queues, its moto server or pages on loopback)")
    calls = Path(tempfile.mkdtemp(prefix="newsbrief-calls-"))
    # Each stack its own event log: the default one in .local/ is the developer's.
    events_log = calls / "events" / "events.jsonl"
    try:
        child = start_stack_process(
            ["--quiet", "--speedup", str(SPEEDUP), "--concurrency", str(CONCURRENCY),
             "--events-log", str(events_log)] + (extra_args or []),
            env={**(env or {}), RECORD_DIR_ENV: str(calls)},
            api_key=API_KEY,
        )  # fmt: skip
    except StackDidNotStart as exc:
        pytest.fail(str(exc))
    return RunningStack(
        child.url, API_KEY, child.moto_endpoint, child, child.output, calls, events_log
    )


def stop_stack(stack: RunningStack) -> None:
    """Stop the subprocess (SIGTERM, then SIGKILL if it hangs) and keep what it recorded."""
    assert stack.process is not None
    stack.process.stop()
    if stack.calls is not None:
        call_log.collect_stack_folder(stack.calls)
        shutil.rmtree(stack.calls, ignore_errors=True)


@pytest.fixture(scope="module")
def stack() -> Iterator[RunningStack]:
    """The repository's template.yaml running locally, for the whole module."""
    running = start_stack()
    yield running
    stop_stack(running)


@pytest.fixture(scope="module")
def api(request: pytest.FixtureRequest) -> ApiTarget:
    """What the suite tests: the deployment named by the environment, or the local stack."""
    target = smoke_target()
    if target is None:
        return request.getfixturevalue("stack")
    return ApiTarget(*target)


@dataclass
class SmokePages:
    """The smoke pages as the target fetches them; each run's URLs are its own briefs."""

    base: str
    run: str = field(default_factory=lambda: time.strftime("%Y%m%d%H%M%S-") + uuid.uuid4().hex[:6])

    def url(self, name: str) -> str:
        """The URL of one page of tests/fixtures/smoke for this run."""
        return f"{self.base}{name}?smoke-run={self.run}"


@pytest.fixture(scope="module")
def smoke_pages(api: ApiTarget) -> Iterator[SmokePages]:
    """tests/fixtures/smoke, served on loopback to the local stack or published by the
    operator for a deployment; tests that write skip on a deployment without them."""
    if api.deployed:
        base = os.environ.get(SMOKE_PAGES_ENV, "").strip()
        if not base:
            pytest.skip(f"writes: read-only unless {SMOKE_PAGES_ENV} names the published pages")
        yield SmokePages(base if base.endswith("/") else base + "/")
        return
    server = LoopbackServer()
    for path in SMOKE_PAGES.glob("*.html"):
        server.add(f"/smoke/{path.name}", Response(path.read_bytes()))
    server.start()
    yield SmokePages(server.url("/smoke/"))
    server.stop()


def page(name: str) -> bytes:
    """A fixture article page."""
    return (PAGES / name).read_bytes()


def without_canonical(html: bytes) -> bytes:
    """The same page with no canonical link: its own URL becomes its identity."""
    return re.sub(rb'<link rel="canonical"[^>]*>', b"", html)


def fixture_names() -> list[str]:
    """The article pages shipped for the local stack."""
    return sorted(p.name for p in Path(PAGES).glob("*.html"))
