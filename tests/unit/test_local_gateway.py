"""The local stack's gateway and event sources, in-process (no subprocess, no moto server)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from newsbrief_local.gateway import Gateway, make_server
from newsbrief_local.runtime import Invocation
from newsbrief_local.sources import Schedule, failed_message_ids, scheduled_event, sqs_record
from newsbrief_local.template import ApiRoute, ScheduleSource, Stack, TemplateError, load_template

from tests.conftest import REPO_ROOT

EVENTS = REPO_ROOT / "events"
ROUTES = [
    ApiRoute("Api", "/health", "GET", False, "A"),
    ApiRoute("Api", "/items/{id}", "GET", True, "A"),
    ApiRoute("Api", "/{proxy+}", "ANY", True, "A"),
]


class Recorder:
    """A fake function: records events and returns a canned proxy response."""

    def __init__(self, result: Invocation | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.result = result or Invocation({"statusCode": 200, "body": '{"ok": true}'})

    def __call__(self, function: str, event: dict[str, Any]) -> Invocation:
        self.events.append(event)
        return self.result


def _gateway(recorder: Recorder) -> Gateway:
    # The real template's gateway responses: the local answers match the deployed ones.
    responses = Stack(load_template()).gateway_responses("NewsbriefApi")
    return Gateway(ROUTES, recorder, api_key="k", stage="v1", responses=responses)


def _json(body: bytes) -> Any:
    return json.loads(body)


def test_most_specific_resource_wins_without_method_fallback() -> None:
    gw = _gateway(Recorder())
    assert gw.match("GET", "/health") == (ROUTES[0], {})
    assert gw.match("GET", "/items/a%20b") == (ROUTES[1], {"id": "a b"})
    assert gw.match("DELETE", "/items/1") is None  # no fallback to /{proxy+}
    assert gw.match("POST", "/a/b/c") == (ROUTES[2], {"proxy": "a/b/c"})
    assert gw.match("GET", "/") is None  # {proxy+} needs at least one segment


def test_event_has_the_shape_of_the_sample_events() -> None:
    recorder = Recorder()
    status, _, _ = _gateway(recorder).handle(
        "POST",
        "/articles?limit=5&tag=a&tag=b",
        [("Host", "127.0.0.1:3000"), ("x-api-key", "k"), ("X-Multi", "1"), ("X-Multi", "2")],
        b'{"url": "https://example.com/"}',
        "127.0.0.1",
    )
    assert status == 200
    (event,) = recorder.events
    sample = json.loads((EVENTS / "api_articles_create.json").read_text())
    assert set(event) == set(sample)
    assert set(sample["requestContext"]) <= set(event["requestContext"])
    assert event["resource"] == "/{proxy+}" and event["pathParameters"] == {"proxy": "articles"}
    # Served at the root, as behind a custom domain: the API's document names "/" its server.
    assert event["requestContext"]["path"] == "/articles"
    assert event["requestContext"]["stage"] == "v1"
    assert event["requestContext"]["identity"]["apiKey"] == "k"
    assert event["queryStringParameters"] == {"limit": "5", "tag": "b"}
    assert event["multiValueQueryStringParameters"]["tag"] == ["a", "b"]
    assert event["headers"]["X-Multi"] == "2"
    assert event["multiValueHeaders"]["X-Multi"] == ["1", "2"]
    assert json.loads(event["body"]) == {"url": "https://example.com/"}
    assert event["isBase64Encoded"] is False


def test_binary_body_is_base64() -> None:
    recorder = Recorder()
    _gateway(recorder).handle("POST", "/x", [("x-api-key", "k")], b"\xff\xfe", "127.0.0.1")
    event = recorder.events[0]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\xff\xfe"


@pytest.mark.parametrize("headers", [[], [("x-api-key", "nope")], [("X-Api-Key", "")]])
def test_keyed_routes_answer_the_templates_unauthorized(headers: list) -> None:
    recorder = Recorder()
    status, hdrs, body = _gateway(recorder).handle("GET", "/items/1", headers, b"", "::1")
    assert status == 401
    assert _json(body)["error"]["code"] == "unauthorized"
    assert dict(hdrs)["Content-Type"] == "application/json"
    assert recorder.events == []  # the function never ran


def test_unknown_route_and_open_route() -> None:
    recorder = Recorder()
    gw = _gateway(recorder)
    status, _, body = gw.handle("GET", "/", [], b"", "127.0.0.1")
    assert (status, _json(body)["error"]["code"]) == (404, "not_found")
    status, _, _ = gw.handle("GET", "/health", [], b"", "127.0.0.1")
    assert status == 200 and len(recorder.events) == 1


@pytest.mark.parametrize(
    "result",
    [
        # API Gateway's 502 (a function that failed or answered garbage) and 504 (timed out)
        # are the template's DEFAULT_5XX: 500 internal_error, the code every route declares.
        Invocation(None, {"errorType": "ValueError", "errorMessage": "boom"}),
        Invocation({"no": "statusCode"}),
        Invocation({"statusCode": "abc"}),
        Invocation(None, {"errorType": "Sandbox.Timedout"}, timed_out=True),
    ],
)
def test_function_failures_become_gateway_errors(result: Invocation) -> None:
    code, _, body = _gateway(Recorder(result)).handle(
        "GET", "/x", [("x-api-key", "k")], b"", "127.0.0.1"
    )
    assert code == 500
    assert _json(body)["error"]["code"] == "internal_error"
    assert b"Traceback" not in body and b"boom" not in body


def test_gateway_answers_carry_the_first_cors_origin_when_origins_are_set() -> None:
    origins = "http://localhost:8080,https://admin.example"
    responses = Stack(load_template(), parameters={"CorsAllowedOrigins": origins})
    gw = Gateway(ROUTES, Recorder(), "k", "v1", responses.gateway_responses("NewsbriefApi"))
    for status, hdrs, body in (
        gw.handle("GET", "/items/1", [("Origin", "http://localhost:8080")], b"", "::1"),
        gw.handle("GET", "/", [], b"", "::1"),
        gw.gateway_response("THROTTLED", "r"),
        gw.gateway_response("BAD_REQUEST_BODY", "r"),
        gw.gateway_response("INTEGRATION_TIMEOUT", "r"),
    ):
        assert dict(hdrs)["Access-Control-Allow-Origin"] == "http://localhost:8080", status
        assert set(_json(body)["error"]) == {"code", "message"}
    # The message API Gateway gives a refusal the template leaves to DEFAULT_4XX.
    _, _, body = gw.gateway_response("BAD_REQUEST_BODY", "r")
    assert _json(body)["error"] == {
        "code": "invalid_input",
        "message": "the request body is shorter than its Content-Length",
    }
    # Without origins, no CORS header: browsers refuse the answer, as the functions' answers.
    status, hdrs, _ = _gateway(Recorder()).handle("GET", "/items/1", [], b"", "::1")
    assert status == 401 and "Access-Control-Allow-Origin" not in dict(hdrs)


def test_proxy_response_is_translated() -> None:
    result = Invocation(
        {
            "statusCode": 201,
            "headers": {"Content-Type": "image/png"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": base64.b64encode(b"\x89PNG").decode(),
            "isBase64Encoded": True,
        }
    )
    status, pairs, body = _gateway(Recorder(result)).handle(
        "GET", "/x", [("x-api-key", "k")], b"", "127.0.0.1"
    )
    assert status == 201 and body == b"\x89PNG"
    assert [v for k, v in pairs if k == "Set-Cookie"] == ["a=1", "b=2"]
    assert ("Content-Type", "image/png") in pairs


def test_a_body_shorter_than_its_content_length_is_400_after_the_read_timeout() -> None:
    import socket
    import threading
    import time

    recorder = Recorder()
    server = make_server(_gateway(recorder), "127.0.0.1", 0, read_timeout=0.5)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        with socket.create_connection(server.server_address[:2], timeout=10) as client:
            client.sendall(
                b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100\r\n\r\n" + b'{"url": "http'  # 13 of 100 bytes
            )
            started = time.monotonic()
            answer = b""
            while chunk := client.recv(4096):  # the server answers, then closes
                answer += chunk
        assert 0.4 < time.monotonic() - started < 5
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400")
        assert _json(body)["error"]["code"] == "invalid_input"
        assert recorder.events == []  # the function never saw the truncated request
        with socket.create_connection(server.server_address[:2], timeout=10) as client:
            client.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert client.recv(4096).startswith(b"HTTP/1.1 200")  # other clients are served
    finally:
        server.shutdown()
        server.server_close()


def test_sqs_record_has_the_shape_of_the_sample_event() -> None:
    message = {
        "MessageId": "m1",
        "ReceiptHandle": "r1",
        "Body": '{"url": "https://example.com/"}',
        "MD5OfBody": "x",
        "Attributes": {"ApproximateReceiveCount": "2", "SentTimestamp": "1"},
        "MessageAttributes": {"kind": {"DataType": "Binary", "BinaryValue": b"\x01"}},
    }
    record = sqs_record(message, "arn:aws:sqs:us-east-1:123456789012:q", "us-east-1")
    sample = json.loads((EVENTS / "worker_sqs.json").read_text())["Records"][0]
    assert set(record) == set(sample)
    assert record["attributes"]["ApproximateReceiveCount"] == "2"
    assert record["messageAttributes"]["kind"]["binaryValue"] == "AQ=="


@pytest.mark.parametrize(
    ("result", "report", "failed"),
    [
        (Invocation({"batchItemFailures": []}), True, set()),
        (Invocation(None), True, set()),
        (Invocation({"batchItemFailures": [{"itemIdentifier": "b"}]}), True, {"b"}),
        (Invocation({"batchItemFailures": [{"itemIdentifier": "zzz"}]}), True, {"a", "b"}),
        (Invocation({"batchItemFailures": [{}]}), True, {"a", "b"}),
        (Invocation("not a dict"), True, {"a", "b"}),
        (Invocation(None, {"errorType": "X"}), True, {"a", "b"}),
        (Invocation({"batchItemFailures": [{"itemIdentifier": "b"}]}), False, set()),
        (Invocation(None, {"errorType": "X"}), False, {"a", "b"}),
    ],
)
def test_batch_item_failures_follow_lambda_rules(
    result: Invocation, report: bool, failed: set[str]
) -> None:
    assert failed_message_ids(result, ["a", "b"], report) == failed


def test_schedules() -> None:
    assert Schedule("rate(5 minutes)").period == 300
    assert Schedule("rate(1 day)").period == 86400
    friday = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)
    weekdays = Schedule("cron(0 10 ? * MON-FRI *)")
    assert weekdays.next_after(friday) == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    # AWS numbers weekdays from Sunday = 1: 2 is Monday.
    assert Schedule("cron(0 10 ? * 2 *)").next_after(friday).weekday() == 0
    assert Schedule("cron(0 0 1 1 ? 2028)").next_after(friday).year == 2028
    for bad in ["rate(0 minutes)", "rate(5 weeks)", "cron(0 10 * *)", "every day"]:
        with pytest.raises(TemplateError):
            Schedule(bad)


def test_scheduled_event_or_constant_input() -> None:
    source = ScheduleSource("Fn", "Tick", "rate(1 hour)")
    event = scheduled_event(source, "us-east-1")
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    sample = json.loads((EVENTS / "scheduler.json").read_text())
    assert set(sample) <= set(event)
    constant = ScheduleSource("Fn", "Tick", "rate(1 hour)", input={"feeds": "all"})
    assert scheduled_event(constant, "us-east-1") == {"feeds": "all"}
