"""The work queue: URLs waiting to be briefed by the worker (SQS)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsbrief.errors import StoreUnavailable
from newsbrief.models import DEFAULT_ALGORITHM, Algorithm
from newsbrief.pipeline import DEFAULT_SENTENCES, MAX_SENTENCES
from pydantic import BaseModel, ConfigDict, Field

from newsbrief_aws.dynamodb import retry_config, sdk_errors

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

    def enqueue(self, jobs: Sequence[BriefJob]) -> None:
        """Queue every job; raise :class:`StoreUnavailable` if any could not be sent."""
        for start in range(0, len(jobs), SQS_BATCH):
            batch = jobs[start : start + SQS_BATCH]
            entries = [
                {"Id": str(i), "MessageBody": job.model_dump_json()} for i, job in enumerate(batch)
            ]
            try:
                out = self.client.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
            except sdk_errors() as exc:  # botocore loads on failure only
                raise StoreUnavailable(f"cannot queue URLs: {type(exc).__name__}") from exc
            if out.get("Failed"):
                codes = sorted({f.get("Code", "?") for f in out["Failed"]})
                raise StoreUnavailable(
                    f"{len(out['Failed'])} URL(s) could not be queued ({', '.join(codes)})"
                )
