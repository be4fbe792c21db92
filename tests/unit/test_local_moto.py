"""The local stack's moto server runs DynamoDB requests one at a time, as DynamoDB is atomic."""

from __future__ import annotations

import threading
import time
from typing import Any

from newsbrief_local.moto_server import AtomicDynamoDB


class _Recorder:
    """A WSGI app that reports how many requests it was serving at once."""

    def __init__(self) -> None:
        self.active = 0
        self.most = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self.lock:
            self.active += 1
            self.most = max(self.most, self.active)
        start_response("200 OK", [])

        def body() -> Any:  # lazy, like werkzeug's: the work happens while iterating
            time.sleep(0.05)
            with self.lock:
                self.active -= 1
            yield b"{}"

        return body()


def _serve_concurrently(app: AtomicDynamoDB, target: str) -> list[list[bytes]]:
    bodies: list[list[bytes]] = []
    environ = {"HTTP_X_AMZ_TARGET": target} if target else {}

    def one() -> None:
        bodies.append(list(app(dict(environ), lambda *a: None)))

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    return bodies


def test_dynamodb_requests_run_one_at_a_time() -> None:
    recorder = _Recorder()
    bodies = _serve_concurrently(AtomicDynamoDB(recorder), "DynamoDB_20120810.TransactWriteItems")
    assert bodies == [[b"{}"]] * 4
    assert recorder.most == 1


def test_other_requests_stay_concurrent() -> None:
    """SQS long polls must not hold up every other request."""
    recorder = _Recorder()
    bodies = _serve_concurrently(AtomicDynamoDB(recorder), "")
    assert bodies == [[b"{}"]] * 4
    assert recorder.most > 1


def _queries(client: Any) -> list[Any]:
    """Answers to table and index Queries, forwards, backwards and paged."""
    answers = []
    for kwargs in (
        {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "P1"}}},
        {"KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b", "ScanIndexForward": False,
         "ExpressionAttributeValues": {":p": {"S": "P2"}, ":a": {"S": "03"}, ":b": {"S": "07"}}},
        {"IndexName": "ByG", "KeyConditionExpression": "g = :g",
         "ExpressionAttributeValues": {":g": {"S": "even"}}, "ScanIndexForward": False},
        {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "NONE"}}},
    ):  # fmt: skip
        pages, start = [], None
        for _ in range(20):
            page = client.query(TableName="t", Limit=3, **kwargs,
                                **({"ExclusiveStartKey": start} if start else {}))  # fmt: skip
            pages.append((page["Items"], page.get("LastEvaluatedKey")))
            start = page.get("LastEvaluatedKey")
            if not start:
                break
        answers.append(pages)
    return answers


def test_partitioned_queries_answer_as_moto_does(monkeypatch: Any) -> None:
    import boto3
    from moto import mock_aws
    from moto.dynamodb.models.table import Table
    from newsbrief_local.moto_server import partition_queries

    monkeypatch.setattr(Table, "query", Table.query)  # restored after the test
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="t",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "g")
            ],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[{"IndexName": "ByG", "Projection": {"ProjectionType": "ALL"},
                                     "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                                   {"AttributeName": "sk", "KeyType": "RANGE"}]}],
        )  # fmt: skip
        for p in range(4):
            for n in range(10):
                item = {"pk": {"S": f"P{p}"}, "sk": {"S": f"{(n * 7) % 10:02d}"}}
                if n % 2 == 0:
                    item["g"] = {"S": "even"}
                client.put_item(TableName="t", Item=item)
        before = _queries(client)
        assert partition_queries()
        assert _queries(client) == before
        assert [len(pages) for pages in before] == [4, 2, 7, 1]  # paged, and non-trivial


def _table(client: Any) -> None:
    client.create_table(
        TableName="t",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
    )  # fmt: skip


def _key(pk: str, sk: str = "x") -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _everything(client: Any) -> list[Any]:
    return sorted(client.scan(TableName="t")["Items"], key=str)


def test_a_failed_transaction_leaves_every_item_as_it_was(monkeypatch: Any) -> None:
    import boto3
    import pytest
    from botocore.exceptions import ClientError
    from moto import mock_aws
    from moto.dynamodb import models
    from newsbrief_local.moto_server import item_rollback

    monkeypatch.setattr(models.DynamoDBBackend, "transact_write_items",
                        models.DynamoDBBackend.transact_write_items)  # fmt: skip
    monkeypatch.setattr(models, "copy", models.copy)  # both restored after the test
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        assert item_rollback()
        client = boto3.client("dynamodb", region_name="us-east-1")
        _table(client)
        for pk in ("A", "B"):
            client.put_item(TableName="t", Item={**_key(pk), "n": {"N": "1"}})
        before = _everything(client)
        update_a = {"Update": {"TableName": "t", "Key": _key("A"),
                               "UpdateExpression": "ADD n :one",
                               "ExpressionAttributeValues": {":one": {"N": "1"}}}}
        failing = [
            update_a,
            {"Put": {"TableName": "t", "Item": {**_key("C"), "n": {"N": "9"}}}},
            {"Delete": {"TableName": "t", "Key": _key("B")}},
            {"ConditionCheck": {"TableName": "t", "Key": _key("D"),
                                "ConditionExpression": "attribute_exists(pk)"}},
        ]  # fmt: skip
        with pytest.raises(ClientError, match="TransactionCanceled"):
            client.transact_write_items(TransactItems=failing)
        assert _everything(client) == before
        twice = [update_a, {"Delete": {"TableName": "t", "Key": _key("A")}}]
        with pytest.raises(ClientError, match="ValidationException"):
            client.transact_write_items(TransactItems=twice)
        assert _everything(client) == before
        client.transact_write_items(TransactItems=failing[:3])  # without the failing check
        after = [(i["pk"]["S"], i["n"]["N"]) for i in _everything(client)]
        assert after == [("A", "2"), ("C", "9")]
