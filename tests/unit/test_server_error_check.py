"""The contract test's replacement for schemathesis's not_a_server_error: it must fail on every
500 and on a 5xx the operation does not declare with that code, and pass a declared one."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from tests.support.server_error_check import server_errors_are_declared

RESPONSES = {"502": {"x-error-codes": ["fetch_failed"]}, "200": {}}


def _case() -> SimpleNamespace:
    operation = SimpleNamespace(
        label="POST /articles", definition=SimpleNamespace(raw={"responses": RESPONSES})
    )
    return SimpleNamespace(operation=operation)


def _response(status: int, code: str | None) -> SimpleNamespace:
    body = json.dumps({"error": {"code": code, "message": "m"}}).encode() if code else b"<html>"
    return SimpleNamespace(status_code=status, content=body)


@pytest.mark.parametrize(
    ("status", "code"),
    [(500, "internal_error"), (503, "store_unavailable"), (502, "store_unavailable"), (502, None)],
)
def test_undeclared_server_errors_fail(status, code):
    with pytest.raises(AssertionError):
        server_errors_are_declared(None, _response(status, code), _case())


@pytest.mark.parametrize(("status", "code"), [(502, "fetch_failed"), (200, None), (404, "x")])
def test_declared_answers_pass(status, code):
    assert server_errors_are_declared(None, _response(status, code), _case()) is None
