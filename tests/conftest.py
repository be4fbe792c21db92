"""Shared test fixtures: a network guard, the loopback server, and the shared data folder."""

from __future__ import annotations

import functools
import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support import call_log
from tests.support.loopback import LoopbackServer

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = REPO_ROOT / "tests" / "fixtures"
# ../shared beside the clone holds the evaluation sets; a fresh clone elsewhere has none.
SHARED_DIR = Path(os.environ.get("NEWSBRIEF_SHARED_DIR", REPO_ROOT.parent / "shared"))

_real_connect = socket.socket.connect


@functools.cache
def _smoke_addresses() -> frozenset[str]:
    """The deployment a smoke run tests (make smoke sets NEWSBRIEF_SMOKE_URL), if any."""
    host = urlsplit(os.environ.get("NEWSBRIEF_SMOKE_URL", "")).hostname
    if not host:
        return frozenset()
    return frozenset(str(info[4][0]) for info in socket.getaddrinfo(host, 443))


def _guarded_connect(self: socket.socket, address: object) -> None:
    # Tests never touch the internet: anything but loopback (or a unix socket) is a bug. The
    # one exception is the deployment a smoke run was asked to test.
    if isinstance(address, tuple) and self.family in (socket.AF_INET, socket.AF_INET6):
        host = str(address[0])
        try:
            loopback = ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback and host not in _smoke_addresses():
            raise RuntimeError(f"test tried to reach the network: {address!r}")
    _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True, scope="session")
def _network_guard() -> Iterator[None]:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def _loopback_server() -> Iterator[LoopbackServer]:
    server = LoopbackServer().start()
    yield server
    server.stop()


@pytest.fixture
def loopback(_loopback_server: LoopbackServer) -> LoopbackServer:
    """The session's loopback HTTP server, with no routes and no recorded requests."""
    _loopback_server.reset()
    return _loopback_server


@pytest.fixture
def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let fetch reach 127.0.0.1 (the documented development switch)."""
    monkeypatch.setenv("NEWSBRIEF_ALLOW_LOOPBACK", "1")


def shared_path(*parts: str) -> Path:
    """A path inside ../shared/data; skips the calling test when the set is absent."""
    path = SHARED_DIR.joinpath("data", *parts)
    if not path.exists():
        pytest.skip(
            f"evaluation set {path} is absent (it lives in ../shared beside the repository; "
            "set NEWSBRIEF_SHARED_DIR to point elsewhere)"
        )
    return path


# ------------------------------------------------------------------ least-privilege evidence
# Every AWS call a function makes in this session is recorded (tests/support/call_log.py);
# tests marked after_workload judge the recordings once the integration and e2e suites ran.


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{call_log.AFTER_WORKLOAD}: runs after the integration and e2e tests"
    )
    call_log.start()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    last = [item for item in items if item.get_closest_marker(call_log.AFTER_WORKLOAD)]
    items[:] = [item for item in items if item not in last] + last
    judges = {item.nodeid.split("::")[0] for item in last}
    call_log.WORKLOAD.judges = judges
    call_log.WORKLOAD.collected = {
        item.nodeid for item in items if call_log.in_workload(item.nodeid, judges)
    }


def pytest_deselected(items: list[pytest.Item]) -> None:
    call_log.WORKLOAD.deselected.update(
        item.nodeid for item in items if call_log.in_workload(item.nodeid, set())
    )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.failed and report.nodeid in call_log.WORKLOAD.collected:
        call_log.WORKLOAD.failed.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session) -> None:
    call_log.finish()
