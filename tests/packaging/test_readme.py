"""The README is a contract: the sentences a test can check (commands, paths, status codes,
error codes, limits) are checked here against the code, the template and the OpenAPI document."""

from __future__ import annotations

import json
import re

import pytest
from newsbrief_local.template import load_template

from tests.conftest import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
DOCUMENT = json.loads((REPO_ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
TEMPLATE = load_template()


def _resource(name: str) -> dict:
    return TEMPLATE["Resources"][name]["Properties"]


def test_every_make_target_named_exists() -> None:
    named = set(re.findall(r"`make (\w[\w-]*)", README)) | set(
        re.findall(r"^make (\w+)", README, re.M)
    )
    targets = set(re.findall(r"^([\w-]+):", MAKEFILE, re.M))
    assert named and not named - targets, named - targets


def test_every_repository_path_named_exists() -> None:
    roots = ("tests/", "layers/", "functions/", "benchmarks/", "docs/", "local/", "events/")
    paths = {
        p.rstrip(".,)")
        for p in re.findall(r"`([\w./-]+)`", README) + re.findall(r"\s(tests/[\w./-]+)", README)
        if p.startswith(roots) and "*" not in p
    }
    missing = sorted(p for p in paths if not (REPO_ROOT / p).exists())
    assert paths and not missing, missing


def test_error_code_table_matches_the_api() -> None:
    from newsbrief_aws.error_responses import ERROR_CODES

    table = dict(re.findall(r"^\| `(\w+)` \| (\d{3}) \|", README, re.M))
    assert table, "the README has no error code table"
    for code, status in table.items():
        assert ERROR_CODES[code][0] == int(status), code
    # The codes outside the table are named, with their status, after the API's routes.
    for code, (status, _) in ERROR_CODES.items():
        if code not in table:
            said = rf"`{code}`[^(]*\({status}\b|\b{status} `{code}`"
            assert re.search(said, README), f"{code} ({status})"


def test_route_table_is_the_documented_api() -> None:
    rows = re.findall(r"^\| `(GET|POST|DELETE) (/[\w/{}]*)` \|", README, re.M)
    readme_routes = {(m, re.sub(r"\{\w+\}", "{}", p)) for m, p in rows}
    documented = {
        (method.upper(), re.sub(r"\{\w+\}", "{}", path))
        for path, item in DOCUMENT["paths"].items()
        for method in item
    } | {("GET", "/docs")}  # the document does not list itself
    assert readme_routes == documented


@pytest.mark.parametrize(
    ("route", "statuses"),
    [(("post", "/articles"), {"200", "201", "202"}), (("delete", "/feeds/{feed_id}"), {"204"}),
     (("post", "/summarize"), {"200"}), (("post", "/feeds"), {"200", "201"})],
)  # fmt: skip
def test_success_statuses_in_the_route_table_are_documented(route, statuses) -> None:
    method, path = route
    assert statuses <= set(DOCUMENT["paths"][path][method]["responses"])
    row = next(
        line
        for line in README.splitlines()
        if line.startswith(f"| `{method.upper()} {path.replace('feed_id', 'id')}`")
    )
    for status in statuses:
        assert f"**{status}**" in row or f"**{status}**" in README


def test_limits_stated_are_the_code_limits() -> None:
    from newsbrief.extract import MAX_ELEMENTS
    from newsbrief.pipeline import DEFAULT_SENTENCES, MAX_ANALYSED_CHARS, MAX_SENTENCES
    from newsbrief_aws import api_articles, api_feeds
    from newsbrief_aws.api_read import DEFAULT_LIST_LIMIT
    from newsbrief_aws.error_responses import MAX_BODY_BYTES
    from newsbrief_aws.store import MAX_LIST_LIMIT

    assert f"1-{MAX_SENTENCES} ({DEFAULT_SENTENCES})" in README
    assert f"up to {api_articles.MAX_BATCH_URLS}" in README
    assert f"limit=1-{MAX_LIST_LIMIT} ({DEFAULT_LIST_LIMIT})" in README
    interval = f"{api_feeds.MIN_INTERVAL_MINUTES}-{api_feeds.MAX_INTERVAL_MINUTES}"
    assert f"{interval} ({api_feeds.DEFAULT_INTERVAL_MINUTES})" in README
    assert f"first {MAX_ANALYSED_CHARS:,} characters" in README
    assert f"more than {MAX_ELEMENTS:,} elements" in README
    assert re.search(rf"bodies over\s+{MAX_BODY_BYTES // 2**20} MB", README)


def test_the_deferral_cap_stated_is_the_code_cap() -> None:
    from newsbrief import crawl

    cap = rf"could not be read on\s+{crawl.MAX_DEFERRALS}\s+polls"
    assert len(re.findall(cap, README)) == 2  # the route table and the feed polling section
    assert re.search(rf"at most\s+{crawl.MAX_TRACKED_DEFERRALS}\s+entries", README)
    summary = DOCUMENT["components"]["schemas"]["PollSummary"]["properties"]["abandoned"]
    assert re.search(cap, summary["description"])


def test_queue_facts_are_the_template() -> None:
    queue = _resource("BriefQueue")
    minutes = queue["VisibilityTimeout"] // 60
    assert f"the {minutes}-minute visibility timeout" in README
    speedup = re.search(
        r"tests use (\d+): the \d+-minute visibility timeout becomes ([\d.]+) s", README
    )
    assert speedup and float(speedup.group(2)) == queue["VisibilityTimeout"] / int(speedup.group(1))
    tries = {3: "three"}[queue["RedrivePolicy"]["maxReceiveCount"]]
    assert f"retried {tries} times" in README
    assert _resource("BriefDeadLetterQueue")["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert "for two weeks" in README
    worker_events = _resource("WorkerFunction")["Events"]
    sqs = next(e["Properties"] for e in worker_events.values() if e["Type"] == "SQS")
    assert f"batches of {sqs['BatchSize']}" in README
    assert f"at most {sqs['ScalingConfig']['MaximumConcurrency']} concurrent" in README


def test_curl_examples_that_send_a_body_say_it_is_json() -> None:
    commands = re.findall(r"curl (?:[^\n]|\\\n)*", README)
    with_body = [c for c in commands if " -d " in c or " -d@" in c]
    assert with_body
    for command in with_body:
        assert "content-type: application/json" in command.lower(), command


def test_the_python_make_test_needs_is_the_build_target() -> None:
    from layers.deps import build_layer  # noqa: F401 - only its constant is read

    assert f"CPython {build_layer.TARGET_PYTHON}" in README
    assert f"python{build_layer.TARGET_PYTHON}" in README
    assert "python3` (3.11 or newer)" in README
    assert 'requires-python = ">=3.11"' in (REPO_ROOT / "pyproject.toml").read_text()


def test_the_card_fields_listed_are_the_documented_card() -> None:
    listed = re.search(r"items are cards \(([\w, ]+)\) without the text", README)
    assert listed, "the README no longer lists the fields of a card"
    card = DOCUMENT["components"]["schemas"]["BriefCard"]
    assert [f.strip() for f in listed.group(1).split(",")] == list(card["required"])
