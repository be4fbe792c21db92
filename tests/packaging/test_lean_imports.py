"""The read function stays lean; the API function's SnapStart snapshot holds the briefing path.

Each case runs in a fresh interpreter (this test process has imported everything already), with
AWS pointed at a closed loopback port so the store fails fast without any network.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.coldstart import FAKE_SNAPSHOT_RUNTIME
from tests.conftest import REPO_ROOT

HEAVY = ["sumy", "nltk", "bs4", "lxml", "pydantic"]
API = "functions.api.app"
READ = "functions.read.app"

PROBE = r"""
import importlib, json, sys
event_names = json.loads(sys.argv[1])
api = importlib.import_module(sys.argv[3])

from newsbrief_local.runtime import LambdaContext

statuses = []
for name in event_names:
    event = json.load(open("events/" + name + ".json"))
    context = LambdaContext("probe", 1024, 29, "us-east-1")
    statuses.append(api.handler(event, context)["statusCode"])
hooks = getattr(sys.modules.get("snapshot_restore_py"), "HOOKS", [])
for hook in hooks:
    hook()
loaded = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(sys.argv[2])))
stages = sorted(m for m in sys.modules if m in (
    "newsbrief.extract", "newsbrief.summarize", "newsbrief.entities", "newsbrief.fetch"))
sdk = getattr(sys.modules.get("boto3"), "DEFAULT_SESSION", None) is not None
# (powertools imports botocore's bare package for its user agent: a millisecond, not counted)
deferred = sorted(m for m in sys.modules if m in ("boto3", "botocore.client", "botocore.config",
    "botocore.exceptions", "aws_lambda_powertools.event_handler.openapi.models"))
print(json.dumps({"statuses": statuses, "heavy": loaded, "hooks": len(hooks), "stages": stages,
                  "sdk_warm": sdk, "deferred": deferred}))
"""


def _probe(events: list[str], extra_path: Path | None = None, module: str = API) -> dict:
    env = {
        **os.environ,
        "TABLE_NAME": "probe",
        "QUEUE_URL": "http://127.0.0.1:9/queue/probe",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # closed: the store fails at once, locally
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "probe",
        "AWS_SECRET_ACCESS_KEY": "probe",
        "AWS_MAX_ATTEMPTS": "1",
        "POWERTOOLS_SERVICE_NAME": "newsbrief-api",
        "POWERTOOLS_METRICS_NAMESPACE": "newsbrief",
    }
    if extra_path is not None:
        env["PYTHONPATH"] = str(extra_path)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(events), json.dumps(HEAVY), module],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_read_function_never_imports_pydantic_the_parser_or_summarizer() -> None:
    events = ["api_health", "api_article_get", "api_articles_list", "api_feeds_list"]
    result = _probe(events, module=READ)
    assert result["statuses"][0] == 200
    # The store is unreachable: the read routes answer 503, but must not have loaded stages.
    assert result["statuses"][1:] == [503, 503, 503]
    assert result["heavy"] == [], f"read routes imported {result['heavy']}"
    assert result["stages"] == []
    assert result["hooks"] == 0  # no SnapStart runtime here: nothing registered


def test_read_function_snapshot_holds_the_sdk_and_no_stages(tmp_path: Path) -> None:
    (tmp_path / "snapshot_restore_py.py").write_text(FAKE_SNAPSHOT_RUNTIME, encoding="utf-8")
    result = _probe([], extra_path=tmp_path, module=READ)
    assert result["hooks"] == 1
    assert result["sdk_warm"]
    assert result["stages"] == [] and result["heavy"] == []


def test_api_function_reads_never_import_the_parser_or_summarizer() -> None:
    """The typed read routes (the contract, also served in-process) stay off the stages."""
    result = _probe(["api_health", "api_article_get", "api_articles_list", "api_docs"])
    assert result["statuses"][0] == 200
    assert result["statuses"][1] == 503
    assert set(result["heavy"]) == {"pydantic"}, f"read routes imported {result['heavy']}"
    assert result["stages"] == []
    assert result["hooks"] == 0


def test_snapstart_hook_loads_the_briefing_path_into_the_snapshot(tmp_path: Path) -> None:
    (tmp_path / "snapshot_restore_py.py").write_text(FAKE_SNAPSHOT_RUNTIME, encoding="utf-8")
    result = _probe([], extra_path=tmp_path)
    assert result["hooks"] == 1
    assert result["sdk_warm"], "boto3's default session should hold the parsed models"
    assert result["stages"] == [
        "newsbrief.entities",
        "newsbrief.extract",
        "newsbrief.fetch",
        "newsbrief.summarize",
    ]


def test_routes_without_the_store_load_neither_the_sdk_nor_the_openapi_models() -> None:
    """GET /health pays for no AWS SDK and no OpenAPI models (~250 ms of a cold start)."""
    for module in (API, READ):
        result = _probe(["api_health"], module=module)
        assert result["statuses"] == [200], module
        assert result["deferred"] == [], module


def test_docs_are_served_although_registered_on_first_use() -> None:
    result = _probe(["api_health", "api_docs", "api_docs", "api_health"])
    assert result["statuses"] == [200, 200, 200, 200]
    assert "aws_lambda_powertools.event_handler.openapi.models" in result["deferred"]


def test_briefing_english_text_does_not_import_nltk() -> None:
    """Snowball stemming comes from snowballstemmer; NLTK (~0.5 s) is for sumy's own stemmers."""
    result = _probe(["api_summarize"])
    assert result["statuses"] == [200]
    assert "nltk" not in result["heavy"]
