"""Probe functions for the local stack's own e2e test: they report what they receive.

Every invocation writes what it saw to the SEEN queue, so the test can observe deliveries,
retries and schedules from outside, as an operator would.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

_sqs = None


def _seen(body: str) -> None:
    global _sqs
    if _sqs is None:  # one client per execution environment, as a real function would
        _sqs = boto3.client("sqs")
    _sqs.send_message(QueueUrl=os.environ["SEEN_URL"], MessageBody=body)


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """API: answer with the event, a few environment variables and the context."""
    env = {k: os.environ.get(k) for k in ("SEEN_URL", "AWS_LAMBDA_FUNCTION_NAME", "MODE")}
    body = {
        "event": event,
        "env": env,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "function_name": context.function_name,
    }
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps(body)}


def drain(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """SQS: "ok..." succeeds, "fail..." is reported as failed, "crash..." fails the batch."""
    failures = []
    for record in event["Records"]:
        body = record["body"]
        _seen(f"{body}#{record['attributes']['ApproximateReceiveCount']}")
        if body.startswith("crash"):
            raise RuntimeError("probe crash")
        if body.startswith("fail"):
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def tick(event: Any, context: Any) -> None:
    """Schedule: record the event."""
    _seen("tick:" + json.dumps(event, sort_keys=True))
