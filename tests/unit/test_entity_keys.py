"""The entity index's pure parts: name keys, placement times, windows, plans and their writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from newsbrief.errors import InvalidInput
from newsbrief_aws.entity_index import (
    MAX_INDEXED_ENTITIES,
    IndexPlan,
    Window,
    entity_key,
    index_writes,
    parse_instant,
    placed_at,
    plan_index,
)

BRIEF_ID = "0123456789abcdef01234567"


@dataclass
class Entity:
    """What plan_index reads of a brief's entity."""

    name: str
    type: str
    count: int
    mentions: list[str] = field(default_factory=list)


def _plan(entities: list[Entity], source: str | None = "gazette.example", **kw) -> IndexPlan:
    args = {"room_items": 100, "room_bytes": 4_000_000, "entry_bytes": 1000} | kw
    return plan_index(BRIEF_ID, entities, "2026-11-26T10:04:00Z", source, None, **args)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("José Martí", "jose marti"),
        ("JOSE  MARTI", "jose marti"),
        ("  Zoë\tBaptiste ", "zoe baptiste"),
        ("Straße", "strasse"),
        ("Ｔｏｋｙｏ", "tokyo"),  # full-width forms
        ("İstanbul", "istanbul"),
        ("北京", "北京"),
        ("", ""),
    ],
)
def test_names_fold_case_accents_and_spaces(name: str, key: str) -> None:
    assert entity_key(name) == key


@pytest.mark.parametrize(
    ("published", "fetched", "placed"),
    [
        ("2026-11-20T08:30:00+02:00", "2026-11-26T10:00:00+00:00", "2026-11-20T06:30:00Z"),
        ("2026-11-20", "2026-11-26T10:00:00+00:00", "2026-11-20T00:00:00Z"),
        ("2026-11-20T08:30:00", "2026-11-26T10:00:00+00:00", "2026-11-20T08:30:00Z"),
        (None, "2026-11-26T10:00:00+00:00", "2026-11-26T10:00:00Z"),
        ("not a date", "2026-11-26T10:00:00+00:00", "2026-11-26T10:00:00Z"),
    ],
)
def test_a_brief_is_placed_at_its_publication_else_its_briefing(
    published: str | None, fetched: str, placed: str
) -> None:
    assert placed_at(published, fetched) == placed


@pytest.mark.parametrize("raw", ["yesterday", "2026-13-01", "", "2026-11-26T10:00:00" + "0" * 60])
def test_bad_instants_are_invalid_input(raw: str) -> None:
    with pytest.raises(InvalidInput, match="query.since"):
        parse_instant(raw, "since")


NOW = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)


def test_the_default_window_is_the_last_day_widened_to_whole_hours() -> None:
    window = Window.of(None, None, NOW)
    assert window.text() == "2026-11-25T10:00:00Z/2026-11-26T11:00:00Z"
    assert window.days() == [("2026-11-25", "10", "23"), ("2026-11-26", "00", "10")]


def test_windows_on_whole_hours_stay_as_they_are() -> None:
    window = Window.of("2026-11-26T08:00:00Z", "2026-11-26T10:00:00Z", NOW)
    assert window.days() == [("2026-11-26", "08", "09")]
    assert Window.parse(window.text()) == window


def test_31_days_ago_is_never_too_long() -> None:
    """A client's "31 days ago" is older than the server's by the time it arrives."""
    since = (NOW - timedelta(days=31, seconds=2)).isoformat()
    assert Window.of(since, None, NOW).days()[0] == ("2026-10-26", "10", "23")


def test_a_month_window_touches_at_most_32_days() -> None:
    """31 days widened to whole hours: 745 hours, which can touch 32 calendar days."""
    window = Window.of("2026-10-26T23:30:00Z", "2026-11-26T23:30:00Z", NOW)
    assert len(window.days()) == 32
    hours = sum(int(last) - int(first) + 1 for _, first, last in window.days())
    assert hours == 31 * 24 + 1


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("2026-11-26T10:00:00Z", "2026-11-26T10:00:00Z", "before until"),
        ("2026-11-27", "2026-11-26", "before until"),
        ("2026-10-01", "2026-11-26", "at most 31 days"),
        ("2026-10-26T10:00:00Z", "2026-11-26T11:00:01Z", "745 hours"),  # 746 once widened
    ],
)
def test_empty_inverted_or_long_windows_are_refused(since: str, until: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        Window.of(since, until, NOW)


def test_plan_indexes_names_and_mentions_once_and_merges_folded_names() -> None:
    plan = _plan(
        [
            Entity("Joe Biden", "PERSON", 5, ["Joe Biden", "Biden", "President Biden"]),
            Entity("Hunter Biden", "PERSON", 2, ["Hunter Biden", "Biden"]),
            Entity("José Martí", "PERSON", 1, ["José Martí"]),
            Entity("Jose Marti", "PERSON", 1, ["Jose Marti"]),
            Entity("Biden", "ORGANIZATION", 1, []),  # same key, another type: its own entry
        ]
    )
    assert plan.names == (
        ("PERSON", "joe biden"), ("PERSON", "biden"), ("PERSON", "president biden"),
        ("PERSON", "hunter biden"), ("PERSON", "jose marti"), ("ORGANIZATION", "biden"),
    )  # fmt: skip
    counted = {(c.type, c.key): c.mentions for c in plan.counted}
    assert counted == {
        ("PERSON", "joe biden"): 5,
        ("PERSON", "hunter biden"): 2,
        ("PERSON", "jose marti"): 2,
        ("ORGANIZATION", "biden"): 1,
    }


def test_plan_stops_at_the_entity_that_does_not_fit() -> None:
    entities = [Entity(f"Person {i}", "PERSON", 100 - i, [f"P. {i}"]) for i in range(40)]
    # Each entity: two entries and two counters (all sites, its site): 4 items.
    plan = _plan(entities, room_items=41)
    assert len(plan.counted) == 10  # the ten most mentioned
    assert [c.key for c in plan.counted] == [f"person {i}" for i in range(10)]
    assert len(_plan(entities, source=None, room_items=41).counted) == 13  # 3 items each
    assert len(_plan(entities, room_bytes=10 * 2 * 1000 + 10 * 800).counted) == 10
    assert len(_plan(entities).counted) == 25  # 100 items
    assert len(_plan(entities, room_items=1000).counted) == MAX_INDEXED_ENTITIES


def test_plan_skips_names_that_are_no_key() -> None:
    plan = _plan(
        [Entity("  ", "PERSON", 3), Entity("x" * 300, "OTHER", 2), Entity("A", "OTHER", 1)]
    )
    assert plan.names == (("OTHER", "a"),)


def _ops(writes: list[dict]) -> list[tuple[str, str, str]]:
    out = []
    for write in writes:
        ((kind, body),) = write.items()
        key = body.get("Key") or {"pk": body["Item"]["pk"], "sk": body["Item"]["sk"]}
        out.append((kind, key["pk"]["S"], key["sk"]["S"]))
    return out


def test_a_new_index_puts_entries_and_adds_to_counters_in_both_scopes() -> None:
    plan = _plan([Entity("Ada Lovelace", "PERSON", 3, ["Lovelace"])])
    writes = index_writes("t", None, plan, {"id": BRIEF_ID})
    assert sorted(_ops(writes)) == [
        ("Put", "ENTITY#PERSON#ada lovelace", f"2026-11-26T10:04:00Z#{BRIEF_ID}"),
        ("Put", "ENTITY#PERSON#lovelace", f"2026-11-26T10:04:00Z#{BRIEF_ID}"),
        ("Update", "TREND#PERSON#2026-11-26", "10#-#ada lovelace"),
        ("Update", "TREND#PERSON#2026-11-26#gazette.example", "10#-#ada lovelace"),
    ]
    put = next(w["Put"]["Item"] for w in writes if "Put" in w)
    assert put["gsi3pk"]["S"] == "ENTITY#PERSON#gazette.example#ada lovelace"
    update = next(w["Update"] for w in writes if "Update" in w)
    assert update["ExpressionAttributeValues"][":b"] == {"N": "1"}
    assert update["ExpressionAttributeValues"][":m"] == {"N": "3"}


def test_a_refresh_changes_only_what_differs() -> None:
    old = _plan([Entity("Ada Lovelace", "PERSON", 3, ["Lovelace"]), Entity("Paris", "LOCATION", 1)])
    new = _plan([Entity("Ada Lovelace", "PERSON", 4, ["Ada"]), Entity("Paris", "LOCATION", 1)])
    ops = _ops(index_writes("t", old, new, {"id": BRIEF_ID}))
    # Entries are put again (their cards change), the dropped mention's entry is deleted;
    # Paris's counters are untouched (nothing changed), Ada's get the difference.
    assert ("Delete", "ENTITY#PERSON#lovelace", f"2026-11-26T10:04:00Z#{BRIEF_ID}") in ops
    updates = [op for op in ops if op[0] == "Update"]
    assert [u[2] for u in updates] == ["10#-#ada lovelace", "10#-#ada lovelace"]
    assert len([op for op in ops if op[0] == "Put"]) == 3


def test_a_plan_survives_the_heads_record() -> None:
    plan = _plan([Entity("Ada Lovelace", "PERSON", 3, ["Lovelace"]), Entity("A#B", "OTHER", 1)])
    assert IndexPlan.from_record(BRIEF_ID, plan.record()) == plan
    assert IndexPlan.from_record(BRIEF_ID, None) is None
