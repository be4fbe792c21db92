"""Metrics of the briefing path, emitted as CloudWatch embedded metric format (EMF) log lines.

Every function's handler flushes them with ``@metrics.log_metrics`` (powertools Metrics share one
metric set per process, whatever the instance). No X-Ray SDK: ``Tracing: Active`` in
template.yaml traces the invocations and the AWS SDK calls without code here.

Metrics (namespace ``newsbrief``, dimension ``service``):
  BriefDuration   ms    fetch + extract + summarize + entities of one URL
  ArticleWords    count words of the extracted article text (extraction length)
  BriefFailures   count one per failed brief, with a ``code`` dimension (fetch_failed,
                        no_article, destination_refused...): alarms and dashboards per cause
"""

from __future__ import annotations

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from newsbrief.brief_schema import Brief

NAMESPACE = "newsbrief"
metrics = Metrics(namespace=NAMESPACE)


def record_failure(code: str) -> None:
    """Count one failed brief under its error code (its own EMF line: the code is a dimension)."""
    with single_metric(
        name="BriefFailures",
        unit=MetricUnit.Count,
        value=1,
        namespace=NAMESPACE,
        default_dimensions=metrics.default_dimensions,
    ) as metric:
        metric.add_dimension(name="code", value=code)


def record_brief(brief: Brief, seconds: float) -> None:
    """Record how long a new brief took and how long its article is."""
    metrics.add_metric(name="BriefDuration", unit=MetricUnit.Milliseconds, value=seconds * 1000)
    metrics.add_metric(name="ArticleWords", unit=MetricUnit.Count, value=brief.word_count)
