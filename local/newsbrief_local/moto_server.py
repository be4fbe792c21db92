"""The embedded moto server, with DynamoDB requests made atomic as the real service's are.

moto's server handles requests on threads and its DynamoDB backend is not thread-safe: a
transaction that fails its condition restores a snapshot of the table taken when it began,
erasing whatever another request wrote meanwhile (two first briefs of one URL race exactly
like that). DynamoDB applies each request atomically, so this server lets one DynamoDB
request run at a time; SQS requests (long polls of up to 20 s) stay concurrent.

moto also answers every Query by sorting the whole table (``Table.all_items``) and then
keeping the partition asked for: with a few hundred thousand items (10,000 briefs and their
entity index) that is seconds per call. :func:`partition_queries` lets a Query see only its
partition (table) or the unsorted items (index; moto sorts what matches), which gives the
same answer. And before a transaction moto deep-copies the whole table once per item of it,
to roll back on failure: a brief's transaction (about 50 items with its entity index) then
costs seconds once the table holds a few thousand items. :func:`item_rollback` copies only the
items the transaction touches and puts those back on failure, which is the same rollback.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# Requests that change nothing the local stack saves (see persistence.py); any other request
# counts as a change. Receiving a message only moves its visibility: the snapshot keeps it.
READ_ONLY_TARGETS = frozenset(
    {
        "DynamoDB_20120810.GetItem",
        "DynamoDB_20120810.BatchGetItem",
        "DynamoDB_20120810.TransactGetItems",
        "DynamoDB_20120810.Query",
        "DynamoDB_20120810.Scan",
        "DynamoDB_20120810.DescribeTable",
        "DynamoDB_20120810.ListTables",
        "AmazonSQS.ReceiveMessage",
        "AmazonSQS.ChangeMessageVisibility",
        "AmazonSQS.ChangeMessageVisibilityBatch",
        "AmazonSQS.GetQueueAttributes",
        "AmazonSQS.GetQueueUrl",
        "AmazonSQS.ListQueues",
    }
)


class ChangeCounter:
    """WSGI middleware counting the requests that may change stored data."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.count = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """Count the request (unless it only reads), then serve it."""
        if environ.get("HTTP_X_AMZ_TARGET", "") not in READ_ONLY_TARGETS:
            with self._lock:
                self.count += 1
        return self.app(environ, start_response)


class AtomicDynamoDB:
    """WSGI middleware: DynamoDB requests (``X-Amz-Target: DynamoDB_...``) one at a time."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """Serve one request; a DynamoDB one holds the lock until its body is complete."""
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            return self.app(environ, start_response)
        with self.lock:
            # The body is produced inside the lock: a lazy iterable would run the request
            # after the lock is released.
            return list(self.app(environ, start_response))


def partition_queries() -> bool:
    """Make moto's Query read one partition instead of sorting the table; ``False`` if unable.

    Safe only where one DynamoDB request runs at a time (:class:`AtomicDynamoDB`): the
    table's ``all_items`` is replaced for the duration of the call.
    """
    from moto.dynamodb.models.table import Table

    original = Table.query
    if getattr(original, "partitioned", False):
        return True
    if not isinstance(getattr(Table, "all_items", None), type(partition_queries)):
        return False

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        items = getattr(self, "items", None)
        if not isinstance(items, dict):
            return original(self, hash_key, *args, **kwargs)
        if index_name or not self.range_key_attr:
            rows = [i for v in items.values() for i in (v.values() if self.range_key_attr else [v])]
        else:
            rows = list(items.get(hash_key, {}).values())
        self.all_items = lambda: rows  # moto filters and sorts what it is given
        try:
            return original(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    query.partitioned = True  # type: ignore[attr-defined]
    Table.query = query  # type: ignore[method-assign]
    return True


class _TablesByReference:
    """``copy`` for moto's DynamoDB models: a table is "copied" as itself (see item_rollback)."""

    def __init__(self, real: Any, table_type: type) -> None:
        self._real = real
        self._table_type = table_type

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        """The table itself; anything else copied as ``copy.deepcopy`` does."""
        if isinstance(value, self._table_type):
            return value
        return self._real.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def item_rollback() -> bool:
    """Make moto's transactions save and restore only the items they touch.

    Safe only where one DynamoDB request runs at a time (:class:`AtomicDynamoDB`).
    """
    import copy

    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    original = models.DynamoDBBackend.transact_write_items
    if getattr(original, "item_rollback", False):
        return True

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved = []
        for entry in transact_items:
            op = next(iter(entry.values()), None)
            table = self.tables.get((op or {}).get("TableName"))
            attrs = (op or {}).get("Key") or (op or {}).get("Item") or {}
            if table is None or not table.range_key_attr:
                continue  # moto refuses it; nothing of it is written
            if table.hash_key_attr not in attrs or table.range_key_attr not in attrs:
                continue
            hash_key = DynamoType(attrs[table.hash_key_attr])
            range_key = DynamoType(attrs[table.range_key_attr])
            current = table.items.get(hash_key, {}).get(range_key)
            saved.append((table, hash_key, range_key, copy.deepcopy(current)))
        try:
            original(self, transact_items)
        except Exception:
            for table, hash_key, range_key, item in reversed(saved):
                if item is None:
                    table.items.get(hash_key, {}).pop(range_key, None)
                else:
                    table.items[hash_key][range_key] = item
            raise

    transact_write_items.item_rollback = True  # type: ignore[attr-defined]
    models.copy = _TablesByReference(copy, Table)  # type: ignore[attr-defined,assignment]
    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    return True


class MotoServer:
    """moto's backends over HTTP on a background thread (loopback only, any free port)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        middleware: Callable[[WsgiApp], WsgiApp] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.middleware = middleware  # wraps moto's app (the local stack's event log)
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._changes: ChangeCounter | None = None

    def start(self) -> None:
        """Bind and serve on a daemon thread; returns once the socket listens."""
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        # Both need one DynamoDB request at a time, which AtomicDynamoDB below ensures.
        partition_queries()
        item_rollback()
        app: WsgiApp = AtomicDynamoDB(DomainDispatcherApplication(create_backend_app))
        if self.middleware is not None:
            app = self.middleware(app)
        self._changes = ChangeCounter(app)
        self._server = make_server(
            self.host, self.port, self._changes, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def get_host_and_port(self) -> tuple[str, int]:
        """Where the server listens (the port the OS picked when asked for 0)."""
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def changes(self) -> int:
        """How many requests that may change data it has served (grows; compare two reads)."""
        return self._changes.count if self._changes is not None else 0

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join()
