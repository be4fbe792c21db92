"""A stranger's client works first time: the document `/docs` serves passes an OpenAPI
validator, and a Python client generated from it (openapi-python-client, unchanged) drives the
local stack, started as `make run` starts it, through the server the document names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from newsbrief_local.openapi import DOC_PATH
from openapi_spec_validator import validate

from tests.conftest import FIXTURES
from tests.e2e.conftest import RunningStack, page
from tests.support.loopback import LoopbackServer, Response

pytestmark = pytest.mark.e2e

PACKAGE = "newsbrief_client"

# Runs in a fresh interpreter beside the generated package: only what a stranger would write.
DRIVER = textwrap.dedent(
    """
    import json, sys
    from newsbrief_client import Client
    from newsbrief_client.api.default import (
        create_articles, create_feed, get_article, health, list_articles, summarize,
    )
    from newsbrief_client.models import ArticleRequest, Brief, Error, FeedRequest, SummarizeHtml

    base_url, key, article_url, html = sys.argv[1:5]
    client = Client(base_url=base_url, headers={"x-api-key": key}, raise_on_unexpected_status=True)
    out = {}
    out["health"] = health.sync(client=client).to_dict()
    brief = summarize.sync(client=client, body=SummarizeHtml(html=html, sentences=2))
    out["summarize"] = brief.to_dict()
    created = create_articles.sync_detailed(client=client, body=ArticleRequest(url=article_url))
    out["create_status"] = int(created.status_code)
    out["created"] = created.parsed.to_dict()
    again = get_article.sync(client=client, article_id=created.parsed.id)
    out["get"] = again.to_dict()
    out["list"] = list_articles.sync(client=client, limit=5).to_dict()
    missing = get_article.sync_detailed(client=client, article_id="0" * 24)
    out["missing_status"] = int(missing.status_code)
    out["missing"] = missing.parsed.to_dict()
    refused = create_feed.sync_detailed(client=client, body=FeedRequest(url="http://10.0.0.1/f"))
    out["refused_status"] = int(refused.status_code)
    out["refused"] = refused.parsed.to_dict()
    out["types"] = [type(brief).__name__, type(missing.parsed).__name__]
    print(json.dumps(out))
    """
)


@pytest.fixture(scope="module")
def site() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.add("/news/river", Response(page("river_dredging.html")))
    server.start()
    yield server
    server.stop()


def _served_document(stack: RunningStack) -> dict[str, Any]:
    reply = stack.request("GET", "/docs?format=json", key=None)
    assert reply.status == 200, reply.raw
    return reply.json


def test_served_and_committed_documents_are_valid_openapi(stack: RunningStack) -> None:
    served = _served_document(stack)
    validate(served)
    validate(json.loads(DOC_PATH.read_text(encoding="utf-8")))
    # The server it names is where the stack answers (the root: no stage in the local path).
    assert served["servers"] == [{"url": "/"}]


def test_a_generated_client_drives_the_stack(
    stack: RunningStack, site: LoopbackServer, tmp_path: Path
) -> None:
    document = _served_document(stack)
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    # The generator formats its output with ruff: the venv's, on PATH as a stranger has it.
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    generate = subprocess.run(
        [str(bin_dir / "openapi-python-client"), "generate", "--path", str(spec),
         "--meta", "none", "--output-path", str(tmp_path / PACKAGE)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert generate.returncode == 0, generate.stdout + generate.stderr
    (tmp_path / "driver.py").write_text(DRIVER, encoding="utf-8")
    # The base URL is the document's own server, resolved against where it was served from.
    base_url = urljoin(f"{stack.url}/docs", document["servers"][0]["url"])
    html = (FIXTURES / "cli" / "harbour-bridge.html").read_text(encoding="utf-8")
    drive = subprocess.run(
        [sys.executable, "driver.py", base_url, stack.api_key, site.url("/news/river"), html],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )  # fmt: skip
    assert drive.returncode == 0, drive.stdout + drive.stderr
    out = json.loads(drive.stdout)
    assert out["health"]["status"] == "ok"
    assert out["types"] == ["Brief", "Error"]
    assert len(out["summarize"]["summary"]) == 2 and out["summarize"]["text"]
    assert out["create_status"] in (200, 201)
    assert out["created"]["title"].startswith("Council approves")
    assert out["get"]["id"] == out["created"]["id"]
    assert out["created"]["id"] in [item["id"] for item in out["list"]["items"]]
    assert out["missing_status"] == 404 and out["missing"]["error"]["code"] == "not_found"
    assert out["refused_status"] == 403
    assert out["refused"]["error"]["code"] == "destination_refused"
