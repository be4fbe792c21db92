"""The local stack's event log: events moto accepted are written (and POSTed), nothing else."""

from __future__ import annotations

import io
import json
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from newsbrief_local.event_log import EventLog

from tests.support.loopback import LoopbackServer

ENTRIES = [
    {"EventBusName": "b", "Source": "newsbrief", "DetailType": "BriefCreated",
     "Detail": json.dumps({"id": "1", "entities": [{"name": "Ada", "type": "PERSON"}]})},
    {"EventBusName": "b", "Source": "newsbrief", "DetailType": "BriefCreated",
     "Detail": json.dumps({"id": "2"})},
]  # fmt: skip


class _Moto:
    """Answers PutEvents like moto: the first entry accepted, the second refused."""

    def __init__(self, status: str = "200 OK") -> None:
        self.status = status
        self.bodies: list[bytes] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.bodies.append(environ["wsgi.input"].read())
        start_response(self.status, [("Content-Type", "application/x-amz-json-1.1")])
        answer = {"FailedEntryCount": 1, "Entries": [{"EventId": "ev-1"}, {"ErrorCode": "Bad"}]}
        return [json.dumps(answer).encode()]


def _put_events(log: EventLog, target: str = "AWSEvents.PutEvents") -> list[bytes]:
    body = json.dumps({"Entries": ENTRIES}).encode()
    environ = {
        "HTTP_X_AMZ_TARGET": target,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    return list(log(environ, lambda *a: None))


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_accepted_events_are_logged_as_a_target_receives_them(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "events.jsonl"
    moto = _Moto()
    log = EventLog(moto, path, region="eu-west-1")
    answer = _put_events(log)
    assert json.loads(b"".join(answer))["Entries"][0] == {"EventId": "ev-1"}  # passed through
    assert moto.bodies[0] == json.dumps({"Entries": ENTRIES}).encode()  # moto read it all
    (event,) = _lines(path)  # the refused second entry is not logged
    assert event["id"] == "ev-1" and event["detail-type"] == "BriefCreated"
    assert event["source"] == "newsbrief" and event["region"] == "eu-west-1"
    assert event["detail"] == {"id": "1", "entities": [{"name": "Ada", "type": "PERSON"}]}
    assert set(event) == {"version", "id", "detail-type", "source", "account", "time",
                          "region", "resources", "detail"}  # fmt: skip


def test_refused_calls_and_other_requests_are_not_logged(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    _put_events(EventLog(_Moto("400 Bad Request"), path))
    _put_events(EventLog(_Moto(), path), target="AWSEvents.PutRule")
    assert path.read_text() == ""


def test_a_log_is_emptied_unless_the_state_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    _put_events(EventLog(_Moto(), path))
    EventLog(_Moto(), path, append=True)  # a restart that keeps the table keeps its events
    assert len(_lines(path)) == 1
    EventLog(_Moto(), path)  # a fresh start
    assert path.read_text() == ""


def test_events_are_posted_to_a_local_url(tmp_path: Path, loopback: LoopbackServer) -> None:
    received: list[bytes] = []

    def hook(handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length", 0))
        received.append(handler.rfile.read(length))
        handler.send_response(204)
        handler.end_headers()

    url = loopback.add("/hook", hook)
    _put_events(EventLog(_Moto(), tmp_path / "events.jsonl", post_url=url))
    deadline = time.monotonic() + 5
    while not received and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [json.loads(body)["id"] for body in received] == ["ev-1"]
