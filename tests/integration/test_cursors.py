"""Page cursors are signed with the stack's own key: an edited cursor is a 400, never a 500.

The edits are the ones an attacker tried on well-formed cursors: another partition (``URL#``,
``FEED#``), a 2,048-character value, a moved sort key, a cursor forged with a key of their
own, and an old cursor after the key changed. Both the API function and the read function
(which serves the GET routes when deployed) are asked.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from newsbrief_aws import bootstrap
from newsbrief_aws.cursors import KEY_PK, KEY_SK, Cursors, forget_keys

from tests.integration.conftest import api_event

pytestmark = pytest.mark.usefixtures("aws")


def _payload(cursor: str) -> dict[str, str]:
    payload = cursor.split(".", 1)[0]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _with_payload(cursor: str, plain: dict[str, str]) -> str:
    """The cursor with its payload replaced and its old tag kept (an edit)."""
    raw = json.dumps(plain, separators=(",", ":"), sort_keys=True).encode()
    payload = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return f"{payload}.{cursor.split('.', 1)[1]}"


def _first_cursor(call: Any) -> str:
    page = call(api_event("api_articles_list", query={"limit": "1"}))
    assert page.status == 200 and page.body["next_cursor"], page.body
    return str(page.body["next_cursor"])


def _list(call: Any, cursor: str) -> Any:
    return call(api_event("api_articles_list", query={"limit": "1", "cursor": cursor}))


EDITS = {
    "url partition": lambda p: p | {"pk": "URL#" + "0" * 24},
    "feed partition": lambda p: p | {"pk": "FEED#" + "0" * 24},
    "long value": lambda p: p | {"pk": "BRIEF#" + "a" * 2042},
    "moved sort key": lambda p: p | {"gsi1sk": "9999-12-31T23:59:59+00:00#" + "f" * 24},
}


@pytest.mark.parametrize("edit", list(EDITS))
@pytest.mark.parametrize("function", ["call_api", "call_read"])
def test_an_edited_cursor_is_400(request, stored_briefs, edit, function):
    call = request.getfixturevalue(function)
    cursor = _first_cursor(call)
    assert _list(call, cursor).status == 200  # the cursor as handed out works
    edited = _with_payload(cursor, EDITS[edit](_payload(cursor)))
    answer = _list(call, edited)
    assert answer.status == 400, answer.body
    assert answer.body["error"]["code"] == "invalid_input"


@pytest.mark.parametrize("function", ["call_api", "call_read"])
def test_a_cursor_forged_with_another_key_is_400(request, stored_briefs, aws, function):
    call = request.getfixturevalue(function)
    cursor = _first_cursor(call)
    forger = Cursors(aws.table_name, aws.dynamodb)
    forged_key = bytes(32)
    monkey = pytest.MonkeyPatch()
    monkey.setattr(forger, "key", lambda fresh=False: forged_key)
    try:
        last_key = {k: {"S": v} for k, v in EDITS["url partition"](_payload(cursor)).items()}
        forged = forger.encode(last_key)
    finally:
        monkey.undo()
    assert forged is not None
    answer = _list(call, forged)
    assert answer.status == 400 and answer.body["error"]["code"] == "invalid_input"


@pytest.mark.parametrize(
    "junk", ["abc.", ".abc", "a.b.c", "x" * 40 + ".AAAAAAAAAAAAAAAAAAAAAA", "é.é"]
)
def test_malformed_cursors_are_400(call_read, stored_briefs, junk):
    answer = _list(call_read, junk)
    assert answer.status == 400 and answer.body["error"]["code"] == "invalid_input"


def test_an_old_cursor_after_a_key_change_is_400(call_api, call_read, stored_briefs, aws):
    cursor = _first_cursor(call_read)
    key = {"pk": {"S": KEY_PK}, "sk": {"S": KEY_SK}}
    aws.dynamodb.delete_item(TableName=aws.table_name, Key=key)  # the operator rotates it
    forget_keys()  # a new container (warm ones re-read it within KEY_CACHE_SECONDS)
    for call in (call_read, call_api):
        answer = _list(call, cursor)
        assert answer.status == 400, answer.body
        assert "key changed" in answer.body["error"]["message"]
    fresh = _first_cursor(call_read)  # the new key signs new cursors, which work
    assert _list(call_api, fresh).status == 200


def test_the_key_is_made_once_and_kept_in_the_table(aws, stored_briefs):
    assert (
        aws.dynamodb.get_item(
            TableName=aws.table_name, Key={"pk": {"S": KEY_PK}, "sk": {"S": KEY_SK}}
        ).get("Item")
        is None
    )  # nothing until a cursor is needed
    first, second = Cursors(aws.table_name, aws.dynamodb), Cursors(aws.table_name, aws.dynamodb)
    created = first._create_key()
    assert second._create_key() == created  # a racing second creation keeps the first key
    forget_keys()
    assert first.key() == second.key() == created and len(created) == 32
    items = aws.dynamodb.scan(TableName=aws.table_name)["Items"]
    assert sum(1 for item in items if item["pk"]["S"] == KEY_PK) == 1


def test_feed_listings_are_signed_too(call_api, aws):
    store = bootstrap.feed_store()
    with pytest.raises(Exception) as info:
        store.list_feeds(limit=1, cursor=_with_payload("e30.AAAAAAAAAAAAAAAAAAAAAA", {"pk": "x"}))
    assert getattr(info.value, "code", None) == "invalid_input"
