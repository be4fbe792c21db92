"""The read function answers every GET exactly as the typed API routes (the contract) do.

The GET routes are deployed on the lean read function (no pydantic); their typed declarations
in the API function are what the OpenAPI spec and /docs publish. Each request below goes to
both handlers on the same mocked table: same status, same body on success, same error code on
failure. A bound changed on one side only fails here.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from newsbrief.errors import FetchFailed
from newsbrief.models import FeedLink, FeedRecord
from newsbrief.pipeline import brief_id
from newsbrief_aws import bootstrap

from tests.conftest import REPO_ROOT
from tests.integration.conftest import api_event, make_brief

FEED_URL = "https://www.gazette.example/feed.xml"
QUEUED_URL = "https://coastal.example/news/queued"
FAILED_URL = "https://coastal.example/news/failed"
UNKNOWN_ID = "0123456789abcdef01234567"


@pytest.fixture
def world(aws: Any, stored_briefs: list[Any]) -> dict[str, str]:
    """Briefs (stored_briefs), a feed that led to three URLs, a queued and a failed URL."""
    feeds = bootstrap.feed_store()
    feed_id = brief_id(FEED_URL)
    feeds.add_feed(
        FeedRecord(
            id=feed_id, url=FEED_URL, interval_minutes=30, created_at="2026-11-26T09:00:00+00:00",
            title="Gazette", kind="rss",
        )
    )  # fmt: skip
    links = [
        FeedLink(url_key=brief_id(url), url=url, title=title)
        for url, title in [
            (QUEUED_URL, "Queued story"),
            (FAILED_URL, None),
            ("https://coastal.example/news/third", "Third story"),
        ]
    ]
    assert len(feeds.claim_urls(feed_id, links, "2026-11-26T11:00:00+00:00")) == 3
    feeds.record_failure(brief_id(FAILED_URL), FAILED_URL, FetchFailed("upstream said 500"))
    # Briefs naming entities, placed within the default window of GET /entities.
    recent = datetime.now(UTC) - timedelta(hours=2)
    for n, (host, people) in enumerate(
        [("coastal.example", ["Ada Lovelace", "Grace Hopper"]), ("www.gazette.example",
         ["Ada Lovelace"]), ("coastal.example", ["Ada Lovelace", "Alan Turing"])]
    ):  # fmt: skip
        entities = [
            {"name": name, "type": "PERSON", "count": 3 - i, "mentions": [name, name.split()[1]]}
            for i, name in enumerate(people)
        ] + [{"name": "Lovelace", "type": "OTHER", "count": 1, "mentions": ["Lovelace"]}]
        placed = (recent - timedelta(minutes=n)).isoformat()
        brief = make_brief(f"https://{host}/news/people-{n}", placed, published=placed,
                           entities=entities)  # fmt: skip
        bootstrap.store().save_brief(brief)
    return {
        "brief": stored_briefs[0].id,
        "feed": feed_id,
        "queued": brief_id(QUEUED_URL),
        "failed": brief_id(FAILED_URL),
    }


LIST_QUERIES: list[dict[str, str]] = [
    {},
    {"limit": "2"},
    {"limit": "100"},
    {"limit": "0"},
    {"limit": "101"},
    {"limit": "-1"},
    {"limit": "abc"},
    {"limit": "2.5"},
    {"limit": ""},
    {"limit": " 3"},
    {"limit": "+2"},
    {"limit": "1_0"},
    {"limit": "\u0663"},  # ARABIC-INDIC DIGIT THREE
    {"limit": "0x10"},
    {"limit": "0003"},
    {"limit": "99999999999999999999999"},
    {"limit": "9" * 5000},  # beyond what int() parses from text
    {"cursor": ""},
    {"cursor": "not-a-cursor"},
    {"cursor": "x" * 4097},
    {"cursor": "eyJwayI6IkZPTyJ9"},  # a well-formed cursor of no listing
    {"other": "ignored"},
]
SOURCE_QUERIES: list[dict[str, str]] = [
    {"source": "gazette.example"},
    {"source": "www.gazette.example"},
    {"source": "coastal.example", "limit": "1"},
    {"source": "nowhere.example"},
    {"source": ""},
    {"source": "bad domain!"},
    {"source": "a" * 254},
]


ENTITY_QUERIES: list[dict[str, str]] = [
    {"entity": "Ada Lovelace"},
    {"entity": "ada  LOVELACE", "limit": "1"},
    {"entity": "lovelace"},
    {"entity": "lovelace", "type": "PERSON"},
    {"entity": "lovelace", "type": "person"},
    {"entity": "lovelace", "type": "OTHER", "source": "coastal.example"},
    {"entity": "lovelace", "source": "www.coastal.example"},
    {"entity": "lovelace", "since": "2026-01-01", "until": "2099-01-01"},
    {"entity": "lovelace", "since": "2099-01-01T00:00:00+05:00"},
    {"entity": "lovelace", "since": "yesterday"},
    {"entity": "x", "since": "2026-11-02", "until": "2026-11-01"},
    {"entity": "nobody at all"},
    {"entity": ""},
    {"entity": "   "},
    {"entity": "x" * 201},
    {"entity": "lovelace", "cursor": "not-a-cursor"},
    {"type": "PERSON"},
    {"since": "2026-11-01"},
    {"until": "2026-11-01", "source": "coastal.example"},
]
TREND_QUERIES: list[dict[str, str]] = [
    {"type": "PERSON"},
    {"type": "PLACE"},
    {"source": "coastal.example"},
    {"source": "www.gazette.example", "type": "OTHER"},
    {"source": "bad domain!"},
    {"since": "2026-01-01", "until": "2026-01-20"},
    {"since": "2026-01-01", "until": "2026-03-01"},  # over 31 days
    {"since": "2026-01-02", "until": "2026-01-01"},
    {"since": "soon"},
    {"until": "2026-11-26T10:30:00Z"},
]


def _requests(ids: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    feed = ids["feed"]
    paths = [
        ("/health", {}),
        (f"/articles/{ids['brief']}", {}),
        (f"/articles/{ids['queued']}", {}),
        (f"/articles/{ids['failed']}", {}),
        (f"/articles/{UNKNOWN_ID}", {}),
        ("/articles/XYZ", {}),
        (f"/articles/{ids['brief'].upper()}", {}),
        (f"/articles/{ids['brief']}0", {}),
        (f"/feeds/{feed}", {}),
        (f"/feeds/{UNKNOWN_ID}", {}),
        ("/feeds/not-an-id", {}),
        (f"/feeds/{UNKNOWN_ID}/articles", {}),
        ("/feeds/not-an-id/articles", {}),
    ]
    for query in LIST_QUERIES:
        paths += [("/articles", query), ("/feeds", query), (f"/feeds/{feed}/articles", query)]
    paths += [("/articles", query) for query in SOURCE_QUERIES + ENTITY_QUERIES]
    paths += [("/entities", query) for query in LIST_QUERIES + TREND_QUERIES]
    return paths


def _same(typed: Any, lean: Any, what: str) -> None:
    assert lean.status == typed.status, f"{what}: {lean.status} != {typed.status} {typed.body}"
    if typed.status < 400:
        assert lean.body == typed.body, what
    else:
        assert lean.body["error"]["code"] == typed.body["error"]["code"], what
        assert lean.body["error"]["message"], what
    assert lean.headers.get("content-type", "").startswith("application/json"), what


def test_every_read_answers_like_the_contract(call_api: Any, call_read: Any, world: Any) -> None:
    requests = _requests(world)
    statuses: set[int] = set()
    for path, query in requests:
        event = api_event("api_article_get", path=path, query=query)
        typed, lean = call_api(event), call_read(event)
        _same(typed, lean, f"GET {path} {query}")
        statuses.add(typed.status)
    # The cases reach successes, client errors and not-found (and the failed URL's own error).
    assert {200, 400, 404} <= statuses
    assert len(requests) > 120


def test_pages_chain_the_same_way(call_api: Any, call_read: Any, world: Any) -> None:
    """A cursor from either function pages on in the other: one listing, two servers."""
    listings = [
        ("/articles", {}),
        (f"/feeds/{world['feed']}/articles", {}),
        ("/articles", {"entity": "lovelace"}),
        ("/entities", {}),
    ]
    for path, filters in listings:
        seen: list[str] = []
        cursor: str | None = None
        for turn in range(10):
            query = {"limit": "2", **filters} | ({"cursor": cursor} if cursor else {})
            event = api_event("api_article_get", path=path, query=query)
            typed, lean = call_api(event), call_read(event)
            _same(typed, lean, f"GET {path} {filters} page {turn}")
            seen += [item.get("id") or item["name"] + item["type"] for item in lean.body["items"]]
            cursor = (typed if turn % 2 else lean).body["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) >= 3, path


def test_read_function_serves_the_stored_brief(
    call_read: Any, world: Any, stored_briefs: Any
) -> None:
    """The stored JSON is served as is: it is the brief that was saved, field for field."""
    event = api_event("api_article_get", path=f"/articles/{world['brief']}")
    result = call_read(event)
    assert result.status == 200
    assert result.body == stored_briefs[0].model_dump(mode="json")
    # A queued URL's id answers 404 until the worker is done; a failed one says why.
    queued = call_read(api_event("api_article_get", path=f"/articles/{world['queued']}"))
    assert queued.status == 404 and "queued" in queued.body["error"]["message"]
    failed = call_read(api_event("api_article_get", path=f"/articles/{world['failed']}"))
    assert failed.body["error"]["code"] == FetchFailed.code


def test_read_function_refuses_writes(call_read: Any, aws: Any) -> None:
    """Only GET routes exist here: a write sent to it is a 405, and nothing is stored."""
    before = aws.item_count()
    for method in ("POST", "DELETE", "PUT"):
        event = api_event("api_article_get", path="/articles", method=method, body={"url": "x"})
        result = call_read(event)
        assert result.status == 405 and result.body["error"]["code"] == "method_not_allowed"
    assert aws.item_count() == before


DOCUMENT = json.loads((REPO_ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))


def _answer_schema(path: str) -> dict[str, Any]:
    """The schema the document declares for a 200 answer to ``GET path``."""
    for template, operations in DOCUMENT["paths"].items():
        if "get" in operations and re.fullmatch(re.sub(r"\{\w+\}", "[^/]+", template), path):
            answer = operations["get"]["responses"]["200"]["content"]["application/json"]
            # The components travel with the schema, so its $refs resolve.
            return {**answer["schema"], "components": DOCUMENT["components"]}
    raise AssertionError(f"the document has no GET {path}")


def _listed_fields(path: str) -> set[str]:
    """The properties the document gives one item of the list ``GET path`` answers with."""
    schemas = DOCUMENT["components"]["schemas"]
    listing = schemas[_answer_schema(path)["$ref"].rsplit("/", 1)[1]]
    item = schemas[listing["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[1]]
    return set(item["properties"])


def test_every_answer_is_what_the_document_declares(
    call_api: Any, call_read: Any, world: Any
) -> None:
    """Both functions' successful answers validate against the document's schemas, and each
    listed item has exactly the fields its schema names (no free-form objects in lists)."""
    checked: set[str] = set()
    for path, query in _requests(world):
        event = api_event("api_article_get", path=path, query=query)
        for result in (call_api(event), call_read(event)):
            if result.status != 200:
                continue
            validator = Draft202012Validator(_answer_schema(path))
            problems = [e.message for e in validator.iter_errors(result.body)]
            assert not problems, (path, query, problems[:3])
            if "items" in result.body and result.body["items"]:
                fields = _listed_fields(path)
                assert all(set(item) == fields for item in result.body["items"]), (path, query)
                checked.add(re.sub(r"[0-9a-f]{24}", "{id}", path))
    assert {"/articles", "/feeds/{id}/articles", "/entities"} <= checked


def test_a_card_stored_before_one_of_its_fields_existed_is_answered_whole(
    call_api: Any, call_read: Any, aws: Any, world: Any
) -> None:
    """Cards written before ``summary_algorithm`` existed are listed with the value it then had."""
    from newsbrief.models import DEFAULT_ALGORITHM

    aws.dynamodb.update_item(
        TableName=aws.table_name,
        Key={"pk": {"S": f"BRIEF#{world['brief']}"}, "sk": {"S": "BRIEF"}},
        UpdateExpression="REMOVE card.summary_algorithm",
    )
    event = api_event("api_article_get", path="/articles", query={"limit": "100"})
    typed, lean = call_api(event), call_read(event)
    _same(typed, lean, "GET /articles with an old card")
    (card,) = [item for item in lean.body["items"] if item["id"] == world["brief"]]
    assert card["summary_algorithm"] == DEFAULT_ALGORITHM
