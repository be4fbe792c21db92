"""Hostile API input (issue 8): every request below gets a 4xx with its code, and none of them
reaches the store (the table is compared item by item before and after). Also: DynamoDB
throttling injected on the wire is retried by the client and the caller never notices.

The ordinary bad requests live in test_api_errors.py; these are the abusive ones.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from moto.core.botocore_stubber import MockRawResponse
from newsbrief_aws import bootstrap

from tests.integration.conftest import api_event

CREATE = "api_articles_create"
U = "https://a.example/x"


def _snapshot(aws: Any) -> list[dict[str, Any]]:
    items = aws.dynamodb.scan(TableName=aws.table_name)["Items"]
    return sorted(items, key=lambda i: (i["pk"]["S"], i["sk"]["S"]))


def _assert_4xx(result: Any, code: str = "invalid_input") -> None:
    assert 400 <= result.status < 500, (result.status, result.raw)
    assert result.body["error"]["code"] == code, result.body
    assert "Traceback" not in result.raw


ABSURD_BODIES = [
    pytest.param({"url": U, "sentences": 10**9}, id="sentences-1e9"),
    pytest.param({"url": U, "sentences": 1e9}, id="sentences-float-1e9"),
    pytest.param({"url": U, "sentences": -3}, id="sentences-negative"),
    pytest.param({"url": U, "sentences": 3.5}, id="sentences-fraction"),
    pytest.param({"url": U, "sentences": True}, id="sentences-bool"),
    pytest.param({"url": U, "sentences": None}, id="sentences-null"),
    pytest.param({"url": U, "sentences": 10**400}, id="sentences-huge-int"),
    pytest.param({"url": 42}, id="url-number"),
    pytest.param({"url": [U]}, id="url-list"),
    pytest.param({"url": {"href": U}}, id="url-object"),
    pytest.param({"url": None}, id="url-null"),
    pytest.param({"url": U, "refresh": 1}, id="refresh-int"),
    pytest.param({"urls": U}, id="urls-string"),
    pytest.param({"urls": [U, 7]}, id="urls-mixed"),
    pytest.param({"url": U, "__proto__": {"admin": True}}, id="unknown-proto"),
    pytest.param({"url": U, "id": "0" * 24}, id="unknown-id"),
    pytest.param({"url": "https://a.example/" + "a" * 100_000}, id="url-100k"),
    pytest.param({"url": "http://a.example/\u0000x"}, id="url-nul"),
    pytest.param({"url": "javascript:alert(1)"}, id="url-js"),
    pytest.param({"url": "https://"}, id="url-no-host"),
    pytest.param({"urls": [U] * 10_000}, id="urls-10000"),
]


@pytest.mark.parametrize("body", ABSURD_BODIES)
def test_absurd_article_bodies_are_400_and_store_nothing(call_api, aws, body):
    before = _snapshot(aws)
    result = call_api(api_event(CREATE, raw_body=json.dumps(body)))
    _assert_4xx(result)
    assert _snapshot(aws) == before
    assert aws.queued_bodies() == []


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param('{"url": "' + U + '", "sentences": 3', id="truncated"),
        pytest.param('{"url": "' + U + '"} trailing', id="trailing"),
        pytest.param("[" * 100_000 + "]" * 100_000, id="deep-arrays"),
        pytest.param('{"a":' * 50_000 + "1" + "}" * 50_000, id="deep-objects"),
        pytest.param('"just a string"', id="string"),
        pytest.param("null", id="null"),
        pytest.param("NaN", id="nan"),
        pytest.param('{"url": "' + U + '", "url": "' + U + '", "sentences": 1e999}', id="inf"),
    ],
)
def test_malformed_json_is_400(call_api, aws, raw):
    before = _snapshot(aws)
    _assert_4xx(call_api(api_event(CREATE, raw_body=raw)))
    assert _snapshot(aws) == before


@pytest.mark.parametrize(
    "payload",
    [b'\xff\xfe{"url": "https://a.example/x"}', b'{"url": "https://a.example/\xc3\x28"}',
     b"\x00\x01\x02\x03" * 64, "{\"url\": \"https://a.example/\u00e9\"}".encode("utf-16")],
    ids=["bom-junk", "bad-utf8-in-string", "binary", "utf16"],
)  # fmt: skip
def test_non_utf8_bodies_are_400(call_api, aws, payload):
    event = api_event(CREATE)
    event["body"] = base64.b64encode(payload).decode()
    event["isBase64Encoded"] = True
    before = _snapshot(aws)
    _assert_4xx(call_api(event))
    assert _snapshot(aws) == before


def test_oversized_base64_body_is_413_before_parsing(call_api, aws):
    event = api_event(CREATE)
    event["body"] = base64.b64encode(b"{" * (7 * 1024 * 1024)).decode()
    event["isBase64Encoded"] = True
    result = call_api(event)
    assert result.status == 413 and result.body["error"]["code"] == "too_large"
    assert aws.item_count() == 0


@pytest.mark.parametrize(
    "query",
    [{"limit": str(10**9)}, {"limit": "-1"}, {"limit": "1e9"}, {"limit": "9" * 400},
     {"limit": "0x10"}, {"source": "a" * 300}, {"source": "../../etc"},
     {"source": "a.example%2F..%2F"}, {"cursor": "c" * 5000}, {"cursor": "not-base64!"}],
    ids=["limit-1e9", "limit-neg", "limit-float", "limit-huge", "limit-hex", "source-long",
         "source-dots", "source-encoded", "cursor-long", "cursor-junk"],
)  # fmt: skip
def test_absurd_list_parameters_are_400(call_api, stored_briefs, aws, query):
    before = _snapshot(aws)
    _assert_4xx(call_api(api_event("api_articles_list", query=query)))
    assert _snapshot(aws) == before


@pytest.mark.parametrize(
    "bad_id",
    ["..", "../" * 8 + "etc", "%2e%2e", "%2e%2e%2f%2e%2e", "..%2f..%2fetc%2fpasswd",
     "%252e%252e%252f", "a" * 23 + "/", "a" * 24 + "%00", "a" * 24 + "%2f..", "A" * 24,
     "a" * 10_000, "%c0%ae%c0%ae", "\u2024\u2024"],
    ids=["dots", "dots-slashes", "enc-dots", "enc-dots-slash", "enc-slashes", "double-enc",
         "trailing-slash", "nul", "enc-slash-suffix", "upper", "long", "overlong-utf8",
         "one-dot-leaders"],
)  # fmt: skip
def test_path_traversal_in_ids_is_4xx_and_reads_nothing(call_api, stored_briefs, aws, bad_id):
    result = call_api(api_event("api_article_get", path=f"/articles/{bad_id}"))
    assert result.status in (400, 404), result.raw
    assert result.body["error"]["code"] in ("invalid_input", "not_found")
    assert "title" not in result.raw  # no brief leaked under a mangled id


def test_over_long_url_in_a_batch_is_400_and_queues_nothing(call_api, aws):
    urls = [U, "https://a.example/" + "b" * 5000]
    result = call_api(api_event(CREATE, body={"urls": urls}))
    _assert_4xx(result)
    assert aws.queued_bodies() == [] and aws.item_count() == 0


# --- DynamoDB throttling is retried -------------------------------------------------------


class _Throttle:
    """Answers the first ``times`` DynamoDB calls like an overloaded table, on the wire.

    Registered on the client's ``before-send`` event, so the response goes through botocore's
    real retry handler exactly as a throttled HTTP answer from DynamoDB would.
    """

    BODY = json.dumps(
        {
            "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
            "message": "The level of configured provisioned throughput for the table was exceeded",
        }
    ).encode()

    def __init__(self, times: int) -> None:
        self.left = times
        self.thrown = 0

    def __call__(self, request: Any, **kwargs: Any) -> AWSResponse | None:
        if self.left <= 0:
            return None  # let moto answer
        self.left -= 1
        self.thrown += 1
        headers = {"x-amzn-RequestId": f"throttle-{self.thrown}"}
        return AWSResponse(request.url, 400, headers, MockRawResponse(self.BODY))


def test_throttled_reads_are_retried_and_succeed(call_api, stored_briefs, aws):
    client = bootstrap.store().client
    throttle = _Throttle(times=2)
    client.meta.events.register_first("before-send.dynamodb", throttle)
    try:
        brief = stored_briefs[0]
        result = call_api(api_event("api_article_get", path=f"/articles/{brief.id}"))
    finally:
        client.meta.events.unregister("before-send.dynamodb", throttle)
    assert throttle.thrown == 2  # the throttles really happened...
    assert result.status == 200, result.raw  # ...and the caller never saw them
    assert result.body["id"] == brief.id


def test_throttled_writes_are_retried_and_store_once(call_api, aws, monkeypatch):
    from newsbrief_aws import briefing

    from tests.integration.conftest import make_brief

    url = "https://www.gazette.example/news/throttled"
    monkeypatch.setattr(
        briefing, "brief_url", lambda u, **_: make_brief(u, "2026-11-26T12:00Z")
    )
    client = bootstrap.store().client
    throttle = _Throttle(times=2)
    client.meta.events.register_first("before-send.dynamodb", throttle)
    try:
        result = call_api(api_event(CREATE, body={"url": url}))
    finally:
        client.meta.events.unregister("before-send.dynamodb", throttle)
    assert throttle.thrown == 2
    assert result.status == 201, result.raw
    again = call_api(api_event("api_article_get", path=f"/articles/{result.body['id']}"))
    assert again.status == 200 and again.body == result.body


def test_throttling_beyond_the_retry_budget_is_503_not_500(call_api, stored_briefs, aws):
    client = bootstrap.store().client
    throttle = _Throttle(times=10**6)
    client.meta.events.register_first("before-send.dynamodb", throttle)
    try:
        result = call_api(api_event("api_article_get", path=f"/articles/{stored_briefs[0].id}"))
    finally:
        client.meta.events.unregister("before-send.dynamodb", throttle)
    assert throttle.thrown >= 3  # retried before giving up
    assert result.status == 503 and result.body["error"]["code"] == "store_unavailable"
