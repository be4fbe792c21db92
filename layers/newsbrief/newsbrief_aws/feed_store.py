"""Feeds in the briefs' table: registered feeds, polling state, dedup claims, host pacing."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from newsbrief.errors import Conflict, InvalidInput, NotFound
from newsbrief.models import FeedLink, FeedRecord

from .dynamodb import (
    from_item,
    pause_before,
    resend_leftovers,
    to_item,
)
from .store import MAX_LIST_LIMIT, BriefStore, check_id

# ============================================================================ feeds
# Feed items live in the same table (added by the feeds part, issue 7):
#
# ===================  ===================================  ==================================
# pk                   sk                                   what
# ===================  ===================================  ==================================
# ``FEED#<id>``        ``FEED``                             a registered feed and its polling
#                                                           state; ``card`` = public fields
# ``FEED#<id>``        ``ART#<published>#<url key>``        an article the feed led to
# ``URL#<url key>``    ``URL``                              the dedup claim: written with
#                                                           ``attribute_not_exists`` before a
#                                                           URL is queued (the worker later
#                                                           turns it into the brief alias)
# ``HOST#<host>``      ``PACE``                             per-host pacing: ``next_at`` (ms)
# ===================  ===================================  ==================================
#
# The GSIs are reused: ``ByRecency`` lists feeds (gsi1pk ``FEEDS``, by creation) and
# ``BySource`` holds the due queue (gsi2pk ``FEEDS#DUE``, gsi2sk ``<next_poll_at>#<id>``; a
# disabled feed has no gsi2 keys, so it is never picked again).

FEED_LIST_PARTITION = "FEEDS"
FEED_DUE_PARTITION = "FEEDS#DUE"
# The claim item's fields must not grow the URL alias much; a title is display-only.
LINK_TITLE_CHARS = 300
# Pacing items are transient state: DynamoDB's TTL sweeps them a day after last use.
PACE_TTL_SECONDS = 86_400
# Optimistic-concurrency retries when many workers reserve slots of one host at once.
PACE_ATTEMPTS = 8
BATCH_GET_KEYS = 100  # DynamoDB's BatchGetItem limit
BATCH_WRITE_ITEMS = 25  # DynamoDB's BatchWriteItem limit
_FEED_FIELDS = tuple(FeedRecord.__dataclass_fields__)


class FeedStore(BriefStore):
    """Feeds, their polling state, URL dedup claims and per-host pacing (same table)."""

    # ------------------------------------------------------------------ feed items
    def _feed_item(self, feed: FeedRecord) -> dict[str, Any]:
        item: dict[str, Any] = {name: getattr(feed, name) for name in _FEED_FIELDS}
        item.update(
            pk=f"FEED#{feed.id}",
            sk="FEED",
            card=feed.public(),
            gsi1pk=FEED_LIST_PARTITION,
            gsi1sk=f"{feed.created_at}#{feed.id}",
        )
        if feed.status != "disabled" and feed.next_poll_at:
            item.update(gsi2pk=FEED_DUE_PARTITION, gsi2sk=f"{feed.next_poll_at}#{feed.id}")
        return item

    @staticmethod
    def _feed_of(item: dict[str, Any]) -> FeedRecord:
        return FeedRecord(**{k: item[k] for k in _FEED_FIELDS if k in item})

    def add_feed(self, feed: FeedRecord) -> bool:
        """Store a new feed; ``False`` (nothing written) when one with this id exists."""
        check_id(feed.id)
        written = self._call_if(
            "add feed",
            "put_item",
            TableName=self.table_name,
            Item=to_item(self._feed_item(feed)),
            ConditionExpression="attribute_not_exists(pk)",
        )
        return written is not None

    def find_feed(self, feed_id: str) -> FeedRecord | None:
        """The feed with this id, or ``None``."""
        check_id(feed_id)
        item = self._get("read feed", f"FEED#{feed_id}", "FEED")
        return self._feed_of(item) if item else None

    def get_feed(self, feed_id: str) -> FeedRecord:
        """The feed with this id; :class:`NotFound` when there is none."""
        feed = self.find_feed(feed_id)
        if feed is None:
            raise NotFound(f"no feed with id {feed_id}")
        return feed

    def save_feed(self, feed: FeedRecord) -> bool:
        """Write a feed's new state (and release its poll lease); ``False`` if it was deleted."""
        check_id(feed.id)
        written = self._call_if(
            "save feed",
            "put_item",
            TableName=self.table_name,
            Item=to_item(self._feed_item(feed)),
            ConditionExpression="attribute_exists(pk)",
        )
        return written is not None  # None: deleted while it was polled, not brought back

    def list_feeds(
        self, limit: int = 20, cursor: str | None = None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Public fields of registered feeds, newest first, and the next page's cursor."""
        if not 1 <= limit <= MAX_LIST_LIMIT:
            raise InvalidInput(f"limit must be between 1 and {MAX_LIST_LIMIT}")
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": "ByRecency",
            "KeyConditionExpression": "gsi1pk = :p",
            "ExpressionAttributeValues": {":p": {"S": FEED_LIST_PARTITION}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            kwargs["ExclusiveStartKey"] = self.cursors.decode(
                cursor, {"gsi1pk": FEED_LIST_PARTITION, "sk": "FEED"},
                {"pk", "sk", "gsi1pk", "gsi1sk"},
            )  # fmt: skip
        out = self._call("list feeds", "query", **kwargs)
        cards = [from_item(item)["card"] for item in out.get("Items", [])]
        return cards, self.cursors.encode(out.get("LastEvaluatedKey"))

    def delete_feed(self, feed_id: str) -> None:
        """Forget a feed and its article links (briefs stay: stored data is never lost)."""
        self.get_feed(feed_id)
        keys: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :p",
            "ExpressionAttributeValues": {":p": {"S": f"FEED#{feed_id}"}},
            "ProjectionExpression": "pk, sk",
        }
        while True:
            out = self._call("delete feed", "query", **kwargs)
            keys += out.get("Items", [])
            if "LastEvaluatedKey" not in out:
                break
            kwargs["ExclusiveStartKey"] = out["LastEvaluatedKey"]
        self._batch_write("delete feed", [{"DeleteRequest": {"Key": k}} for k in keys])

    def due_feeds(self, now_iso: str, limit: int = 100) -> list[str]:
        """Ids of feeds whose next poll time has come, most overdue first."""
        out = self._call(
            "find due feeds",
            "query",
            TableName=self.table_name,
            IndexName="BySource",
            KeyConditionExpression="gsi2pk = :p AND gsi2sk <= :now",
            ExpressionAttributeValues={
                ":p": {"S": FEED_DUE_PARTITION},
                ":now": {"S": f"{now_iso}#~"},  # "~" sorts after every hex id
            },
            Limit=limit,
        )
        return [from_item(item)["pk"].removeprefix("FEED#") for item in out.get("Items", [])]

    def lease_feed(self, feed_id: str, now: float, seconds: float) -> FeedRecord | None:
        """Take the feed's poll lease for ``seconds``; ``None`` if another run holds it.

        Two overlapping scheduler runs (a slow run and the next tick) never poll one feed at
        the same time; a crashed run's lease simply expires.
        """
        check_id(feed_id)
        out = self._call_if(
            "lease feed",
            "update_item",
            TableName=self.table_name,
            Key=to_item({"pk": f"FEED#{feed_id}", "sk": "FEED"}),
            UpdateExpression="SET lease_until = :until",
            ConditionExpression=(
                "attribute_exists(pk) AND "
                "(attribute_not_exists(lease_until) OR lease_until < :now)"
            ),
            ExpressionAttributeValues={
                ":until": {"N": str(int(now + seconds))},
                ":now": {"N": str(int(now))},
            },
            ReturnValues="ALL_NEW",
        )
        return None if out is None else self._feed_of(from_item(out["Attributes"]))

    # ------------------------------------------------------------------ article links
    def claim_urls(
        self, feed_id: str, links: Sequence[FeedLink], now_iso: str, limit: int | None = None
    ) -> list[FeedLink]:
        """Claim the URLs nobody has queued or briefed yet (at most ``limit``); return them.

        A cheap batch read skips the known URLs; each remaining one is claimed with a
        conditional write, so two overlapping runs (or a run and POST /articles) never queue
        one URL twice. Each claimed URL is also linked to the feed.
        """
        unique = {link.url_key: link for link in links}
        known: set[str] = set()
        keys = [to_item({"pk": f"URL#{k}", "sk": "URL"}) for k in unique]
        for start in range(0, len(keys), BATCH_GET_KEYS):
            request: dict[str, Any] = {
                self.table_name: {"Keys": keys[start : start + BATCH_GET_KEYS],
                                  "ProjectionExpression": "pk"}
            }  # fmt: skip
            answers = resend_leftovers(
                "check urls",
                lambda items: self._call("check urls", "batch_get_item", RequestItems=items),
                request,
                lambda out: out.get("UnprocessedKeys"),
            )
            for out in answers:
                for item in out.get("Responses", {}).get(self.table_name, []):
                    known.add(item["pk"]["S"].removeprefix("URL#"))
        won: list[FeedLink] = []
        for key, link in unique.items():
            if key in known:
                continue
            if limit is not None and len(won) >= limit:
                break  # the rest stay unclaimed: a later run queues them
            claim = {"pk": f"URL#{key}", "sk": "URL", "url": link.url[:2048],
                     "feed_id": feed_id, "queued_at": now_iso,
                     "expires_at": self._expires_at()}  # fmt: skip
            claimed = self._call_if(
                "claim url",
                "put_item",
                TableName=self.table_name,
                Item=to_item(claim),
                ConditionExpression="attribute_not_exists(pk)",
            )
            if claimed is not None:  # else another run (or the API) got there first
                won.append(link)
        puts = []
        for link in won:
            sort = f"ART#{link.published or now_iso}#{link.url_key}"
            item = {"pk": f"FEED#{feed_id}", "sk": sort, "id": link.url_key, "url": link.url[:2048],
                    "title": (link.title or "")[:LINK_TITLE_CHARS] or None,
                    "published": link.published, "queued_at": now_iso}  # fmt: skip
            puts.append({"PutRequest": {"Item": to_item(item)}})
        self._batch_write("link articles", puts)
        return won

    def release_urls(self, url_keys: Sequence[str]) -> None:
        """Drop claims whose URLs could not be queued, so a later run tries them again."""
        for key in url_keys:
            try:
                self._call(
                    "release url",
                    "delete_item",
                    TableName=self.table_name,
                    Key=to_item({"pk": f"URL#{check_id(key)}", "sk": "URL"}),
                    ConditionExpression="attribute_not_exists(brief_id)",
                )
            except Conflict:
                continue  # briefed meanwhile (through the API): the alias must stay

    def list_feed_articles(
        self, feed_id: str, limit: int = 20, cursor: str | None = None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Articles a feed led to, newest first: ``id`` (for GET /articles/{id}), url, title."""
        self.get_feed(feed_id)
        if not 1 <= limit <= MAX_LIST_LIMIT:
            raise InvalidInput(f"limit must be between 1 and {MAX_LIST_LIMIT}")
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :p AND begins_with(sk, :a)",
            "ExpressionAttributeValues": {":p": {"S": f"FEED#{feed_id}"}, ":a": {"S": "ART#"}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            kwargs["ExclusiveStartKey"] = self.cursors.decode(
                cursor, {"pk": f"FEED#{feed_id}"}, {"pk", "sk"}
            )
        out = self._call("list feed articles", "query", **kwargs)
        # Every field present (null when unknown): the same shape whoever serves it.
        fields = ("id", "url", "title", "published", "queued_at")
        items = [
            {k: record.get(k) for k in fields}
            for record in (from_item(item) for item in out.get("Items", []))
        ]
        return items, self.cursors.encode(out.get("LastEvaluatedKey"))

    # ------------------------------------------------------------------ pacing
    def reserve(self, host: str, interval: float, count: int = 1) -> float:
        """Reserve ``count`` consecutive request slots on ``host``; seconds until the first.

        Shared by every concurrent run through a conditional write on the host's pacing
        item (optimistic concurrency: read, then write only if nobody moved it meanwhile).
        """
        key = to_item({"pk": f"HOST#{host.lower()[:255]}", "sk": "PACE"})
        step = max(0, int(interval * 1000))
        for attempt in range(PACE_ATTEMPTS):
            if attempt:
                pause_before(attempt - 1)  # a lost race: let the winners' writes settle
            now = int(time.time() * 1000)
            out = self._call("reserve host", "get_item", TableName=self.table_name, Key=key,
                             ConsistentRead=True)  # fmt: skip
            old = int(out["Item"]["next_at"]["N"]) if "Item" in out else None
            slot = max(now, old or 0)
            item = {"next_at": slot + step * count, "expires_at": now // 1000 + PACE_TTL_SECONDS}
            kwargs: dict[str, Any] = {
                "TableName": self.table_name,
                "Item": {**key, **to_item(item)},
            }
            if old is None:
                kwargs["ConditionExpression"] = "attribute_not_exists(pk)"
            else:
                kwargs["ConditionExpression"] = "next_at = :old"
                kwargs["ExpressionAttributeValues"] = {":old": {"N": str(old)}}
            if self._call_if("reserve host", "put_item", **kwargs) is None:
                continue  # another worker took the slot: read again
            return (slot - now) / 1000
        raise Conflict(f"too many concurrent reservations for {host}, try later")

    # ------------------------------------------------------------------ helpers
    def _batch_write(self, action: str, requests: list[dict[str, Any]]) -> None:
        for start in range(0, len(requests), BATCH_WRITE_ITEMS):
            resend_leftovers(
                action,
                lambda items: self._call(action, "batch_write_item", RequestItems=items),
                {self.table_name: requests[start : start + BATCH_WRITE_ITEMS]},
                lambda out: out.get("UnprocessedItems"),
            )
