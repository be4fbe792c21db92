"""The local stack's data across restarts: tables and queues saved under ``.local/``.

moto keeps everything in memory, so without this every brief, feed and queued URL would be gone
when ``make run`` stops (or is killed). The stack restores the last snapshot right after it
creates the template's resources, and saves a new one within ``SNAPSHOT_INTERVAL_S`` of any
change (moto's request log tells it when something changed) and once more when it stops: a
SIGKILL loses at most the last second.

Tables are read with the public API (a consistent scan). Queued messages are read from moto's
in-process SQS backend: through the API, reading a message would count as receiving it (and
after ``maxReceiveCount`` receives, park it in the dead-letter queue). Messages are restored as
sent afresh (their remaining delay kept, their receive count reset), and a message that was
in flight is restored too: a worker that was briefing it when the stack stopped never deleted
it, and briefing is idempotent.

The snapshot holds the cursor key (see newsbrief_aws/cursors.py), so the folder and the file are
private to the user (0700/0600), and ``.local/`` is git-ignored.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from .template import ACCOUNT_ID, Stack

log = logging.getLogger("newsbrief_local")

STATE_FILE = "state.json"
FORMAT_VERSION = 1
# How often the saver looks for changes; at most this much is lost to a SIGKILL.
SNAPSHOT_INTERVAL_S = 1.0
BATCH_WRITE_ITEMS = 25  # DynamoDB's BatchWriteItem limit
SQS_BATCH = 10  # SendMessageBatch's limit
MAX_DELAY_S = 900  # SQS's longest DelaySeconds


def _to_json(value: Any) -> Any:
    """DynamoDB JSON with binary values (``B``, ``BS``) as base64 text."""
    if isinstance(value, bytes | bytearray):
        return {"__b64__": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__b64__"}:
            return base64.b64decode(value["__b64__"])
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def _delay(delayed_until_ms: float, now_ms: float) -> int:
    """The seconds a message still had to wait, as SQS accepts them (0-900)."""
    return max(0, min(MAX_DELAY_S, int((delayed_until_ms - now_ms) / 1000)))


class StatePersistence:
    """Saves and restores one deployed stack's tables and queues in ``directory``."""

    def __init__(self, directory: Path, stack: Stack, dynamodb: Any, sqs: Any) -> None:
        self.directory = directory
        self.path = directory / STATE_FILE
        self.stack = stack
        self.dynamodb = dynamodb
        self.sqs = sqs
        self._lock = threading.Lock()  # one save at a time (the saver thread and stop)

    # ---------------------------------------------------------------- saving
    def _items(self, logical_id: str) -> list[dict[str, Any]]:
        table = self.stack.physical_id(logical_id)
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
        while True:
            out = self.dynamodb.scan(**kwargs)
            items += out.get("Items", [])
            if "LastEvaluatedKey" not in out:
                return items
            kwargs["ExclusiveStartKey"] = out["LastEvaluatedKey"]

    def _messages(self, logical_id: str) -> list[dict[str, Any]]:
        from moto.sqs.models import sqs_backends

        name = self.stack.queue_url(logical_id).rstrip("/").rsplit("/", 1)[-1]
        queue = sqs_backends[ACCOUNT_ID][self.stack.region].queues.get(name)
        if queue is None:
            return []
        with queue._messages_lock:
            messages = list(queue._messages)
        now_ms = time.time() * 1000
        return [{"body": m.body, "delay": _delay(m.delayed_until, now_ms)} for m in messages]

    def save(self) -> None:
        """Write a snapshot of every table and queue (atomically: a crash keeps the last one)."""
        with self._lock:
            state = {
                "version": FORMAT_VERSION,
                "saved_at": time.time(),
                "tables": {lid: _to_json(self._items(lid)) for lid in self.stack.table_ids()},
                "queues": {lid: self._messages(lid) for lid in self.stack.queue_ids()},
            }
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.directory.chmod(0o700)  # also when it existed before (mkdir leaves it be)
            tmp = self.path.with_name(STATE_FILE + ".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(state, out, separators=(",", ":"))
            os.replace(tmp, self.path)

    # ---------------------------------------------------------------- restoring
    def _load(self) -> dict[str, Any] | None:
        if not self.path.exists():
            return None
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
            if state.get("version") != FORMAT_VERSION:
                raise ValueError(f"format version {state.get('version')!r}")
            return dict(state)
        except (ValueError, OSError, AttributeError) as exc:
            # Never crash on it and never silently lose it: set it aside and start empty.
            aside = self.path.with_name(f"{STATE_FILE}.unreadable-{int(time.time())}")
            self.path.replace(aside)
            log.warning("saved state unreadable (%s): kept as %s, starting empty", exc, aside)
            return None

    def restore(self) -> tuple[int, int]:
        """Load the last snapshot into the fresh resources; ``(items, messages)`` restored."""
        state = self._load()
        if state is None:
            return 0, 0
        items = messages = 0
        for logical_id, rows in state.get("tables", {}).items():
            if logical_id not in self.stack.table_ids():
                log.warning("saved table %s is not in the template: not restored", logical_id)
                continue
            table = self.stack.physical_id(logical_id)
            rows = _from_json(rows)
            for start in range(0, len(rows), BATCH_WRITE_ITEMS):
                batch = rows[start : start + BATCH_WRITE_ITEMS]
                pending: dict[str, Any] = {table: [{"PutRequest": {"Item": i}} for i in batch]}
                while pending:  # moto processes every item; the loop is DynamoDB's contract
                    out = self.dynamodb.batch_write_item(RequestItems=pending)
                    pending = out.get("UnprocessedItems") or {}
            items += len(rows)
        for logical_id, saved in state.get("queues", {}).items():
            if logical_id not in self.stack.queue_ids():
                log.warning("saved queue %s is not in the template: not restored", logical_id)
                continue
            url = self.stack.queue_url(logical_id)
            for start in range(0, len(saved), SQS_BATCH):
                entries = [
                    {"Id": str(i), "MessageBody": m["body"], "DelaySeconds": int(m["delay"])}
                    for i, m in enumerate(saved[start : start + SQS_BATCH])
                ]
                self.sqs.send_message_batch(QueueUrl=url, Entries=entries)
            messages += len(saved)
        return items, messages

    # ---------------------------------------------------------------- the saver
    def run(self, changes: Any, stop: threading.Event) -> None:
        """Save whenever ``changes()`` moved, until ``stop`` is set (then save once more)."""
        saved = changes()
        while not stop.wait(SNAPSHOT_INTERVAL_S):
            current = changes()
            if current == saved:
                continue
            try:
                self.save()
                saved = current  # changes made while saving are caught next time
            except Exception:  # noqa: BLE001 - a failed save must not stop the next ones
                log.exception("saving the local stack's state failed")
