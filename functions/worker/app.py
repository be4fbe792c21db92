"""The worker function: SQS batch of queued URLs in, briefs stored, partial failures out."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from newsbrief_aws.worker import brief_record

logger = Logger()
metrics = Metrics(namespace="newsbrief")
# A batch where every message failed is reported like any other (all ids listed) instead of
# failing the invocation, so SQS counts one receive per message either way.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def _record_handler(record: SQSRecord) -> None:
    # Each message gets its own correlation id so its log lines can be followed.
    logger.set_correlation_id(record.message_id)
    brief_record(record.body, attempt=int(record.attributes.approximate_receive_count or 1))


@logger.inject_lambda_context
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Lambda entry point of the worker: report failed messages for redelivery."""
    return process_partial_response(
        event=event, record_handler=_record_handler, processor=processor, context=context
    )
