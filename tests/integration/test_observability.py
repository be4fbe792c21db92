"""Observability of the briefing path: EMF metrics and correlated structured logs on stdout.

CloudWatch turns the embedded-metric-format lines the handlers print into metrics; these tests
read the same lines, so a metric that silently stops being emitted fails here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from tests.conftest import REPO_ROOT
from tests.integration.conftest import api_event


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


# A fresh worker process, as on Lambda: the function's environment is set before any import, so
# every module's logger and metrics see the function's service name (in-process, an earlier
# test may have imported them under another environment).
WORKER_PROBE = r"""
import json, os, sys
import boto3
from moto import mock_aws
from newsbrief_local.template import deploy_template

with mock_aws():
    stack = deploy_template(boto3.client("dynamodb"), boto3.client("sqs"))
    os.environ.update(stack.function("WorkerFunction").environment)
    from functions.worker.app import handler

    event = json.load(open("events/worker_sqs.json"))
    record = event["Records"][0]
    record["messageId"] = "msg-refused"
    record["body"] = json.dumps({"url": "http://169.254.169.254/latest/meta-data/"})

    from newsbrief_local.runtime import LambdaContext

    context = LambdaContext("worker", 1024, 120, "us-east-1")
    print(json.dumps({"result": handler({"Records": [record]}, context)}))
"""


def test_failed_brief_is_counted_by_code_and_logged_with_the_message_id():
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_DEV": "false",
    }
    env.pop("AWS_ENDPOINT_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", WORKER_PROBE],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    lines = _lines(out.stdout)
    result = next(line["result"] for line in lines if "result" in line)
    assert result == {"batchItemFailures": []}  # refused is permanent: recorded, not retried
    failures = [(d, doc) for name, d, doc in _metrics(lines) if name == "BriefFailures"]
    assert [d["code"] for d, _ in failures] == ["destination_refused"]
    assert failures[0][0]["service"] == "newsbrief-worker"
    logs = [line for line in lines if "level" in line]
    rejected = [line for line in logs if line.get("code") == "destination_refused"]
    assert rejected, f"the rejection was not logged: {logs}"
    assert all(line.get("correlation_id") == "msg-refused" for line in rejected)
    assert all(line.get("service") == "newsbrief-worker" for line in logs)


def test_new_brief_records_duration_and_article_length(call_api, site, capsys):
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
