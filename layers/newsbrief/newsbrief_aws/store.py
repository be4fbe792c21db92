"""The briefs store: briefs in one DynamoDB table (single-table design).

This module and its siblings (``feed_store``, ``cursors``, ``dynamodb``) are the only ones that
know DynamoDB keys, cursors and ``ClientError``; everything they raise is a
:mod:`newsbrief.errors` error. Item layout (key schema in template.yaml):

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
A brief and its chunks, aliases and entity index items (:mod:`newsbrief_aws.entity_index`,
recorded in the head's ``index`` so a refresh can replace them) are written in one
transaction: a failure half-way leaves nothing half-written, and the head's
``attribute_not_exists`` condition makes concurrent first writes of one URL end with one
stored brief.
"""

from __future__ import annotations

import gzip
import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsbrief.errors import (
    Conflict,
    InvalidInput,
    NewsbriefError,
    NotFound,
    TooLarge,
)
from newsbrief.models import DEFAULT_ALGORITHM
from newsbrief.urls import site_domain

from .cursors import Cursors
from .dynamodb import (
    client_error,
    condition_failed,
    default_client,
    from_item,
    sdk_errors,
    store_error,
    to_item,
    transport_error,
)
from .entity_index import (
    MAX_TRANSACTION_BYTES,
    MAX_TRANSACTION_ITEMS,
    IndexPlan,
    entry_size,
    index_writes,
    placed_at,
    plan_index,
)

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
# Briefs naming one entity in one hour add to the same counter item, and DynamoDB cancels a
# transaction that meets another one on an item ("TransactionConflict"; the SDK does not retry
# it). Nothing was written, so the transaction is sent again, after a short random wait.
CONFLICT_RETRIES = 6
CONFLICT_BACKOFF_S = 0.025  # doubled each time: 25 ms ... 0.8 s, 1.6 s in all at most
CARD_SUMMARY_BYTES = 16_000  # the listing card keeps the summary's first sentences up to this
CARD_TITLE_CHARS = 500


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


# Card fields added since cards were first stored, with the value an older card stood for:
# before the algorithm could be chosen, every summary was the default algorithm's.
CARD_DEFAULTS: dict[str, Any] = {"summary_algorithm": DEFAULT_ALGORITHM}


def complete_card(card: dict[str, Any]) -> dict[str, Any]:
    """A stored card with the fields it predates filled in: every card has the same shape."""
    return {**CARD_DEFAULTS, **card}


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
        "summary_algorithm": brief.summary_algorithm,
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
        self.cursors = Cursors(table_name, self.client)  # signed page cursors

    # ------------------------------------------------------------------ helpers
    def _call(self, action: str, operation: str, **kwargs: Any) -> dict[str, Any]:
        try:
            return getattr(self.client, operation)(**kwargs)
        except sdk_errors() as exc:
            raise store_error(exc, action) from exc

    def _call_if(self, action: str, operation: str, **kwargs: Any) -> dict[str, Any] | None:
        """A conditional write: its answer, or ``None`` when its condition did not hold."""
        try:
            return getattr(self.client, operation)(**kwargs)
        except sdk_errors() as exc:
            if condition_failed(exc):
                return None
            raise store_error(exc, action) from exc

    def _expires_at(self) -> int | None:
        # Only a user-configured TTL ever deletes data; by default items live forever. Briefs
        # expire on the hour: the entity counters group the briefs they count by expiry hour,
        # so a counter expires exactly with its briefs (see entity_index).
        if self.ttl_days <= 0:
            return None
        return -(-(int(time.time()) + self.ttl_days * 86_400) // 3600) * 3600

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
            partition = f"SOURCE#{site_domain(source)}"
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
            kwargs["ExclusiveStartKey"] = self.cursors.decode(
                cursor, {pk_name: partition, "sk": "BRIEF"}, {"pk", "sk", pk_name, sk_name}
            )
        out = self._call("list briefs", "query", **kwargs)
        cards = [from_item(item)["card"] for item in out.get("Items", [])]
        return cards, self.cursors.encode(out.get("LastEvaluatedKey"))

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
        expires = self._expires_at()
        card = _card(brief)
        stale_parts = range(len(parts), (old or {}).get("chunks", 0))  # the old one had more
        aliases = [k for k in url_keys if k != brief.id]
        # The index gets what the brief itself leaves of the transaction's 100 items and 4 MB.
        fixed_items = 1 + len(parts) + len(stale_parts) + len(aliases)
        fixed_bytes = len(body) + 2 * entry_size(card) + 300 * (len(aliases) + len(stale_parts))
        plan = plan_index(
            brief.id,
            brief.entities,
            placed_at(brief.published, brief.fetched_at),
            brief.source,
            expires,
            room_items=MAX_TRANSACTION_ITEMS - fixed_items,
            room_bytes=MAX_TRANSACTION_BYTES - fixed_bytes,
            entry_bytes=entry_size(card),
        )
        old_plan = IndexPlan.from_record(brief.id, old.get("index")) if old else None
        index = index_writes(self.table_name, old_plan, plan, card)
        if old is not None and fixed_items + len(index) > MAX_TRANSACTION_ITEMS:
            # A refresh that changes too much of the index for one transaction: the old index
            # goes first, in a transaction of its own. Nothing points at a missing brief in
            # between; the brief is only unindexed until the second transaction lands.
            old = self._unindex(brief.id, old, old_plan)
            index = index_writes(self.table_name, None, plan, card)

        version = (old["version"] + 1) if old else 1
        order = f"{brief.fetched_at}#{brief.id}"
        head: dict[str, Any] = {
            "pk": f"BRIEF#{brief.id}",
            "sk": "BRIEF",
            "id": brief.id,
            "version": version,
            "card": card,
            "index": plan.record(),
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
        for i in stale_parts:
            key = to_item({"pk": f"BRIEF#{brief.id}", "sk": f"CHUNK#{i:04d}"})
            items.append({"Delete": {"TableName": self.table_name, "Key": key}})
        items += [{"Put": self._alias_put(brief.id, k)} for k in aliases]
        self._transact(items + index, "save brief")

    def _unindex(
        self, brief_id: str, old: dict[str, Any], plan: IndexPlan | None
    ) -> dict[str, Any]:
        """Remove a stored brief's index in one transaction; the head as it is afterwards."""
        version = old["version"]
        bump = {
            "TableName": self.table_name,
            "Key": to_item({"pk": f"BRIEF#{brief_id}", "sk": "BRIEF"}),
            "UpdateExpression": "SET version = :n REMOVE #i",
            "ConditionExpression": "version = :v",
            "ExpressionAttributeNames": {"#i": "index"},
            "ExpressionAttributeValues": to_item({":v": version, ":n": version + 1}),
        }
        # The head first: its condition is what _transact reports as a lost race.
        self._transact([{"Update": bump}, *index_writes(self.table_name, plan, None, None)],
                       "unindex brief")  # fmt: skip
        return {**old, "version": version + 1, "index": None}

    def _transact(self, items: list[dict[str, Any]], action: str) -> None:
        """Write ``items`` in one transaction; the first item's condition failing is a race.

        A transaction cancelled only because another one was writing the same item (a shared
        entity counter) is retried with backoff.
        """
        for attempt in range(CONFLICT_RETRIES + 1):
            try:
                self.client.transact_write_items(TransactItems=items)
                return
            except client_error() as exc:
                reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
                if reasons and reasons[0] == "ConditionalCheckFailed":  # the head's condition
                    raise _ConditionFailed("a brief with this id changed meanwhile") from exc
                if "TransactionConflict" not in reasons or attempt == CONFLICT_RETRIES:
                    raise store_error(exc, action) from exc
            except transport_error() as exc:
                raise store_error(exc, action) from exc
            time.sleep(random.uniform(0.5, 1.0) * CONFLICT_BACKOFF_S * 2**attempt)  # noqa: S311

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
        # When the URL was briefed meanwhile the condition fails: success wins over a failure.
        self._call_if(
            "record failure",
            "put_item",
            TableName=self.table_name,
            Item=to_item(item),
            ConditionExpression="attribute_not_exists(brief_id)",
        )


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
