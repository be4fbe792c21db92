"""The local stack's own machinery, on a probe template: gateway, SQS delivery, schedules."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.e2e.conftest import RunningStack, start_stack, stop_stack

pytestmark = pytest.mark.e2e

PROBE = REPO_ROOT / "tests" / "e2e" / "probe" / "template.yaml"


@pytest.fixture(scope="module")
def probe() -> Iterator[RunningStack]:
    # 60x: the one-minute schedule fires every second, the 60 s visibility timeout is 1 s.
    running = start_stack(
        ["--template", str(PROBE), "--parameter", "Mode=probing", "--speedup", "60"]
    )
    yield running
    stop_stack(running)


def _queue(stack: RunningStack, suffix: str) -> str:
    (url,) = [u for u in stack.sqs().list_queues()["QueueUrls"] if u.endswith(suffix)]
    return url


def _drain(stack: RunningStack, suffix: str, bodies: list[str]) -> None:
    sqs, url = stack.sqs(), _queue(stack, suffix)
    for _ in range(20):  # bounded: stop once a receive comes back empty
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages")
        if not messages:
            return
        for message in messages:
            bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def test_gateway_event_environment_and_default_responses(probe: RunningStack) -> None:
    reply = probe.request("GET", "/open/caf%C3%A9?q=1", key=None)
    assert reply.status == 200, reply.raw
    seen: dict[str, Any] = reply.json
    event = seen["event"]
    assert event["resource"] == "/open/{name}"
    assert event["pathParameters"] == {"name": "café"}
    assert event["queryStringParameters"] == {"q": "1"}
    assert event["requestContext"]["stage"] == "test"
    assert event["requestContext"]["path"] == "/open/caf%C3%A9"  # served at the root
    assert seen["env"]["MODE"] == "probing"  # --parameter reached the function
    assert seen["env"]["SEEN_URL"].endswith("/newsbrief-local-Seen")
    assert seen["function_name"] == seen["env"]["AWS_LAMBDA_FUNCTION_NAME"]
    assert 0 < seen["remaining_ms"] <= 10_000  # the template's Timeout

    # No GatewayResponses in this template: API Gateway's default statuses, our error body.
    missing_key = probe.request("POST", "/keyed", {"a": 1}, key=None)
    assert (missing_key.status, missing_key.code) == (403, "unauthorized")
    assert probe.request("POST", "/keyed", {"a": 1}).status == 200
    wrong_method = probe.request("GET", "/keyed")
    assert (wrong_method.status, wrong_method.code) == (403, "not_found")


def test_sqs_delivery_partial_failures_crashes_and_redrive(probe: RunningStack) -> None:
    sqs = probe.sqs()
    work = _queue(probe, "-Work")
    sqs.send_message_batch(
        QueueUrl=work,
        Entries=[{"Id": "1", "MessageBody": "ok-1"}, {"Id": "2", "MessageBody": "fail-1"}],
    )
    seen: list[str] = []
    parked: list[str] = []
    deadline = time.monotonic() + 30
    while len(parked) < 1 and time.monotonic() < deadline:
        time.sleep(0.5)
        _drain(probe, "-Parked", parked)
    sqs.send_message(QueueUrl=work, MessageBody="crash-1")
    while len(parked) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
        _drain(probe, "-Parked", parked)
    _drain(probe, "-Seen", seen)

    attempts = Counter(s.split("#")[0] for s in seen if not s.startswith("tick:"))
    # ok-1 done once; fail-1 and crash-1 tried maxReceiveCount (2) times, then parked.
    assert attempts == {"ok-1": 1, "fail-1": 2, "crash-1": 2}
    assert sorted(parked) == ["crash-1", "fail-1"]
    assert {s for s in seen if s.startswith("fail-1")} == {"fail-1#1", "fail-1#2"}


def test_schedule_fires_with_its_input(probe: RunningStack) -> None:
    ticks: list[str] = []
    deadline = time.monotonic() + 15
    while len(ticks) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
        seen: list[str] = []
        _drain(probe, "-Seen", seen)
        ticks.extend(s for s in seen if s.startswith("tick:"))
    assert len(ticks) >= 2
    assert json.loads(ticks[0].removeprefix("tick:")) == {"probe": "tick"}
