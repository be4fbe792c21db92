"""Start the local stack in a child process and learn where it listens (e2e tests, load tests)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .template import REPO_ROOT

# Cold imports of every function's processes on a busy two-core machine.
START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 15.0


class StackDidNotStart(RuntimeError):
    """The child exited or stayed silent; the message carries its last output."""


@dataclass
class StackProcess:
    """A running ``python -m newsbrief_local``: URL, API key, moto endpoint, output so far."""

    process: subprocess.Popen
    url: str
    api_key: str
    moto_endpoint: str
    output: list[str] = field(default_factory=list)

    @property
    def pid(self) -> int:
        """The stack's process id (its functions run in child processes of it)."""
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL: the stack gets no chance to clean up (its functions must still go)."""
        self.process.kill()
        self.process.wait(timeout=5)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not stop in time."""
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def start_stack_process(
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    api_key: str = "local-test-key",
    timeout: float = START_TIMEOUT_S,
    state_dir: Path | None = None,
    allow_loopback: bool = True,
) -> StackProcess:
    """Start the local stack on a free loopback port and wait until it is ready.

    The child's output (the functions' logs) is drained continuously into ``output`` so a
    full pipe can never stall it. Its data lives in memory unless ``state_dir`` is given (the
    repository's own ``.local/`` is never touched). ``allow_loopback`` starts it with
    ``NEWSBRIEF_ALLOW_LOOPBACK=1``: the tests and benchmarks that use this serve their pages
    on loopback ports.
    """
    child_env = {**os.environ, **(env or {}), "NEWSBRIEF_API_KEY": api_key}
    if allow_loopback:
        child_env.setdefault("NEWSBRIEF_ALLOW_LOOPBACK", "1")
    state = ["--state-dir", str(state_dir)] if state_dir is not None else ["--in-memory"]
    process = subprocess.Popen(
        [sys.executable, "-m", "newsbrief_local", "--port", "0", *state, *args],
        cwd=REPO_ROOT,
        env=child_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    ready = threading.Event()

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if line.startswith("Ready."):
                ready.set()
        ready.set()  # the child exited: stop waiting

    threading.Thread(target=drain, name="stack-output", daemon=True).start()
    if not ready.wait(timeout) or process.poll() is not None:
        process.kill()
        process.wait(timeout=5)
        raise StackDidNotStart("local stack did not start:\n" + "".join(output[-40:]))
    text = "".join(output)
    url = re.search(r"listening on (http://\S+)", text)
    moto = re.search(r"moto: (http://\S+)", text)
    if not url or not moto:
        process.kill()
        raise StackDidNotStart("local stack printed no address:\n" + text[-4000:])
    return StackProcess(process, url.group(1), api_key, moto.group(1), output)
