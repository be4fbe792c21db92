"""The AWS SDK's DynamoDB plumbing: client, retries, attribute codec and error mapping.

One place turns a botocore failure into a :mod:`newsbrief.errors` error (``store_error``) and
one place configures retries; the stores and the queue adapter use these. Retries come in two
kinds: botocore retries a failed call itself (``retry_config``), and :func:`resend_leftovers`
retries the part of a batch call the service answered but did not process.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from functools import cache
from typing import Any

from newsbrief.errors import Conflict, NewsbriefError, StoreUnavailable

_UNAVAILABLE = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "LimitExceededException",
}
_SERIALIZER_CACHE: dict[str, Any] = {}
# Our own retry loops (unprocessed parts of batch calls, optimistic-concurrency races) back off
# like botocore's standard mode: exponential from RETRY_BASE_S, capped at RETRY_CAP_S, with full
# jitter (a random wait between 0 and the cap of the attempt, so clients that collided spread
# out instead of colliding again), and give up after RETRY_ATTEMPTS tries in all. Five tries
# wait at most 0.05 + 0.1 + 0.2 + 0.4 s: well inside an API request's 29 s.
RETRY_ATTEMPTS = 5
RETRY_BASE_S = 0.05
RETRY_CAP_S = 1.0


# botocore is imported where a client is built or an error is handled, never at module load:
# it costs ~150 ms of CPU, and the routes that never reach the store (GET /health, /docs) and
# the CLI's offline commands should not pay it.
@cache
def retry_config() -> Any:
    """The AWS clients' config (DynamoDB here, SQS in newsbrief_aws.queue).

    Throttling and transient 5xx are retried by botocore (standard mode: exponential backoff
    with jitter) before StoreUnavailable is raised.
    """
    from botocore.config import Config

    return Config(
        retries={"mode": "standard", "max_attempts": 5}, connect_timeout=3, read_timeout=10
    )


def backoff_delay(retry: int, base: float = RETRY_BASE_S, cap: float = RETRY_CAP_S) -> float:
    """Seconds to wait before retry number ``retry`` (0 for the first): full jitter."""
    return random.uniform(0, min(cap, base * 2**retry))


def pause_before(retry: int) -> None:
    """Sleep :func:`backoff_delay` before retry number ``retry``."""
    time.sleep(backoff_delay(retry))


def resend_leftovers(
    action: str,
    send: Callable[[Any], dict[str, Any]],
    request: Any,
    leftover: Callable[[dict[str, Any]], Any],
    attempts: int = RETRY_ATTEMPTS,
) -> list[dict[str, Any]]:
    """Call ``send(request)``, then resend what ``leftover(answer)`` says was not processed.

    For batch calls that succeed partially (``UnprocessedItems``, ``UnprocessedKeys``, SQS
    ``Failed`` entries): each resend waits a backoff delay, and after ``attempts`` calls with
    something still left :class:`StoreUnavailable` is raised. Returns every answer, in order.
    """
    answers: list[dict[str, Any]] = []
    for attempt in range(attempts):
        if attempt:
            pause_before(attempt - 1)
        answers.append(send(request))
        request = leftover(answers[-1])
        if not request:
            return answers
    raise StoreUnavailable(f"{action}: still unprocessed after {attempts} attempts (throttled)")


def client_error() -> type[Any]:  # botocore is untyped: its errors carry .response
    """The SDK's ``ClientError`` (the service answered with an error), for ``except``.

    An ``except`` clause evaluates its expression only when an exception reaches it, so
    ``except client_error():`` imports botocore on the failure path only.
    """
    from botocore.exceptions import ClientError

    return ClientError


def transport_error() -> type[Exception]:
    """The SDK's ``BotoCoreError`` (no answer: connection, timeout, credentials)."""
    from botocore.exceptions import BotoCoreError

    return BotoCoreError


def sdk_errors() -> tuple[type[Exception], ...]:
    """Both SDK error families: any failure of an AWS call, for ``except``."""
    return (client_error(), transport_error())


def _codec() -> tuple[Any, Any]:
    if not _SERIALIZER_CACHE:
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

        _SERIALIZER_CACHE["s"] = TypeSerializer()
        _SERIALIZER_CACHE["d"] = TypeDeserializer()
    return _SERIALIZER_CACHE["s"], _SERIALIZER_CACHE["d"]


def to_item(data: dict[str, Any]) -> dict[str, Any]:
    """Python values -> DynamoDB attribute values (``None`` values are left out)."""
    ser, _ = _codec()
    return {k: ser.serialize(v) for k, v in data.items() if v is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB attribute values -> Python values (binary as ``bytes``, numbers as int)."""
    _, de = _codec()
    out: dict[str, Any] = {}
    for key, raw in item.items():
        value = de.deserialize(raw)
        if hasattr(value, "value") and isinstance(value.value, bytes):  # boto3 Binary
            value = value.value
        out[key] = _plain(value)
    return out


def _plain(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def condition_failed(exc: Exception) -> bool:
    """Whether an SDK failure is a conditional write whose condition did not hold."""
    if not isinstance(exc, client_error()):
        return False
    code = getattr(exc, "response", {}).get("Error", {}).get("Code")
    return bool(code == "ConditionalCheckFailedException")


def store_error(exc: Exception, action: str) -> NewsbriefError:
    """Turn a botocore failure into a library error for the caller to raise."""
    if isinstance(exc, client_error()):
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ConditionalCheckFailedException":
            return Conflict(f"{action}: a concurrent change won")
        if code == "TransactionCanceledException":
            reasons = {r.get("Code") for r in exc.response.get("CancellationReasons", [])}
            return Conflict(f"{action}: a concurrent change won ({', '.join(sorted(reasons))})")
        if code == "ResourceNotFoundException":
            return StoreUnavailable(f"{action}: the table does not exist (check TABLE_NAME)")
        if code in _UNAVAILABLE:
            return StoreUnavailable(f"{action}: the store is busy or failing ({code})")
        return StoreUnavailable(f"{action}: the store refused the request ({code})")
    return StoreUnavailable(f"{action}: cannot reach the store ({type(exc).__name__})")


def default_client() -> Any:
    """A DynamoDB client with retries (honours AWS_ENDPOINT_URL for the local stack)."""
    import boto3

    return boto3.client("dynamodb", config=retry_config())
