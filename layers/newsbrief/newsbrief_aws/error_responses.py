"""Errors -> HTTP responses, in one place: every error body is {"error": {"code", "message"}}.

Library errors carry their own code and status; validation errors become 400 invalid_input;
unknown routes 404 not_found; anything unexpected 500 internal_error without a traceback.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from newsbrief.errors import NewsbriefError

# Lambda refuses synchronous payloads above 6 MB anyway; checking first turns an oversized
# body into a clear 413 instead of a parse of megabytes of JSON.
MAX_BODY_BYTES = 6 * 1024 * 1024
_MAX_DETAILS = 5  # validation problems listed in one message; the rest are counted


def error_response(status: int, code: str, message: str) -> Response:
    """The one shape of every error the API returns."""
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def _describe(errors: list[dict[str, Any]]) -> str:
    parts = []
    for err in errors[:_MAX_DETAILS]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body",))
        if err.get("type") == "json_invalid":
            return "the request body is not valid JSON"
        if not loc and err.get("type") == "missing":
            return "a JSON request body is required"
        parts.append(f"{loc or 'body'}: {err.get('msg', 'invalid')}")
    more = len(errors) - _MAX_DETAILS
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def install_error_handlers(app: APIGatewayRestResolver, logger: Logger) -> None:
    """Register the error -> response mapping on ``app``."""

    @app.exception_handler(NewsbriefError)
    def _library_error(exc: NewsbriefError) -> Response:
        if exc.http_status >= 500:
            logger.warning("request failed", extra={"code": exc.code, "reason": exc.message})
        return error_response(exc.http_status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    def _invalid(exc: RequestValidationError) -> Response:
        return error_response(400, "invalid_input", _describe(list(exc.errors())))

    # powertools decodes the body lazily inside validation: a base64 body that is not UTF-8
    # raises UnicodeDecodeError, and JSON nested thousands deep exhausts the json module's
    # recursion. Both are the client's malformed input, not a failure of the service.
    @app.exception_handler(UnicodeDecodeError)
    def _not_utf8(exc: UnicodeDecodeError) -> Response:
        return error_response(400, "invalid_input", "the request body is not UTF-8 text")

    @app.exception_handler(RecursionError)
    def _too_deep(exc: RecursionError) -> Response:
        return error_response(400, "invalid_input", "the request body is nested too deeply")

    @app.exception_handler(NotFoundError)
    def _no_route(exc: NotFoundError) -> Response:
        return error_response(404, "not_found", "no such route")

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response:
        logger.exception("unexpected error")
        return error_response(500, "internal_error", "the service failed, try again later")


def body_too_large(event: dict[str, Any], limit: int = MAX_BODY_BYTES) -> dict[str, Any] | None:
    """A ready 413 proxy response when the request body is over ``limit`` bytes, else None."""
    body = event.get("body") or ""
    # A base64 body decodes to three bytes per four characters.
    size = len(body) * 3 // 4 if event.get("isBase64Encoded") else len(body.encode("utf-8"))
    if size <= limit:
        return None
    message = f"request body is {size} bytes, over the {limit}-byte limit"
    payload = json.dumps({"error": {"code": "too_large", "message": message}})
    return {
        "statusCode": 413,
        "headers": {"Content-Type": content_types.APPLICATION_JSON},
        "body": payload,
        "isBase64Encoded": False,
    }
