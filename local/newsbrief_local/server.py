"""The local stack: moto + template resources + function runtimes + gateway + event sources.

Everything listens on loopback only and uses dummy credentials, so nothing can reach AWS.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsbrief.settings import env_number

from .event_log import EVENT_LOG_NAME, EventLog
from .gateway import Gateway, make_server
from .persistence import StatePersistence
from .runtime import FunctionRuntime, Invocation
from .sources import ScheduleTimer, SqsPoller
from .template import DEFAULT_REGION, DEFAULT_STACK_NAME, Stack, TemplateError, load_template

log = logging.getLogger("newsbrief_local")

# Processes per function: two cores on the reference machine, and one process per core keeps
# the CPU-bound brief path busy without thrashing.
DEFAULT_CONCURRENCY = 2
# Dummy credentials: moto accepts anything, and real ones must never be picked up by accident.
_LOCAL_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
}
# Longest wait for pollers (one SQS long poll) and timers when stopping.
STOP_JOIN_S = 3.0
_REMOVED_AWS_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_ROLE_ARN")


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, 127.0.0.0/8, ``::1``)."""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_loopback(host: str) -> None:
    if not is_loopback_host(host):
        raise TemplateError(f"the local stack listens on loopback only, not {host!r}")


@dataclass
class LocalStackConfig:
    """Options of the local stack (the CLI fills them from flags and environment)."""

    host: str = "127.0.0.1"
    port: int = 3000
    api_key: str | None = None  # None: NEWSBRIEF_API_KEY, else a generated one
    template: Path | None = None
    parameters: Mapping[str, str] = field(default_factory=dict)
    concurrency: int | None = None  # None: NEWSBRIEF_LOCAL_CONCURRENCY or DEFAULT_CONCURRENCY
    speedup: float | None = None  # None: NEWSBRIEF_LOCAL_SPEEDUP or 1
    region: str = DEFAULT_REGION
    stack_name: str = DEFAULT_STACK_NAME
    # Where tables and queues are saved across restarts (None: in memory only, as in tests).
    state_dir: Path | None = None
    fresh: bool = False  # discard the saved state and start from a clean slate
    # None: NEWSBRIEF_LOCAL_EVENTS_LOG, else events.jsonl in state_dir (no file in memory)
    events_log: Path | None = None
    events_url: str | None = None  # None: NEWSBRIEF_LOCAL_EVENTS_URL, else events are not POSTed


class LocalStack:
    """Start with :meth:`start`, stop with :meth:`stop` (or use it as a context manager)."""

    def __init__(self, config: LocalStackConfig | None = None) -> None:
        self.config = config or LocalStackConfig()
        _check_loopback(self.config.host)
        self.api_key = (
            self.config.api_key or os.environ.get("NEWSBRIEF_API_KEY") or secrets.token_urlsafe(24)
        )
        self.concurrency = int(
            self.config.concurrency
            or env_number(os.environ, "NEWSBRIEF_LOCAL_CONCURRENCY", DEFAULT_CONCURRENCY, int)
        )
        self.speedup = self.config.speedup or env_number(
            os.environ, "NEWSBRIEF_LOCAL_SPEEDUP", 1.0
        )
        chosen = self.config.events_log or os.environ.get("NEWSBRIEF_LOCAL_EVENTS_LOG", "").strip()
        state = self.config.state_dir
        self.events_log: Path | None = (
            Path(chosen) if chosen else (state / EVENT_LOG_NAME if state is not None else None)
        )
        self.events_url = (
            self.config.events_url or os.environ.get("NEWSBRIEF_LOCAL_EVENTS_URL", "").strip()
        ) or None
        if self.events_url:
            _check_loopback(urlsplit(self.events_url).hostname or "")
        self.stack: Stack | None = None
        self.runtimes: dict[str, FunctionRuntime] = {}
        self.gateway: Gateway | None = None
        self.timers: list[ScheduleTimer] = []
        self._moto: Any = None
        self._http: Any = None
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self.persistence: StatePersistence | None = None
        self.restored = (0, 0)  # items and messages loaded from the saved state
        self.moto_endpoint = ""
        self.url = ""

    # ---------------------------------------------------------------- lifecycle

    def _set_process_env(self) -> None:
        for name in _REMOVED_AWS_ENV:
            os.environ.pop(name, None)
        os.environ.update(_LOCAL_AWS_ENV)
        os.environ["AWS_DEFAULT_REGION"] = self.config.region
        os.environ["AWS_REGION"] = self.config.region
        os.environ["AWS_ENDPOINT_URL"] = self.moto_endpoint
        # NEWSBRIEF_ALLOW_LOOPBACK is the user's choice (test sites on loopback ports); even
        # with it, no request may make a function talk to the stack's own moto or gateway.
        os.environ["NEWSBRIEF_DENIED_LOOPBACK_PORTS"] = ",".join(
            str(port) for port in self._own_ports()
        )

    def _own_ports(self) -> list[int]:
        ports = [int(self._moto.get_host_and_port()[1])]
        if self._http is not None:
            ports.append(int(self._http.server_address[1]))
        return ports

    def start(self) -> LocalStack:
        """Start moto, create the template's resources, the functions, gateway and sources."""
        import boto3

        from .moto_server import MotoServer

        template = load_template(self.config.template)  # fail on a bad template before moto
        self._moto = MotoServer(
            "127.0.0.1",
            0,
            # The event log lives as long as the saved state: kept across restarts, emptied
            # with --fresh, and per run when nothing is saved.
            middleware=lambda app: EventLog(
                app,
                self.events_log,
                self.events_url,
                self.config.region,
                append=self.config.state_dir is not None and not self.config.fresh,
            ),
        )
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        self.moto_endpoint = f"http://{host}:{port}"
        self._set_process_env()
        session = boto3.session.Session(region_name=self.config.region)
        self.sqs = session.client("sqs", endpoint_url=self.moto_endpoint)
        dynamodb = session.client("dynamodb", endpoint_url=self.moto_endpoint)
        self.stack = Stack(
            template,
            dynamodb=dynamodb,
            sqs=self.sqs,
            eventbridge=session.client("events", endpoint_url=self.moto_endpoint),
            stack_name=self.config.stack_name,
            region=self.config.region,
            parameters=self.config.parameters,
        ).deploy()
        self._restore_state(dynamodb)
        # The gateway's port is bound before the functions start, so they inherit it among
        # the ports they must never reach.
        self._bind_gateway()
        self._set_process_env()

        specs = self.stack.functions()
        for logical_id, spec in specs.items():
            concurrency = spec.local_concurrency(self.concurrency)
            self.runtimes[logical_id] = FunctionRuntime(spec, concurrency, self.config.region)
        # Cold starts happen now, in parallel, not on the first request.
        with ThreadPoolExecutor(max_workers=max(1, len(self.runtimes))) as pool:
            warmed = pool.map(lambda r: r.warm(), self.runtimes.values())
            ready = dict(zip(self.runtimes, warmed, strict=True))
        for logical_id, ok in ready.items():
            if not ok:
                log.warning("%s could not import its handler: invocations will fail", logical_id)

        # A short poll interval: shutdown() waits for the loop to notice (0.5 s by default).
        self._spawn(lambda: self._http.serve_forever(poll_interval=0.1), "gateway")
        self._start_sources()
        if self.persistence is not None:
            self._spawn(lambda: self._save_changes(), "state-saver")
        return self

    def _restore_state(self, dynamodb: Any) -> None:
        if self.config.state_dir is None:
            return
        assert self.stack is not None
        self.persistence = StatePersistence(self.config.state_dir, self.stack, dynamodb, self.sqs)
        if self.config.fresh and self.persistence.path.exists():
            self.persistence.path.unlink()  # a clean slate, as asked
        self.restored = self.persistence.restore()

    def _save_changes(self) -> None:
        assert self.persistence is not None
        self.persistence.run(self._moto.changes, self._stop)

    def _bind_gateway(self) -> None:
        assert self.stack is not None
        routes = self.stack.routes()
        apis = {r.api for r in routes}
        api = next(iter(apis)) if len(apis) == 1 else None
        if len(apis) > 1:
            log.warning("several APIs in the template; serving all routes on one port")
        self.gateway = Gateway(
            routes,
            self.invoke,
            self.api_key,
            stage=self.stack.stage_name(api),
            responses=self.stack.gateway_responses(api),
        )
        self._http = make_server(self.gateway, self.config.host, self.config.port)
        host, port = self._http.server_address[:2]
        self.url = f"http://{host}:{port}"

    def _start_sources(self) -> None:
        assert self.stack is not None
        for source in self.stack.sqs_sources():
            if not source.enabled:
                continue
            queue_url = self.stack.queue_urls_by_arn.get(source.queue_arn)
            if queue_url is None:
                raise TemplateError(f"{source.function}: SQS source is not a template queue")
            attrs = self.sqs.get_queue_attributes(
                QueueUrl=queue_url, AttributeNames=["VisibilityTimeout"]
            )["Attributes"]
            for _ in range(self.runtimes[source.function].concurrency):
                poller = SqsPoller(
                    source,
                    queue_url,
                    self.sqs,
                    self.invoke,
                    self._stop,
                    visibility_timeout=int(attrs.get("VisibilityTimeout", 30)),
                    region=self.config.region,
                    speedup=self.speedup,
                )
                poller.start()
                self._threads.append(poller)
        for schedule in self.stack.schedules():
            if schedule.enabled:
                timer = ScheduleTimer(
                    schedule, self.invoke, self._stop, self.config.region, self.speedup
                )
                timer.start()
                self.timers.append(timer)
                self._threads.append(timer)

    def _spawn(self, target: Any, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def invoke(self, function: str, event: Any) -> Invocation:
        """Invoke a function of the template by logical id."""
        runtime = self.runtimes.get(function)
        if runtime is None:
            return Invocation(None, {"errorType": "ResourceNotFound", "errorMessage": function})
        return runtime.invoke(event)

    def stop(self) -> None:
        """Stop sources, gateway, functions and moto."""
        self._stop.set()
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
        # Function processes wind down in parallel while pollers finish their long poll.
        with ThreadPoolExecutor(max_workers=max(1, len(self.runtimes))) as pool:
            list(pool.map(lambda r: r.close(), self.runtimes.values()))
            deadline = time.monotonic() + STOP_JOIN_S
            for thread in self._threads:
                thread.join(timeout=max(0.0, deadline - time.monotonic()))
        if self.persistence is not None and self._moto is not None:
            try:
                self.persistence.save()  # what the functions did last, before moto goes
            except Exception:  # noqa: BLE001 - stopping must go on; the last snapshot stays
                log.exception("saving the local stack's state on stop failed")
        if self._moto is not None:  # last: pollers and functions talk to it until they stop
            self._moto.stop()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---------------------------------------------------------------- conveniences

    def describe(self) -> str:
        """Human-readable summary: where it listens, the key, routes, queues, schedules."""
        assert self.stack is not None and self.gateway is not None
        lines = [
            f"newsbrief local stack listening on {self.url}",
            f"  API key (x-api-key header): {self.api_key}",
            f"  stage: {self.gateway.stage}   moto: {self.moto_endpoint}",
        ]
        if self.persistence is not None:
            items, messages = self.restored
            lines.append(
                f"  state: {self.persistence.path} ({items} items and {messages} queued "
                "messages restored; --fresh starts empty)"
            )
        for compiled in self.gateway.routes:
            r = compiled.route
            access = "API key" if r.api_key_required else "open"
            lines.append(f"  {r.method:<6} {r.path:<24} -> {r.function} ({access})")
        for source in self.stack.sqs_sources():
            queue = self.stack.queue_urls_by_arn.get(source.queue_arn, source.queue_arn)
            lines.append(f"  SQS    {queue} -> {source.function} (batch {source.batch_size})")
        for logical_id, resource in self.stack.resources.items():
            if resource.get("Type") == "AWS::Events::EventBus" and self.stack.exists(logical_id):
                targets = [str(t) for t in (self.events_log, self.events_url) if t]
                target = " and ".join(targets) or "accepted, not recorded (--in-memory)"
                lines.append(f"  events {self.stack.ref(logical_id)} -> {target}")
        for timer in self.timers:
            lines.append(
                f"  every  {timer.source.expression} -> {timer.source.function}"
                + (f" (speed-up x{self.speedup:g})" if self.speedup != 1 else "")
            )
        return "\n".join(lines)
