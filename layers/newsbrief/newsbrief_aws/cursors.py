"""Page cursors: DynamoDB's ``LastEvaluatedKey`` handed to clients as an opaque string."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from newsbrief.errors import InvalidInput


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
