"""Observability of the briefing path: EMF metrics and correlated structured logs on stdout.

CloudWatch turns the embedded-metric-format lines the handlers print into metrics; these tests
read the same lines, so a metric that silently stops being emitted fails here.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.conftest import api_event, sqs_event


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """What the powertools loggers write. Their handlers keep the stream they were created
    with (pytest's capture of an earlier test, maybe), so point them at a buffer instead."""
    buffer = io.StringIO()
    handlers = [
        handler
        for logger in [logging.getLogger(name) for name in logging.root.manager.loggerDict]
        for handler in logger.handlers
        if isinstance(handler, logging.StreamHandler)
    ]
    previous = [handler.setStream(buffer) for handler in handlers]
    yield buffer
    for handler, stream in zip(handlers, previous, strict=True):
        handler.setStream(stream)


def _lines(text: str) -> list[dict[str, Any]]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
    return out


def _metrics(lines: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(metric name, its dimensions, the whole EMF document) for every metric emitted."""
    found = []
    for doc in lines:
        for directive in doc.get("_aws", {}).get("CloudWatchMetrics", []):
            assert directive["Namespace"] == "newsbrief"
            dims = {name: doc[name] for group in directive["Dimensions"] for name in group}
            for metric in directive["Metrics"]:
                found.append((metric["Name"], dims, doc))
    return found


def test_failed_briefs_are_counted_per_error_code(call_worker, site, capsys):
    refused = "http://169.254.169.254/latest/meta-data/"
    broken = site.url("/broken")
    capsys.readouterr()
    failed = call_worker(sqs_event([{"url": refused}, {"url": broken}]))
    assert failed == ["msg-001"]  # only the transient failure is retried
    metrics = _metrics(_lines(capsys.readouterr().out))
    codes = sorted(d["code"] for name, d, _ in metrics if name == "BriefFailures")
    assert codes == ["destination_refused", "fetch_failed"]
    for name, dims, doc in metrics:
        if name == "BriefFailures":
            assert dims["service"].startswith("newsbrief-")  # POWERTOOLS_SERVICE_NAME
            assert doc["BriefFailures"] in (1, 1.0, [1.0])


def test_new_brief_records_duration_length_and_a_correlated_log(
    call_api, site, stages, capsys, log_stream
):
    event = api_event("api_articles_create", body={"url": site.url("/news/tram_line")})
    capsys.readouterr()
    result = call_api(event)
    assert result.status == 201, result.raw
    lines = _lines(capsys.readouterr().out)
    metrics = {name: doc for name, _, doc in _metrics(lines)}
    assert {"BriefDuration", "ArticleWords", "BriefsCreated"} <= set(metrics)
    duration = metrics["BriefDuration"]["BriefDuration"]
    words = metrics["ArticleWords"]["ArticleWords"]
    assert (duration[0] if isinstance(duration, list) else duration) > 0
    assert (words[0] if isinstance(words, list) else words) == result.body["word_count"]
    # Every log line of the request carries API Gateway's request id as correlation id.
    logs = [line for line in _lines(log_stream.getvalue()) if "level" in line]
    assert logs, "the request logged nothing"
    request_id = event["requestContext"]["requestId"]
    assert all(line.get("correlation_id") == request_id for line in logs)
