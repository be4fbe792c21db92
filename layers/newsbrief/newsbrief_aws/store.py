"""Store stage: briefs in one DynamoDB table (single-table design).

This is the one module that knows DynamoDB keys, cursors and ``ClientError``; everything it
raises is a :mod:`newsbrief.errors` error. Item layout (key schema in template.yaml):

===================  ==============  ==========================================================
pk                   sk              what
===================  ==============  ==========================================================
``BRIEF#<id>``       ``BRIEF``       head: the brief gzipped in ``body`` (or ``chunks`` = N),
                                     a ``card`` (listing fields), ``version``, GSI keys
``BRIEF#<id>``       ``CHUNK#0000``  part N of a gzipped brief too big for one item
``URL#<key>``        ``URL``         alias: a requested URL -> ``brief_id`` (or the ``error``
                                     the last attempt hit); ``key`` = ``brief_id(url)``
===================  ==============  ==========================================================

GSIs: ``ByRecency`` (gsi1pk ``BRIEFS``) and ``BySource`` (gsi2pk ``SOURCE#<domain>``), both
sorted by ``<fetched_at>#<id>`` and projecting the card only, so listing never reads bodies.
A brief and its chunks and aliases are written in one transaction: a failure half-way
leaves nothing half-written, and the head's ``attribute_not_exists`` condition makes
concurrent first writes of one URL end with one stored brief.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from newsbrief.errors import (
    Conflict,
    InvalidInput,
    NewsbriefError,
    NotFound,
    StoreUnavailable,
    TooLarge,
)
from newsbrief.models import FeedLink, FeedRecord

if TYPE_CHECKING:
    # The pydantic model is loaded where a brief is built or validated: the API's read
    # function serves stored JSON as it is and never imports pydantic (see find_brief_json).
    from newsbrief.brief_schema import Brief

ID_PATTERN = re.compile(r"^[0-9a-f]{24}$")  # brief_id(): 24 hex digits of a sha256
LIST_PARTITION = "BRIEFS"
MAX_LIST_LIMIT = 100  # one page of cards stays far below DynamoDB's 1 MB query page
# DynamoDB items cap at 400 KB including attribute names; a 350 KB binary part leaves room
# for keys and bookkeeping. Bodies up to INLINE_BYTES stay in the head (one read).
CHUNK_BYTES = 350_000
INLINE_BYTES = 300_000
# A transaction holds at most 100 items and 4 MB: 10 parts (3.5 MB gzipped, tens of MB of
# text) plus head, aliases and stale parts to delete fit in one.
MAX_CHUNKS = 10
CARD_SUMMARY_BYTES = 16_000  # the listing card keeps the summary's first sentences up to this
CARD_TITLE_CHARS = 500
_UNAVAILABLE = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "LimitExceededException",
}
_SERIALIZER_CACHE: dict[str, Any] = {}


# botocore is imported where a client is built or an error is handled, never at module load:
# it costs ~150 ms of CPU, and the routes that never reach the store (GET /health, /docs) and
# the CLI's offline commands should not pay it.
@cache
def retry_config() -> Any:
    """The AWS clients' config (DynamoDB here, SQS in newsbrief_aws.queue).

    Throttling and transient 5xx are retried by botocore (standard mode: exponential backoff
    with jitter) before StoreUnavailable is raised.
    """
    from botocore.config import Config

    return Config(
        retries={"mode": "standard", "max_attempts": 5}, connect_timeout=3, read_timeout=10
    )


def client_error() -> type[Exception]:
    """The SDK's ``ClientError`` (the service answered with an error), for ``except``.

    An ``except`` clause evaluates its expression only when an exception reaches it, so
    ``except client_error():`` imports botocore on the failure path only.
    """
    from botocore.exceptions import ClientError

    return ClientError


def transport_error() -> type[Exception]:
    """The SDK's ``BotoCoreError`` (no answer: connection, timeout, credentials)."""
    from botocore.exceptions import BotoCoreError

    return BotoCoreError


def sdk_errors() -> tuple[type[Exception], ...]:
    """Both SDK error families: any failure of an AWS call, for ``except``."""
    return (client_error(), transport_error())


def _codec() -> tuple[Any, Any]:
    if not _SERIALIZER_CACHE:
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

        _SERIALIZER_CACHE["s"] = TypeSerializer()
        _SERIALIZER_CACHE["d"] = TypeDeserializer()
    return _SERIALIZER_CACHE["s"], _SERIALIZER_CACHE["d"]


def to_item(data: dict[str, Any]) -> dict[str, Any]:
    """Python values -> DynamoDB attribute values (``None`` values are left out)."""
    ser, _ = _codec()
    return {k: ser.serialize(v) for k, v in data.items() if v is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB attribute values -> Python values (binary as ``bytes``, numbers as int)."""
    _, de = _codec()
    out: dict[str, Any] = {}
    for key, raw in item.items():
        value = de.deserialize(raw)
        if hasattr(value, "value") and isinstance(value.value, bytes):  # boto3 Binary
            value = value.value
        out[key] = _plain(value)
    return out


def _plain(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def store_error(exc: Exception, action: str) -> NewsbriefError:
    """Turn a botocore failure into a library error for the caller to raise."""
    if isinstance(exc, client_error()):
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ConditionalCheckFailedException":
            return Conflict(f"{action}: a concurrent change won")
        if code == "TransactionCanceledException":
            reasons = {r.get("Code") for r in exc.response.get("CancellationReasons", [])}
            return Conflict(f"{action}: a concurrent change won ({', '.join(sorted(reasons))})")
        if code == "ResourceNotFoundException":
            return StoreUnavailable(f"{action}: the table does not exist (check TABLE_NAME)")
        if code in _UNAVAILABLE:
            return StoreUnavailable(f"{action}: the store is busy or failing ({code})")
        return StoreUnavailable(f"{action}: the store refused the request ({code})")
    return StoreUnavailable(f"{action}: cannot reach the store ({type(exc).__name__})")


def default_client() -> Any:
    """A DynamoDB client with retries (honours AWS_ENDPOINT_URL for the local stack)."""
    import boto3

    return boto3.client("dynamodb", config=retry_config())


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    """An opaque page cursor from DynamoDB's ``LastEvaluatedKey``."""
    if not last_key:
        return None
    plain = {k: v["S"] for k, v in last_key.items()}
    raw = json.dumps(plain, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, expected: dict[str, str], keys: set[str]) -> dict[str, Any]:
    """Check and decode a cursor; it must carry exactly ``keys``, matching ``expected``.

    A cursor from another listing or an edited one is refused (400), never passed to DynamoDB.
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        plain = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidInput("cursor is not valid: pass back the next_cursor of a listing") from None
    if (
        not isinstance(plain, dict)
        or set(plain) != keys
        or not all(isinstance(v, str) and 0 < len(v) <= 2048 for v in plain.values())
        or any(plain.get(k) != v for k, v in expected.items())
    ):
        raise InvalidInput("cursor does not belong to this listing")
    return {k: {"S": v} for k, v in plain.items()}


def check_id(brief_id: str) -> str:
    """Refuse anything that is not a brief id (24 lower-case hex digits)."""
    if not isinstance(brief_id, str) or not ID_PATTERN.match(brief_id):
        raise InvalidInput("id must be 24 lower-case hexadecimal characters")
    return brief_id


@dataclass(frozen=True, slots=True)
class UrlRecord:
    """What is known about a requested URL: its brief's id, or the error of the last try."""

    url_key: str
    brief_id: str | None = None
    error: dict[str, str] | None = None


def _card(brief: Brief) -> dict[str, Any]:
    summary: list[str] = []
    used = 0
    for sentence in brief.summary:
        used += len(sentence.encode("utf-8"))
        if used > CARD_SUMMARY_BYTES:
            break
        summary.append(sentence)
    title = brief.title[:CARD_TITLE_CHARS] if brief.title else None
    return {
        "id": brief.id,
        "url": brief.url,
        "canonical_url": brief.canonical_url,
        "source": brief.source,
        "title": title,
        "published": brief.published,
        "language": brief.language,
        "word_count": brief.word_count,
        "summary": summary,
        "fetched_at": brief.fetched_at,
    }


class BriefStore:
    """Briefs and URL aliases in the newsbrief table."""

    def __init__(self, table_name: str, client: Any | None = None, ttl_days: int = 0) -> None:
        if not table_name:
            raise InvalidInput("a table name is required")
        self.table_name = table_name
        self.client = client if client is not None else default_client()
        self.ttl_days = ttl_days

    # ------------------------------------------------------------------ helpers
    def _call(self, action: str, operation: str, **kwargs: Any) -> dict[str, Any]:
        try:
            return getattr(self.client, operation)(**kwargs)
        except sdk_errors() as exc:
            raise store_error(exc, action) from exc

    def _expires_at(self) -> int | None:
        # Only a user-configured TTL ever deletes data; by default items live forever.
        return int(time.time()) + self.ttl_days * 86_400 if self.ttl_days > 0 else None

    def _get(self, action: str, pk: str, sk: str) -> dict[str, Any] | None:
        key = to_item({"pk": pk, "sk": sk})
        out = self._call(
            action, "get_item", TableName=self.table_name, Key=key, ConsistentRead=True
        )
        return from_item(out["Item"]) if "Item" in out else None

    # ------------------------------------------------------------------ reads
    def find_brief(self, brief_id: str) -> Brief | None:
        """The stored brief with this id, or ``None``."""
        data = self.find_brief_json(brief_id)
        return None if data is None else _validate(data)

    def find_brief_json(self, brief_id: str) -> bytes | None:
        """The stored brief with this id as its JSON document (UTF-8), or ``None``.

        Briefs are validated when they are saved; this read hands the stored JSON back as it
        is, without building the model, for callers that only pass it on.
        """
        check_id(brief_id)
        head = self._get("read brief", f"BRIEF#{brief_id}", "BRIEF")
        if head is None:
            return None
        if "body" in head:
            return gzip.decompress(head["body"])
        # A chunked brief: read head and parts in one transaction so a concurrent refresh
        # can never hand back parts of two versions.
        keys = [{"pk": f"BRIEF#{brief_id}", "sk": "BRIEF"}] + [
            {"pk": f"BRIEF#{brief_id}", "sk": f"CHUNK#{i:04d}"} for i in range(head["chunks"])
        ]
        out = self._call(
            "read brief",
            "transact_get_items",
            TransactItems=[
                {"Get": {"TableName": self.table_name, "Key": to_item(k)}} for k in keys
            ],
        )
        items = [from_item(r.get("Item", {})) for r in out["Responses"]]
        head, parts = items[0], items[1:]
        if "body" in head:  # refreshed into a small brief meanwhile
            return gzip.decompress(head["body"])
        if not head or any(p.get("version") != head.get("version") for p in parts):
            raise Conflict("the brief changed while it was read, try again")
        return gzip.decompress(b"".join(p["data"] for p in parts))

    def get_brief(self, brief_id: str) -> Brief:
        """The stored brief with this id; :class:`NotFound` when there is none."""
        brief = self.find_brief(brief_id)
        if brief is None:
            raise NotFound(f"no brief with id {brief_id}")
        return brief

    def find_url(self, url_key: str) -> UrlRecord | None:
        """What is known about the URL whose ``brief_id(url)`` is ``url_key``."""
        check_id(url_key)
        item = self._get("read url", f"URL#{url_key}", "URL")
        if item is None:
            return None
        return UrlRecord(url_key=url_key, brief_id=item.get("brief_id"), error=item.get("error"))

    def resolve(self, some_id: str) -> Brief:
        """A brief by its own id or by the id returned when its URL was queued.

        Raises :class:`NotFound` (not briefed yet) or the error the worker hit for that URL.
        """
        return _validate(self.resolve_json(some_id))

    def resolve_json(self, some_id: str) -> bytes:
        """:meth:`resolve`, answering with the stored JSON document instead of the model."""
        data = self.find_brief_json(some_id)
        if data is not None:
            return data
        record = self.find_url(some_id)
        if record is not None and record.brief_id:
            data = self.find_brief_json(record.brief_id)
            if data is not None:
                return data
        if record is not None and record.error:
            raise _error_from(record.error)
        if record is not None:  # claimed when queued, not briefed yet: say so, poll again
            raise NotFound(f"brief {some_id} is not ready yet: its URL is queued")
        raise NotFound(f"no brief with id {some_id}")

    def list_briefs(
        self, source: str | None = None, limit: int = 20, cursor: str | None = None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Cards of stored briefs, newest first, and the cursor of the next page (or None)."""
        if not 1 <= limit <= MAX_LIST_LIMIT:
            raise InvalidInput(f"limit must be between 1 and {MAX_LIST_LIMIT}")
        if source is not None:
            index, pk_name, sk_name = "BySource", "gsi2pk", "gsi2sk"
            partition = f"SOURCE#{source.strip().lower().removeprefix('www.')}"
        else:
            index, pk_name, sk_name = "ByRecency", "gsi1pk", "gsi1sk"
            partition = LIST_PARTITION
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": index,
            "KeyConditionExpression": "#p = :p",
            "ExpressionAttributeNames": {"#p": pk_name},
            "ExpressionAttributeValues": {":p": {"S": partition}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            kwargs["ExclusiveStartKey"] = decode_cursor(
                cursor, {pk_name: partition, "sk": "BRIEF"}, {"pk", "sk", pk_name, sk_name}
            )
        out = self._call("list briefs", "query", **kwargs)
        cards = [from_item(item)["card"] for item in out.get("Items", [])]
        return cards, encode_cursor(out.get("LastEvaluatedKey"))

    # ------------------------------------------------------------------ writes
    def save_brief(self, brief: Brief, url_keys: Sequence[str] = (), replace: bool = False) -> bool:
        """Store ``brief`` and point each of ``url_keys`` at it, all in one transaction.

        Without ``replace`` an existing brief of the same id is kept (the aliases are still
        recorded); with ``replace`` it is overwritten (refresh). Returns ``True`` when no
        brief with this id was stored before the call.
        """
        check_id(brief.id)
        keys = sorted({check_id(k) for k in url_keys})
        body = gzip.compress(brief.model_dump_json().encode("utf-8"), compresslevel=6)
        parts = [] if len(body) <= INLINE_BYTES else _split(body)
        if len(parts) > MAX_CHUNKS:
            raise TooLarge(
                f"the brief is {len(body)} bytes compressed, over the "
                f"{MAX_CHUNKS * CHUNK_BYTES}-byte storage limit"
            )
        # One retry on a lost refresh race: the second attempt sees the winner's version.
        for attempt in range(2):
            old = self._get("save brief", f"BRIEF#{brief.id}", "BRIEF") if replace else None
            try:
                self._write(brief, body, parts, keys, old)
                return old is None
            except _ConditionFailed:
                if not replace:
                    # Someone stored this brief first: keep theirs, still record our aliases.
                    self._put_aliases(brief.id, keys)
                    return False
                if attempt == 1:
                    raise
        return False  # pragma: no cover - the loop returns or raises

    def _write(
        self,
        brief: Brief,
        body: bytes,
        parts: list[bytes],
        url_keys: list[str],
        old: dict[str, Any] | None,
    ) -> None:
        version = (old["version"] + 1) if old else 1
        expires = self._expires_at()
        order = f"{brief.fetched_at}#{brief.id}"
        head: dict[str, Any] = {
            "pk": f"BRIEF#{brief.id}",
            "sk": "BRIEF",
            "id": brief.id,
            "version": version,
            "card": _card(brief),
            "gsi1pk": LIST_PARTITION,
            "gsi1sk": order,
            "expires_at": expires,
        }
        if brief.source:
            head["gsi2pk"] = f"SOURCE#{brief.source}"
            head["gsi2sk"] = order
        if parts:
            head["chunks"] = len(parts)
        else:
            head["body"] = body
        put_head: dict[str, Any] = {"TableName": self.table_name, "Item": to_item(head)}
        if old is None:
            put_head["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put_head["ConditionExpression"] = "version = :v"
            put_head["ExpressionAttributeValues"] = {":v": {"N": str(old["version"])}}
        items: list[dict[str, Any]] = [{"Put": put_head}]
        for i, data in enumerate(parts):
            chunk = {"pk": f"BRIEF#{brief.id}", "sk": f"CHUNK#{i:04d}", "version": version,
                     "data": data, "expires_at": expires}  # fmt: skip
            items.append({"Put": {"TableName": self.table_name, "Item": to_item(chunk)}})
        for i in range(len(parts), (old or {}).get("chunks", 0)):  # parts the old one had more of
            key = to_item({"pk": f"BRIEF#{brief.id}", "sk": f"CHUNK#{i:04d}"})
            items.append({"Delete": {"TableName": self.table_name, "Key": key}})
        items += [{"Put": self._alias_put(brief.id, k)} for k in url_keys if k != brief.id]
        try:
            self.client.transact_write_items(TransactItems=items)
        except client_error() as exc:
            reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
            if reasons and reasons[0] == "ConditionalCheckFailed":  # the head's condition
                raise _ConditionFailed("a brief with this id changed meanwhile") from exc
            raise store_error(exc, "save brief") from exc
        except transport_error() as exc:
            raise store_error(exc, "save brief") from exc

    def _alias_put(self, brief_id: str, url_key: str) -> dict[str, Any]:
        item = {"pk": f"URL#{url_key}", "sk": "URL", "brief_id": brief_id,
                "expires_at": self._expires_at()}  # fmt: skip
        return {"TableName": self.table_name, "Item": to_item(item)}

    def _put_aliases(self, brief_id: str, url_keys: list[str]) -> None:
        for key in url_keys:
            if key != brief_id:
                self._call("save alias", "put_item", **self._alias_put(brief_id, key))

    def record_failure(self, url_key: str, url: str, error: NewsbriefError) -> None:
        """Remember why briefing a queued URL failed, so GET by its id can say so.

        Never overwrites an alias that already points at a brief.
        """
        check_id(url_key)
        item = {"pk": f"URL#{url_key}", "sk": "URL", "url": url[:2048],
                "error": error.to_dict(), "failed_at": int(time.time()),
                "expires_at": self._expires_at()}  # fmt: skip
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=to_item(item),
                ConditionExpression="attribute_not_exists(brief_id)",
            )
        except client_error() as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return  # the URL was briefed meanwhile: success wins over a stale failure
            raise store_error(exc, "record failure") from exc
        except transport_error() as exc:
            raise store_error(exc, "record failure") from exc


class _ConditionFailed(Conflict):
    """The head's write condition failed: the brief exists, or changed since it was read."""


def _split(body: bytes) -> list[bytes]:
    return [body[i : i + CHUNK_BYTES] for i in range(0, len(body), CHUNK_BYTES)]


def _validate(data: bytes) -> Brief:
    from newsbrief.brief_schema import Brief

    return Brief.model_validate_json(data)


def _error_from(error: dict[str, str]) -> NewsbriefError:
    from newsbrief import errors

    code, message = error.get("code", ""), error.get("message", "")
    for cls in vars(errors).values():
        if isinstance(cls, type) and issubclass(cls, NewsbriefError) and cls.code == code:
            return cls(message)
    return NewsbriefError(message)


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
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=to_item(self._feed_item(feed)),
                ConditionExpression="attribute_not_exists(pk)",
            )
        except client_error() as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise store_error(exc, "add feed") from exc
        except transport_error() as exc:
            raise store_error(exc, "add feed") from exc
        return True

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
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=to_item(self._feed_item(feed)),
                ConditionExpression="attribute_exists(pk)",
            )
        except client_error() as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False  # deleted while it was polled: do not bring it back
            raise store_error(exc, "save feed") from exc
        except transport_error() as exc:
            raise store_error(exc, "save feed") from exc
        return True

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
            kwargs["ExclusiveStartKey"] = decode_cursor(
                cursor, {"gsi1pk": FEED_LIST_PARTITION, "sk": "FEED"},
                {"pk", "sk", "gsi1pk", "gsi1sk"},
            )  # fmt: skip
        out = self._call("list feeds", "query", **kwargs)
        cards = [from_item(item)["card"] for item in out.get("Items", [])]
        return cards, encode_cursor(out.get("LastEvaluatedKey"))

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
        try:
            out = self.client.update_item(
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
        except client_error() as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return None
            raise store_error(exc, "lease feed") from exc
        except transport_error() as exc:
            raise store_error(exc, "lease feed") from exc
        return self._feed_of(from_item(out["Attributes"]))

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
            while request:
                out = self._call("check urls", "batch_get_item", RequestItems=request)
                for item in out.get("Responses", {}).get(self.table_name, []):
                    known.add(item["pk"]["S"].removeprefix("URL#"))
                request = out.get("UnprocessedKeys") or {}
        won: list[FeedLink] = []
        for key, link in unique.items():
            if key in known:
                continue
            if limit is not None and len(won) >= limit:
                break  # the rest stay unclaimed: a later run queues them
            claim = {"pk": f"URL#{key}", "sk": "URL", "url": link.url[:2048],
                     "feed_id": feed_id, "queued_at": now_iso,
                     "expires_at": self._expires_at()}  # fmt: skip
            try:
                self.client.put_item(
                    TableName=self.table_name,
                    Item=to_item(claim),
                    ConditionExpression="attribute_not_exists(pk)",
                )
            except client_error() as exc:
                if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                    continue  # another run (or the API) got there first
                raise store_error(exc, "claim url") from exc
            except transport_error() as exc:
                raise store_error(exc, "claim url") from exc
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
            kwargs["ExclusiveStartKey"] = decode_cursor(
                cursor, {"pk": f"FEED#{feed_id}"}, {"pk", "sk"}
            )
        out = self._call("list feed articles", "query", **kwargs)
        # Every field present (null when unknown): the same shape whoever serves it.
        fields = ("id", "url", "title", "published", "queued_at")
        items = [
            {k: record.get(k) for k in fields}
            for record in (from_item(item) for item in out.get("Items", []))
        ]
        return items, encode_cursor(out.get("LastEvaluatedKey"))

    # ------------------------------------------------------------------ pacing
    def reserve(self, host: str, interval: float, count: int = 1) -> float:
        """Reserve ``count`` consecutive request slots on ``host``; seconds until the first.

        Shared by every concurrent run through a conditional write on the host's pacing
        item (optimistic concurrency: read, then write only if nobody moved it meanwhile).
        """
        key = to_item({"pk": f"HOST#{host.lower()[:255]}", "sk": "PACE"})
        step = max(0, int(interval * 1000))
        for _ in range(PACE_ATTEMPTS):
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
            try:
                self.client.put_item(**kwargs)
            except client_error() as exc:
                if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                    continue  # another worker took the slot: read again
                raise store_error(exc, "reserve host") from exc
            except transport_error() as exc:
                raise store_error(exc, "reserve host") from exc
            return (slot - now) / 1000
        raise Conflict(f"too many concurrent reservations for {host}, try later")

    # ------------------------------------------------------------------ helpers
    def _batch_write(self, action: str, requests: list[dict[str, Any]]) -> None:
        for start in range(0, len(requests), BATCH_WRITE_ITEMS):
            pending: dict[str, Any] = {self.table_name: requests[start : start + BATCH_WRITE_ITEMS]}
            for attempt in range(5):
                out = self._call(action, "batch_write_item", RequestItems=pending)
                pending = out.get("UnprocessedItems") or {}
                if not pending:
                    break
                time.sleep(0.05 * 2**attempt)  # throttled part: back off, then resend it
            if pending:
                raise StoreUnavailable(f"{action}: the store kept throttling the batch")
