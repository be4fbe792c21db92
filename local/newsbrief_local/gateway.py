"""A local API Gateway (REST, v1 payload): HTTP requests in, Lambda proxy events out.

Routes, API-key requirements, the stage name and the customised gateway responses all come from
template.yaml, so the local API answers the way the deployed one does: a request without a valid
``x-api-key`` on a keyed route gets the template's INVALID_API_KEY response, an unknown route
its MISSING_AUTHENTICATION_TOKEN response, a failing function DEFAULT_5XX, each with the
template's status, body and headers (the CORS origin among them).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .runtime import Invocation
from .template import ACCOUNT_ID, ApiRoute, GatewayResponse

log = logging.getLogger("newsbrief_local")

# API Gateway's hard payload limit for REST APIs.
MAX_BODY_BYTES = 10 * 1024 * 1024
# Longest wait for a client's next bytes (request line, headers, body, or an idle keep-alive
# connection): a client that declares more body than it sends gets a 400 after this instead
# of holding a server thread forever.
READ_TIMEOUT_S = 10.0
# Status codes API Gateway uses when the template does not customise a response type.
DEFAULT_STATUS = {
    "INVALID_API_KEY": 403,
    "MISSING_AUTHENTICATION_TOKEN": 403,
    "REQUEST_TOO_LARGE": 413,
    "BAD_REQUEST_BODY": 400,
    "INTEGRATION_TIMEOUT": 504,
    "DEFAULT_4XX": 400,
    "DEFAULT_5XX": 502,
}
# Our fallback bodies keep the project-wide error shape even where the template is silent.
DEFAULT_ERROR = {
    "INVALID_API_KEY": ("unauthorized", "a valid x-api-key header is required"),
    "MISSING_AUTHENTICATION_TOKEN": ("not_found", "no such route"),
    "REQUEST_TOO_LARGE": ("too_large", "request body too large"),
    "BAD_REQUEST_BODY": ("invalid_input", "the request body is shorter than its Content-Length"),
    "INTEGRATION_TIMEOUT": ("internal_error", "the function did not answer in time"),
    "DEFAULT_5XX": ("internal_error", "the function failed"),
}

Invoker = Callable[[str, dict[str, Any]], Invocation]


@dataclass(frozen=True, slots=True)
class CompiledRoute:
    """An :class:`ApiRoute` with its matcher."""

    route: ApiRoute
    pattern: re.Pattern[str]
    # Higher sorts first: literal segments beat {param}, which beats {proxy+}.
    rank: tuple[int, ...]


def compile_route(route: ApiRoute) -> CompiledRoute:
    """Turn ``/articles/{id}`` or ``/{proxy+}`` into a regex with named groups."""
    parts, rank = [], []
    for segment in route.path.strip("/").split("/") if route.path.strip("/") else []:
        greedy = re.fullmatch(r"\{(\w+)\+\}", segment)
        param = re.fullmatch(r"\{(\w+)\}", segment)
        if greedy:
            parts.append(f"(?P<{greedy.group(1)}>.+)")
            rank.append(0)
        elif param:
            parts.append(f"(?P<{param.group(1)}>[^/]+)")
            rank.append(1)
        else:
            parts.append(re.escape(segment))
            rank.append(2)
    pattern = re.compile("^/" + "/".join(parts) + "/?$" if parts else "^/$")
    return CompiledRoute(route, pattern, tuple(rank))


class Gateway:
    """Routing, API keys and event/response translation, independent of the HTTP server."""

    def __init__(
        self,
        routes: list[ApiRoute],
        invoke: Invoker,
        api_key: str,
        stage: str,
        responses: dict[str, GatewayResponse],
    ) -> None:
        self.routes = sorted(
            (compile_route(r) for r in routes), key=lambda c: c.rank, reverse=True
        )
        self.invoke = invoke
        self.api_key = api_key
        self.stage = stage
        self.responses = responses

    # ---------------------------------------------------------------- routing

    def match(self, method: str, path: str) -> tuple[ApiRoute, dict[str, str]] | None:
        """The most specific resource for ``path``, if it has ``method`` (or ANY)."""
        for compiled in self.routes:
            found = compiled.pattern.match(path)
            if not found:
                continue
            # API Gateway picks the resource first; a missing method does not fall back to a
            # less specific resource, so keep looking only among resources of the same path.
            same_path = [
                c
                for c in self.routes
                if c.route.path == compiled.route.path and c.route.method in (method, "ANY")
            ]
            if not same_path:
                return None
            best = min(same_path, key=lambda c: c.route.method == "ANY")
            return best.route, {k: unquote(v) for k, v in found.groupdict().items()}
        return None

    # ---------------------------------------------------------------- responses

    def gateway_response(
        self, kind: str, request_id: str, message: str | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """API Gateway answering by itself, as customised in the template."""
        family = "DEFAULT_5XX" if DEFAULT_STATUS.get(kind, 400) >= 500 else "DEFAULT_4XX"
        specific = self.responses.get(kind)
        fallback = self.responses.get(family)
        # A type the template customises answers as customised; any other takes its family's
        # (DEFAULT_4XX/5XX) status when one is set, which API Gateway applies to every type of
        # the family left alone, else its own default status.
        status = (specific and specific.status) or (fallback and fallback.status) or (
            DEFAULT_STATUS.get(kind)
        )
        templates = (specific and specific.templates) or (fallback and fallback.templates) or {}
        code, default_message = DEFAULT_ERROR.get(kind, ("internal_error", "gateway error"))
        text = templates.get("application/json")
        if text is None:
            body = json.dumps({"error": {"code": code, "message": message or default_message}})
        else:
            body = (
                text.replace("$context.error.messageString", json.dumps(message or default_message))
                .replace("$context.error.message", message or default_message)
                .replace("$context.error.responseType", kind)
                .replace("$context.requestId", request_id)
            )
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": kind}
        # A customised type has its own headers (CORS among them); the others its family's.
        headers.update((specific.headers if specific else fallback and fallback.headers) or {})
        return int(status or 500), headers, body.encode("utf-8")

    def to_http(
        self, result: Invocation, request_id: str
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Translate a proxy integration result into status, headers and body."""
        if result.timed_out:
            status, headers, body = self.gateway_response("INTEGRATION_TIMEOUT", request_id)
            return status, list(headers.items()), body
        payload = result.payload
        if not result.ok or not isinstance(payload, dict) or "statusCode" not in payload:
            if result.ok:
                log.error("malformed Lambda proxy response: %.200r", payload)
            status, headers, body = self.gateway_response("DEFAULT_5XX", request_id)
            return status, list(headers.items()), body
        try:
            status = int(payload["statusCode"])
            raw = payload.get("body") or ""
            data = base64.b64decode(raw) if payload.get("isBase64Encoded") else raw.encode()
        except (TypeError, ValueError, binascii.Error, AttributeError):
            log.error("malformed Lambda proxy response: %.200r", payload)
            status, headers, body = self.gateway_response("DEFAULT_5XX", request_id)
            return status, list(headers.items()), body
        pairs = [(k, str(v)) for k, v in (payload.get("headers") or {}).items()]
        for key, values in (payload.get("multiValueHeaders") or {}).items():
            pairs = [p for p in pairs if p[0].lower() != key.lower()]
            pairs.extend((key, str(v)) for v in values)
        return status, pairs, data

    # ---------------------------------------------------------------- requests

    def handle(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
        body: bytes,
        client_ip: str,
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Serve one HTTP request end to end; never raises."""
        request_id = str(uuid.uuid4())
        url = urlsplit(target)
        path = url.path or "/"
        matched = self.match(method, path)
        if matched is None:
            status, hdrs, data = self.gateway_response("MISSING_AUTHENTICATION_TOKEN", request_id)
            return status, list(hdrs.items()), data
        route, path_params = matched
        lower = {k.lower(): v for k, v in headers}
        presented = lower.get("x-api-key")
        if route.api_key_required and not (
            presented and hmac.compare_digest(presented.encode(), self.api_key.encode())
        ):
            status, hdrs, data = self.gateway_response("INVALID_API_KEY", request_id)
            return status, list(hdrs.items()), data
        if len(body) > MAX_BODY_BYTES:
            status, hdrs, data = self.gateway_response("REQUEST_TOO_LARGE", request_id)
            return status, list(hdrs.items()), data
        event = self.build_event(
            method, path, url.query, headers, body, route, path_params, request_id, client_ip
        )
        result = self.invoke(route.function, event)
        status, pairs, data = self.to_http(result, request_id)
        pairs.append(("x-amzn-RequestId", request_id))
        return status, pairs, data

    def build_event(
        self,
        method: str,
        path: str,
        query: str,
        headers: list[tuple[str, str]],
        body: bytes,
        route: ApiRoute,
        path_params: dict[str, str],
        request_id: str,
        client_ip: str,
    ) -> dict[str, Any]:
        """The API Gateway REST (v1) Lambda proxy event for one request."""
        multi_headers: dict[str, list[str]] = {}
        for key, value in headers:
            multi_headers.setdefault(key, []).append(value)
        multi_query: dict[str, list[str]] = {}
        for key, value in parse_qsl(query, keep_blank_values=True):
            multi_query.setdefault(key, []).append(value)
        lower = {k.lower(): v for k, v in headers}
        text_body: str | None = None
        is_base64 = False
        if body:
            # The template declares no BinaryMediaTypes, so API Gateway passes text through;
            # bytes that are not UTF-8 are the one case it would base64-encode.
            try:
                text_body = body.decode("utf-8")
            except UnicodeDecodeError:
                text_body, is_base64 = base64.b64encode(body).decode("ascii"), True
        now = datetime.now(UTC)
        return {
            "resource": route.path,
            "path": path,
            "httpMethod": method,
            "headers": {k: v[-1] for k, v in multi_headers.items()} or None,
            "multiValueHeaders": multi_headers or None,
            "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": path_params or None,
            "stageVariables": None,
            "requestContext": {
                "accountId": ACCOUNT_ID,
                "apiId": "local",
                "resourceId": route.path,
                "resourcePath": route.path,
                "httpMethod": method,
                # The path as the client sent it: the local stack serves the API at the root,
                # as API Gateway does behind a custom domain (on a stage URL it would be
                # /{stage}/...). The API's document names this prefix as its server.
                "path": path,
                "stage": self.stage,
                "requestId": request_id,
                "extendedRequestId": request_id,
                "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "requestTimeEpoch": int(time.time() * 1000),
                "protocol": "HTTP/1.1",
                "domainName": lower.get("host", "localhost"),
                "domainPrefix": lower.get("host", "localhost").split(".")[0].split(":")[0],
                "identity": {
                    "sourceIp": client_ip,
                    "userAgent": lower.get("user-agent"),
                    "apiKey": lower.get("x-api-key") if route.api_key_required else None,
                    "apiKeyId": "local" if route.api_key_required else None,
                    "accessKey": None,
                    "accountId": None,
                    "caller": None,
                    "cognitoIdentityId": None,
                    "user": None,
                    "userArn": None,
                },
            },
            "body": text_body,
            "isBase64Encoded": is_base64,
        }


def make_server(
    gateway: Gateway, host: str, port: int, read_timeout: float = READ_TIMEOUT_S
) -> ThreadingHTTPServer:
    """An HTTP/1.1 server (keep-alive) that hands every request to ``gateway``."""

    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "newsbrief-local"
        timeout = read_timeout  # set on each connection's socket by StreamRequestHandler

        def log_message(self, fmt: str, *args: object) -> None:
            log.info("%s %s", self.address_string(), fmt % args)

        def _serve(self) -> None:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY_BYTES:
                # Do not read an unbounded body: answer and drop the connection.
                status, hdrs, data = gateway.gateway_response(
                    "REQUEST_TOO_LARGE", str(uuid.uuid4())
                )
                self.close_connection = True
                self._write(status, list(hdrs.items()), data)
                return
            try:
                body = self.rfile.read(length) if length else b""
            except TimeoutError:
                body = b""
            if len(body) < length:  # the client stopped sending (or closed) mid-body
                status, hdrs, data = gateway.gateway_response(
                    "BAD_REQUEST_BODY", str(uuid.uuid4())
                )
                self.close_connection = True
                self._write(status, list(hdrs.items()), data)
                return
            try:
                status, pairs, data = gateway.handle(
                    self.command,
                    self.path,
                    list(self.headers.items()),
                    body,
                    self.client_address[0],
                )
            except Exception:  # noqa: BLE001 - a client gets a 5XX body, never a traceback
                log.exception("gateway failed on %s %s", self.command, self.path)
                status, hdrs, data = gateway.gateway_response("DEFAULT_5XX", str(uuid.uuid4()))
                pairs = list(hdrs.items())
            self._write(status, pairs, data)

        def _write(self, status: int, pairs: list[tuple[str, str]], data: bytes) -> None:
            self.send_response(status)
            for key, value in pairs:
                if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def __getattr__(self, name: str) -> Any:
            # http.server dispatches a request to do_<METHOD> and answers an HTML 501 when there
            # is none. Every method (TRACE and made-up ones too) goes to the API, as an ANY
            # resource takes it, and the function answers 405 with Allow for those it does not
            # take; the method token itself was already checked by http.server's parser.
            if name.startswith("do_"):
                return self._serve
            raise AttributeError(name)

    class _Server(ThreadingHTTPServer):
        daemon_threads = True
        # socketserver's listen backlog is 5: clients that connect together (a page of
        # browsers, the load test's 32) overflow it and some connections get reset.
        request_queue_size = 128

    return _Server((host, port), _Handler)
