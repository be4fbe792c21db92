"""Event sources as Lambda runs them: SQS event source mappings and EventBridge schedules.

SQS: poll, hand a batch to the function, delete what succeeded, leave failures invisible for
the queue's visibility timeout; SQS itself (moto) moves a message to the dead-letter queue once
it has been received maxReceiveCount times, exactly as the template's RedrivePolicy says.
Schedules: rate() and cron() expressions fire the function with EventBridge's event.
``speedup`` divides every waiting time (schedule periods, retry delays) so tests can run a
15-minute schedule or a 12-minute visibility timeout in about a second.
"""

from __future__ import annotations

import base64
import logging
import math
import re
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .runtime import Invocation
from .template import ACCOUNT_ID, ScheduleSource, SqsSource, TemplateError

log = logging.getLogger("newsbrief_local")

# SQS returns at most 10 messages per receive.
SQS_MAX_RECEIVE = 10
# Long-poll wait per receive: short enough for a prompt shutdown, long enough not to spin.
POLL_WAIT_S = 1

Invoke = Callable[[str, Any], Invocation]


# ------------------------------------------------------------------------ SQS


def sqs_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One SQS message in the shape of a Lambda SQS event record."""
    attributes = dict(message.get("Attributes") or {})
    message_attributes = {}
    for name, attr in (message.get("MessageAttributes") or {}).items():
        binary = attr.get("BinaryValue")
        message_attributes[name] = {
            "stringValue": attr.get("StringValue"),
            "binaryValue": base64.b64encode(binary).decode() if binary is not None else None,
            "stringListValues": attr.get("StringListValues", []),
            "binaryListValues": [
                base64.b64encode(b).decode() for b in attr.get("BinaryListValues", [])
            ],
            "dataType": attr.get("DataType"),
        }
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": message.get("MD5OfBody"),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def failed_message_ids(
    result: Invocation, batch_ids: list[str], report_failures: bool
) -> set[str]:
    """Which messages of a batch failed, by Lambda's rules for SQS event sources.

    An error fails the whole batch. With ReportBatchItemFailures, the response lists the failed
    ids; a malformed response, or an id that is not in the batch, fails the whole batch too.
    """
    everything = set(batch_ids)
    if not result.ok:
        return everything
    if not report_failures:
        return set()
    payload = result.payload
    if payload is None:
        return set()
    if not isinstance(payload, dict):
        return everything
    failures = payload.get("batchItemFailures")
    if not failures:
        return set()
    if not isinstance(failures, list):
        return everything
    failed = set()
    for item in failures:
        ident = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not ident or ident not in everything:
            return everything
        failed.add(ident)
    return failed


class SqsPoller(threading.Thread):
    """One poller of an SQS event source mapping (run several for concurrency)."""

    def __init__(
        self,
        source: SqsSource,
        queue_url: str,
        sqs: Any,
        invoke: Invoke,
        stop: threading.Event,
        visibility_timeout: int,
        region: str,
        speedup: float = 1.0,
    ) -> None:
        super().__init__(name=f"sqs-{source.function}", daemon=True)
        self.source = source
        self.queue_url = queue_url
        self.sqs = sqs
        self.invoke = invoke
        self.stop = stop
        self.region = region
        # How long a failed message stays invisible before its retry.
        self.retry_delay = max(0, math.ceil(visibility_timeout / speedup))

    def run(self) -> None:
        """Poll until stopped; errors talking to SQS are logged and retried."""
        while not self.stop.is_set():
            try:
                self.poll_once()
            except Exception:  # noqa: BLE001 - the poller must outlive a bad batch
                log.exception("SQS poller for %s failed; retrying", self.source.function)
                self.stop.wait(POLL_WAIT_S)

    def poll_once(self) -> int:
        """Receive one batch, invoke the function, settle the messages; returns batch size."""
        response = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=min(self.source.batch_size, SQS_MAX_RECEIVE),
            WaitTimeSeconds=POLL_WAIT_S,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = response.get("Messages") or []
        if not messages:
            return 0
        records = [sqs_record(m, self.source.queue_arn, self.region) for m in messages]
        result = self.invoke(self.source.function, {"Records": records})
        ids = [r["messageId"] for r in records]
        failed = failed_message_ids(result, ids, self.source.report_batch_item_failures)
        done = [r for r in records if r["messageId"] not in failed]
        for start in range(0, len(done), SQS_MAX_RECEIVE):
            chunk = done[start : start + SQS_MAX_RECEIVE]
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": r["receiptHandle"]}
                    for i, r in enumerate(chunk)
                ],
            )
        for record in records:
            if record["messageId"] in failed:
                self.sqs.change_message_visibility(
                    QueueUrl=self.queue_url,
                    ReceiptHandle=record["receiptHandle"],
                    VisibilityTimeout=self.retry_delay,
                )
        if failed:
            log.warning(
                "%s: %d of %d messages failed; retry in %d s",
                self.source.function,
                len(failed),
                len(records),
                self.retry_delay,
            )
        return len(records)


# ------------------------------------------------------------------------ schedules

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_UNIT_S = {"minute": 60, "hour": 3600, "day": 86400}


def _aws_cron_to_croniter(fields: list[str]) -> tuple[str, str]:
    """AWS cron (min hour dom month dow year, 1=SUN) -> croniter 5 fields and the year field."""
    if len(fields) != 6:
        raise TemplateError(f"cron() needs 6 fields, got {len(fields)}")
    minute, hour, dom, month, dow, year = fields
    dom = "*" if dom == "?" else dom
    if dow == "?":
        dow = "*"
    else:
        # AWS numbers days 1-7 from Sunday; croniter 0-6 from Sunday.
        dow = re.sub(r"\d+", lambda m: str(int(m.group()) - 1), dow.split("#")[0]) + (
            "#" + dow.split("#")[1] if "#" in dow else ""
        )
    return f"{minute} {hour} {dom} {month} {dow}", year


def _year_matches(spec: str, year: int) -> bool:
    if spec in ("*", "?"):
        return True
    for part in spec.split(","):
        low, _, high = part.partition("-")
        if int(low) <= year <= int(high or low):
            return True
    return False


class Schedule:
    """When a rate() or cron() expression fires next."""

    def __init__(self, expression: str) -> None:
        self.expression = expression.strip()
        self.period: float | None = None
        self._cron: str | None = None
        self._year = "*"
        rate = _RATE.match(self.expression)
        if rate:
            amount, unit = int(rate.group(1)), rate.group(2).rstrip("s")
            if amount < 1:
                raise TemplateError(f"rate must be positive: {expression}")
            self.period = float(amount * _UNIT_S[unit])
        elif self.expression.startswith("cron(") and self.expression.endswith(")"):
            from croniter import croniter

            self._cron, self._year = _aws_cron_to_croniter(self.expression[5:-1].split())
            if not croniter.is_valid(self._cron):
                raise TemplateError(f"invalid cron expression: {expression}")
        else:
            raise TemplateError(f"unsupported schedule expression: {expression}")

    def next_after(self, moment: datetime) -> datetime:
        """The first firing strictly after ``moment`` (UTC)."""
        if self.period is not None:
            return datetime.fromtimestamp(moment.timestamp() + self.period, UTC)
        from croniter import croniter

        it = croniter(self._cron, moment)
        for _ in range(10_000):  # bounded: a year spec far in the past never matches
            candidate = it.get_next(datetime)
            if _year_matches(self._year, candidate.year):
                return candidate
        raise TemplateError(f"cron expression never fires: {self.expression}")


def scheduled_event(source: ScheduleSource, region: str, fired: datetime | None = None) -> Any:
    """What EventBridge sends: the rule's constant Input, or the Scheduled Event."""
    if source.input is not None:
        return source.input
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": (fired or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{ACCOUNT_ID}:rule/{source.function}-{source.name}"],
        "detail": {},
    }


class ScheduleTimer(threading.Thread):
    """Fires one schedule on time (scaled by ``speedup``) until stopped."""

    def __init__(
        self,
        source: ScheduleSource,
        invoke: Invoke,
        stop: threading.Event,
        region: str,
        speedup: float = 1.0,
    ) -> None:
        super().__init__(name=f"schedule-{source.function}-{source.name}", daemon=True)
        self.source = source
        self.schedule = Schedule(source.expression)
        self.invoke = invoke
        self.stop = stop
        self.region = region
        self.speedup = speedup
        self.fired = 0

    def run(self) -> None:
        """Sleep until each firing (on a virtual clock running ``speedup`` times faster)."""
        virtual = datetime.now(UTC)
        started = time.monotonic()
        origin = virtual
        while not self.stop.is_set():
            virtual = self.schedule.next_after(virtual)
            due = started + (virtual - origin).total_seconds() / self.speedup
            if self.stop.wait(max(0.0, due - time.monotonic())):
                return
            self.fired += 1
            log.info("schedule %s.%s fired", self.source.function, self.source.name)
            # EventBridge invokes asynchronously: a failure is logged, the schedule goes on. The
            # event carries the wall-clock time: the virtual clock runs ahead under a speed-up.
            self.invoke(self.source.function, scheduled_event(self.source, self.region))
