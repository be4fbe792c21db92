"""Integration fixtures: moto with the table and queues of template.yaml, handlers in-process.

Each test gets a fresh mocked AWS account whose resources are created from template.yaml by the
shared loader, the functions' environment as the template declares it, and helpers that load
events/*.json (the only copies of the sample events) and invoke the handlers on them.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from newsbrief_aws import bootstrap
from newsbrief_local.runtime import LambdaContext
from newsbrief_local.template import Stack, deploy_template, load_template

from tests.conftest import FIXTURES, REPO_ROOT
from tests.support.loopback import LoopbackServer, Response

EVENTS = REPO_ROOT / "events"
ARTICLES = FIXTURES / "articles"
REGION = "us-east-1"


@dataclass
class AwsEnv:
    """The mocked account: the deployed stack and boto3 clients on it."""

    stack: Stack
    dynamodb: Any
    sqs: Any
    table_name: str
    queue_url: str
    dlq_url: str

    def queued_bodies(self) -> list[dict[str, Any]]:
        """Receive (and delete) every message waiting in the work queue."""
        bodies: list[dict[str, Any]] = []
        while True:
            out = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
            messages = out.get("Messages", [])
            if not messages:
                return bodies
            for msg in messages:
                bodies.append(json.loads(msg["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=msg["ReceiptHandle"])

    def item_count(self) -> int:
        return self.dynamodb.scan(TableName=self.table_name, Select="COUNT")["Count"]


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    """template.yaml parsed once: pure-Python YAML parsing costs more than a moto deploy."""
    return load_template()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, template: dict[str, Any]) -> Iterator[AwsEnv]:
    """A mocked AWS account with the template's resources and the functions' environment."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "POWERTOOLS_DEV": "false",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        stack = deploy_template(dynamodb, sqs, copy.deepcopy(template))
        # The environment exactly as template.yaml gives it to the API function.
        for name, value in stack.function("ApiFunction").environment.items():
            monkeypatch.setenv(name, value)
        bootstrap.reset()
        yield AwsEnv(
            stack=stack,
            dynamodb=dynamodb,
            sqs=sqs,
            table_name=stack.physical_id("Table"),
            queue_url=stack.queue_url("BriefQueue"),
            dlq_url=stack.queue_url("BriefDeadLetterQueue"),
        )
        bootstrap.reset()


def lambda_context(timeout_s: float = 29) -> LambdaContext:
    """The context a handler gets, as the local stack builds it (``timeout_s``: the template's)."""
    return LambdaContext("newsbrief-test", 1024, timeout_s, REGION)


@pytest.fixture
def context() -> LambdaContext:
    return lambda_context()


def load_event(name: str) -> dict[str, Any]:
    """A sample event from events/ (a fresh copy each time)."""
    return copy.deepcopy(json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8")))


def api_event(
    name: str,
    *,
    path: str | None = None,
    body: Any = None,
    raw_body: str | None = None,
    query: dict[str, str] | None = None,
    method: str | None = None,
) -> dict[str, Any]:
    """A sample API event with its path, body or query string replaced."""
    event = load_event(name)
    if method is not None:
        event["httpMethod"] = method
        event["requestContext"]["httpMethod"] = method
    if path is not None:
        # Any path, as the catch-all resource delivers it (the routers match on the path).
        event["path"] = path
        event["requestContext"]["path"] = "/v1" + path
        event["resource"] = event["requestContext"]["resourcePath"] = "/{proxy+}"
        event["pathParameters"] = {"proxy": path.lstrip("/")}
    if body is not None:
        event["body"] = json.dumps(body)
    if raw_body is not None:
        event["body"] = raw_body
    if query is not None:
        event["queryStringParameters"] = query or None
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} or None
    return event


@dataclass
class ApiResult:
    status: int
    body: Any
    headers: dict[str, str]
    raw: str


def api_caller(handler: Any, context: LambdaContext) -> Any:
    """Invoke an API Gateway handler on an event: status, parsed JSON body and headers."""

    def call(event: dict[str, Any]) -> ApiResult:
        out = handler(event, context)
        raw = out.get("body") or ""
        headers = {k.lower(): v for k, v in (out.get("headers") or {}).items()}
        for key, values in (out.get("multiValueHeaders") or {}).items():
            headers.setdefault(key.lower(), values[0])
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return ApiResult(out["statusCode"], parsed, headers, raw)

    return call


@pytest.fixture
def call_api(aws: AwsEnv, context: LambdaContext):
    """Invoke the API function (typed routes: writes, docs, and the contract of the reads)."""
    from functions.api.app import handler

    return api_caller(handler, context)


@pytest.fixture
def call_read(aws: AwsEnv, context: LambdaContext):
    """Invoke the read function (the GET routes as deployed)."""
    from functions.read.app import handler

    return api_caller(handler, context)


@pytest.fixture
def call_worker(aws: AwsEnv, context: LambdaContext):
    """Invoke the worker handler on an SQS event; returns its batchItemFailures ids."""
    from functions.worker.app import handler

    def call(event: dict[str, Any]) -> list[str]:
        out = handler(event, context)
        return [f["itemIdentifier"] for f in out.get("batchItemFailures", [])]

    return call


def sqs_event(bodies: list[Any], receive_count: int = 1) -> dict[str, Any]:
    """The sample SQS event with one record per body (str bodies are sent verbatim)."""
    event = load_event("worker_sqs")
    template = event["Records"][0]
    records = []
    for i, body in enumerate(bodies):
        record = copy.deepcopy(template)
        record["messageId"] = f"msg-{i:03d}"
        record["body"] = body if isinstance(body, str) else json.dumps(body)
        record["attributes"]["ApproximateReceiveCount"] = str(receive_count)
        records.append(record)
    return {"Records": records}


@pytest.fixture
def site(loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> LoopbackServer:
    """The loopback server serving the article fixtures, reachable by fetch."""
    monkeypatch.setenv("NEWSBRIEF_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("NEWSBRIEF_ALLOWED_PORTS", str(loopback.port))
    bootstrap.reset()
    for page in ARTICLES.glob("*.html"):
        loopback.add(f"/news/{page.stem}", Response(page.read_bytes()))
    loopback.add("/broken", Response(b"upstream exploded", status=500))
    loopback.add("/data.json", Response(b'{"a": 1}', headers={"Content-Type": "application/json"}))
    return loopback


@pytest.fixture
def named_hosts(site: LoopbackServer, monkeypatch: pytest.MonkeyPatch):
    """Host names under ``.example`` that resolve to the loopback site (no real DNS).

    Sites differ by name, as they do on the web (the server routes by path only). Returns
    ``url(host, path)``, the URL of ``path`` on the loopback site under that name.
    """
    from newsbrief import netguard

    real = netguard.resolve

    def resolve(host: str, port: int) -> list[str]:
        return ["127.0.0.1"] if host.endswith(".example") else real(host, port)

    monkeypatch.setattr(netguard, "resolve", resolve)
    return lambda host, path: f"http://{host}:{site.port}{path}"


def article_html(name: str) -> str:
    return (ARTICLES / f"{name}.html").read_text(encoding="utf-8")


def fixture_path(name: str) -> Path:
    return ARTICLES / name


def make_brief(url: str, fetched_at: str, text: str = "", **fields: Any) -> Any:
    """A brief built directly (no stages needed), as the store would receive it."""
    from newsbrief.brief_schema import Brief
    from newsbrief.pipeline import brief_id, source_of

    text = text or f"Body of the article at {url}. It has two sentences."
    values: dict[str, Any] = {
        "id": brief_id(url),
        "url": url,
        "canonical_url": url,
        "source": source_of(url),
        "title": f"Title of {url.rsplit('/', 1)[-1]}",
        "authors": ["A. Writer"],
        "published": "2026-11-20T08:00:00+00:00",
        "language": "en",
        "text": text,
        "word_count": len(text.split()),
        "summary": [text.split(". ")[0] + "."],
        "entities": [],
        "fetched_at": fetched_at,
    }
    values.update(fields)
    return Brief(**values)


@pytest.fixture
def stored_briefs(aws: AwsEnv) -> list[Any]:
    """Five briefs from two sources, stored through the store (fetched a minute apart)."""
    briefs = [
        make_brief(f"https://{host}/news/{n}", f"2026-11-26T10:0{i}:00+00:00")
        for i, (host, n) in enumerate(
            [("www.gazette.example", "a"), ("coastal.example", "b"), ("www.gazette.example", "c"),
             ("coastal.example", "d"), ("www.gazette.example", "e")]
        )
    ]  # fmt: skip
    store = bootstrap.store()
    for brief in briefs:
        assert store.save_brief(brief)
    return briefs


def pytest_configure(config: pytest.Config) -> None:
    # Routes that emit no business metric make powertools warn on every invocation.
    config.addinivalue_line(
        "filterwarnings", "ignore:No application metrics to publish:UserWarning"
    )
