"""The OpenAPI document of the API, as ``GET /docs`` serves it and docs/openapi.json holds it.

powertools builds the document from the typed routes; :func:`openapi_document` finishes it so
it states what the API really answers:

* ``servers`` is the prefix the document was served under (``/v1`` through API Gateway's stage
  URL, ``/`` from the local stack or a custom domain), computed per request, so Swagger UI's
  "Try it out" and generated clients reach the API that served it;
* every error response uses the one :data:`ERROR_SCHEMA` (``{"error": {"code", "message"}}``);
  powertools' own 422 validation answer is removed (validation problems are 400
  ``invalid_input`` here) and so are the schemas only it referred to;
* a response without a body (204) declares no content.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types

from .error_responses import ERROR_CODES, ERROR_SCHEMA_REF, declare_errors

DOCS_PATH = "/docs"  # template.yaml's open route to the Swagger UI
ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "description": "Every error the API answers with.",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": "stable machine code: " + ", ".join(ERROR_CODES),
                },
                "message": {"type": "string", "description": "what went wrong, for people"},
            },
        }
    },
}
# Schemas powertools adds for answers this API never gives (its 422 and response validation).
_POWERTOOLS_ONLY = ("HTTPValidationError", "ResponseValidationError", "ValidationError")


def declare_answer(description: str, model: type) -> Any:  # powertools' OpenAPIResponse
    """A route's successful answer for its ``responses``: ``model`` as JSON."""
    return {"description": description, "content": {"application/json": {"model": model}}}


def served_prefix(event: dict[str, Any]) -> str:
    """The path prefix a request came in under: ``/v1`` on a stage URL, ``/`` on a bare host."""
    path = str(event.get("path") or "/")
    full = str((event.get("requestContext") or {}).get("path") or path)
    prefix = full[: -len(path)] if full.endswith(path) else ""
    return prefix.rstrip("/") or "/"


def _references(value: Any) -> set[str]:
    if isinstance(value, dict):
        refs = {value["$ref"]} if isinstance(value.get("$ref"), str) else set()
        for item in value.values():
            refs |= _references(item)
        return refs
    if isinstance(value, list):
        return set().union(*(_references(item) for item in value)) if value else set()
    return set()


def finish_document(spec: dict[str, Any], server_url: str) -> dict[str, Any]:
    """Powertools' document made true to the API (see the module docstring)."""
    spec["servers"] = [{"url": server_url}]
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_SCHEMA_REF.rsplit("/", 1)[1]] = ERROR_SCHEMA
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            responses = operation.get("responses", {})
            for status, response in list(responses.items()):
                refs = _references(response)
                if "#/components/schemas/HTTPValidationError" in refs:
                    del responses[status]  # validation problems are 400 invalid_input
                elif "#/components/schemas/ResponseValidationError" in refs:
                    # A response breaking its schema is our bug: a plain internal_error.
                    responses[status] = declare_errors("internal_error")[int(status)]
            for response in responses.values():
                if response.get("content") == {}:
                    del response["content"]
    for name in _POWERTOOLS_ONLY:  # in order: each refers only to names after it
        others = {k: v for k, v in schemas.items() if k != name}
        if f"#/components/schemas/{name}" not in _references([spec.get("paths"), others]):
            schemas.pop(name, None)
    return spec


def openapi_document(app: APIGatewayRestResolver, server_url: str = "/") -> dict[str, Any]:
    """The API's OpenAPI document for clients reaching it under ``server_url``."""
    return finish_document(json.loads(app.get_openapi_json_schema()), server_url)


@cache
def _swagger_assets() -> tuple[str, str]:
    from aws_lambda_powertools.event_handler.openapi import swagger_ui

    folder = Path(swagger_ui.__file__).parent
    js = (folder / "swagger-ui-bundle.min.js").read_text(encoding="utf-8")
    css = (folder / "swagger-ui.min.css").read_text(encoding="utf-8")
    return js, css


def install_docs(app: APIGatewayRestResolver) -> None:
    """Serve the document (``?format=json``) and Swagger UI at :data:`DOCS_PATH`.

    The route is cheap to register; the document is built on the first request for it
    (powertools' OpenAPI models cost ~100 ms that no other route's cold start should pay).
    """

    @app.get(DOCS_PATH, include_in_schema=False)
    def docs() -> Response[str]:
        event = app.current_event
        document = openapi_document(app, served_prefix(event.raw_event))
        text = json.dumps(document, ensure_ascii=False, indent=2)
        if (event.query_string_parameters or {}).get("format") == "json":
            return Response(200, content_types.APPLICATION_JSON, text)
        from aws_lambda_powertools.event_handler.openapi.swagger_ui.html import (
            generate_swagger_html,
        )

        js, css = _swagger_assets()
        # "</" inside the inlined JSON must not close the page's <script> element.
        html = generate_swagger_html(text.replace("</", "<\\/"), js, css, "", None, False)
        return Response(200, "text/html", html)
