"""Run a template function's handler the way Lambda does: own process, own environment.

Each function gets a small pool of worker processes (its "execution environments"). A process
takes the function's environment from the template, imports the handler once (the cold start)
and then serves invocations one at a time, so module-level state is reused as on Lambda and two
functions never see each other's variables (POWERTOOLS_SERVICE_NAME differs per function).
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from . import aws_calls
from .template import ACCOUNT_ID, FunctionSpec

log = logging.getLogger("newsbrief_local")

# Slack on top of the function's Timeout before the caller gives up: process hand-off and
# pickling are not part of the function's budget on Lambda either.
TIMEOUT_SLACK_S = 1.0


@dataclass(frozen=True, slots=True)
class Invocation:
    """The outcome of one invocation: the handler's return value or Lambda's error payload."""

    payload: Any
    error: dict[str, Any] | None = None  # {"errorType", "errorMessage", "stackTrace"}
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        """True when the handler returned normally."""
        return self.error is None and not self.timed_out


class LambdaContext:
    """The context object handlers receive (the attributes powertools and users read)."""

    def __init__(self, name: str, memory: int, timeout: float, region: str) -> None:
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{name}"
        self.memory_limit_in_mb = memory
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = f"local/{os.getpid()}"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + timeout

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function's timeout."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))


# ------------------------------------------------------------------ inside a worker process

_HANDLER: Callable[[Any, Any], Any] | None = None
_IMPORT_ERROR: dict[str, Any] | None = None


def _error_payload(exc: BaseException) -> dict[str, Any]:
    return {
        "errorType": type(exc).__name__,
        "errorMessage": str(exc),
        "stackTrace": traceback.format_exception(exc),
    }


def _die_with_parent() -> None:
    """Exit as soon as the stack's process is gone, however it ended (even SIGKILL).

    The parent holds the write end of a pipe whose read end is this process's parent
    sentinel; the kernel closes it when the parent dies, and the watching thread wakes. Unlike
    Linux's PR_SET_PDEATHSIG, which fires when the parent's *thread* that started the child
    exits, this follows the process, on every POSIX system.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)  # no cleanup to do: the stack and its moto server are gone

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _start_environment(
    environment: dict[str, str], module: str, attribute: str, function: str = ""
) -> None:
    """Process initializer: the function's environment, then its handler import (cold start)."""
    global _HANDLER, _IMPORT_ERROR
    _die_with_parent()
    # Ctrl-C reaches the whole process group; the stack shuts its environments down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.update(environment)
    aws_calls.install_from_env(function)
    try:
        _HANDLER = getattr(importlib.import_module(module), attribute)
    except Exception as exc:  # noqa: BLE001 - reported on every invoke, as Lambda does
        _IMPORT_ERROR = _error_payload(exc)
        _IMPORT_ERROR["errorType"] = "Runtime.ImportModuleError"


def _run(event: Any, name: str, memory: int, timeout: float, region: str) -> tuple[Any, Any]:
    if _HANDLER is None:
        return None, _IMPORT_ERROR
    context = LambdaContext(name, memory, timeout, region)
    try:
        return _HANDLER(event, context), None
    except Exception as exc:  # noqa: BLE001 - the handler failing is an outcome, not a crash
        return None, _error_payload(exc)


def _ready() -> bool:
    return _HANDLER is not None


# ------------------------------------------------------------------ in the local stack


def lambda_environment(spec: FunctionSpec, region: str) -> dict[str, str]:
    """What a function's process sees: the stack's environment, the template's, Lambda's own."""
    env = dict(spec.environment)
    env.update(
        AWS_LAMBDA_FUNCTION_NAME=spec.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE=str(spec.memory),
        AWS_LAMBDA_FUNCTION_VERSION="$LATEST",
        AWS_REGION=region,
        AWS_DEFAULT_REGION=region,
        # Tracing: Active needs an X-Ray daemon, which does not exist locally.
        POWERTOOLS_TRACE_DISABLED="true",
    )
    return env


# What Lambda answers when a function's reserved concurrency is 0: it is never run.
THROTTLED = {"errorType": "TooManyRequestsException", "errorMessage": "Rate Exceeded."}


class FunctionRuntime:
    """A pool of processes running one function; ``invoke`` is thread-safe and blocking.

    A ``concurrency`` of 0 (reserved concurrency 0 in the template) starts no process and
    throttles every invocation, as Lambda does.
    """

    def __init__(
        self,
        spec: FunctionSpec,
        concurrency: int,
        region: str,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        self.spec = spec
        self.concurrency = concurrency
        self.region = region
        self._env = {**lambda_environment(spec, region), **(extra_env or {})}
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor | None:
        if self.concurrency == 0:
            return None
        return ProcessPoolExecutor(
            max_workers=self.concurrency,
            # spawn: a fresh interpreter per environment, like Lambda; fork would copy the
            # stack's threads and moto's state into the function.
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_environment,
            initargs=(self._env, self.spec.module, self.spec.attribute, self.spec.logical_id),
        )

    def warm(self) -> bool:
        """Start the environments now (cold starts before the first request); True if ready."""
        if self._pool is None:
            return True
        try:
            futures = [self._pool.submit(_ready) for _ in range(self.concurrency)]
            return all(f.result() for f in futures)
        except BrokenProcessPool as exc:
            log.error("%s: execution environment died while starting: %s", self.spec.name, exc)
            self._pool = self._new_pool()
            return False

    def invoke(self, event: Any) -> Invocation:
        """Invoke the handler with ``event`` and wait for it (at most the function's Timeout)."""
        spec = self.spec
        if self._pool is None:
            return Invocation(None, dict(THROTTLED))
        try:
            future: Future = self._pool.submit(
                _run, event, spec.name, spec.memory, spec.timeout, self.region
            )
            payload, error = future.result(timeout=spec.timeout + TIMEOUT_SLACK_S)
        except FutureTimeout:
            log.error("%s timed out after %.0f s", spec.name, spec.timeout)
            return Invocation(None, {"errorType": "Sandbox.Timedout"}, timed_out=True)
        except BrokenProcessPool as exc:
            # An environment died (segfault, os._exit): Lambda would start a new one.
            log.error("%s: execution environment died: %s", spec.name, exc)
            self._pool = self._new_pool()
            return Invocation(None, {"errorType": "Runtime.ExitError", "errorMessage": str(exc)})
        except Exception as exc:  # noqa: BLE001 - e.g. a return value that cannot be pickled
            log.error("%s: invocation failed: %r", spec.name, exc)
            return Invocation(None, {"errorType": type(exc).__name__, "errorMessage": str(exc)})
        if error is not None:
            log.error(
                "%s failed: %s: %s\n%s",
                spec.name,
                error.get("errorType"),
                error.get("errorMessage"),
                "".join(error.get("stackTrace") or []),
            )
        return Invocation(payload, error)

    def close(self) -> None:
        """Stop the environments (waits for the invocation in flight, if any)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
