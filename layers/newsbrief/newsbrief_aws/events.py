"""BriefCreated events: every new brief announced on the stack's EventBridge bus.

Users route the events with their own rules (to SQS, SNS, an HTTPS endpoint...; README:
"Events"). An event is sent after its brief is stored, so it never announces a brief that is
not there. Sending is best effort: when EventBridge stays unavailable after the SDK's
retries, the failure is logged and counted (metric ``BriefEventsFailed``) and the brief, which
is stored, is still answered.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from .dynamodb import retry_config, sdk_errors

if TYPE_CHECKING:
    from newsbrief.brief_schema import Brief

EVENT_SOURCE = "newsbrief"
BRIEF_CREATED = "BriefCreated"
# EventBridge takes entries of up to 256 KB. Titles and names are bounded so that a brief with
# hundreds of entities still fits, with room to spare: 200 entities of 200 characters are 50 KB.
MAX_EVENT_ENTITIES = 200
MAX_EVENT_NAME_CHARS = 200
MAX_EVENT_TITLE_CHARS = 500

logger = Logger()
metrics = Metrics(namespace="newsbrief")


def created_detail(brief: Brief) -> dict[str, Any]:
    """The ``detail`` of a BriefCreated event: what a subscriber routes on."""
    return {
        "id": brief.id,
        "url": brief.url,
        "canonical_url": brief.canonical_url,
        "source": brief.source,
        "title": brief.title[:MAX_EVENT_TITLE_CHARS] if brief.title else None,
        "published": brief.published,
        "language": brief.language,
        "entities": [
            {"name": e.name[:MAX_EVENT_NAME_CHARS], "type": e.type}
            for e in brief.entities[:MAX_EVENT_ENTITIES]
        ],
    }


class BriefEvents:
    """Publish brief events to the EventBridge bus ``bus_name``."""

    def __init__(self, bus_name: str, client: Any | None = None) -> None:
        self.bus_name = bus_name
        if client is None:
            import boto3

            client = boto3.client("events", config=retry_config())
        self.client = client

    def brief_created(self, brief: Brief) -> bool:
        """Announce a new brief; ``False`` (logged and counted) when it could not be sent."""
        entry = {
            "EventBusName": self.bus_name,
            "Source": EVENT_SOURCE,
            "DetailType": BRIEF_CREATED,
            "Resources": [],
            "Detail": json.dumps(created_detail(brief), ensure_ascii=False),
        }
        try:
            out = self.client.put_events(Entries=[entry])
            failed = out.get("FailedEntryCount", 0)
            reason = (out.get("Entries") or [{}])[0].get("ErrorCode")
        except sdk_errors() as exc:
            failed, reason = 1, type(exc).__name__
        if not failed:
            return True
        logger.warning(
            "BriefCreated event not published",
            extra={"brief_id": brief.id, "bus": self.bus_name, "reason": reason},
        )
        metrics.add_metric(name="BriefEventsFailed", unit=MetricUnit.Count, value=1)
        return False
