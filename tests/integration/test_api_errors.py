"""Every error the API can answer with: its status, its code, a clear message, no traceback,
and stored data untouched afterwards."""

from __future__ import annotations

import json

import pytest
from newsbrief_aws import api_articles

from tests.integration.conftest import api_event

CREATE = "api_articles_create"
U = "https://a.example/x"

BAD_BODIES = [
    pytest.param("{not json", "not valid JSON", id="invalid-json"),
    pytest.param("", "body is required", id="empty-body"),
    pytest.param("[1, 2]", "", id="array-body"),
    pytest.param(json.dumps({}), "url", id="no-url"),
    pytest.param(json.dumps({"url": U, "colour": 1}), "colour", id="extra"),
    pytest.param(json.dumps({"url": "ftp://a.example/x"}), "http", id="ftp-url"),
    pytest.param(json.dumps({"url": "not a url"}), "http", id="junk-url"),
    pytest.param(json.dumps({"url": "https://a.example/" + "x" * 3000}), "url", id="long-url"),
    pytest.param(json.dumps({"url": U, "sentences": 0}), "sentences", id="s0"),
    pytest.param(json.dumps({"url": U, "sentences": 21}), "sentences", id="s21"),
    pytest.param(json.dumps({"url": U, "sentences": "3"}), "sentences", id="s-str"),
    pytest.param(json.dumps({"url": U, "refresh": "yes"}), "refresh", id="refresh"),
    pytest.param(json.dumps({"url": U, "algorithm": "bart"}), "algorithm", id="algorithm"),
    pytest.param(json.dumps({"urls": [U], "algorithm": "LSA"}), "algorithm", id="batch-algorithm"),
    pytest.param(json.dumps({"urls": []}), "urls", id="no-urls"),
    pytest.param(
        json.dumps({"urls": [f"https://a.example/{i}" for i in range(101)]}), "urls", id="101-urls"
    ),
    pytest.param(json.dumps({"url": U, "urls": [U]}), "", id="both"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "mentions"), BAD_BODIES)
def test_bad_article_requests_are_400_invalid_input(call_api, aws, raw, mentions):
    result = call_api(api_event(CREATE, raw_body=raw))
    assert result.status == 400, result.body
    assert result.body["error"]["code"] == "invalid_input"
    assert mentions in result.body["error"]["message"]
    assert aws.item_count() == 0 and aws.queued_bodies() == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"html": "<p>x</p>", "text": "x"},
        {"text": ""},
        {"text": "x", "sentences": 99},
        {"text": "x", "algorithm": None},
    ],
    ids=["neither", "both", "empty-text", "sentences", "algorithm"],
)
def test_bad_summarize_requests_are_400(call_api, body):
    result = call_api(api_event("api_summarize", body=body))
    assert result.status == 400
    assert result.body["error"]["code"] == "invalid_input"


@pytest.mark.parametrize(
    "query",
    [{"limit": "0"}, {"limit": "101"}, {"limit": "ten"}, {"source": "a.example/../b"}],
    ids=["limit0", "limit101", "limit-text", "source-junk"],
)
def test_bad_list_queries_are_400(call_api, query):
    result = call_api(api_event("api_articles_list", query=query))
    assert result.status == 400
    assert result.body["error"]["code"] == "invalid_input"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/nothing-here"), ("DELETE", "/nothing-here"), ("GET", "/articles/a/b")],
)
def test_unknown_routes_are_404_not_found(call_api, method, path):
    result = call_api(api_event("api_articles_list", path=path, method=method, query={}))
    assert result.status == 404
    assert result.body == {"error": {"code": "not_found", "message": "no such route"}}


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/articles", "GET, HEAD, OPTIONS, POST"),
        ("PUT", "/feeds/" + "0" * 24, "DELETE, GET, HEAD, OPTIONS"),
        ("TRACE", "/health", "GET, HEAD, OPTIONS"),
        ("POST", "/docs", "GET, HEAD, OPTIONS"),
        ("GET", "/summarize", "OPTIONS, POST"),
        ("HEAD", "/summarize", "OPTIONS, POST"),
    ],
)
def test_other_methods_of_a_route_are_405_with_allow(call_api, aws, method, path, allow):
    result = call_api(api_event("api_articles_list", path=path, method=method, query={}))
    assert result.status == 405, result.raw
    assert result.headers["allow"] == allow
    assert result.body["error"]["code"] == "method_not_allowed"
    assert method in result.body["error"]["message"]
    assert aws.item_count() == 0


def test_oversized_body_is_413_too_large(call_api, aws):
    raw = json.dumps({"html": "<p>" + "a" * (6 * 1024 * 1024) + "</p>"})
    result = call_api(api_event("api_summarize", raw_body=raw))
    assert result.status == 413
    assert result.body["error"]["code"] == "too_large"


def test_html_over_the_page_cap_is_413(call_api, monkeypatch):
    from newsbrief_aws import bootstrap

    monkeypatch.setenv("NEWSBRIEF_MAX_BYTES", "1000")
    bootstrap.reset()
    result = call_api(api_event("api_summarize", body={"html": "<p>" + "b" * 2000 + "</p>"}))
    assert result.status == 413
    assert result.body["error"]["code"] == "too_large"


def test_refused_destination_is_403(call_api, aws):
    result = call_api(api_event(CREATE, body={"url": "http://169.254.169.254/latest/meta-data/"}))
    assert result.status == 403
    assert result.body["error"]["code"] == "destination_refused"
    assert aws.item_count() == 0


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [("/broken", 502, "fetch_failed"), ("/data.json", 415, "unsupported_content")],
)
def test_upstream_problems_map_to_their_codes(call_api, site, aws, path, status, code):
    result = call_api(api_event(CREATE, body={"url": site.url(path)}))
    assert result.status == status, result.body
    assert result.body["error"]["code"] == code
    assert aws.item_count() == 0


def test_page_without_article_is_422_no_article(call_api, site, aws):
    result = call_api(api_event(CREATE, body={"url": site.url("/news/cookie_wall")}))
    assert result.status == 422, result.body
    assert result.body["error"]["code"] == "no_article"


def test_missing_table_is_503_store_unavailable(call_api, aws):
    aws.dynamodb.delete_table(TableName=aws.table_name)
    result = call_api(api_event("api_article_get", path=f"/articles/{'a' * 24}"))
    assert result.status == 503
    assert result.body["error"]["code"] == "store_unavailable"


def test_unexpected_failure_is_500_without_traceback(call_api, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(api_articles, "ensure_brief", explode)
    result = call_api(api_event(CREATE, body={"url": U}))
    assert result.status == 500
    assert result.body == {
        "error": {"code": "internal_error", "message": "the service failed, try again later"}
    }
    assert "secret" not in result.raw and "Traceback" not in result.raw


def test_queue_outage_is_503(call_api, aws):
    aws.sqs.delete_queue(QueueUrl=aws.queue_url)
    result = call_api(api_event("api_articles_batch"))
    assert result.status == 503
    assert result.body["error"]["code"] == "store_unavailable"


def test_stored_data_survives_a_barrage_of_bad_requests(call_api, aws, stored_briefs):
    before = aws.item_count()
    for raw, _ in [p.values for p in BAD_BODIES]:
        call_api(api_event(CREATE, raw_body=raw))
    for bad_id in ("x", "0" * 24, "..%2F"):
        call_api(api_event("api_article_get", path=f"/articles/{bad_id}"))
    call_api(api_event("api_articles_list", query={"cursor": "tampered"}))
    assert aws.item_count() == before
    for brief in stored_briefs:
        read = call_api(api_event("api_article_get", path=f"/articles/{brief.id}"))
        assert read.status == 200
        assert read.body == json.loads(brief.model_dump_json())


def test_template_requires_an_api_key_except_health_and_docs(aws):
    """401 unauthorized is API Gateway's answer (the function never sees keyless calls)."""
    routes = {(r.path, r.method): r.api_key_required for r in aws.stack.routes()}
    assert routes[("/health", "GET")] is False and routes[("/health", "ANY")] is False
    assert routes[("/docs", "ANY")] is False
    # Browsers send CORS preflight requests without the key: OPTIONS is open everywhere.
    preflights = [key for key in routes if key[1] == "OPTIONS"]
    assert preflights and not any(routes[key] for key in preflights)
    paths = {path for path, _ in routes}
    assert {path for path, method in preflights} == paths - {"/health", "/docs"}
    keyed = [k for k in routes if k[0] not in ("/health", "/docs") and k[1] != "OPTIONS"]
    assert keyed and all(routes[key] for key in keyed)
    responses = aws.stack.gateway_responses("NewsbriefApi")
    unauthorized = responses["INVALID_API_KEY"]
    assert unauthorized.status == 401
    body = json.loads(unauthorized.templates["application/json"])
    assert body["error"]["code"] == "unauthorized"
    assert json.loads(responses["REQUEST_TOO_LARGE"].templates["application/json"])["error"][
        "code"
    ] == ("too_large")


SUMMARIZE_BODY = json.dumps({"text": "The council met on Monday. It approved the plan."})


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "APPLICATION/JSON", "application/json; charset=utf-8",
     "Application/Json ;charset=UTF-8", "application/vnd.api+json", "application/merge-patch+json"],
)  # fmt: skip
def test_json_in_any_spelling_is_json(call_api, content_type):
    event = api_event("api_summarize", raw_body=SUMMARIZE_BODY)
    event["headers"]["Content-Type"] = content_type
    event["multiValueHeaders"]["Content-Type"] = [content_type]
    result = call_api(event)
    assert result.status == 200, result.raw
    assert result.body["summary"]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/xml", "application/x-www-form-urlencoded",
     "multipart/form-data; boundary=x", "application/jsonx", "json", None],
)  # fmt: skip
def test_other_content_types_are_415(call_api, aws, content_type):
    event = api_event(CREATE, raw_body=json.dumps({"url": U}))
    event["headers"].pop("Content-Type")
    event["multiValueHeaders"].pop("Content-Type")
    if content_type is not None:
        event["headers"]["content-type"] = content_type
        event["multiValueHeaders"]["content-type"] = [content_type]
    result = call_api(event)
    assert result.status == 415, result.raw
    assert result.body["error"]["code"] == "unsupported_media_type"
    assert "application/json" in result.body["error"]["message"]
    assert aws.item_count() == 0 and aws.queued_bodies() == []


@pytest.mark.parametrize("digits", [65, 5000, 100_000])
def test_integers_too_long_to_be_numbers_are_400(call_api, digits):
    raw = '{"text": "A sentence here. Another one.", "sentences": ' + "9" * digits + "}"
    result = call_api(api_event("api_summarize", raw_body=raw))
    assert result.status == 400, result.raw
    assert result.body["error"]["code"] == "invalid_input"


def test_a_whole_number_written_as_a_float_is_that_number(call_api):
    raw = json.dumps({"text": "One. Two. Three. Four. Five.", "sentences": 2.0})
    result = call_api(api_event("api_summarize", raw_body=raw))
    assert result.status == 200, result.raw
    assert len(result.body["summary"]) == 2


def test_head_is_get_without_the_body(call_api, aws):
    result = call_api(api_event("api_health", method="HEAD"))
    assert result.status == 200 and result.raw == ""
    assert result.headers["content-type"].startswith("application/json")


def test_options_lists_the_methods(call_api):
    result = call_api(api_event("api_articles_list", path="/articles", method="OPTIONS", query={}))
    assert result.status == 204
    assert result.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert "access-control-allow-origin" not in result.headers  # no origin is allowed by default


def test_cors_only_for_allowed_origins(call_api, monkeypatch):
    from newsbrief_aws import api_protocol

    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "https://app.example, https://b.example")
    api_protocol.allowed_origins.cache_clear()
    try:
        preflight = api_event("api_articles_list", path="/articles", method="OPTIONS", query={})
        preflight["headers"].update(
            {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
        )
        result = call_api(preflight)
        assert result.status == 204
        assert result.headers["access-control-allow-origin"] == "https://app.example"
        assert "POST" in result.headers["access-control-allow-methods"]
        assert "x-api-key" in result.headers["access-control-allow-headers"]

        event = api_event("api_summarize", raw_body=SUMMARIZE_BODY)
        event["headers"]["Origin"] = "https://b.example"
        result = call_api(event)
        assert result.status == 200
        assert result.headers["access-control-allow-origin"] == "https://b.example"

        event["headers"]["Origin"] = "https://evil.example"
        result = call_api(event)
        assert "access-control-allow-origin" not in result.headers
    finally:
        monkeypatch.delenv("CORS_ALLOWED_ORIGINS")
        api_protocol.allowed_origins.cache_clear()


@pytest.mark.parametrize("field", ["html", "text"])
def test_binary_content_in_summarize_is_unsupported_content(call_api, field):
    binary = bytes(range(1, 32)) * 40 + b"<p>Some words here.</p>"
    result = call_api(api_event("api_summarize", body={field: binary.decode("latin-1")}))
    assert result.status == 415, result.raw
    assert result.body["error"]["code"] == "unsupported_content"
