"""A schemathesis check for this API: a server error is never the answer to a client's request,
except a 5xx the document declares for that operation, carrying one of its stable codes.

Replaces schemathesis's ``not_a_server_error``, which fails on every 5xx: a 502 fetch_failed
or 503 store_unavailable is the correct answer to an upstream failure, and the document says so
(``x-error-codes`` on each declared status). A 500 is always a bug.

Loaded by the schemathesis CLI from ``SCHEMATHESIS_HOOKS`` (this module's dotted name).
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis


def _error_code(body: bytes) -> str | None:
    try:
        data: Any = json.loads(body)
        return str(data["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None


@schemathesis.check
def server_errors_are_declared(ctx: Any, response: Any, case: Any) -> bool | None:
    """Fail on any 500, and on a 5xx not declared for the operation with its stable code."""
    status = response.status_code
    if status < 500:
        return None
    code = _error_code(response.content)
    label = case.operation.label
    if status == 500:
        raise AssertionError(f"{label} answered 500 ({code}): a server error is a bug")
    declared = case.operation.definition.raw.get("responses", {}).get(str(status))
    if declared is None:
        raise AssertionError(f"{label} answered {status}, which its document does not declare")
    codes = declared.get("x-error-codes") or []
    if code not in codes:
        raise AssertionError(
            f"{label} answered {status} with code {code!r}; the document declares {codes}"
        )
    return None
