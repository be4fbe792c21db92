"""The local stack's snapshots: every item (binary values too) and queued message comes back."""

from __future__ import annotations

import json

import pytest
from newsbrief_local.persistence import STATE_FILE, StatePersistence


def _keys(items: list[dict]) -> list[tuple[str, str]]:
    return sorted((i["pk"]["S"], i["sk"]["S"]) for i in items)


def test_tables_and_queues_round_trip(aws, tmp_path):
    table, queue = aws.table_name, aws.queue_url
    items = [
        {"pk": {"S": "BRIEF#a"}, "sk": {"S": "BRIEF"}, "body": {"B": b"\x1f\x8b\x00\xff"}},
        {"pk": {"S": "URL#b"}, "sk": {"S": "URL"}, "n": {"N": "3"}, "m": {"M": {"x": {"S": "y"}}}},
    ]
    for item in items:
        aws.dynamodb.put_item(TableName=table, Item=item)
    aws.sqs.send_message(QueueUrl=queue, MessageBody='{"url": "http://a.example/1"}')
    aws.sqs.send_message(
        QueueUrl=queue, MessageBody='{"url": "http://a.example/2"}', DelaySeconds=600
    )
    saver = StatePersistence(tmp_path / "state", aws.stack, aws.dynamodb, aws.sqs)
    saver.save()
    assert (tmp_path / "state").stat().st_mode & 0o777 == 0o700  # it holds the cursor key
    assert (tmp_path / "state" / STATE_FILE).stat().st_mode & 0o777 == 0o600

    for item in items:  # the next run starts with empty resources
        aws.dynamodb.delete_item(TableName=table, Key={"pk": item["pk"], "sk": item["sk"]})
    aws.sqs.purge_queue(QueueUrl=queue)
    assert saver.restore() == (2, 2)
    restored = aws.dynamodb.scan(TableName=table)["Items"]
    assert _keys(restored) == _keys(items)
    body = next(i for i in restored if i["pk"]["S"] == "BRIEF#a")["body"]["B"]
    assert body == b"\x1f\x8b\x00\xff"
    attrs = aws.sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "1"
    assert attrs["ApproximateNumberOfMessagesDelayed"] == "1"  # its delay kept


@pytest.mark.parametrize("content", ["{not json", json.dumps({"version": 99})])
def test_an_unreadable_state_is_set_aside_not_lost(aws, tmp_path, content):
    (tmp_path / STATE_FILE).write_text(content)
    saver = StatePersistence(tmp_path, aws.stack, aws.dynamodb, aws.sqs)
    assert saver.restore() == (0, 0)
    (aside,) = tmp_path.glob(f"{STATE_FILE}.unreadable-*")
    assert aside.read_text() == content
