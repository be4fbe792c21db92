"""Page cursors: DynamoDB's ``LastEvaluatedKey`` handed to clients, signed so it cannot be edited.

A cursor is ``<payload>.<tag>``: the page's last key as base64url JSON and an HMAC-SHA256 tag
over it. A client can read its cursor but not change it: an edited key (another partition, a
2,048-character value, a moved sort key), a cursor of another listing, or one made before the
key changed, is refused as a 400, never passed to DynamoDB.

The key is the stack's own secret, generated on first use and kept in the table it protects
(``pk = CONFIG#cursor-key``), created once with a conditional put, so concurrent first uses
agree on one key and nothing secret is written in the template, the repository or an
environment variable. It costs one read per warm container every ``KEY_CACHE_SECONDS``, and
no extra resource (a Secrets Manager secret would add a monthly charge and an API call per
cold start for the same effect). Deleting the item rotates the key: every cursor already handed
out becomes a 400 within ``KEY_CACHE_SECONDS``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from newsbrief.errors import InvalidInput

from .dynamodb import client_error, store_error, transport_error

KEY_PK = "CONFIG#cursor-key"
KEY_SK = "KEY"
KEY_BYTES = 32  # HMAC-SHA256's block-size-sized key: 256 bits from the OS's CSPRNG
# 16 bytes of tag (128 bits) cannot be guessed, and keep cursors short in URLs.
TAG_BYTES = 16
# How long a warm container trusts the key it read; a rotated key takes effect within this.
KEY_CACHE_SECONDS = 300.0
# Domain separation: the tag of a cursor cannot be the HMAC of anything else with this key.
_CONTEXT = b"newsbrief-cursor-v1\x00"
_INVALID = "cursor is not valid: pass back the next_cursor of a listing"

_keys: dict[str, tuple[bytes, float]] = {}  # table name -> (key, read at)
_keys_lock = threading.Lock()


def forget_keys() -> None:
    """Drop the cached keys (a cold start; tests that switch accounts or rotate the key)."""
    with _keys_lock:
        _keys.clear()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode("ascii"))


def _tag(key: bytes, payload: str) -> bytes:
    return hmac.new(key, _CONTEXT + payload.encode("ascii"), hashlib.sha256).digest()[:TAG_BYTES]


class Cursors:
    """Signs and checks the page cursors of one table with the stack's key."""

    def __init__(self, table_name: str, client: Any, clock: Callable[[], float] = time.monotonic):
        self.table_name = table_name
        self.client = client
        self.clock = clock

    # ------------------------------------------------------------------ the key
    def _read_key(self) -> bytes | None:
        try:
            out = self.client.get_item(
                TableName=self.table_name,
                Key={"pk": {"S": KEY_PK}, "sk": {"S": KEY_SK}},
                ConsistentRead=True,
            )
        except (client_error(), transport_error()) as exc:
            raise store_error(exc, "read cursor key") from exc
        item = out.get("Item")
        return bytes(item["secret"]["B"]) if item else None

    def _create_key(self) -> bytes:
        """Generate the key and store it unless another call did first; the stored one wins."""
        key = secrets.token_bytes(KEY_BYTES)
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item={
                    "pk": {"S": KEY_PK},
                    "sk": {"S": KEY_SK},
                    "secret": {"B": key},
                    "created_at": {"N": str(int(time.time()))},
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
        except client_error() as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code")
            if code != "ConditionalCheckFailedException":
                raise store_error(exc, "create cursor key") from exc
            stored = self._read_key()
            if stored is None:  # deleted again between the two calls: try once more later
                raise store_error(exc, "create cursor key") from exc
            return stored
        except transport_error() as exc:
            raise store_error(exc, "create cursor key") from exc
        return key

    def key(self, fresh: bool = False) -> bytes:
        """The table's cursor key (read at most every ``KEY_CACHE_SECONDS``, made once)."""
        now = self.clock()
        with _keys_lock:
            cached = _keys.get(self.table_name)
        if cached is not None and not fresh and now - cached[1] < KEY_CACHE_SECONDS:
            return cached[0]
        key = self._read_key() or self._create_key()
        with _keys_lock:
            _keys[self.table_name] = (key, now)
        return key

    # ------------------------------------------------------------------ cursors
    def encode(self, last_key: dict[str, Any] | None) -> str | None:
        """The signed page cursor of DynamoDB's ``LastEvaluatedKey`` (``None``: last page)."""
        if not last_key:
            return None
        plain = {k: v["S"] for k, v in last_key.items()}
        payload = _b64(json.dumps(plain, separators=(",", ":"), sort_keys=True).encode())
        return f"{payload}.{_b64(_tag(self.key(), payload))}"

    def decode(self, cursor: str, expected: dict[str, str], keys: set[str]) -> dict[str, Any]:
        """Check a cursor's tag and decode it; it must carry exactly ``keys``, with ``expected``.

        Raises :class:`InvalidInput` (400) for anything but an unedited cursor of this listing
        signed with the current key.
        """
        payload, dot, tag_text = cursor.partition(".")
        try:
            tag = _unb64(tag_text)
        except (ValueError, UnicodeError, binascii.Error):
            raise InvalidInput(_INVALID) from None
        if not dot or not payload.isascii() or len(tag) != TAG_BYTES:
            raise InvalidInput(_INVALID)
        if not hmac.compare_digest(tag, _tag(self.key(), payload)):
            # Made with a key this container has not seen yet (rotated meanwhile)? Re-read it
            # once; a cursor that fails again was edited or made before the key changed.
            if not hmac.compare_digest(tag, _tag(self.key(fresh=True), payload)):
                raise InvalidInput(
                    "cursor is not valid (edited, or made before the listing's key changed): "
                    "pass back the next_cursor of a listing"
                )
        try:
            plain = json.loads(_unb64(payload))
        except (ValueError, UnicodeError, binascii.Error):
            raise InvalidInput(_INVALID) from None
        if (
            not isinstance(plain, dict)
            or set(plain) != keys
            or not all(isinstance(v, str) and 0 < len(v) <= 2048 for v in plain.values())
            or any(plain.get(k) != v for k, v in expected.items())
        ):
            raise InvalidInput("cursor does not belong to this listing")
        return {k: {"S": v} for k, v in plain.items()}
