"""Start the local stack in a subprocess (as `make run` does) and talk HTTP to it."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import tempfile
import time
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

PAGES = REPO_ROOT / "tests" / "fixtures" / "local_stack"
API_KEY = "e2e-test-key"
# The template's 1080 s visibility timeout becomes 1.5 s: failed messages retry promptly.
SPEEDUP = 720
# One process per function: the tests send one request at a time, and every extra process is a
# cold start on a shared two-core machine (benchmarks/load.py exercises concurrency).
CONCURRENCY = 1


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
class RunningStack:
    """A local stack subprocess: its URL, key and moto endpoint, and an HTTP helper."""

    url: str
    api_key: str
    moto_endpoint: str
    process: StackProcess
    output: list[str] = field(default_factory=list)
    calls: Path | None = None  # where its functions record their AWS calls

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        key: str | None = "default",
        headers: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> Reply:
        """Send one request; ``key="default"`` sends the stack's API key, None sends none."""
        parts = urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        hdrs = dict(headers or {})
        if key is not None:
            hdrs["x-api-key"] = self.api_key if key == "default" else key
        data: bytes | None = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        try:
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            return Reply(resp.status, dict(resp.getheaders()), resp.read())
        finally:
            conn.close()

    def wait_for(self, path: str, status: int = 200, timeout: float = 30) -> Reply:
        """Poll GET ``path`` until it answers ``status`` (bounded by ``timeout``)."""
        deadline = time.monotonic() + timeout
        reply = self.request("GET", path)
        while reply.status != status and time.monotonic() < deadline:
            time.sleep(0.3)
            reply = self.request("GET", path)
        return reply

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

    Its functions record the AWS calls they make (the least-privilege evidence).
    """
    calls = Path(tempfile.mkdtemp(prefix="newsbrief-calls-"))
    try:
        child = start_stack_process(
            ["--quiet", "--speedup", str(SPEEDUP), "--concurrency", str(CONCURRENCY)]
            + (extra_args or []),
            env={**(env or {}), RECORD_DIR_ENV: str(calls)},
            api_key=API_KEY,
        )
    except StackDidNotStart as exc:
        pytest.fail(str(exc))
    return RunningStack(child.url, API_KEY, child.moto_endpoint, child, child.output, calls)


def stop_stack(stack: RunningStack) -> None:
    """Stop the subprocess (SIGTERM, then SIGKILL if it hangs) and keep what it recorded."""
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


def page(name: str) -> bytes:
    """A fixture article page."""
    return (PAGES / name).read_bytes()


def without_canonical(html: bytes) -> bytes:
    """The same page with no canonical link: its own URL becomes its identity."""
    return re.sub(rb'<link rel="canonical"[^>]*>', b"", html)


def fixture_names() -> list[str]:
    """The article pages shipped for the local stack."""
    return sorted(p.name for p in Path(PAGES).glob("*.html"))
