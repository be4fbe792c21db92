"""A tiny HTTP server on 127.0.0.1 for tests: routes map a path to a canned or custom response.

Tests never touch the internet; every external page they need is served from here.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Response:
    """A canned response."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})


class _QuietServer(ThreadingHTTPServer):
    """A client that walks away from a kept-alive connection is not an error worth printing."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class LoopbackServer:
    """A threaded HTTP server on an ephemeral loopback port.

    ``server.add("/path", Response(...))`` serves canned bytes; ``server.add("/p", fn)`` calls
    ``fn(request_handler)`` to write anything (slow drips, broken streams, redirects).
    ``server.requests`` records ``(method, path, headers)`` of every request.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Response | Handler] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def _serve(self) -> None:
                outer.requests.append((self.command, self.path, dict(self.headers.items())))
                route = outer.routes.get(self.path) or outer.routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", "9")
                    self.end_headers()
                    self.wfile.write(b"not found")
                    return
                if callable(route):
                    route(self)
                    return
                self.send_response(route.status)
                for key, value in route.headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in route.headers:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(route.body)

            do_GET = _serve  # noqa: N815 - http.server's naming
            do_HEAD = _serve  # noqa: N815
            do_POST = _serve  # noqa: N815

        self._httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, route: Response | Handler) -> str:
        """Register a route and return its URL."""
        self.routes[path] = route
        return self.url(path)

    def reset(self) -> None:
        """Forget every route and recorded request (one server serves many tests)."""
        self.routes.clear()
        self.requests.clear()

    def start(self) -> LoopbackServer:
        """Start serving in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()


def answer_with_etag(
    handler: BaseHTTPRequestHandler, body: bytes, etag: str, content_type: str
) -> None:
    """Answer a GET as a feed server does: 304 when the client sent this ETag, else the body."""
    if handler.headers.get("If-None-Match") == etag:
        handler.send_response(304)
        handler.send_header("ETag", etag)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return
    handler.send_response(200)
    handler.send_header("Content-Type", content_type)
    handler.send_header("ETag", etag)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
