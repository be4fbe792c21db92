"""CPU cost of the API handler in-process (moto table from template.yaml) and brief storage sizes.

    .venv/bin/python -m benchmarks.api_inprocess [--briefs 200] [--runs 5]   (from the repo root)

Prints the median CPU time (time.process_time, robust to a busy machine) per request for the
read routes, of which moto's own request handling is a part (so real DynamoDB calls add network
latency but take CPU off the function; the list route's time is almost all moto evaluating its
index over every item), and how much gzip saves on stored briefs.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def _event(name: str, **changes: Any) -> dict[str, Any]:
    event = json.loads((REPO / "events" / f"{name}.json").read_text(encoding="utf-8"))
    event = copy.deepcopy(event)
    if "path" in changes:
        event["path"] = changes["path"]
    if "query" in changes:
        event["queryStringParameters"] = changes["query"]
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in changes["query"].items()}
    return event


def _summarize_event() -> dict[str, Any]:
    # One of the repository's own realistic article pages: the whole brief path, no network.
    page = REPO / "tests" / "fixtures" / "articles" / "tram_line.html"
    event = _event("api_summarize")
    event["body"] = json.dumps({"html": page.read_text(encoding="utf-8"), "sentences": 3})
    return event


def _context() -> Any:
    from newsbrief_local.runtime import LambdaContext

    return LambdaContext("bench", 1024, 29, "us-east-1")


def _brief(i: int, words: int) -> Any:
    from newsbrief.brief_schema import Brief
    from newsbrief.pipeline import brief_id

    url = f"https://news{i % 5}.example/story/{i}"
    sentence = "The council met on Tuesday to discuss the new harbour tram line and its budget. "
    text = sentence * max(1, words // 15)
    return Brief(
        id=brief_id(url), url=url, canonical_url=url, source=f"news{i % 5}.example",
        title=f"Story {i}", authors=["A. Writer"], published="2026-11-26T08:00:00+00:00",
        language="en", text=text, word_count=len(text.split()), summary=[sentence.strip()] * 3,
        entities=[], fetched_at=f"2026-11-26T{i // 60 % 24:02d}:{i % 60:02d}:00+00:00",
    )  # fmt: skip


def main() -> None:
    """Run the benchmark and print its numbers."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--briefs", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    os.environ.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1"
    )
    import warnings

    import boto3
    from moto import mock_aws
    from newsbrief_local.template import deploy_template

    # Read routes emit no business metric; powertools warns about that on every request.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    with mock_aws():
        stack = deploy_template(boto3.client("dynamodb"), boto3.client("sqs"))
        os.environ.update(stack.function("ApiFunction").environment)
        from newsbrief_aws import bootstrap

        from functions.api.app import handler

        bootstrap.reset()
        store = bootstrap.store()
        briefs = [_brief(i, 800) for i in range(args.briefs)]
        for brief in briefs:
            store.save_brief(brief)

        cases = {
            "GET /articles/{id}": lambda i: _event(
                "api_article_get", path=f"/articles/{briefs[i % len(briefs)].id}"
            ),
            "GET /articles?limit=20": lambda i: _event("api_articles_list", query={"limit": "20"}),
            "GET /health": lambda i: _event("api_health"),
            "POST /summarize (html)": lambda i: _summarize_event(),
        }
        ctx = _context()
        handler(_summarize_event(), _context())  # load the stages once, as a warm function has
        for name, make in cases.items():
            per_run = []
            for _ in range(args.runs):
                events = [make(i) for i in range(args.requests)]
                start = time.process_time()
                for event in events:
                    assert handler(event, ctx)["statusCode"] == 200
                per_run.append((time.process_time() - start) / args.requests * 1000)
            print(f"{name:<24} median CPU {statistics.median(per_run):6.2f} ms/request")

    _storage_sizes()


def _storage_sizes() -> None:
    # Real article bodies compress very differently from repeated sentences: use the
    # extraction set's ground truth when it is there (read only, never copied).
    shared = Path(os.environ.get("NEWSBRIEF_SHARED_DIR", REPO.parent / "shared"))
    truth = shared / "data" / "extraction" / "ground-truth.json"
    if not truth.exists():
        print(f"storage sizes skipped: {truth} is absent")
        return
    ratios, sizes = [], []
    for i, entry in enumerate(json.loads(truth.read_text(encoding="utf-8")).values()):
        brief = _brief(i, 10).model_copy(update={"text": entry["articleBody"]})
        raw = brief.model_dump_json().encode()
        packed = gzip.compress(raw, compresslevel=6)
        ratios.append(len(packed) / len(raw))
        sizes.append(len(packed))
    print(
        f"{len(sizes)} real article briefs: stored gzip median "
        f"{statistics.median(sizes) / 1024:.1f} KiB, max {max(sizes) / 1024:.1f} KiB, "
        f"median size {statistics.median(ratios):.0%} of the JSON "
        "(one item holds up to 300 KB inline, chunks beyond)"
    )


if __name__ == "__main__":
    main()
