"""The HTTP rules both API functions apply around their routers, in one place.

* **Content types.** A request body is JSON when its ``Content-Type`` is ``application/json``
  (in any case, with any parameters) or a ``+json`` type; a body of any other type, or of
  none, is ``415 unsupported_media_type``. The router then sees ``application/json`` (powertools
  compares the header exactly and would take form data for a form).
* **Numbers.** JSON integers longer than :data:`MAX_INT_DIGITS` digits are a 400: Python's
  ``int()`` refuses 4,300 digits and more with a ValueError, which would surface as a 500.
* **Methods.** HEAD is GET without the body; OPTIONS answers ``Allow`` (and a browser's CORS
  preflight); any other method a route does not take is ``405 method_not_allowed`` with
  ``Allow`` (see :func:`error_responses.allowed_methods`).
* **CORS.** Origins listed in ``CORS_ALLOWED_ORIGINS`` (the template's ``CorsAllowedOrigins``,
  empty by default: no origin) get ``Access-Control-Allow-Origin`` on every answer and their
  preflight requests answered; other origins get no CORS header, so browsers refuse them.

Imported by the read function: nothing here may import pydantic.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from newsbrief.errors import InvalidInput

from .error_responses import allowed_methods, body_too_large, proxy_error

# The largest number the API takes has 5 digits (interval_minutes); 64 leaves any sane client
# room while keeping int() far from its 4,300-digit refusal.
MAX_INT_DIGITS = 64
METHODS_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
JSON_MEDIA_TYPE = "application/json"
# type/subtype per RFC 9110's token characters; "+json" structured syntax suffix (RFC 6839).
_JSON_SUFFIX = re.compile(r"[a-z0-9!#$%&'*.^_`|~-]+/[a-z0-9!#$%&'*.^_`|~-]+\+json")
# What a browser may send cross-origin to this API besides the CORS-safelisted headers.
CORS_ALLOW_HEADERS = "content-type, x-api-key"
CORS_MAX_AGE_S = 600  # browsers cap it (Chrome: 2 h); 10 min keeps a changed list prompt


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise InvalidInput(f"a number in the request body has more than {MAX_INT_DIGITS} digits")
    return int(digits)


def parse_json(text: str | bytes) -> Any:
    """The request body's JSON, refusing over-long integers (the resolvers' body parser)."""
    return json.loads(text, parse_int=_bounded_int)


def is_json_media_type(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` value names JSON: application/json or a +json type."""
    if not content_type:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == JSON_MEDIA_TYPE or bool(_JSON_SUFFIX.fullmatch(media_type))


def _header(event: dict[str, Any], name: str) -> str | None:
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == name:
            return value
    return None


def _with_json_content_type(event: dict[str, Any]) -> dict[str, Any]:
    """``event`` with its Content-Type spelled exactly as the router parses JSON."""
    headers = {k: v for k, v in (event.get("headers") or {}).items() if k.lower() != "content-type"}
    multi = {
        k: v
        for k, v in (event.get("multiValueHeaders") or {}).items()
        if k.lower() != "content-type"
    }
    headers["Content-Type"] = JSON_MEDIA_TYPE
    multi["Content-Type"] = [JSON_MEDIA_TYPE]
    return {**event, "headers": headers, "multiValueHeaders": multi}


def refuse_body(event: dict[str, Any]) -> dict[str, Any] | None:
    """A ready 413/415 answer for a request body the API cannot take, else None."""
    too_large = body_too_large(event)
    if too_large is not None:
        return too_large
    method = str(event.get("httpMethod") or "").upper()
    content_type = _header(event, "content-type")
    if method in METHODS_WITH_BODY and event.get("body") and not is_json_media_type(content_type):
        given = f"Content-Type {content_type!r}" if content_type else "no Content-Type"
        return proxy_error(
            415,
            "unsupported_media_type",
            f"the request body must be JSON (Content-Type: application/json), got {given}",
        )
    return None


@cache
def allowed_origins() -> frozenset[str]:
    """The origins browsers may call the API from (``CORS_ALLOWED_ORIGINS``, comma-separated)."""
    raw = os.environ.get("CORS_ALLOWED_ORIGINS", "")
    return frozenset(o.strip().rstrip("/") for o in raw.split(",") if o.strip())


def _cors_origin(event: dict[str, Any]) -> str | None:
    origin = _header(event, "origin")
    return origin if origin and origin in allowed_origins() else None


def _add_headers(response: dict[str, Any], extra: dict[str, str]) -> dict[str, Any]:
    headers = dict(response.get("headers") or {})
    headers.update(extra)
    multi = response.get("multiValueHeaders")
    if multi:  # powertools answers with multiValueHeaders; keep one place for each name
        multi = {k: v for k, v in multi.items() if k not in extra}
        multi.update({k: [v] for k, v in extra.items()})
        return {**response, "multiValueHeaders": multi}
    return {**response, "headers": headers}


def _options(event: dict[str, Any], methods: list[str]) -> dict[str, Any]:
    headers = {"Allow": ", ".join(methods)}
    origin = _cors_origin(event)
    if origin and _header(event, "access-control-request-method"):
        headers.update({
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": ", ".join(methods),
            "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS,
            "Access-Control-Max-Age": str(CORS_MAX_AGE_S),
            "Vary": "Origin",
        })  # fmt: skip
    return {"statusCode": 204, "headers": headers, "body": "", "isBase64Encoded": False}


def serve(app: APIGatewayRestResolver, event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one API Gateway proxy event with ``app`` under the rules above."""
    method = str(event.get("httpMethod") or "").upper()
    answer = refuse_body(event)
    if answer is None and method == "OPTIONS":
        methods = allowed_methods(app, str(event.get("path") or "/"))
        if methods:
            return _options(event, methods)
    if answer is None:
        if method in METHODS_WITH_BODY and event.get("body"):
            event = _with_json_content_type(event)
        if method == "HEAD" and "GET" in allowed_methods(app, str(event.get("path") or "/")):
            answer = app.resolve({**event, "httpMethod": "GET"}, context)
            answer = {**answer, "body": "", "isBase64Encoded": False}
        else:
            answer = app.resolve(event, context)
    origin = _cors_origin(event)
    if origin:
        answer = _add_headers(answer, {"Access-Control-Allow-Origin": origin, "Vary": "Origin"})
    return answer
