"""What the worker does with one queued message: brief the URL unless it is briefed already.

Failures are sorted by whether retrying can help. Permanent ones (bad URL, not an article,
refused destination...) are recorded on the URL's alias, so ``GET /articles/{id}`` can say why,
and the message is done. Transient ones (site or store down, lost race) are raised so SQS
redelivers the message, and after ``maxReceiveCount`` tries parks it in the dead-letter queue.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from newsbrief.errors import (
    DestinationRefused,
    InvalidInput,
    NewsbriefError,
    NoArticle,
    TooLarge,
    UnsupportedContent,
)
from pydantic import ValidationError

from . import bootstrap
from .briefing import ensure_brief, url_key
from .queue import BriefJob

logger = Logger()
metrics = Metrics(namespace="newsbrief")

PERMANENT = (InvalidInput, DestinationRefused, UnsupportedContent, TooLarge, NoArticle)


class PoisonMessage(Exception):
    """A message body that is not a brief job: it can never succeed (goes to the DLQ)."""


def brief_record(body: str, attempt: int = 1) -> None:
    """Brief the URL of one message; raise to have the message redelivered."""
    try:
        job = BriefJob.model_validate_json(body)
    except ValidationError as exc:
        metrics.add_metric(name="PoisonMessages", unit=MetricUnit.Count, value=1)
        raise PoisonMessage(f"not a brief job: {exc.error_count()} problem(s)") from None

    store = bootstrap.store()
    events = bootstrap.events()
    try:
        outcome = ensure_brief(
            store,
            job.url,
            sentences=job.sentences,
            settings=bootstrap.fetch_settings(),
            algorithm=job.algorithm,
            events=events,
        )
    except PERMANENT as exc:
        logger.info("URL rejected", extra={"url": job.url, "code": exc.code, "reason": exc.message})
        metrics.add_metric(name="BriefsRejected", unit=MetricUnit.Count, value=1)
        store.record_failure(url_key(job.url), job.url, exc)
        return
    except NewsbriefError as exc:
        logger.warning(
            "URL failed, will retry",
            extra={"url": job.url, "code": exc.code, "reason": exc.message, "attempt": attempt},
        )
        metrics.add_metric(name="BriefsRetried", unit=MetricUnit.Count, value=1)
        try:  # best effort: the store itself may be what failed
            store.record_failure(url_key(job.url), job.url, exc)
        except NewsbriefError:
            pass
        raise
    name = "BriefsCreated" if outcome.created else "BriefsSkipped"
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
    logger.info("brief ready", extra={"brief_id": outcome.brief.id, "new_brief": outcome.created})
