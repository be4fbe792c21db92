"""Every alarm watches a metric that exists: namespace, name and dimensions as emitted.

An alarm on a metric nobody emits (a typo, a dimension the code does not set, a service name
that changed) never fires and never says so. Alarms on the code's own metrics are compared
with the embedded-metric lines the functions print when run in a fresh process with their
template environment; alarms on AWS metrics must name a metric the service publishes, with
exactly its dimensions, on a resource of this template. Every alarm the README or the
template's comments name must exist, and every alarm notifies the alarm topic.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import REPO_ROOT

# What each AWS service publishes (per resource), from the services' metric references.
AWS_METRICS = {
    "AWS/Lambda": (
        {"FunctionName"},
        {"Errors", "Throttles", "Invocations", "Duration", "ConcurrentExecutions",
         "DeadLetterErrors", "DestinationDeliveryFailures", "AsyncEventsDropped"},
    ),
    "AWS/SQS": (
        {"QueueName"},
        {"ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage",
         "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
         "NumberOfMessagesSent", "NumberOfMessagesReceived", "NumberOfMessagesDeleted"},
    ),
    "AWS/ApiGateway": (
        {"ApiName", "Stage"},
        {"4XXError", "5XXError", "Count", "Latency", "IntegrationLatency"},
    ),
}  # fmt: skip
OWN_NAMESPACE = "newsbrief"
# Alarm property names that look like alarm names.
NOT_ALARMS = {"DatapointsToAlarm"}
# A fresh process per function, as on Lambda: powertools reads the service name (a dimension
# of every metric) when its modules are imported, so only the function's own environment
# from the first import shows what it really emits. Each probe makes its function emit its
# failure metrics without any network traffic: the URLs are refused before connecting.
PROBE = r"""
import json, os, sys
import boto3
from moto import mock_aws
from newsbrief_local.template import deploy_template

function = sys.argv[1]
with mock_aws():
    stack = deploy_template(boto3.client("dynamodb"), boto3.client("sqs"))
    os.environ.update(stack.function(function).environment)

    class Context:
        function_name = function
        memory_limit_in_mb = 1024
        invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function}"
        aws_request_id = "req-1"
        def get_remaining_time_in_millis(self):
            return 280_000

    if function == "SchedulerFunction":
        from newsbrief.models import FeedRecord
        from newsbrief_aws import bootstrap
        from functions.scheduler.app import handler

        bootstrap.feed_store().add_feed(FeedRecord(
            id="a" * 24, url="http://169.254.169.254/feed.xml", interval_minutes=30,
            created_at="2000-01-01T00:00:00+00:00", next_poll_at="2000-01-01T00:00:00+00:00"))
        handler(json.load(open("events/scheduler.json")), Context())
    elif function == "WorkerFunction":
        from functions.worker.app import handler

        event = json.load(open("events/worker_sqs.json"))
        event["Records"][0]["body"] = json.dumps({"url": "http://169.254.169.254/latest/"})
        handler({"Records": event["Records"][:1]}, Context())
    else:
        raise SystemExit(f"no probe for {function}")
"""
PROBED = ("SchedulerFunction", "WorkerFunction")


def _alarms(aws) -> dict[str, dict[str, Any]]:
    stack = aws.stack
    return {
        lid: stack.resolve(res["Properties"])
        for lid, res in stack.resources.items()
        if res["Type"] == "AWS::CloudWatch::Alarm" and stack.exists(lid)
    }


def _dimensions(alarm: dict[str, Any]) -> dict[str, str]:
    return {d["Name"]: str(d["Value"]) for d in alarm.get("Dimensions", [])}


@pytest.fixture(scope="module")
def emitted() -> set[tuple[str, str, frozenset]]:
    """(namespace, metric, dimensions) of every metric the probed functions emit."""
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1", "POWERTOOLS_DEV": "false"}  # fmt: skip
    env.pop("AWS_ENDPOINT_URL", None)
    found: set[tuple[str, str, frozenset]] = set()
    for function in PROBED:
        out = subprocess.run(
            [sys.executable, "-c", PROBE, function],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip
        assert out.returncode == 0, f"{function} probe failed:\n{out.stderr[-3000:]}"
        for line in out.stdout.splitlines():
            if not line.startswith("{"):
                continue
            doc = json.loads(line)
            for directive in doc.get("_aws", {}).get("CloudWatchMetrics", []):
                for group in directive["Dimensions"]:
                    dims = frozenset((name, str(doc[name])) for name in group)
                    for metric in directive["Metrics"]:
                        found.add((directive["Namespace"], metric["Name"], dims))
    return found


def test_alarms_on_our_metrics_watch_what_the_functions_emit(aws, emitted):
    own = {lid: a for lid, a in _alarms(aws).items() if a["Namespace"] == OWN_NAMESPACE}
    assert "FeedPollsFailedAlarm" in own
    for lid, alarm in own.items():
        wanted = (OWN_NAMESPACE, alarm["MetricName"], frozenset(_dimensions(alarm).items()))
        same_name = sorted(str(e) for e in emitted if e[1] == alarm["MetricName"])
        assert wanted in emitted, f"{lid} watches {wanted}; emitted: {same_name}"


def test_alarms_on_aws_metrics_name_a_published_metric_of_a_resource_here(aws):
    stack = aws.stack
    functions = {stack.ref(lid) for lid in stack.functions()}
    queues = {
        stack.get_att(lid, "QueueName")
        for lid, res in stack.resources.items()
        if res["Type"] == "AWS::SQS::Queue" and stack.exists(lid)
    }
    api_props = stack.resolve(stack.resources["NewsbriefApi"]["Properties"])
    for lid, alarm in _alarms(aws).items():
        namespace = alarm["Namespace"]
        if namespace == OWN_NAMESPACE:
            continue
        assert namespace in AWS_METRICS, f"{lid}: teach this test the {namespace} metrics"
        dimension_names, metrics = AWS_METRICS[namespace]
        dims = _dimensions(alarm)
        assert set(dims) == dimension_names, f"{lid}: {namespace} publishes by {dimension_names}"
        assert alarm["MetricName"] in metrics, f"{lid}: {namespace} has no {alarm['MetricName']}"
        if namespace == "AWS/Lambda":
            assert dims["FunctionName"] in functions, lid
        elif namespace == "AWS/SQS":
            assert dims["QueueName"] in queues, lid
        else:
            assert dims == {"ApiName": api_props["Name"], "Stage": api_props["StageName"]}, lid


def test_every_alarm_notifies_the_alarm_topic(aws):
    topic = aws.stack.ref("AlarmTopic")
    for lid, alarm in _alarms(aws).items():
        assert alarm["AlarmActions"] == [topic], lid


def test_every_function_and_dead_letter_queue_is_watched(aws):
    watched = {(a["Namespace"], *sorted(_dimensions(a).values())) for a in _alarms(aws).values()}
    for lid in aws.stack.functions():
        assert ("AWS/Lambda", aws.stack.ref(lid)) in watched, f"no alarm on {lid}"
    for lid, res in aws.stack.resources.items():
        if res["Type"] == "AWS::SQS::Queue" and "DeadLetterQueue" in lid:
            assert ("AWS/SQS", aws.stack.get_att(lid, "QueueName")) in watched, lid


def test_every_alarm_the_readme_or_template_names_exists(aws):
    alarms = set(_alarms(aws))
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    template = (REPO_ROOT / "template.yaml").read_text(encoding="utf-8")
    named = set(re.findall(r"\b([A-Z][A-Za-z0-9]+Alarm)\b", readme + template)) - NOT_ALARMS
    assert named - alarms == set(), "named but missing"
    # The README's alarm table lists each one, so an operator knows what can page them.
    table = set(re.findall(r"^\| `([A-Za-z0-9]+Alarm)` \|", readme, flags=re.MULTILINE))
    assert table == alarms
