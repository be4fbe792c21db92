"""Read template.yaml and create its table and queues in moto (tests) or the local stack.

template.yaml is the single source of truth for the key schema, indexes and queues; this
module is the one place that turns its CloudFormation into boto3 calls, so tests, the local
stack and the deployed system cannot drift apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "template.yaml"

# CloudFormation-only table properties that create_table does not accept; PITR and TTL are
# applied with their own calls below, the rest has no meaning locally.
_TABLE_ONLY_IN_CFN = {
    "PointInTimeRecoverySpecification",
    "TimeToLiveSpecification",
    "SSESpecification",
    "Tags",
    "TableName",
    "ContributorInsightsSpecification",
    "DeletionProtectionEnabled",
}
# Queue properties create_queue takes as string attributes (the others are CFN/KMS only).
_QUEUE_ATTRIBUTES = {
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
}


class _CfnLoader(yaml.SafeLoader):
    """A YAML loader that keeps CloudFormation short-form tags as ``{"Fn::X": value}``."""


def _cfn_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _cfn_tag)


def load_template(path: Path | str | None = None) -> dict[str, Any]:
    """Parse template.yaml (CloudFormation tags included) into plain Python data."""
    with Path(path or TEMPLATE_PATH).open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass


def _resources_of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {
        name: res.get("Properties") or {}
        for name, res in template.get("Resources", {}).items()
        if res.get("Type") == kind
    }


def table_definition(template: dict[str, Any], logical_id: str = "Table") -> dict[str, Any]:
    """``create_table`` keyword arguments (without TableName) for the template's table."""
    props = _resources_of_type(template, "AWS::DynamoDB::Table")[logical_id]
    return {k: v for k, v in props.items() if k not in _TABLE_ONLY_IN_CFN}


def ttl_attribute(template: dict[str, Any], logical_id: str = "Table") -> str | None:
    """The table's TTL attribute name, or ``None`` when TTL is not enabled."""
    props = _resources_of_type(template, "AWS::DynamoDB::Table")[logical_id]
    ttl = props.get("TimeToLiveSpecification") or {}
    return ttl.get("AttributeName") if ttl.get("Enabled") else None


@dataclass(frozen=True, slots=True)
class Resources:
    """Names and URLs of what :func:`create_resources` made."""

    table_name: str
    queue_urls: dict[str, str]  # logical id -> queue URL

    @property
    def queue_url(self) -> str:
        """The work queue (the one with a redrive policy), for QUEUE_URL."""
        return self.queue_urls["BriefQueue"]


def _queue_order(queues: dict[str, dict[str, Any]]) -> list[str]:
    # Dead-letter queues first: a redrive policy needs its target's ARN.
    return sorted(queues, key=lambda name: "RedrivePolicy" in queues[name])


def create_resources(
    dynamodb: Any,
    sqs: Any,
    template: dict[str, Any] | None = None,
    prefix: str = "newsbrief",
) -> Resources:
    """Create the template's table and queues with boto3 clients; return their names/URLs.

    Works against moto's in-process mock and the local moto server alike.
    """
    template = template or load_template()
    table_name = f"{prefix}-Table"
    dynamodb.create_table(TableName=table_name, **table_definition(template))
    dynamodb.get_waiter("table_exists").wait(TableName=table_name)
    ttl = ttl_attribute(template)
    if ttl:
        dynamodb.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"AttributeName": ttl, "Enabled": True},
        )

    queues = _resources_of_type(template, "AWS::SQS::Queue")
    urls: dict[str, str] = {}
    arns: dict[str, str] = {}
    for name in _queue_order(queues):
        props = queues[name]
        attributes = {k: str(v) for k, v in props.items() if k in _QUEUE_ATTRIBUTES}
        redrive = props.get("RedrivePolicy")
        if redrive:
            target = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
            attributes["RedrivePolicy"] = json.dumps(
                {"deadLetterTargetArn": arns[target], "maxReceiveCount": redrive["maxReceiveCount"]}
            )
        url = sqs.create_queue(QueueName=f"{prefix}-{name}", Attributes=attributes)["QueueUrl"]
        urls[name] = url
        arns[name] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
    return Resources(table_name=table_name, queue_urls=urls)
