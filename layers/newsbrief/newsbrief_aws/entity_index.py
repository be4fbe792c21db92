"""The entity index: briefs by the entities they mention, and entity counts per hour.

Kept in the briefs table and written in the brief's own transaction (see ``BriefStore``), so a
brief and its index entries appear, change and disappear together. Two kinds of item:

* entry, one per brief and name: pk ``ENTITY#<TYPE>#<name key>``, sk ``<placed>#<brief id>``,
  the brief's ``card``, and for the ``ByEntitySource`` GSI ``gsi3pk``
  ``ENTITY#<TYPE>#<source>#<name key>`` and ``gsi3sk`` = sk;
* counter, one per hour, entity and scope: pk ``TREND#<TYPE>#<day>`` (all sites) or
  ``TREND#<TYPE>#<day>#<source>`` (one site), sk ``<hour>#<expiry>#<name key>``, with the
  entity's ``name`` as last written and the sums ``briefs`` and ``mentions``.

``<name key>`` is a name folded for matching (:func:`entity_key`: case and accents dropped,
spaces collapsed). ``<placed>`` is the time a brief is placed at, its publication time else the
time it was briefed, as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC), so keys sort by time. An entry exists
for the canonical name and for each distinct mention of an indexed entity; the ``ByEntitySource``
GSI (``gsi3pk``/``gsi3sk``, projecting ``card`` and ``expires_at``) narrows it to one site.
A counter adds up, for one hour of placement time, one entity (type and canonical name) and all
briefs or those of one site, the briefs that mention it and their mentions; ``<expiry>`` is the
whole hour the counted briefs expire at (``-`` without TTL), so a counter expires with exactly
the briefs it counts. Every item carries the brief's ``expires_at``; reads skip expired items,
so results do not wait for DynamoDB's TTL sweep.

Access patterns (each a fixed number of Query calls, never a Scan):

* ``GET /articles?entity=NAME[&type=T][&source=S][&since&until]``: one Query per entity type
  asked (four without ``type=``) on the table, or on ``ByEntitySource`` with ``source=``, each
  ``Limit`` = page size + 2, newest first; at most two calls per type when cards are large
  (a DynamoDB page stops at 1 MB).
* ``GET /entities``: one Query per (day touched by the window, type asked), read to the end
  (one more call per MB of counters), grouped by entity in memory. A window of 745 hours (31
  days widened to whole hours) touches at most 32 days: at most 32 calls with ``type=``, 128
  without.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from newsbrief.errors import InvalidInput
from newsbrief.urls import site_domain

from .cursors import Cursors
from .dynamodb import from_item, sdk_errors, store_error, to_item

ENTITY_TYPES = ("PERSON", "ORGANIZATION", "LOCATION", "OTHER")
SOURCE_INDEX = "ByEntitySource"  # template.yaml: gsi3pk/gsi3sk, projects card and expires_at
MAX_ENTITY_CHARS = 200  # longer "names" are tagger noise; keys stay far below DynamoDB's 2 KB
# A transaction holds at most 100 items and 4 MB. The index of one brief is bounded so that it
# fits beside the brief itself (head, parts, aliases): the most mentioned entities first.
MAX_TRANSACTION_ITEMS = 100
MAX_TRANSACTION_BYTES = 4_000_000  # 4 MB less a margin for our size estimate
MAX_INDEXED_ENTITIES = 30  # the DEV news sets: median 17 entities a brief, 90th percentile 37
MAX_WINDOW = timedelta(days=31)
# Widened to whole hours, a window of up to 31 days spans up to 745 hours (it may straddle one
# more hour). The limit is checked on those hours, so that "since 31 days ago", sent a moment
# before "now", is never refused for its milliseconds.
MAX_WINDOW_HOURS = MAX_WINDOW // timedelta(hours=1) + 1
DEFAULT_WINDOW = timedelta(hours=24)
DEFAULT_ENTITY_LIMIT = 20
MAX_INSTANT_CHARS = 64  # the longest ISO 8601 form with fractions and an offset fits
_HOUR = timedelta(hours=1)
# Lower and upper bounds of every placement key: times start with a digit, "~" sorts after.
_FIRST, _LAST = "0", "~"
_ENTRY_OVERHEAD = 300  # keys, GSI keys and attribute names of one entry, in bytes
_COUNTER_BYTES = 400  # one counter update with its keys and names, generously
_QUERY_THREADS = 8  # a window's partitions are read in parallel


# ------------------------------------------------------------------ names and times


def entity_key(name: str) -> str:
    """A name folded for matching: compatibility forms, accents and case dropped, spaces collapsed.

    ``"José  Martí"``, ``"JOSE MARTI"`` and ``"jose marti"`` share one key.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def parse_instant(raw: str, field: str) -> datetime:
    """An ISO 8601 date or time as an aware UTC datetime (no offset means UTC)."""
    text = raw.strip()
    try:
        if len(text) > MAX_INSTANT_CHARS:
            raise ValueError(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"query.{field}: must be an ISO 8601 date or time, e.g. 2026-11-26T08:00:00Z"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def time_key(moment: datetime) -> str:
    """A UTC instant as a sortable key, ``YYYY-MM-DDTHH:MM:SSZ``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def placed_at(published: str | None, fetched_at: str) -> str:
    """The time key a brief is placed at: its publication time, else when it was briefed."""
    for raw in (published, fetched_at):
        if raw:
            try:
                return time_key(parse_instant(raw, "published"))
            except InvalidInput:
                continue
    raise InvalidInput("a brief needs a publication or briefing time to be indexed")


# ------------------------------------------------------------------ what a brief writes


@dataclass(frozen=True, slots=True)
class Counted:
    """One entity counted for a brief: type, name key, name as written, mentions."""

    type: str
    key: str
    name: str
    mentions: int


@dataclass(frozen=True, slots=True)
class IndexPlan:
    """The index items of one brief, also recorded on its head so a refresh can undo them."""

    brief_id: str
    placed: str
    source: str | None
    expires_at: int | None
    names: tuple[tuple[str, str], ...]  # (type, name key): one entry each
    counted: tuple[Counted, ...]  # one counter each (two with a source)

    def record(self) -> dict[str, Any]:
        """What the head keeps of this plan (``index`` attribute)."""
        return {
            "placed": self.placed,
            "source": self.source,
            "expires_at": self.expires_at,
            "names": [f"{t}#{k}" for t, k in self.names],
            "counted": [[c.type, c.key, c.name, c.mentions] for c in self.counted],
        }

    @classmethod
    def from_record(cls, brief_id: str, record: dict[str, Any] | None) -> IndexPlan | None:
        """The plan a head recorded (``None`` for a head written without an index)."""
        if not record:
            return None
        return cls(
            brief_id=brief_id,
            placed=record["placed"],
            source=record.get("source"),
            expires_at=record.get("expires_at"),
            names=tuple(tuple(n.split("#", 1)) for n in record.get("names", [])),
            counted=tuple(Counted(t, k, n, int(m)) for t, k, n, m in record.get("counted", [])),
        )

    def entry_keys(self) -> dict[tuple[str, str], tuple[str, str]]:
        """(pk, sk) of each entry -> its type and name key."""
        sk = f"{self.placed}#{self.brief_id}"
        return {(f"ENTITY#{t}#{k}", sk): (t, k) for t, k in self.names}

    def counter_keys(self) -> dict[tuple[str, str], Counted]:
        """(pk, sk) of each counter this brief adds to -> the entity counted."""
        day, hour = self.placed[:10], self.placed[11:13]
        expiry = str(self.expires_at) if self.expires_at else "-"
        scopes = [""] + ([f"#{self.source}"] if self.source else [])
        return {
            (f"TREND#{c.type}#{day}{scope}", f"{hour}#{expiry}#{c.key}"): c
            for c in self.counted
            for scope in scopes
        }


def plan_index(
    brief_id: str,
    entities: Iterable[Any],
    placed: str,
    source: str | None,
    expires_at: int | None,
    room_items: int,
    room_bytes: int,
    entry_bytes: int,
) -> IndexPlan:
    """Choose what a brief indexes: its most mentioned entities, as many as fit the room.

    ``entities`` are the brief's entities (name, type, count, mentions), most mentioned first.
    Each indexed entity costs one entry per distinct name key (canonical name and mentions)
    and one counter per scope; names folding to a key already taken cost nothing more.
    Entities are taken in order until one does not fit ``room_items``/``room_bytes`` or
    :data:`MAX_INDEXED_ENTITIES` are in.
    """
    names: dict[tuple[str, str], None] = {}
    counted: dict[tuple[str, str], Counted] = {}
    scopes = 2 if source else 1
    items = used = 0
    for entity in entities:
        if len(counted) >= MAX_INDEXED_ENTITIES:
            break
        key = entity_key(entity.name)
        if not key or len(key) > MAX_ENTITY_CHARS or entity.type not in ENTITY_TYPES:
            continue
        new_names = {
            (entity.type, k): None
            for k in (entity_key(m) for m in [entity.name, *entity.mentions])
            if k and len(k) <= MAX_ENTITY_CHARS and (entity.type, k) not in names
        }
        merged = (entity.type, key) in counted
        cost = len(new_names) + (0 if merged else scopes)
        size = len(new_names) * entry_bytes + (0 if merged else scopes * _COUNTER_BYTES)
        if items + cost > room_items or used + size > room_bytes:
            break
        items, used = items + cost, used + size
        names.update(new_names)
        if merged:  # two entities folding to one name ("Jose"/"José") are one count
            old = counted[(entity.type, key)]
            counted[(entity.type, key)] = Counted(
                old.type, old.key, old.name, old.mentions + entity.count
            )
        else:
            counted[(entity.type, key)] = Counted(entity.type, key, entity.name, entity.count)
    return IndexPlan(
        brief_id=brief_id,
        placed=placed,
        source=source,
        expires_at=expires_at,
        names=tuple(names),
        counted=tuple(counted.values()),
    )


def entry_size(card: dict[str, Any]) -> int:
    """About how many bytes one entry of a brief with this card takes in a transaction."""
    return len(json.dumps(card, ensure_ascii=False).encode("utf-8")) + _ENTRY_OVERHEAD


def index_writes(
    table: str, old: IndexPlan | None, new: IndexPlan | None, card: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The transaction items that turn the index of ``old`` into that of ``new``.

    Entries of ``new`` are put (a refresh overwrites the same keys), entries only ``old`` had
    are deleted; every counter either touches gets one update adding the difference (new
    minus old), and counters whose difference is zero are left alone.
    """
    writes: list[dict[str, Any]] = []
    new_entries = new.entry_keys() if new else {}
    for pk, sk in (old.entry_keys() if old else {}).keys() - new_entries.keys():
        writes.append({"Delete": {"TableName": table, "Key": to_item({"pk": pk, "sk": sk})}})
    for (pk, sk), (entity_type, key) in new_entries.items():
        assert new is not None and card is not None
        entry: dict[str, Any] = {"pk": pk, "sk": sk, "card": card, "expires_at": new.expires_at}
        if new.source:
            entry["gsi3pk"] = source_partition(entity_type, new.source, key)
            entry["gsi3sk"] = sk
        writes.append({"Put": {"TableName": table, "Item": to_item(entry)}})
    deltas: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, 0, None, None])
    for plan, sign in ((old, -1), (new, 1)):
        if plan is None:
            continue
        for counter_key, c in plan.counter_keys().items():
            delta = deltas[counter_key]
            delta[0] += sign
            delta[1] += sign * c.mentions
            delta[3] = plan.expires_at
            if sign > 0:
                delta[2] = c.name
    for (pk, sk), (briefs, mentions, name, expires) in sorted(deltas.items()):
        if briefs == 0 and mentions == 0:
            continue
        writes.append({"Update": _counter_update(table, pk, sk, briefs, mentions, name, expires)})
    return writes


def source_partition(entity_type: str, source: str, key: str) -> str:
    """The ``ByEntitySource`` partition of one entity on one site.

    The site goes before the name key: a key holding ``#`` cannot pass for another site's.
    """
    return f"ENTITY#{entity_type}#{source}#{key}"


def _counter_update(
    table: str, pk: str, sk: str, briefs: int, mentions: int, name: str | None,
    expires: int | None,
) -> dict[str, Any]:  # fmt: skip
    sets: list[str] = []
    values: dict[str, Any] = {":b": briefs, ":m": mentions}
    names: dict[str, str] = {}
    if name is not None:
        sets.append("#n = :n")
        names["#n"] = "name"
        values[":n"] = name
    if expires is not None:
        # Also on a decrement: a counter recreated by one (its briefs expired and TTL took it)
        # expires again at once instead of living on below zero.
        sets.append("expires_at = :e")
        values[":e"] = expires
    expression = "ADD briefs :b, mentions :m" + (" SET " + ", ".join(sets) if sets else "")
    update: dict[str, Any] = {
        "TableName": table,
        "Key": to_item({"pk": pk, "sk": sk}),
        "UpdateExpression": expression,
        "ExpressionAttributeValues": to_item(values),
    }
    if names:
        update["ExpressionAttributeNames"] = names
    return update


# ------------------------------------------------------------------ reads


@dataclass(frozen=True, slots=True)
class Window:
    """A time window of whole hours, ``[start, end)`` in UTC."""

    start: datetime
    end: datetime

    @classmethod
    def of(cls, since: str | None, until: str | None, now: datetime) -> Window:
        """The window asked for (default: the last 24 hours), widened to whole hours."""
        end = parse_instant(until, "until") if until is not None else now
        start = parse_instant(since, "since") if since is not None else end - DEFAULT_WINDOW
        if start >= end:
            raise InvalidInput("query.since: must be before until")
        floor = start.replace(minute=0, second=0, microsecond=0)
        ceiling = end.replace(minute=0, second=0, microsecond=0)
        window = cls(floor, ceiling if ceiling == end else ceiling + _HOUR)
        if window.end - window.start > MAX_WINDOW_HOURS * _HOUR:
            raise InvalidInput(
                f"the window may span at most {MAX_WINDOW.days} days "
                f"({MAX_WINDOW_HOURS} hours once widened to whole hours)"
            )
        return window

    @classmethod
    def parse(cls, text: str) -> Window:
        """A window from :meth:`text` (a cursor's copy)."""
        start, _, end = text.partition("/")
        return cls(parse_instant(start, "cursor"), parse_instant(end, "cursor"))

    def text(self) -> str:
        """``<start>/<end>`` as time keys."""
        return f"{time_key(self.start)}/{time_key(self.end)}"

    def days(self) -> list[tuple[str, str, str]]:
        """Each day touched, with the first and last hour of the window in it."""
        out = []
        hour = self.start
        while hour < self.end:
            day_end = datetime.combine(hour.date() + timedelta(days=1), datetime.min.time(), UTC)
            last = min(self.end, day_end) - _HOUR
            out.append((hour.date().isoformat(), f"{hour.hour:02d}", f"{last.hour:02d}"))
            hour = min(self.end, day_end)
        return out


class QueryStats:
    """DynamoDB calls, items and bytes read, for benchmarks (``EntityIndex.stats``)."""

    def __init__(self) -> None:
        self.per_call: list[tuple[int, int]] = []  # (items, bytes) of each Query call

    def add(self, items: list[dict[str, Any]]) -> None:
        """Count one Query call and what it returned."""
        self.per_call.append((len(items), sum(item_bytes(i) for i in items)))

    @property
    def calls(self) -> int:
        """Query calls made."""
        return len(self.per_call)

    @property
    def items(self) -> int:
        """Items read."""
        return sum(n for n, _ in self.per_call)

    @property
    def bytes(self) -> int:
        """Bytes read, as DynamoDB sizes items."""
        return sum(b for _, b in self.per_call)

    def read_units(self) -> float:
        """Read request units of the calls (eventually consistent reads).

        A Query costs half a unit per 4 KB it reads, rounded up per call, at least half a unit.
        """
        return sum(0.5 * max(1, -(-b // 4096)) for _, b in self.per_call)


def item_bytes(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it: attribute names plus values (typed form)."""
    return sum(len(name.encode("utf-8")) + _value_bytes(value) for name, value in item.items())


def _value_bytes(value: dict[str, Any]) -> int:
    ((kind, raw),) = value.items()
    if kind == "S":
        return len(raw.encode("utf-8"))
    if kind == "N":
        return (len(raw.lstrip("-").replace(".", "")) + 1) // 2 + 1
    if kind == "B":
        return len(raw)
    if kind == "M":
        return 3 + sum(len(k.encode("utf-8")) + 1 + _value_bytes(v) for k, v in raw.items())
    if kind == "L":
        return 3 + sum(1 + _value_bytes(v) for v in raw)
    return 1  # BOOL, NULL


class EntityIndex:
    """Reads of the entity index in the briefs table."""

    def __init__(self, table_name: str, client: Any, clock: Callable[[], datetime] | None = None):
        self.table_name = table_name
        self.client = client
        self.clock = clock or (lambda: datetime.now(UTC))
        self.cursors = Cursors(table_name, client)  # signed, as every listing's
        self.stats: QueryStats | None = None  # set by a benchmark to count reads

    def _query(self, limit: int | None = None, **kwargs: Any) -> list[dict[str, Any]]:
        """One partition, newest first, until ``limit`` items or its end."""
        items: list[dict[str, Any]] = []
        kwargs = {"TableName": self.table_name, **kwargs}
        while True:
            if limit is not None:
                kwargs["Limit"] = limit - len(items)
            try:
                out = self.client.query(**kwargs)
            except sdk_errors() as exc:
                raise store_error(exc, "read the entity index") from exc
            page = out.get("Items", [])
            if self.stats is not None:
                self.stats.add(page)
            items += page
            last = out.get("LastEvaluatedKey")
            if not last or (limit is not None and len(items) >= limit):
                return items
            kwargs["ExclusiveStartKey"] = last

    def _alive(self, item: dict[str, Any], now: int) -> bool:
        expires = item.get("expires_at")
        return expires is None or int(expires["N"]) > now

    # -------------------------------------------------------------- briefs by entity
    def list_briefs(
        self,
        entity: str,
        entity_type: str | None = None,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Cards of the briefs mentioning ``entity``, newest first, and the next page's cursor."""
        key = entity_key(entity)
        if not key:
            raise InvalidInput("query.entity: must name an entity")
        if len(key) > MAX_ENTITY_CHARS:
            raise InvalidInput(f"query.entity: must be at most {MAX_ENTITY_CHARS} characters")
        low = time_key(parse_instant(since, "since")) if since is not None else _FIRST
        high = time_key(parse_instant(until, "until")) if until is not None else _LAST
        if low >= high:
            raise InvalidInput("query.since: must be before until")
        source = site_domain(source) if source is not None else None
        listing = f"{entity_type or '*'}#{source or '*'}#{key}"
        after: str | None = None
        if cursor:
            after = self.cursors.decode(cursor, {"entity": listing}, {"entity", "sk"})["sk"]["S"]
            high = min(high, after)  # inclusive below: the cursor's own item is dropped
            if high < low:  # paged past since: nothing is left (DynamoDB refuses hi < lo)
                return [], None
        types = [entity_type] if entity_type else list(ENTITY_TYPES)
        # Two more than the page: the cursor's own item (BETWEEN is inclusive) and one to
        # know whether another page follows.
        want = limit + 2

        def one(kind: str) -> list[dict[str, Any]]:
            if source:
                index = {"IndexName": SOURCE_INDEX}
                names = {"#p": "gsi3pk", "#s": "gsi3sk"}
                partition = source_partition(kind, source, key)
            else:
                index, names, partition = {}, {"#p": "pk", "#s": "sk"}, f"ENTITY#{kind}#{key}"
            return self._query(
                limit=want,
                **index,
                KeyConditionExpression="#p = :p AND #s BETWEEN :lo AND :hi",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=to_item({":p": partition, ":lo": low, ":hi": high}),
                ScanIndexForward=False,
            )

        found = self._parallel(one, types)
        sort_name = "gsi3sk" if source else "sk"
        merged: dict[str, dict[str, Any]] = {}  # one card per brief, also when two types hold it
        for items in found:
            for item in items:
                merged.setdefault(item[sort_name]["S"], item)
        order = [sk for sk in sorted(merged, reverse=True) if sk != after]
        now = int(self.clock().timestamp())
        page = order[:limit]
        cards = [from_item(merged[sk])["card"] for sk in page if self._alive(merged[sk], now)]
        next_cursor = None
        if len(order) > limit:
            next_cursor = self.cursors.encode({"entity": {"S": listing}, "sk": {"S": page[-1]}})
        return cards, next_cursor

    # -------------------------------------------------------------- trending entities
    def top_entities(
        self,
        since: str | None = None,
        until: str | None = None,
        entity_type: str | None = None,
        source: str | None = None,
        limit: int = DEFAULT_ENTITY_LIMIT,
        cursor: str | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """The entities most briefed in a window, by briefs then mentions, and the next cursor.

        A cursor carries the window of its first page, so pages of the default window (the
        last 24 hours) do not drift while a client pages through them.
        """
        source = site_domain(source) if source is not None else None
        scope = f"{entity_type or '*'}#{source or '*'}"
        offset = 0
        if cursor:
            expected = {"scope": scope}
            if since is not None or until is not None:
                expected["window"] = Window.of(since, until, self.clock()).text()
            plain = self.cursors.decode(cursor, expected, {"scope", "window", "offset"})
            window = Window.parse(plain["window"]["S"])
            offset = _offset(plain["offset"]["S"])
        else:
            window = Window.of(since, until, self.clock())
        types = [entity_type] if entity_type else list(ENTITY_TYPES)
        suffix = f"#{source}" if source else ""
        parts = [(kind, day, first, last) for day, first, last in window.days() for kind in types]

        def one(part: tuple[str, str, str, str]) -> list[dict[str, Any]]:
            kind, day, first, last = part
            return self._query(
                KeyConditionExpression="pk = :p AND sk BETWEEN :lo AND :hi",
                ExpressionAttributeValues=to_item(
                    {":p": f"TREND#{kind}#{day}{suffix}", ":lo": first, ":hi": f"{last}~"}
                ),
            )

        now = int(self.clock().timestamp())
        totals: dict[tuple[str, str], list[Any]] = {}
        found = self._parallel(one, parts)
        for (kind, day, _first, _last), items in zip(parts, found, strict=True):
            # A month of counters is tens of thousands of items: their few attributes are read
            # as they come (typed values), not through the SDK's deserializer (~10x the CPU).
            for item in items:
                if not self._alive(item, now):
                    continue
                hour, _expiry, key = item["sk"]["S"].split("#", 2)
                name = item["name"]["S"]
                total = totals.setdefault((kind, key), [0, 0, name, ""])
                total[0] += int(item["briefs"]["N"])
                total[1] += int(item["mentions"]["N"])
                stamp = f"{day}T{hour}"
                if stamp >= total[3]:  # the most recent hour's spelling of the name
                    total[2], total[3] = name, stamp
        ranked = sorted(
            ((kind, key, t) for (kind, key), t in totals.items() if t[0] > 0),
            key=lambda r: (-r[2][0], -r[2][1], r[2][2], r[0], r[1]),
        )
        page = ranked[offset : offset + limit]
        items_out = [
            {"name": t[2], "type": kind, "briefs": t[0], "mentions": t[1]} for kind, _key, t in page
        ]
        next_cursor = None
        if offset + limit < len(ranked):
            next_cursor = self.cursors.encode({
                "scope": {"S": scope},
                "window": {"S": window.text()},
                "offset": {"S": str(offset + limit)},
            })  # fmt: skip
        return items_out, next_cursor

    def _parallel(self, call: Callable[[Any], list[dict[str, Any]]], args: list[Any]) -> list[Any]:
        if len(args) == 1:
            return [call(args[0])]
        with ThreadPoolExecutor(max_workers=min(_QUERY_THREADS, len(args))) as pool:
            return list(pool.map(call, args))


def _offset(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 9:
        raise InvalidInput("cursor does not belong to this listing")
    return int(raw)
