"""The scheduler function: an EventBridge tick in, due feeds polled, new articles queued."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from newsbrief_aws import feed_polling

logger = Logger()
metrics = Metrics(namespace="newsbrief")


@logger.inject_lambda_context
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Poll every due feed (stopping before the timeout) and report what each run did."""
    outcomes = feed_polling.poller().poll_due(
        time_left=lambda: context.get_remaining_time_in_millis() / 1000
    )
    report: dict[str, int] = {
        "polled": len(outcomes),
        "queued": 0,
        "failed": 0,
        "unchanged": 0,
        "timed_out": 0,
        "abandoned": 0,
    }
    for outcome in outcomes:
        report["queued"] += outcome.queued
        # Entries whose robots.txt failed crawl.MAX_DEFERRALS polls in a row, given up.
        report["abandoned"] += outcome.abandoned
        if outcome.result == "error":
            report["failed"] += 1
            logger.warning(
                "feed poll failed",
                extra={"feed_id": outcome.feed.id, "url": outcome.feed.url,
                       "status": outcome.feed.status,
                       "error": outcome.error.to_dict() if outcome.error else None},
            )  # fmt: skip
        elif outcome.result == "not_modified":
            report["unchanged"] += 1
        elif outcome.result == "timeout":  # due again next run; not counted against the feed
            report["timed_out"] += 1
    metrics.add_metric(name="FeedsPolled", unit=MetricUnit.Count, value=report["polled"])
    metrics.add_metric(name="FeedPollsFailed", unit=MetricUnit.Count, value=report["failed"])
    metrics.add_metric(name="FeedArticlesQueued", unit=MetricUnit.Count, value=report["queued"])
    logger.info("scheduler run done", extra=report)
    return report
