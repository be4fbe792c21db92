"""The store on the template's table in moto: big briefs, races, atomic writes, error mapping."""

from __future__ import annotations

import base64
import random
import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from newsbrief.errors import Conflict, InvalidInput, NotFound, StoreUnavailable, TooLarge
from newsbrief.pipeline import brief_id
from newsbrief_aws import bootstrap, briefing
from newsbrief_aws import store as store_module
from newsbrief_aws.dynamodb import default_client
from newsbrief_aws.store import CHUNK_BYTES, BriefStore

from tests.integration.conftest import api_event, make_brief

URL = "https://www.gazette.example/news/long-read"


def _incompressible(chars: int, seed: int = 7) -> str:
    # Base64 of random bytes in 8-letter "words": gzip cannot shrink it below ~75 %, so a
    # megabyte of it still exceeds one 400 KB item (and it is quick to make).
    raw = base64.b64encode(random.Random(seed).randbytes(chars * 3 // 4)).decode()
    return " ".join(raw[i : i + 8] for i in range(0, len(raw), 8)) + "."


def _items(aws, pk: str) -> list[dict[str, Any]]:
    out = aws.dynamodb.query(
        TableName=aws.table_name,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": pk}},
    )
    return out["Items"]


def test_brief_over_the_item_limit_is_stored_in_chunks_and_served(aws, call_api):
    text = _incompressible(1_000_000)  # ~1.1 MB of text, ~0.8 MB gzipped
    brief = make_brief(URL, "2026-11-26T12:00:00+00:00", text=text)
    assert len(brief.model_dump_json()) > 400_000
    store = bootstrap.store()
    assert store.save_brief(brief)
    chunks = [i for i in _items(aws, f"BRIEF#{brief.id}") if i["sk"]["S"].startswith("CHUNK#")]
    assert len(chunks) >= 2

    read = call_api(api_event("api_article_get", path=f"/articles/{brief.id}"))
    assert read.status == 200
    assert read.body["text"] == text

    # Refreshing into a small brief removes the now unused parts.
    small = make_brief(URL, "2026-11-26T13:00:00+00:00", text="Short now. Really.")
    assert store.save_brief(small, replace=True) is False  # not new: it replaced one
    assert [i["sk"]["S"] for i in _items(aws, f"BRIEF#{brief.id}")] == ["BRIEF"]
    assert store.get_brief(brief.id).text == "Short now. Really."


def test_brief_beyond_the_transaction_budget_is_refused_cleanly(aws, monkeypatch):
    # Lower the part budget instead of building tens of megabytes of text.
    monkeypatch.setattr(store_module, "MAX_CHUNKS", 1)
    huge = make_brief(URL, "2026-11-26T12:00:00+00:00", text=_incompressible(CHUNK_BYTES * 2))
    with pytest.raises(TooLarge):
        bootstrap.store().save_brief(huge)
    assert aws.item_count() == 0


class _FailingTransactions:
    """A DynamoDB client whose transactions fail on their last item (a mid-write failure)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def transact_write_items(self, TransactItems: list[dict[str, Any]]) -> Any:  # noqa: N803
        table = TransactItems[0]["Put"]["TableName"]
        doomed = {
            "ConditionCheck": {
                "TableName": table,
                "Key": {"pk": {"S": "NOPE"}, "sk": {"S": "NOPE"}},
                "ConditionExpression": "attribute_exists(pk)",
            }
        }
        return self._client.transact_write_items(TransactItems=[*TransactItems, doomed])


def test_failed_write_leaves_nothing_half_written(aws):
    store = BriefStore(aws.table_name, client=_FailingTransactions(aws.dynamodb))
    big = make_brief(URL, "2026-11-26T12:00:00+00:00", text=_incompressible(1_000_000))
    with pytest.raises(Conflict):
        store.save_brief(big, [brief_id(URL + "?utm_source=x")])
    assert aws.item_count() == 0


def _one_call_at_a_time(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make each AWS call atomic, as DynamoDB's are: moto is not thread-safe, and a failed
    transaction there restores a table snapshot that can erase a concurrent write."""
    lock = threading.Lock()
    call = client._make_api_call

    def atomic(operation: str, params: dict[str, Any]) -> Any:
        with lock:
            return call(operation, params)

    monkeypatch.setattr(client, "_make_api_call", atomic)


def test_concurrent_first_briefs_of_one_url_store_one(aws, monkeypatch):
    """Two requests race through fetch; both answer with the single stored brief."""
    url = "https://www.gazette.example/news/race"
    both_fetched = threading.Barrier(2, timeout=10)
    versions = iter(["first version of the text.", "second version of the text."])
    lock = threading.Lock()

    def racing_fetch(u: str, sentences: int, settings: Any, algorithm: str) -> Any:
        with lock:
            text = next(versions)
        both_fetched.wait()  # neither stores before both have fetched
        return make_brief(u, "2026-11-26T12:00:00+00:00", text=text)

    monkeypatch.setattr(briefing, "brief_url", racing_fetch)
    store = bootstrap.store()
    _one_call_at_a_time(store.client, monkeypatch)
    results: list[Any] = []

    def request() -> None:
        results.append(briefing.ensure_brief(store, url))

    threads = [threading.Thread(target=request) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert len(results) == 2
    assert sorted(r.created for r in results) == [False, True]
    assert results[0].brief == results[1].brief == store.get_brief(brief_id(url))
    assert len(_items(aws, f"BRIEF#{brief_id(url)}")) == 1


def test_refresh_losing_twice_reports_conflict(aws, monkeypatch):
    store = bootstrap.store()
    first = make_brief(URL, "2026-11-26T12:00:00+00:00")
    store.save_brief(first)
    real_get = store._get

    def stale_get(action: str, pk: str, sk: str) -> Any:
        item = real_get(action, pk, sk)
        if item is not None:
            item["version"] -= 1  # as if another refresh won between our read and write
        return item

    monkeypatch.setattr(store, "_get", stale_get)
    with pytest.raises(Conflict) as err:
        store.save_brief(make_brief(URL, "2026-11-26T13:00:00+00:00"), replace=True)
    assert err.value.http_status == 409
    monkeypatch.undo()
    assert store.get_brief(first.id) == first  # the loser changed nothing


class _Throttled:
    """A client that always answers like an overloaded DynamoDB."""

    def __getattr__(self, name: str) -> Any:
        def fail(**kwargs: Any) -> Any:
            error = {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}}
            raise ClientError(error, name)

        return fail


def test_throttling_becomes_store_unavailable(aws, call_api):
    store = BriefStore(aws.table_name, client=_Throttled())
    with pytest.raises(StoreUnavailable):
        store.find_brief("0" * 24)
    bootstrap.store().client = _Throttled()
    result = call_api(api_event("api_article_get", path=f"/articles/{'0' * 24}"))
    assert result.status == 503
    assert result.body["error"]["code"] == "store_unavailable"


def test_default_client_retries_throttling(aws):
    retries = default_client().meta.config.retries
    assert retries["mode"] in ("standard", "adaptive")
    assert retries["total_max_attempts"] >= 3


def test_ttl_only_when_configured(aws, monkeypatch):
    plain = bootstrap.store()
    plain.save_brief(make_brief(URL, "2026-11-26T12:00:00+00:00"))
    head = _items(aws, f"BRIEF#{brief_id(URL)}")[0]
    assert "expires_at" not in head  # default: nothing ever expires

    monkeypatch.setenv("BRIEF_TTL_DAYS", "3")
    bootstrap.reset()
    other = "https://www.gazette.example/news/ephemeral"
    bootstrap.store().save_brief(make_brief(other, "2026-11-26T12:00:00+00:00"))
    expires = int(_items(aws, f"BRIEF#{brief_id(other)}")[0]["expires_at"]["N"])
    # Briefs expire on the hour (the entity counters group briefs by expiry hour), never early.
    assert expires % 3600 == 0
    assert 0 <= expires - (time.time() + 3 * 86_400) < 3600 + 60
    ttl = aws.dynamodb.describe_time_to_live(TableName=aws.table_name)
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expires_at"


@pytest.mark.parametrize("value", ["-1", "soon"])
def test_bad_ttl_setting_fails_fast(monkeypatch, value):
    monkeypatch.setenv("TABLE_NAME", "t")
    monkeypatch.setenv("BRIEF_TTL_DAYS", value)
    with pytest.raises(InvalidInput, match="BRIEF_TTL_DAYS"):
        bootstrap.AwsSettings.from_env()


def test_missing_table_name_fails_fast(monkeypatch):
    monkeypatch.delenv("TABLE_NAME", raising=False)
    with pytest.raises(InvalidInput, match="TABLE_NAME"):
        bootstrap.AwsSettings.from_env()


def test_resolve_says_when_a_queued_url_is_not_ready(aws):
    store = bootstrap.store()
    with pytest.raises(NotFound, match="no brief"):
        store.resolve("1" * 24)
    with pytest.raises(InvalidInput):
        store.resolve("../../etc")
    queued = "https://www.gazette.example/news/queued"
    claim = {"pk": {"S": f"URL#{brief_id(queued)}"}, "sk": {"S": "URL"}, "url": {"S": queued}}
    aws.dynamodb.put_item(TableName=aws.table_name, Item=claim)
    with pytest.raises(NotFound, match="not ready yet"):
        store.resolve(brief_id(queued))
