"""The one wiring point of the Lambda functions: settings, store, index, queue and events.

Settings come from the environment, parsed once; the store and queue are built lazily on first
use. Nothing here runs at import time beyond reading constants, so cold starts (and SnapStart
snapshots) never open connections or freeze credentials.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from newsbrief.errors import InvalidInput
from newsbrief.settings import FetchSettings, env_number

from newsbrief_aws.cursors import forget_keys
from newsbrief_aws.entity_index import EntityIndex
from newsbrief_aws.feed_store import FeedStore
from newsbrief_aws.store import BriefStore

if TYPE_CHECKING:
    # The queue's job model is pydantic and events load powertools' metrics: imported by the
    # functions that queue or brief, never by the API's read function (it only reads).
    from .events import BriefEvents
    from .queue import BriefQueue


@dataclass(frozen=True, slots=True)
class AwsSettings:
    """Resource names and policy of the deployed functions (see template.yaml Globals)."""

    table_name: str
    queue_url: str | None
    ttl_days: int = 0
    event_bus_name: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AwsSettings:
        """Read ``TABLE_NAME``, ``QUEUE_URL``, ``BRIEF_TTL_DAYS`` and ``EVENT_BUS_NAME``."""
        env = os.environ if environ is None else environ
        table = env.get("TABLE_NAME", "").strip()
        if not table:
            # No silent fallback: a function without its table is a deployment bug.
            raise InvalidInput("environment variable TABLE_NAME is required")
        return cls(
            table_name=table,
            queue_url=env.get("QUEUE_URL", "").strip() or None,
            ttl_days=int(env_number(env, "BRIEF_TTL_DAYS", 0, int, zero_allowed=True)),
            event_bus_name=env.get("EVENT_BUS_NAME", "").strip() or None,
        )


@cache
def settings() -> AwsSettings:
    """The function's AWS settings (parsed on first call, then reused)."""
    return AwsSettings.from_env()


@cache
def fetch_settings() -> FetchSettings:
    """The fetch limits (``NEWSBRIEF_*``), parsed once."""
    return FetchSettings.from_env()


@cache
def store() -> BriefStore:
    """The brief store on the function's table."""
    config = settings()
    return BriefStore(config.table_name, ttl_days=config.ttl_days)


def feed_store() -> FeedStore:
    """The feed store, sharing the brief store's table and DynamoDB client."""
    config = settings()
    return FeedStore(config.table_name, client=store().client, ttl_days=config.ttl_days)


def entity_index() -> EntityIndex:
    """Reads of the entity index, sharing the brief store's table and DynamoDB client."""
    return EntityIndex(settings().table_name, client=store().client)


@cache
def events() -> BriefEvents:
    """Where new briefs are announced (BriefCreated on the stack's event bus)."""
    from .events import BriefEvents

    name = settings().event_bus_name
    if not name:
        # No silent fallback: a function that briefs without its bus is a deployment bug.
        raise InvalidInput("environment variable EVENT_BUS_NAME is required to brief URLs")
    return BriefEvents(name)


@cache
def queue() -> BriefQueue:
    """The work queue the worker drains."""
    from .queue import BriefQueue

    url = settings().queue_url
    if not url:
        raise InvalidInput("environment variable QUEUE_URL is required to queue URLs")
    return BriefQueue(url)


def reset() -> None:
    """Forget everything built so far (tests switch environments between cases)."""
    for built in (settings, fetch_settings, store, queue, events):
        built.cache_clear()
    forget_keys()
