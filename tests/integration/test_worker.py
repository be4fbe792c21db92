"""The worker handler on SQS batches: skips, partial failures, recorded permanent failures."""

from __future__ import annotations

import json

from newsbrief.pipeline import brief_id
from newsbrief_aws import bootstrap

from tests.integration.conftest import api_event, load_event, make_brief, sqs_event


def test_sample_event_is_drained_without_refetching(call_worker):
    # The sample event's URLs are briefed already, so the worker must skip them, not fetch
    # (the network guard would fail the test on any attempt to reach those hosts).
    event = load_event("worker_sqs")
    store = bootstrap.store()
    for i, record in enumerate(event["Records"]):
        url = json.loads(record["body"])["url"]
        store.save_brief(make_brief(url, f"2026-11-26T11:0{i}:00+00:00"))
    assert call_worker(event) == []


def test_partial_batch_failure_reports_only_retryable_messages(call_worker, call_api, site):
    done = site.url("/news/already-done")
    bootstrap.store().save_brief(make_brief(done, "2026-11-26T09:00:00+00:00"))
    broken = site.url("/broken")  # upstream 500: transient, worth a retry
    not_html = site.url("/data.json")  # permanent: retrying cannot help
    bodies = [
        {"url": done},
        {"url": broken},
        "this is not JSON",  # poison: parked in the DLQ after the retries
        {"url": not_html, "sentences": 2},
        {"sentences": 3},  # no URL: poison too
    ]
    failed = call_worker(sqs_event(bodies))
    assert failed == ["msg-001", "msg-002", "msg-004"]

    # The already briefed URL was not fetched again.
    assert all(path != "/news/already-done" for _, path, _ in site.requests)
    # Permanent failure: GET by the batch id explains it with the stage's error code.
    rejected = call_api(api_event("api_article_get", path=f"/articles/{brief_id(not_html)}"))
    assert rejected.status == 415
    assert rejected.body["error"]["code"] == "unsupported_content"
    # Transient failure: recorded too, so a client polling the id sees why it is late.
    late = call_api(api_event("api_article_get", path=f"/articles/{brief_id(broken)}"))
    assert late.status == 502
    assert late.body["error"]["code"] == "fetch_failed"


def test_refused_destination_is_permanent_and_never_connected(call_worker, call_api):
    url = "http://169.254.169.254/latest/meta-data/"  # cloud metadata endpoint (SSRF)
    assert call_worker(sqs_event([{"url": url}])) == []
    result = call_api(api_event("api_article_get", path=f"/articles/{brief_id(url)}"))
    assert result.status == 403
    assert result.body["error"]["code"] == "destination_refused"


def test_success_after_failure_replaces_the_failure(call_worker, call_api, site):
    url = site.url("/news/flaky")
    site.add("/news/flaky", site.routes["/broken"])
    assert call_worker(sqs_event([{"url": url}])) == ["msg-000"]
    site.add("/news/flaky", site.routes["/news/harbour_storm"])
    assert call_worker(sqs_event([{"url": url}], receive_count=2)) == []
    result = call_api(api_event("api_article_get", path=f"/articles/{brief_id(url)}"))
    assert result.status == 200
    assert "Northhaven" in result.body["text"]


def test_store_outage_is_retried_not_lost(call_worker, aws, site, monkeypatch):
    done = site.url("/news/x")
    aws.dynamodb.delete_table(TableName=aws.table_name)  # the store is gone
    assert call_worker(sqs_event([{"url": done}])) == ["msg-000"]
