"""The OpenAPI document is the truth: schemathesis, with all its checks, finds nothing on the
local stack (started as `make run` starts it).

Generated requests name arbitrary URLs, so the stack runs with every host name resolving to a
loopback port where nothing listens (tests/support/dns_sink): a generated URL ends in 502
fetch_failed or 403 destination_refused, never in traffic off this machine.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.e2e.conftest import RunningStack, start_stack, stop_stack

pytestmark = pytest.mark.e2e

DNS_SINK = REPO_ROOT / "tests" / "support" / "dns_sink"
CONFIG = Path(__file__).with_name("schemathesis.toml")
# Cases per operation and phase: enough to walk every operation's coverage scenarios and a
# fuzzing sample in about a minute on two cores. Raise it (or drop --seed) to look harder.
MAX_EXAMPLES = int(os.environ.get("NEWSBRIEF_CONTRACT_EXAMPLES", "25"))
SEED = os.environ.get("NEWSBRIEF_CONTRACT_SEED", "13")
RUN_TIMEOUT_S = 600


@pytest.fixture(scope="module")
def sink() -> Iterator[str]:
    """A loopback address and port that refuse connections: bound, never listening."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.2", 0))  # held for the module, so no other process can take the port
    host, port = holder.getsockname()
    yield f"{host}:{port}"
    holder.close()


@pytest.fixture(scope="module")
def sunk_stack(sink: str) -> Iterator[RunningStack]:
    """The local stack with every outbound name resolving to the sink."""
    path = os.pathsep.join(p for p in (str(DNS_SINK), os.environ.get("PYTHONPATH")) if p)
    running = start_stack(env={"PYTHONPATH": path, "NEWSBRIEF_DNS_SINK": sink})
    yield running
    stop_stack(running)


def test_generated_urls_stay_on_this_machine(sunk_stack: RunningStack) -> None:
    # The guard the fuzzer relies on: a public name is fetched from the sink, which refuses.
    reply = sunk_stack.request("POST", "/articles", {"url": "https://news.example.com/a"})
    assert reply.status == 502, reply.raw
    assert reply.code == "fetch_failed"


def test_schemathesis_finds_no_failure(sunk_stack: RunningStack, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file", str(CONFIG),
        "--no-color",
        "run", f"{sunk_stack.url}/docs?format=json",
        "--header", f"x-api-key: {sunk_stack.api_key}",
        "--checks", "all",
        "--exclude-checks", "not_a_server_error",
        "--max-examples", str(MAX_EXAMPLES),
        "--seed", SEED,
        "--workers", "1",
        "--request-timeout", "30",
        "--report", "junit", "--report-junit-path", str(junit),
    ]  # fmt: skip
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.support.server_error_check",
        "PYTHONPATH": str(REPO_ROOT),
    }
    run = subprocess.run(
        command,
        cwd=tmp_path,  # schemathesis keeps a cache folder where it runs: not in the repository
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    output = run.stdout + run.stderr
    assert "server_errors_are_declared" in output or junit.exists(), output[-3000:]
    suites = ET.parse(junit).getroot() if junit.exists() else None
    tests = sum(int(s.get("tests", 0)) for s in suites.iter("testsuite")) if suites else 0
    assert tests >= 10, f"schemathesis tested {tests} operations:\n{output[-3000:]}"
    assert run.returncode == 0, output[-12000:]


def test_http_methods_over_the_wire(sunk_stack: RunningStack) -> None:
    trace = sunk_stack.request("TRACE", "/health", key=None)
    assert trace.status == 405 and trace.code == "method_not_allowed"
    assert trace.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert trace.headers["Content-Type"].startswith("application/json")
    put = sunk_stack.request("PUT", "/articles", {"url": "https://a.example/x"})
    assert put.status == 405 and put.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    head = sunk_stack.request("HEAD", "/articles?limit=1")
    assert head.status == 200 and head.raw == b""
    # Preflight carries no key; no origin is allowed by default, so no CORS header.
    options = sunk_stack.request(
        "OPTIONS", "/articles", key=None,
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
    )  # fmt: skip
    assert options.status == 204 and "POST" in options.headers["Allow"]
    assert "Access-Control-Allow-Origin" not in options.headers
