"""The work queue: URLs waiting to be briefed by the worker (SQS)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsbrief.errors import StoreUnavailable
from newsbrief.models import DEFAULT_ALGORITHM, Algorithm
from newsbrief.pipeline import DEFAULT_SENTENCES, MAX_SENTENCES
from pydantic import BaseModel, ConfigDict, Field

from newsbrief_aws.dynamodb import resend_leftovers, retry_config, sdk_errors

SQS_BATCH = 10  # send_message_batch takes at most ten entries


class BriefJob(BaseModel):
    """One queued URL: the message body the worker reads (JSON)."""

    # Unknown fields are ignored so an older worker can drain messages of a newer producer.
    model_config = ConfigDict(extra="ignore")

    url: str = Field(min_length=1, max_length=2048)
    sentences: int = Field(DEFAULT_SENTENCES, ge=1, le=MAX_SENTENCES)
    algorithm: Algorithm = DEFAULT_ALGORITHM


class BriefQueue:
    """Send :class:`BriefJob` messages to the SQS queue at ``queue_url``."""

    def __init__(self, queue_url: str, client: Any | None = None) -> None:
        self.queue_url = queue_url
        if client is None:
            import boto3

            client = boto3.client("sqs", config=retry_config())
        self.client = client

    def enqueue(self, jobs: Sequence[BriefJob], delays: Sequence[int] = ()) -> None:
        """Queue every job; raise :class:`StoreUnavailable` if any could not be sent.

        ``delays`` (seconds, one per job) holds messages back: the feed poller paces each site
        with them. Entries SQS failed on its side (throttling) are sent again with backoff;
        an entry SQS refuses as malformed (a sender fault) is not retried.
        """
        for start in range(0, len(jobs), SQS_BATCH):
            entries: list[dict[str, Any]] = [
                {"Id": str(i), "MessageBody": job.model_dump_json()}
                for i, job in enumerate(jobs[start : start + SQS_BATCH])
            ]
            for entry, delay in zip(entries, delays[start : start + SQS_BATCH], strict=False):
                entry["DelaySeconds"] = delay
            resend_leftovers("queue URLs", self._send, entries, _retryable(entries))

    def _send(self, entries: list[dict[str, Any]]) -> dict[str, Any]:
        try:
            return self.client.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
        except sdk_errors() as exc:  # botocore loads on failure only
            raise StoreUnavailable(f"cannot queue URLs: {type(exc).__name__}") from exc


def _retryable(entries: list[dict[str, Any]]) -> Any:
    """The leftover function of a batch send: the entries that failed on SQS's side."""
    by_id = {entry["Id"]: entry for entry in entries}

    def leftover(out: dict[str, Any]) -> list[dict[str, Any]]:
        failed = out.get("Failed") or []
        refused = sorted({f.get("Code", "?") for f in failed if f.get("SenderFault")})
        if refused:
            raise StoreUnavailable(f"SQS refused queued URL(s) ({', '.join(refused)})")
        return [by_id[f["Id"]] for f in failed]

    return leftover
