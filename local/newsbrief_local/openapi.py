"""The committed OpenAPI document (docs/openapi.json), generated from the API's own routes.

``python -m newsbrief_local.openapi --write`` (``make openapi``) regenerates it; ``--check``
exits 1 when the committed file differs from what the code describes (tests do the same).
The spec is what ``GET /docs?format=json`` serves (newsbrief_aws.api_docs over the resolver of
functions/api/app.py), so route, model and validation changes show up here without anyone
editing JSON by hand. The committed copy names the server ``/``; the served one names the
prefix it was served under.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DOC_PATH = REPO_ROOT / "docs" / "openapi.json"


def openapi_document() -> str:
    """The API's OpenAPI document as the resolver produces it, as stable indented JSON."""
    from newsbrief_aws.api_docs import openapi_document

    from functions.api.app import app  # the repo root is importable in development

    spec = openapi_document(app, "/")
    # Sorted keys: route registration order must not show up as a diff.
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write or check docs/openapi.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="regenerate the document")
    action.add_argument("--check", action="store_true", help="exit 1 when it is stale")
    parser.add_argument("--path", type=Path, default=DOC_PATH)
    args = parser.parse_args(argv)
    document = openapi_document()
    if args.write:
        args.path.parent.mkdir(parents=True, exist_ok=True)
        args.path.write_text(document, encoding="utf-8")
        print(f"wrote {args.path}")
        return 0
    current = args.path.read_text(encoding="utf-8") if args.path.exists() else ""
    if current != document:
        print(f"{args.path} is stale: run `make openapi` and commit it", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
