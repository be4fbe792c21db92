"""docs/openapi.json is what the API's resolver describes: a route or model change that is not
regenerated (`make openapi`) fails here, so the published spec never drifts from the code."""

from __future__ import annotations

import json

from newsbrief_local.openapi import DOC_PATH, main, openapi_document


def test_committed_spec_matches_the_code() -> None:
    assert DOC_PATH.exists(), "docs/openapi.json is missing: run `make openapi`"
    committed = json.loads(DOC_PATH.read_text(encoding="utf-8"))
    current = json.loads(openapi_document())
    stale = sorted(set(committed["paths"]) ^ set(current["paths"]))
    assert not stale, f"routes differ from docs/openapi.json: {stale}; run `make openapi`"
    # servers is per request (the prefix a document was served under): all else must agree.
    assert committed["servers"] == [{"url": "/"}]
    committed.pop("servers"), current.pop("servers")
    assert committed == current, "docs/openapi.json is stale: run `make openapi` and commit it"


def test_spec_documents_every_route_with_a_summary() -> None:
    spec = json.loads(openapi_document())
    assert spec["openapi"].startswith("3.")
    operations = [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert operations, "the API documents no route"
    for path, method, op in operations:
        assert op.get("summary"), f"{method.upper()} {path} has no summary"
        assert op.get("responses"), f"{method.upper()} {path} documents no response"


def test_check_mode_reports_a_stale_file(tmp_path, capsys) -> None:
    stale = tmp_path / "openapi.json"
    stale.write_text('{"openapi": "3.1.0", "paths": {}}\n', encoding="utf-8")
    assert main(["--check", "--path", str(stale)]) == 1
    assert "make openapi" in capsys.readouterr().err
    assert main(["--write", "--path", str(stale)]) == 0
    assert main(["--check", "--path", str(stale)]) == 0
