"""EventBridge on the local stack: every event moto accepts is written to a log (and POSTed).

moto accepts ``PutEvents`` on the template's buses but has no rule that could deliver to a
file or to a local web server. This WSGI middleware sits in front of the embedded moto server,
lets moto answer, and for each entry moto accepted (it returned an ``EventId``) appends the
event as a rule's target would receive it (``version``, ``id``, ``detail-type``, ``source``,
``account``, ``time``, ``region``, ``resources``, ``detail``) to a JSON Lines file, and
optionally POSTs it as JSON to a loopback URL.
"""

from __future__ import annotations

import io
import json
import logging
import threading
import urllib.request
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .template import ACCOUNT_ID, DEFAULT_REGION

log = logging.getLogger("newsbrief_local")

EVENT_LOG_NAME = "events.jsonl"  # in the stack's state folder (.local/ for make run)
PUT_EVENTS_TARGET = "AWSEvents.PutEvents"
POST_TIMEOUT_S = 5.0  # a slow receiver delays nothing but its own delivery thread
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class EventLog:
    """WSGI middleware recording the events of ``PutEvents`` calls moto accepted."""

    def __init__(
        self,
        app: WsgiApp,
        path: Path | None,
        post_url: str | None = None,
        region: str = DEFAULT_REGION,
        append: bool = False,
    ) -> None:
        self.app = app
        self.path = path
        self.post_url = post_url
        self.region = region
        self.lock = threading.Lock()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not append or not path.exists():  # a fresh table, a fresh log
                path.write_text("", encoding="utf-8")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """Pass the request to moto; log the events of an accepted PutEvents."""
        if environ.get("HTTP_X_AMZ_TARGET") != PUT_EVENTS_TARGET:
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        request = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(request)
        status: list[str] = []

        def capture(code: str, headers: list[Any], exc_info: Any = None) -> Any:
            status.append(code)
            return start_response(code, headers, exc_info)

        answer = b"".join(self.app(environ, capture))
        if status and status[0].startswith("200"):
            try:
                self.record(json.loads(request), json.loads(answer))
            except (ValueError, KeyError, TypeError):
                log.warning("could not log a PutEvents call", exc_info=True)
        return [answer]

    def record(self, request: dict[str, Any], answer: dict[str, Any]) -> None:
        """Append (and POST) each entry of ``request`` that ``answer`` gave an EventId."""
        # PutEvents answers one result per entry, in order.
        entries, results = request.get("Entries", []), answer.get("Entries", [])
        for entry, result in zip(entries, results, strict=True):
            if "EventId" not in result:
                continue
            event = self.envelope(entry, result["EventId"])
            line = json.dumps(event, ensure_ascii=False)
            if self.path is not None:
                with self.lock, self.path.open("a", encoding="utf-8") as out:
                    out.write(line + "\n")
            if self.post_url:
                threading.Thread(target=self._post, args=(line,), daemon=True).start()

    def envelope(self, entry: dict[str, Any], event_id: str) -> dict[str, Any]:
        """The event as EventBridge hands it to a rule's target."""
        when = entry.get("Time")
        if isinstance(when, (int, float)):
            stamp = datetime.fromtimestamp(when, UTC)
        else:
            stamp = datetime.now(UTC)
        return {
            "version": "0",
            "id": event_id,
            "detail-type": entry.get("DetailType"),
            "source": entry.get("Source"),
            "account": ACCOUNT_ID,
            "time": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": self.region,
            "resources": entry.get("Resources", []),
            "detail": json.loads(entry.get("Detail") or "{}"),
        }

    def _post(self, line: str) -> None:
        assert self.post_url is not None
        request = urllib.request.Request(
            self.post_url,
            data=line.encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=POST_TIMEOUT_S) as response:  # noqa: S310 - loopback only
                response.read()
        except OSError as exc:
            log.warning("event not delivered to %s: %s", self.post_url, exc)
