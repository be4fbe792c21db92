"""Errors -> HTTP responses, in one place: every error body is {"error": {"code", "message"}}.

Library errors carry their own code and status; validation errors become 400 invalid_input;
unknown routes 404 not_found, a known route asked with a method it does not take 405
method_not_allowed (with ``Allow``); anything unexpected 500 internal_error without a
traceback. :data:`ERROR_CODES` is the table of every code the API answers with, and
:func:`declare_errors` turns a route's codes into the responses its OpenAPI operation lists.
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

# Every code the API answers with: its HTTP status and what it means. The routes declare theirs
# with declare_errors (so the OpenAPI document lists them), and the README's table says the same.
ERROR_CODES: dict[str, tuple[int, str]] = {
    "invalid_input": (400, "malformed URL, parameter or body"),
    "unauthorized": (401, "missing or wrong API key (answered by API Gateway)"),
    "destination_refused": (
        403,
        "the URL points at a private, loopback, link-local or metadata address, carries "
        "credentials, or names a port that is not allowed",
    ),
    "not_found": (404, "no such brief, feed or route"),
    "method_not_allowed": (405, "the route does not take this method; Allow lists those it does"),
    "conflict": (
        409,
        "a concurrent refresh of the same brief won twice, or concurrent briefs kept "
        "meeting on an entity counter",
    ),
    "too_large": (413, "the page or the request body is bigger than the cap"),
    "unsupported_content": (415, "the page (or the stored URL's page) is not an HTML page"),
    "unsupported_media_type": (
        415,
        "the request body is not JSON (send Content-Type: application/json)",
    ),
    "no_article": (422, "the page holds no article text"),
    "invalid_feed": (422, "the document is not RSS, Atom or a sitemap, or is too broken to read"),
    "throttled": (429, "over the API key's rate (answered by API Gateway)"),
    "quota_exceeded": (429, "over the API key's daily quota (answered by API Gateway)"),
    "internal_error": (500, "the service failed (a bug: never an answer to a client's mistake)"),
    "fetch_failed": (502, "network error, timeout, too many redirects or an upstream error status"),
    "store_unavailable": (503, "DynamoDB or SQS kept failing after retries"),
    "poll_timeout": (
        504,
        "the feed could not be read within the first poll's 20 s budget; nothing was registered",
    ),
}
# What every keyed route can answer besides its own errors: API Gateway's key check and
# throttling, and a failure of the service itself.
COMMON_ERRORS = ("unauthorized", "throttled", "quota_exceeded", "internal_error")
ERROR_SCHEMA_REF = "#/components/schemas/Error"


def declare_errors(*codes: str, keyed: bool = True) -> dict[int, Any]:
    """The OpenAPI responses for ``codes`` (plus :data:`COMMON_ERRORS`), grouped by status.

    (Values typed ``Any``: powertools types them as its ``OpenAPIResponse``, whose module loads
    the OpenAPI models; ``x-error-codes`` is an extension that type does not list.)

    Each response names its codes in ``x-error-codes``: a client (and the contract test) can
    tell which stable codes a status carries without parsing the description. An open route
    (``keyed=False``) cannot answer ``unauthorized``.
    """
    common = COMMON_ERRORS if keyed else tuple(c for c in COMMON_ERRORS if c != "unauthorized")
    by_status: dict[int, list[str]] = {}
    for code in (*codes, *common):
        status = ERROR_CODES[code][0]
        if code not in by_status.setdefault(status, []):
            by_status[status].append(code)
    return {
        status: {
            "description": "; ".join(f"{code}: {ERROR_CODES[code][1]}" for code in listed),
            "content": {"application/json": {"schema": {"$ref": ERROR_SCHEMA_REF}}},
            "x-error-codes": listed,
        }
        for status, listed in sorted(by_status.items())
    }


def error_response(status: int, code: str, message: str) -> Response:
    """The one shape of every error the API returns."""
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


# Plain words for the patterns the API's fields declare, by pattern (the modules declaring a
# pattern register it with describe_pattern), so a refusal says "an absolute http(s) URL"
# rather than quoting a regular expression.
PATTERN_MESSAGES: dict[str, str] = {}


def describe_pattern(pattern: str, meaning: str) -> str:
    """Register ``meaning`` as what a value failing ``pattern`` is told; returns ``pattern``."""
    PATTERN_MESSAGES[pattern] = meaning
    return pattern


def _message(err: dict[str, Any]) -> str:
    pattern = (err.get("ctx") or {}).get("pattern")
    if err.get("type") == "string_pattern_mismatch" and pattern in PATTERN_MESSAGES:
        return f"must be {PATTERN_MESSAGES[pattern]}"
    return str(err.get("msg", "invalid"))


def _branches(errors: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Validation errors grouped by the union branch (a model name) they came from, if any."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for err in errors:
        loc = [p for p in err.get("loc", ()) if p != "body"]
        # A body that may be one of several models reports each model's errors under its
        # class name (CapWords; field names are snake_case).
        branch = str(loc[0]) if len(loc) > 1 and str(loc[0])[:1].isupper() else ""
        groups.setdefault(branch, []).append({**err, "loc": loc[1:] if branch else loc})
    return list(groups.values())


def _describe(errors: list[dict[str, Any]]) -> str:
    for err in errors:
        if err.get("type") == "json_invalid":
            return "the request body is not valid JSON"
        if err.get("type") == "missing" and not [p for p in err.get("loc", ()) if p != "body"]:
            return "a JSON request body is required"
    # For a body that may be one of several shapes, the closest shapes (fewest problems) are
    # what the client meant: report those, not every shape's complaints.
    groups = _branches(errors)
    fewest = min(len(g) for g in groups)
    described = []
    for group in (g for g in groups if len(g) == fewest):
        parts = [
            f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {_message(err)}"
            for err in group[:_MAX_DETAILS]
        ]
        more = len(group) - _MAX_DETAILS
        described.append("; ".join(parts) + (f" (and {more} more)" if more > 0 else ""))
    return " -- or -- ".join(described)


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
        event = app.current_event
        methods = allowed_methods(app, event.path)
        if not methods:
            return error_response(404, "not_found", "no such route")
        response = error_response(
            405,
            "method_not_allowed",
            f"{event.http_method} is not a method of {event.path}: use {', '.join(methods)}",
        )
        response.headers["Allow"] = ", ".join(methods)
        return response

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response:
        logger.exception("unexpected error")
        return error_response(500, "internal_error", "the service failed, try again later")


def allowed_methods(app: APIGatewayRestResolver, path: str) -> list[str]:
    """The methods ``app`` serves on ``path`` (HEAD wherever GET, and OPTIONS), or [] if none."""
    # The resolver keeps its routes in these two lists (static paths, then parameterised ones);
    # a test pins that a known path answers 405 with its methods, so a rename cannot go unseen.
    routes = [*app._static_routes, *app._dynamic_routes]  # noqa: SLF001
    methods = {route.method.upper() for route in routes if route.rule.match(path)}
    if not methods:
        return []
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods | {"OPTIONS"})


def proxy_error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """An error as a ready Lambda proxy response, for answers given before the router runs."""
    payload = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
    return {
        "statusCode": status,
        "headers": {"Content-Type": content_types.APPLICATION_JSON, **(headers or {})},
        "body": payload,
        "isBase64Encoded": False,
    }


def body_too_large(event: dict[str, Any], limit: int = MAX_BODY_BYTES) -> dict[str, Any] | None:
    """A ready 413 proxy response when the request body is over ``limit`` bytes, else None."""
    body = event.get("body") or ""
    # A base64 body decodes to three bytes per four characters.
    size = len(body) * 3 // 4 if event.get("isBase64Encoded") else len(body.encode("utf-8"))
    if size <= limit:
        return None
    return proxy_error(
        413, "too_large", f"request body is {size} bytes, over the {limit}-byte limit"
    )
