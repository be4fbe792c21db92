"""How a recorded AWS call becomes the IAM permissions it needs (the least-privilege evidence)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from newsbrief_local.aws_calls import (
    UNKNOWN_RESOURCE,
    AwsCall,
    caller_in_stack,
    file_sink,
    hook,
    permissions,
    read_calls,
)

REGION = "eu-west-1"
TABLE = f"arn:aws:dynamodb:{REGION}:123456789012:table/briefs"


def test_single_item_calls_need_their_own_action_on_the_table() -> None:
    assert permissions("dynamodb", "GetItem", {"TableName": "briefs"}, REGION) == [
        ("dynamodb:GetItem", TABLE)
    ]


def test_a_query_on_an_index_needs_the_index_arn() -> None:
    params = {"TableName": "briefs", "IndexName": "ByRecency"}
    assert permissions("dynamodb", "Query", params, REGION) == [
        ("dynamodb:Query", f"{TABLE}/index/ByRecency")
    ]


def test_transactions_are_authorized_item_by_item() -> None:
    params = {
        "TransactItems": [
            {"Put": {"TableName": "briefs", "Item": {}}},
            {"Delete": {"TableName": "briefs", "Key": {}}},
            {"ConditionCheck": {"TableName": "briefs", "Key": {}}},
            {"Put": {"TableName": "briefs", "Item": {}}},
        ]
    }
    assert permissions("dynamodb", "TransactWriteItems", params, REGION) == [
        ("dynamodb:ConditionCheckItem", TABLE),
        ("dynamodb:DeleteItem", TABLE),
        ("dynamodb:PutItem", TABLE),
    ]
    gets = {"TransactItems": [{"Get": {"TableName": "briefs", "Key": {}}}]}
    assert permissions("dynamodb", "TransactGetItems", gets, REGION) == [
        ("dynamodb:GetItem", TABLE)
    ]


def test_batch_calls_need_their_action_on_each_table() -> None:
    params = {"RequestItems": {"briefs": [], "other": []}}
    assert permissions("dynamodb", "BatchWriteItem", params, REGION) == [
        ("dynamodb:BatchWriteItem", TABLE),
        ("dynamodb:BatchWriteItem", TABLE.replace("briefs", "other")),
    ]


def test_sqs_batch_sends_are_authorized_as_sendmessage_on_the_queue() -> None:
    params = {"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/work", "Entries": []}
    assert permissions("sqs", "SendMessageBatch", params, REGION) == [
        ("sqs:SendMessage", f"arn:aws:sqs:{REGION}:123456789012:work")
    ]


def test_eventbridge_puts_need_each_bus() -> None:
    params = {"Entries": [{"EventBusName": "entities"}, {}, {"EventBusName": "entities"}]}
    assert permissions("events", "PutEvents", params, REGION) == [
        ("events:PutEvents", f"arn:aws:events:{REGION}:123456789012:event-bus/default"),
        ("events:PutEvents", f"arn:aws:events:{REGION}:123456789012:event-bus/entities"),
    ]


def test_an_unknown_service_is_marked_not_guessed() -> None:
    assert permissions("s3", "GetObject", {"Bucket": "b", "Key": "k"}, REGION) == [
        ("s3:GetObject", UNKNOWN_RESOURCE)
    ]


def test_calls_are_attributed_to_the_handler_on_the_stack_even_from_worker_threads(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "functions" / "poller"
    folder.mkdir(parents=True)
    handler_file = folder / "app.py"
    handler_file.write_text(
        "def handler(work):\n    return work()\n\n"
        "def threaded(work):\n"
        "    import threading\n"
        "    out = []\n"
        "    t = threading.Thread(target=lambda: out.append(work()))\n"
        "    t.start(); t.join()\n"
        "    return out[0]\n",
        encoding="utf-8",
    )
    namespace: dict = {}
    exec(compile(handler_file.read_text(), str(handler_file), "exec"), namespace)  # noqa: S102
    attribute = caller_in_stack({folder.resolve(): "PollerFunction"})
    assert attribute() is None  # a test's own call belongs to no function
    assert namespace["handler"](attribute) == "PollerFunction"
    assert namespace["threaded"](attribute) == "PollerFunction"


def test_the_hook_records_through_a_sink_and_reads_back(tmp_path: Path) -> None:
    sink = file_sink(tmp_path, "ApiFunction")
    (keep, keep_handler), (call, call_handler) = hook(lambda: "ApiFunction", sink)
    assert (keep, call) == ("before-parameter-build", "before-call")
    context: dict = {"client_region": REGION}
    keep_handler(params={"TableName": "briefs", "Key": {}}, context=context)
    service = SimpleNamespace(endpoint_prefix="dynamodb")
    model = SimpleNamespace(name="GetItem", service_model=service)
    call_handler(model=model, context=context)
    call_handler(model=model, context=context)  # recorded once
    assert list(read_calls(tmp_path)) == [AwsCall("ApiFunction", "dynamodb:GetItem", TABLE)]
