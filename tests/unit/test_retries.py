"""Our own retry loops are bounded and back off with capped, fully jittered exponential waits.

botocore retries a failed call itself (standard mode); these loops resend what a batch call
answered but did not process (DynamoDB UnprocessedItems/UnprocessedKeys, SQS Failed entries)
and retry lost optimistic-concurrency races. In-memory fakes stand in for the AWS clients.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from newsbrief.errors import StoreUnavailable
from newsbrief.models import FeedLink
from newsbrief.pipeline import brief_id
from newsbrief_aws import dynamodb
from newsbrief_aws.dynamodb import (
    RETRY_ATTEMPTS,
    RETRY_BASE_S,
    RETRY_CAP_S,
    backoff_delay,
    resend_leftovers,
    retry_config,
)
from newsbrief_aws.feed_store import FeedStore
from newsbrief_aws.queue import BriefJob, BriefQueue

TABLE = "briefs"


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every backoff wait, recorded instead of slept."""
    waited: list[float] = []
    monkeypatch.setattr(dynamodb.time, "sleep", waited.append)
    return waited


def test_backoff_is_full_jitter_under_a_capped_exponential() -> None:
    random.seed(7)  # backoff draws from the module-level source: repeatable here
    for retry in range(12):
        ceiling = min(RETRY_CAP_S, RETRY_BASE_S * 2**retry)
        samples = [backoff_delay(retry) for _ in range(400)]
        assert all(0 <= s <= ceiling for s in samples)
        # Full jitter: the waits spread over the whole range, not around the ceiling.
        assert min(samples) < ceiling * 0.1 and max(samples) > ceiling * 0.9
    assert RETRY_BASE_S * 2 ** (RETRY_ATTEMPTS - 2) <= RETRY_CAP_S  # the cap bounds only outliers


def test_aws_clients_retry_in_standard_mode_with_a_bound() -> None:
    config = retry_config()
    # botocore rewrites the shared config in place once a client uses it (5 retries = 6 tries).
    assert config.retries in (
        {"mode": "standard", "max_attempts": 5},
        {"mode": "standard", "total_max_attempts": 6},
    )
    assert config.connect_timeout and config.read_timeout


def test_leftovers_are_resent_alone_until_none_remain(sleeps: list[float]) -> None:
    sent: list[list[int]] = []

    def send(request: list[int]) -> dict[str, Any]:
        sent.append(request)
        return {"left": request[1:]}  # each call processes one item

    answers = resend_leftovers("test", send, [1, 2, 3], lambda out: out["left"])
    assert sent == [[1, 2, 3], [2, 3], [3]]
    assert len(answers) == 3
    assert len(sleeps) == 2
    assert all(0 <= s <= min(RETRY_CAP_S, RETRY_BASE_S * 2**i) for i, s in enumerate(sleeps))


def test_leftovers_that_never_clear_give_up_after_the_attempt_limit(sleeps: list[float]) -> None:
    calls: list[Any] = []

    def send(request: Any) -> dict[str, Any]:
        calls.append(request)
        return {"left": request}

    with pytest.raises(StoreUnavailable, match="still unprocessed"):
        resend_leftovers("write things", send, ["x"], lambda out: out["left"])
    assert len(calls) == RETRY_ATTEMPTS
    assert len(sleeps) == RETRY_ATTEMPTS - 1


class ThrottlingDynamo:
    """A DynamoDB client whose batch calls process ``per_call`` requests and leave the rest."""

    def __init__(self, per_call: int) -> None:
        self.per_call = per_call
        self.written: list[dict[str, Any]] = []
        self.batch_calls = 0

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803
        self.batch_calls += 1
        (requests,) = RequestItems.values()
        done, left = requests[: self.per_call], requests[self.per_call :]
        self.written.extend(done)
        return {"UnprocessedItems": {TABLE: left} if left else {}}

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803
        self.batch_calls += 1
        request = RequestItems[TABLE]
        left = request["Keys"][self.per_call :]
        unprocessed = {TABLE: {**request, "Keys": left}} if left else {}
        return {"Responses": {TABLE: []}, "UnprocessedKeys": unprocessed}

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        return {}


def _links(n: int) -> list[FeedLink]:
    urls = [f"https://news.example/story/{i}" for i in range(n)]
    return [FeedLink(url_key=brief_id(u), url=u) for u in urls]


def test_feed_links_are_all_written_when_dynamodb_processes_part_of_each_batch(
    sleeps: list[float],
) -> None:
    client = ThrottlingDynamo(per_call=10)
    store = FeedStore(TABLE, client=client)
    won = store.claim_urls("f" * 24, _links(20), "2026-11-26T10:00:00+00:00")
    assert len(won) == 20
    assert len(client.written) == 20  # nothing lost to UnprocessedItems
    assert sleeps, "a partly processed batch is resent after a backoff"


def test_a_batch_dynamodb_never_processes_fails_instead_of_looping(sleeps: list[float]) -> None:
    client = ThrottlingDynamo(per_call=0)
    store = FeedStore(TABLE, client=client)
    with pytest.raises(StoreUnavailable):
        store.claim_urls("f" * 24, _links(3), "2026-11-26T10:00:00+00:00")
    # The dedup read was the loop without a limit: it now stops after RETRY_ATTEMPTS calls.
    assert client.batch_calls == RETRY_ATTEMPTS


class FlakySqs:
    """An SQS client that fails the first ``flaky`` entries of each call on its side."""

    def __init__(self, flaky: int = 0, sender_fault: bool = False) -> None:
        self.flaky = flaky
        self.sender_fault = sender_fault
        self.delivered: list[dict[str, Any]] = []
        self.calls = 0

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        self.calls += 1
        failed = Entries[: self.flaky]
        self.flaky = max(0, self.flaky - 1)
        self.delivered.extend(Entries[len(failed) :])
        return {
            "Successful": [{"Id": e["Id"]} for e in Entries[len(failed) :]],
            "Failed": [
                {"Id": e["Id"], "Code": "InternalError", "SenderFault": self.sender_fault}
                for e in failed
            ],
        }


def test_queue_resends_only_the_entries_sqs_failed(sleeps: list[float]) -> None:
    client = FlakySqs(flaky=2)
    queue = BriefQueue("https://sqs.example/queue", client=client)
    jobs = [BriefJob(url=f"https://news.example/{i}") for i in range(4)]
    queue.enqueue(jobs, delays=[0, 1, 2, 3])
    bodies = sorted(e["MessageBody"] for e in client.delivered)
    assert bodies == sorted(job.model_dump_json() for job in jobs)  # each exactly once
    assert {e["MessageBody"]: e["DelaySeconds"] for e in client.delivered} == {
        job.model_dump_json(): i for i, job in enumerate(jobs)
    }
    assert client.calls == 3 and len(sleeps) == 2


def test_queue_does_not_retry_entries_sqs_refuses(sleeps: list[float]) -> None:
    client = FlakySqs(flaky=1, sender_fault=True)
    queue = BriefQueue("https://sqs.example/queue", client=client)
    with pytest.raises(StoreUnavailable, match="refused"):
        queue.enqueue([BriefJob(url="https://news.example/a")])
    assert client.calls == 1 and not sleeps
