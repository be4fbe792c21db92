"""The local stack's moto server runs DynamoDB requests one at a time, as DynamoDB is atomic."""

from __future__ import annotations

import threading
import time
from typing import Any

from newsbrief_local.moto_server import AtomicDynamoDB


class _Recorder:
    """A WSGI app that reports how many requests it was serving at once."""

    def __init__(self) -> None:
        self.active = 0
        self.most = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self.lock:
            self.active += 1
            self.most = max(self.most, self.active)
        start_response("200 OK", [])

        def body() -> Any:  # lazy, like werkzeug's: the work happens while iterating
            time.sleep(0.05)
            with self.lock:
                self.active -= 1
            yield b"{}"

        return body()


def _serve_concurrently(app: AtomicDynamoDB, target: str) -> list[list[bytes]]:
    bodies: list[list[bytes]] = []
    environ = {"HTTP_X_AMZ_TARGET": target} if target else {}

    def one() -> None:
        bodies.append(list(app(dict(environ), lambda *a: None)))

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    return bodies


def test_dynamodb_requests_run_one_at_a_time() -> None:
    recorder = _Recorder()
    bodies = _serve_concurrently(AtomicDynamoDB(recorder), "DynamoDB_20120810.TransactWriteItems")
    assert bodies == [[b"{}"]] * 4
    assert recorder.most == 1


def test_other_requests_stay_concurrent() -> None:
    """SQS long polls must not hold up every other request."""
    recorder = _Recorder()
    bodies = _serve_concurrently(AtomicDynamoDB(recorder), "")
    assert bodies == [[b"{}"]] * 4
    assert recorder.most > 1
