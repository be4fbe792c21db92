"""Record the AWS calls the functions make, as IAM authorizes them (least-privilege checks).

A botocore ``before-call`` hook sees every request a client is about to send. Each one is
recorded as the IAM actions and resource ARNs it needs (an SQS ``SendMessageBatch`` is
authorized as ``sqs:SendMessage``, a DynamoDB ``Query`` on an index needs the index's ARN, a
``TransactWriteItems`` needs ``PutItem``/``UpdateItem``/... on each item's table) and the
function it was made for. Comparing the recordings with each function's policy in
template.yaml shows a permission missing or one nothing uses.

The local stack records its function processes when ``NEWSBRIEF_LOCAL_AWS_CALLS`` names a
folder (one JSON Lines file per process); tests record in-process calls with :func:`install`.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .template import ACCOUNT_ID, REPO_ROOT

RECORD_DIR_ENV = "NEWSBRIEF_LOCAL_AWS_CALLS"
# API operations IAM authorizes under another action's name (the batch forms of SQS calls).
IAM_ACTION_OF = {
    ("sqs", "SendMessageBatch"): "SendMessage",
    ("sqs", "DeleteMessageBatch"): "DeleteMessage",
    ("sqs", "ChangeMessageVisibilityBatch"): "ChangeMessageVisibility",
}
# A transaction is authorized item by item, as the single-item action on the item's table.
TRANSACT_ITEM_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}
UNKNOWN_RESOURCE = "?"  # a service this module cannot map to ARNs yet: teach it, never guess


@dataclass(frozen=True, slots=True)
class AwsCall:
    """One permission a call needed: the function, the IAM action and the resource ARN."""

    function: str  # logical id in template.yaml
    action: str  # e.g. dynamodb:Query
    resource: str  # e.g. arn:aws:dynamodb:us-east-1:123456789012:table/t/index/ByRecency


# ------------------------------------------------------------------ from a request to IAM


def permissions(service: str, operation: str, params: Mapping[str, Any], region: str) -> list:
    """The ``(action, resource ARN)`` pairs IAM checks for one API call."""
    if service == "dynamodb":
        return _dynamodb(operation, params, region)
    if service == "sqs":
        action = f"sqs:{IAM_ACTION_OF.get((service, operation), operation)}"
        return [(action, _queue_arn(str(params.get("QueueUrl", "")), region))]
    if service == "events" and operation == "PutEvents":
        buses = {str(e.get("EventBusName") or "default") for e in params.get("Entries", [])}
        return [("events:PutEvents", _bus_arn(bus, region)) for bus in sorted(buses)]
    return [(f"{service}:{operation}", UNKNOWN_RESOURCE)]


def _table_arn(name: str, region: str) -> str:
    if name.startswith("arn:"):
        return name
    return f"arn:aws:dynamodb:{region}:{ACCOUNT_ID}:table/{name}"


def _dynamodb(operation: str, params: Mapping[str, Any], region: str) -> list:
    if operation in ("TransactWriteItems", "TransactGetItems"):
        found = []
        for item in params.get("TransactItems", []):
            for kind, body in item.items():
                action = f"dynamodb:{TRANSACT_ITEM_ACTIONS[kind]}"
                found.append((action, _table_arn(body["TableName"], region)))
        return sorted(set(found))
    action = f"dynamodb:{operation}"
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return sorted((action, _table_arn(t, region)) for t in params.get("RequestItems", {}))
    table = params.get("TableName")
    if table is None:
        return [(action, UNKNOWN_RESOURCE)]
    arn = _table_arn(str(table), region)
    if params.get("IndexName"):
        arn = f"{arn}/index/{params['IndexName']}"
    return [(action, arn)]


def _queue_arn(url: str, region: str) -> str:
    # https://sqs.<region>.amazonaws.com/<account>/<name> (moto: http://host:port/<account>/<name>)
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if len(parts) != 2:
        return UNKNOWN_RESOURCE
    account, name = parts
    return f"arn:aws:sqs:{region}:{account}:{name}"


def _bus_arn(bus: str, region: str) -> str:
    if bus.startswith("arn:"):
        return bus
    return f"arn:aws:events:{region}:{ACCOUNT_ID}:event-bus/{bus}"


# ------------------------------------------------------------------ which function called


def function_dirs(code_uris: Mapping[str, str]) -> dict[Path, str]:
    """Map each function's code folder (absolute) to its logical id."""
    return {(REPO_ROOT / uri).resolve(): lid for lid, uri in code_uris.items()}


def caller_in_stack(dirs: Mapping[Path, str]) -> Callable[[], str | None]:
    """Attribute a call to the function whose handler file is on a stack of this process.

    The calling thread's stack first; a call from a worker thread (the scheduler polls feeds
    on a thread pool) belongs to the one handler another thread is running, if exactly one is.
    """
    by_file: dict[str, str | None] = {}

    def in_frames(frame: Any) -> str | None:
        while frame is not None:
            name = frame.f_code.co_filename
            if name not in by_file:
                by_file[name] = dirs.get(Path(name).resolve().parent)
            if by_file[name] is not None:
                return by_file[name]
            frame = frame.f_back
        return None

    def attribute() -> str | None:
        found = in_frames(sys._getframe(1))
        if found is not None:
            return found
        running = {in_frames(f) for f in sys._current_frames().values()} - {None}
        return running.pop() if len(running) == 1 else None

    return attribute


# ------------------------------------------------------------------ the hook


_PARAMS_KEY = "newsbrief_api_params"


def _keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    # before-call sees the serialized request; the API parameters come one step earlier.
    context[_PARAMS_KEY] = params


def hook(
    attribute: Callable[[], str | None], sink: Callable[[AwsCall], None]
) -> list[tuple[str, Callable[..., None]]]:
    """The botocore event handlers that record each call for ``attribute()`` into ``sink``."""

    def before_call(model: Any, context: dict[str, Any], **_: Any) -> None:
        function = attribute()
        if function is None:
            return  # the test's own client, or the stack's: not a function's permission
        service = model.service_model.endpoint_prefix
        params = context.get(_PARAMS_KEY) or {}
        region = context.get("client_region") or "us-east-1"
        for action, resource in permissions(service, model.name, params, region):
            sink(AwsCall(function, action, resource))

    return [("before-parameter-build", _keep_params), ("before-call", before_call)]


def install(attribute: Callable[[], str | None], sink: Callable[[AwsCall], None]) -> None:
    """Record the calls of every botocore session created from now on (and boto3's default)."""
    import boto3
    from botocore import handlers

    pairs = hook(attribute, sink)
    handlers.BUILTIN_HANDLERS.extend(pairs)
    if boto3.DEFAULT_SESSION is not None:
        for event, handler in pairs:
            boto3.DEFAULT_SESSION.events.register(event, handler)


def file_sink(folder: Path, name: str) -> Callable[[AwsCall], None]:
    """Append calls as JSON lines to ``<folder>/<name>-<pid>.jsonl`` (one file per process)."""
    path = folder / f"{name}-{os.getpid()}.jsonl"
    lock = threading.Lock()
    seen: set[AwsCall] = set()

    def sink(call: AwsCall) -> None:
        with lock:
            if call in seen:
                return
            seen.add(call)
            with path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(asdict(call)) + "\n")

    return sink


def install_from_env(function: str) -> None:
    """In a function process of the local stack: record if ``NEWSBRIEF_LOCAL_AWS_CALLS`` is set."""
    folder = os.environ.get(RECORD_DIR_ENV)
    if folder:
        install(lambda: function, file_sink(Path(folder), function))


def read_calls(folder: Path) -> Iterator[AwsCall]:
    """Every call recorded in ``folder`` by the local stack's processes."""
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield AwsCall(**json.loads(line))


def write_calls(path: Path, calls: Iterable[AwsCall]) -> None:
    """Write calls as JSON lines (how a test run hands its recordings to another process)."""
    lines = [json.dumps(asdict(c)) for c in sorted(set(calls), key=str)]
    path.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
