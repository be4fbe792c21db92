"""Briefs by entity and trending entities, on the template's table in moto, through the API.

Every request goes to the read function (as deployed); tests/integration/test_read_parity.py
holds the typed routes to the same answers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from newsbrief.pipeline import brief_id
from newsbrief_aws import bootstrap
from newsbrief_aws import entity_index as index_module
from newsbrief_aws.entity_index import EntityIndex
from newsbrief_aws.store import BriefStore

from tests.integration.conftest import api_event, make_brief

NOW = datetime.now(UTC).replace(microsecond=0)


def ago(**delta: float) -> str:
    """An ISO 8601 time this long before the test started."""
    return (NOW - timedelta(**delta)).isoformat()


def entity(name: str, kind: str = "PERSON", count: int = 1, mentions: list[str] | None = None):
    return {"name": name, "type": kind, "count": count, "mentions": mentions or [name]}


def save(url: str, *entities: dict[str, Any], published: str | None, fetched: str | None = None,
         store: BriefStore | None = None, replace: bool = False) -> Any:  # fmt: skip
    brief = make_brief(url, fetched or ago(minutes=1), published=published, entities=list(entities))
    (store or bootstrap.store()).save_brief(brief, replace=replace)
    return brief


def get(call_read: Any, path: str, **query: str) -> Any:
    return call_read(api_event("api_article_get", path=path, query=query))


def ids(result: Any) -> list[str]:
    assert result.status == 200, result.body
    return [card["id"] for card in result.body["items"]]


@pytest.fixture
def news(aws: Any) -> dict[str, Any]:
    """Five briefs from two sites naming overlapping people, places and firms."""
    return {
        "a": save("https://www.gazette.example/news/a",
                  entity("José Martí", count=4, mentions=["José Martí", "Martí"]),
                  entity("Havana", "LOCATION", 2), published=ago(hours=5)),
        "b": save("https://coastal.example/news/b",
                  entity("Jose Marti", count=1), entity("Acme Corp", "ORGANIZATION", 3),
                  published=ago(hours=3)),
        "c": save("https://www.gazette.example/news/c",
                  entity("Jordan", "LOCATION", 2), entity("Jordan", "PERSON", 1),
                  entity("Acme Corp", "ORGANIZATION", 1), published=ago(hours=2)),
        "d": save("https://coastal.example/news/d", entity("Havana", "LOCATION", 5),
                  published=None, fetched=ago(hours=1)),
        "e": save("https://www.gazette.example/news/e", entity("Martí", count=1),
                  published=ago(days=3)),
    }  # fmt: skip


def test_briefs_by_name_or_mention_ignoring_case_and_accents(call_read: Any, news: Any) -> None:
    a, b, e = news["a"].id, news["b"].id, news["e"].id
    assert ids(get(call_read, "/articles", entity="José Martí")) == [b, a]
    assert ids(get(call_read, "/articles", entity="JOSE   marti")) == [b, a]
    # "Martí" is a mention of a's entity and the canonical name of e's.
    assert ids(get(call_read, "/articles", entity="marti")) == [a, e]
    reply = get(call_read, "/articles", entity="Nobody Atall")
    assert reply.status == 200 and reply.body == {"items": [], "next_cursor": None}


def test_cards_are_those_of_the_list(call_read: Any, news: Any) -> None:
    listed = {c["id"]: c for c in get(call_read, "/articles").body["items"]}
    found = get(call_read, "/articles", entity="Havana").body["items"]
    assert found == [listed[news["d"].id], listed[news["a"].id]]


def test_newest_first_by_publication_else_briefing_time(call_read: Any, news: Any) -> None:
    # d has no publication time: it is placed when it was briefed (an hour ago).
    assert ids(get(call_read, "/articles", entity="havana")) == [news["d"].id, news["a"].id]
    assert ids(get(call_read, "/articles", entity="acme corp")) == [news["c"].id, news["b"].id]


def test_type_source_and_time_filters_combine(call_read: Any, news: Any) -> None:
    c = news["c"].id
    assert ids(get(call_read, "/articles", entity="Jordan")) == [c]  # once, though two types
    assert ids(get(call_read, "/articles", entity="Jordan", type="PERSON")) == [c]
    assert ids(get(call_read, "/articles", entity="Jordan", type="ORGANIZATION")) == []
    assert ids(get(call_read, "/articles", entity="acme corp", source="www.coastal.example")) == [
        news["b"].id
    ]
    assert ids(get(call_read, "/articles", entity="marti", source="gazette.example",
                   since=ago(days=1))) == [news["a"].id]  # fmt: skip
    # since is inclusive, until exclusive, both on the placement time.
    placed = ago(hours=3)
    assert ids(get(call_read, "/articles", entity="acme corp", since=placed)) == [
        news["c"].id, news["b"].id
    ]  # fmt: skip
    assert ids(get(call_read, "/articles", entity="acme corp", until=placed)) == []
    assert ids(get(call_read, "/articles", entity="acme corp", until=ago(hours=2, seconds=-1))) == [
        news["c"].id, news["b"].id
    ]  # fmt: skip


def test_pages_chain_without_repeats(call_read: Any, aws: Any) -> None:
    briefs = [
        save(f"https://coastal.example/news/{n}", entity("Ada Lovelace", count=2),
             entity("Ada Lovelace", "OTHER"), published=ago(hours=n))
        for n in range(7)
    ]  # fmt: skip
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        query = {"entity": "ada lovelace", "limit": "3"} | ({"cursor": cursor} if cursor else {})
        reply = get(call_read, "/articles", **query)
        seen += ids(reply)
        cursor = reply.body["next_cursor"]
        if cursor is None:
            break
    assert seen == [b.id for b in briefs]


@pytest.mark.parametrize(
    "query",
    [
        {"type": "PERSON"},  # filters of an entity listing, without the entity
        {"since": "2026-11-01"},
        {"entity": "x", "type": "person"},
        {"entity": "x", "since": "last week"},
        {"entity": "x", "since": "2026-11-02", "until": "2026-11-01"},
        {"entity": "   "},
        {"entity": "x" * 201},
    ],
)
def test_bad_entity_queries_are_400(call_read: Any, aws: Any, query: dict[str, str]) -> None:
    reply = get(call_read, "/articles", **query)
    assert reply.status == 400 and reply.body["error"]["code"] == "invalid_input", query


def test_a_cursor_belongs_to_its_listing(call_read: Any, news: Any) -> None:
    first = get(call_read, "/articles", entity="havana", limit="1")
    cursor = first.body["next_cursor"]
    assert cursor
    for other in ({"entity": "acme corp"}, {"entity": "havana", "type": "LOCATION"}, {}):
        reply = get(call_read, "/articles", cursor=cursor, **other)
        assert reply.status == 400, other
    plain = get(call_read, "/articles", limit="1").body["next_cursor"]
    assert get(call_read, "/articles", entity="havana", cursor=plain).status == 400
    # A cursor from before a later since: nothing is left on that page, and no error.
    late = get(call_read, "/articles", entity="havana", since=ago(minutes=30), cursor=cursor)
    assert late.status == 200 and late.body == {"items": [], "next_cursor": None}


def _index_items(aws: Any) -> list[dict[str, Any]]:
    items = aws.dynamodb.scan(TableName=aws.table_name)["Items"]  # a test may look at all
    return [i for i in items if i["pk"]["S"].startswith(("ENTITY#", "TREND#"))]


def test_a_refresh_replaces_the_index(call_read: Any, aws: Any) -> None:
    url = "https://coastal.example/news/refreshed"
    save(url, entity("Ada Lovelace", count=3, mentions=["Ada Lovelace", "Lovelace"]),
         published=None, fetched=ago(hours=2))  # fmt: skip
    save(url, entity("Grace Hopper", count=2), published=None, fetched=ago(hours=1),
         replace=True)  # fmt: skip
    assert ids(get(call_read, "/articles", entity="lovelace")) == []
    assert ids(get(call_read, "/articles", entity="grace hopper")) == [brief_id(url)]
    trending = get(call_read, "/entities").body["items"]
    assert trending == [{"name": "Grace Hopper", "type": "PERSON", "briefs": 1, "mentions": 2}]
    # Nothing is left of the old index but counters at zero.
    entries = [i for i in _index_items(aws) if i["pk"]["S"].startswith("ENTITY#")]
    assert [i["pk"]["S"] for i in entries] == ["ENTITY#PERSON#grace hopper"]


class _CountingTransactions:
    """A DynamoDB client recording the size of each transaction."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.sizes: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def transact_write_items(self, TransactItems: list[dict[str, Any]]) -> Any:  # noqa: N803
        self.sizes.append(len(TransactItems))
        return self._client.transact_write_items(TransactItems=TransactItems)


def test_a_refresh_too_big_for_one_transaction_takes_two(call_read: Any, aws: Any) -> None:
    url = "https://coastal.example/news/rewritten"
    client = _CountingTransactions(aws.dynamodb)
    store = BriefStore(aws.table_name, client=client)
    old = [entity(f"Old Name {i}", count=50 - i) for i in range(30)]
    new = [entity(f"New Name {i}", count=50 - i) for i in range(30)]
    save(url, *old, published=ago(hours=2), store=store)
    save(url, *new, published=ago(hours=1), store=store, replace=True)
    # The first save, then the refresh: the old index alone, then the brief with the new one.
    assert len(client.sizes) == 3 and max(client.sizes) <= 100, client.sizes
    assert ids(get(call_read, "/articles", entity="old name 0")) == []
    assert ids(get(call_read, "/articles", entity="new name 29")) == [brief_id(url)]
    top = get(call_read, "/entities", limit="100").body["items"]
    assert [t["name"] for t in top] == [e["name"] for e in new]
    assert all(t["briefs"] == 1 for t in top)


def test_a_brief_with_many_entities_still_saves(call_read: Any, aws: Any) -> None:
    many = [entity(f"Person {i}", count=200 - i, mentions=[f"Person {i}", f"P{i}"])
            for i in range(150)]  # fmt: skip
    brief = save("https://coastal.example/news/crowd", *many, published=ago(hours=1))
    assert bootstrap.store().get_brief(brief.id).entities[149].name == "Person 149"
    top = get(call_read, "/entities", limit="100").body["items"]
    # The most mentioned are indexed, as many as fit beside the brief in one transaction.
    assert 20 <= len(top) <= index_module.MAX_INDEXED_ENTITIES
    assert [t["name"] for t in top] == [f"Person {i}" for i in range(len(top))]
    assert ids(get(call_read, "/articles", entity="p0")) == [brief.id]
    assert ids(get(call_read, "/articles", entity="person 149")) == []


def test_entities_count_briefs_and_mentions_exactly(call_read: Any, news: Any) -> None:
    top = get(call_read, "/entities").body
    assert top["next_cursor"] is None
    # e was published three days ago: out of the default window (the last 24 hours).
    # By briefs, then mentions; a name is spelled as its most recent brief spelled it.
    assert top["items"] == [
        {"name": "Havana", "type": "LOCATION", "briefs": 2, "mentions": 7},
        {"name": "Jose Marti", "type": "PERSON", "briefs": 2, "mentions": 5},
        {"name": "Acme Corp", "type": "ORGANIZATION", "briefs": 2, "mentions": 4},
        {"name": "Jordan", "type": "LOCATION", "briefs": 1, "mentions": 2},
        {"name": "Jordan", "type": "PERSON", "briefs": 1, "mentions": 1},
    ]


def test_entities_by_type_source_and_window(call_read: Any, news: Any) -> None:
    people = get(call_read, "/entities", type="PERSON").body["items"]
    assert [(p["name"], p["briefs"]) for p in people] == [("Jose Marti", 2), ("Jordan", 1)]
    coastal = get(call_read, "/entities", source="coastal.example").body["items"]
    assert [(e["name"], e["mentions"]) for e in coastal] == [
        ("Havana", 5), ("Acme Corp", 3), ("Jose Marti", 1)
    ]  # fmt: skip
    week = get(call_read, "/entities", since=ago(days=7), type="PERSON").body["items"]
    assert [(p["name"], p["briefs"], p["mentions"]) for p in week] == [
        ("Jose Marti", 2, 5), ("Jordan", 1, 1), ("Martí", 1, 1)  # e's "Martí" is its own name
    ]  # fmt: skip


def test_windows_widen_to_whole_hours(call_read: Any, aws: Any) -> None:
    save("https://coastal.example/news/early", entity("Ada Lovelace"),
         published="2026-11-20T10:05:00+00:00")  # fmt: skip
    for since, until, found in [
        ("2026-11-20T10:30:00Z", "2026-11-20T11:00:00Z", 1),  # since goes down to 10:00
        ("2026-11-20T09:00:00Z", "2026-11-20T10:00:01Z", 1),  # until goes up to 11:00
        ("2026-11-20T09:00:00Z", "2026-11-20T10:00:00Z", 0),
        ("2026-11-20T11:00:00Z", "2026-11-20T12:00:00Z", 0),
        ("2026-11-19", "2026-11-21", 1),
    ]:
        reply = get(call_read, "/entities", since=since, until=until)
        assert len(reply.body["items"]) == found, (since, until)


def test_entity_pages_keep_their_window(call_read: Any, news: Any, monkeypatch: Any) -> None:
    first = get(call_read, "/entities", limit="2").body
    # Later pages read the first page's window, even once "the last 24 hours" has moved on.
    later = datetime.now(UTC) + timedelta(days=2)
    table, client = bootstrap.settings().table_name, bootstrap.store().client
    monkeypatch.setattr(
        bootstrap, "entity_index", lambda: EntityIndex(table, client, clock=lambda: later)
    )
    second = get(call_read, "/entities", limit="2", cursor=first["next_cursor"]).body
    third = get(call_read, "/entities", limit="2", cursor=second["next_cursor"]).body
    names = [(e["name"], e["type"]) for page in (first, second, third) for e in page["items"]]
    assert len(names) == len(set(names)) == 5 and third["next_cursor"] is None
    mismatched = get(call_read, "/entities", type="PERSON", cursor=first["next_cursor"])
    assert mismatched.status == 400


@pytest.mark.parametrize(
    "query",
    [
        {"since": "2026-01-01", "until": "2026-03-01"},  # over 31 days
        {"since": "2026-01-02", "until": "2026-01-01"},
        {"until": "tomorrow"},
        {"type": "PLACE"},
        {"source": "bad domain"},
        {"limit": "0"},
        {"cursor": "abc"},
    ],
)
def test_bad_entity_windows_are_400(call_read: Any, aws: Any, query: dict[str, str]) -> None:
    reply = get(call_read, "/entities", **query)
    assert reply.status == 400 and reply.body["error"]["code"] == "invalid_input", query


def test_a_month_of_entities_is_a_bounded_number_of_queries(
    call_read: Any, news: Any, monkeypatch: Any
) -> None:
    calls: list[str] = []
    client = bootstrap.store().client
    original = client._make_api_call

    def spy(operation: str, params: dict[str, Any]) -> Any:
        calls.append(operation)
        return original(operation, params)

    monkeypatch.setattr(client, "_make_api_call", spy)
    month = {"since": ago(days=31), "until": ago(seconds=0)}
    assert get(call_read, "/entities", **month).status == 200
    assert set(calls) == {"Query"} and len(calls) <= 4 * 32
    calls.clear()
    assert get(call_read, "/entities", type="PERSON", **month).status == 200
    assert len(calls) <= 32
    calls.clear()
    assert ids(get(call_read, "/articles", entity="havana")) and calls == ["Query"] * 4
    calls.clear()
    get(call_read, "/articles", entity="havana", type="LOCATION", source="coastal.example")
    assert calls == ["Query"]


def test_expired_briefs_leave_the_index(aws: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("BRIEF_TTL_DAYS", "2")
    bootstrap.reset()
    brief = save("https://coastal.example/news/ephemeral", entity("Ada Lovelace", count=2),
                 published=ago(hours=1))  # fmt: skip
    expires = [int(i["expires_at"]["N"]) for i in _index_items(aws)]
    key = {"pk": {"S": f"BRIEF#{brief.id}"}, "sk": {"S": "BRIEF"}}
    head = aws.dynamodb.get_item(TableName=aws.table_name, Key=key)
    # Entries and counters carry the brief's own expiry (DynamoDB's TTL removes them with it).
    assert len(expires) == 3 and set(expires) == {int(head["Item"]["expires_at"]["N"])}
    index = bootstrap.entity_index()
    assert index.list_briefs("ada lovelace")[0] and index.top_entities()[0]
    # Reads do not wait for the TTL sweep: past the expiry, the brief is gone from both.
    index.clock = lambda: datetime.fromtimestamp(expires[0], UTC)
    assert index.list_briefs("ada lovelace")[0] == []
    assert index.top_entities(since=ago(hours=2), until=ago(hours=-1))[0] == []


class _Conflicting:
    """A DynamoDB client whose first ``times`` transactions meet another on a counter."""

    def __init__(self, client: Any, times: int) -> None:
        self._client = client
        self.times = times
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def transact_write_items(self, TransactItems: list[dict[str, Any]]) -> Any:  # noqa: N803
        self.calls += 1
        if self.calls <= self.times:
            from botocore.exceptions import ClientError

            reasons = [{"Code": "None"}] * (len(TransactItems) - 1)
            raise ClientError(
                {"Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
                 "CancellationReasons": [*reasons, {"Code": "TransactionConflict"}]},
                "TransactWriteItems",
            )  # fmt: skip
        return self._client.transact_write_items(TransactItems=TransactItems)


def test_transactions_meeting_on_a_counter_are_retried(aws: Any, monkeypatch: Any) -> None:
    from newsbrief.errors import Conflict
    from newsbrief_aws import store as store_module

    monkeypatch.setattr(store_module, "CONFLICT_BACKOFF_S", 0.001)
    client = _Conflicting(aws.dynamodb, times=2)
    store = BriefStore(aws.table_name, client=client)
    saved = save("https://coastal.example/news/busy", entity("Ada"), published=None, store=store)
    assert client.calls == 3
    assert bootstrap.entity_index().list_briefs("ada")[0][0]["id"] == saved.id
    hopeless = _Conflicting(aws.dynamodb, times=100)
    with pytest.raises(Conflict):
        save("https://coastal.example/news/busier", published=None,
             store=BriefStore(aws.table_name, client=hopeless))  # fmt: skip
    assert hopeless.calls == store_module.CONFLICT_RETRIES + 1
