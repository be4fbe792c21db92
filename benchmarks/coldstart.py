"""Cold start of each Lambda handler, measured on the artifacts as they are built and pruned.

The two layers and the functions are built for this machine and Lambda's Python version (3.13,
found like the real build finds it; else this interpreter) with build_layer.py --host: the same
pruning and precompiled bytecode as the arm64 build, into .aws-sam/coldstart/<python>/. Each
case then runs in a fresh process of that Python whose sys.path is exactly Lambda's:
function folder, core layer, deps layer, then what the Lambda runtime provides (boto3 and its
dependencies only): a module the pruning removed but a handler needs fails here.

Cases (CPU time of import + the first event, median of several fresh processes):
  read-import      import functions/read/app.py (the GET routes as deployed)
  read-get         + GET /articles/{id} (store call against a closed port: no network)
  read-list        + GET /articles
  read-health      + GET /health
  read-restored    GET /articles/{id} after the SnapStart hook ran (the snapshot restored)
  api-import       import functions/api/app.py (writes, docs)
  api-summarize    + POST /summarize (the briefing path: extract, summarize, entities)
  api-restored     POST /summarize after the SnapStart hook ran
  api-lsa          + POST /summarize asking for sumy's LSA (imports sumy, NLTK, numpy)
  api-lsa-restored POST /summarize with LSA after the SnapStart hook ran
  worker-import    import functions/worker/app.py
  scheduler-import import functions/scheduler/app.py

"import" is the handler module's import; "total" adds the first event, including the AWS SDK
import and client creation that the store does on first use. A "restored" case runs the
before-snapshot hook (with a stand-in for the runtime's snapshot_restore_py) before the clock
starts: what a SnapStart restore skips.

It also says which heavy modules each case imported (the read function must load none) and
prints the unzipped and zipped sizes of the arm64 artifacts in .aws-sam/build when `make build`
ran.

    python benchmarks/coldstart.py [--runs 5] [--rebuild] [--python PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import statistics
import subprocess
import sys
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
BUILD_SCRIPT = REPO_ROOT / "layers" / "deps" / "build_layer.py"
HOST_BUILD = REPO_ROOT / ".aws-sam" / "coldstart"
SAM_BUILD = REPO_ROOT / ".aws-sam" / "build"
EVENTS = REPO_ROOT / "events"
# What the Lambda Python runtime puts on sys.path after the layers (boto3 and its dependencies).
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "dateutil", "six.py", "jmespath", "urllib3")
# Modules the read routes must never import (they exist for the briefing path only).
HEAVY = ("sumy", "nltk", "bs4", "lxml", "numpy", "pydantic")
# Issue 9: read routes' cold import under 300 ms, the briefing path under 900 ms (CPU).
IMPORT_GOALS_MS = {"read-import": 300}
TOTAL_GOALS_MS = {"api-summarize": 900}
DEPLOYMENT_LIMIT_MB = 100  # the project's own budget; Lambda's hard limit is 250 MB unzipped

CASES: dict[str, tuple[str, str | None, bool]] = {
    "read-import": ("read", None, False),
    "read-get": ("read", "api_article_get.json", False),
    "read-list": ("read", "api_articles_list.json", False),
    "read-health": ("read", "api_health.json", False),
    "read-restored": ("read", "api_article_get.json", True),
    "api-import": ("api", None, False),
    "api-summarize": ("api", "api_summarize.json", False),
    "api-restored": ("api", "api_summarize.json", True),
    "api-lsa": ("api", "api_summarize.json", False),
    "api-lsa-restored": ("api", "api_summarize.json", True),
    "worker-import": ("worker", None, False),
    "scheduler-import": ("scheduler", None, False),
}
# Fields a case sets in its event's JSON body (the sample events ask for the defaults).
BODY_CHANGES: dict[str, dict[str, object]] = {
    "api-lsa": {"algorithm": "lsa"},
    "api-lsa-restored": {"algorithm": "lsa"},
}
FUNCTIONS = ("api", "read", "worker", "scheduler")
# Stand-in for the module Lambda's Python runtime gives SnapStart functions: collects hooks.
FAKE_SNAPSHOT_RUNTIME = """
HOOKS = []
def register_before_snapshot(func, *args, **kwargs):
    HOOKS.append(func)
    return func
def register_after_restore(func, *args, **kwargs):
    return func
"""

# Runs inside the fresh process: sys.path is set by the parent (-I -S ignore everything else).
PROBE = r"""
import json, os, sys, time
sys.path[:0] = json.loads(os.environ["COLDSTART_PATH"])
event_file = os.environ.get("COLDSTART_EVENT")
event = json.load(open(event_file)) if event_file else None
if os.environ.get("COLDSTART_BODY"):  # a case's own fields in the sample event's body
    changes = json.loads(os.environ["COLDSTART_BODY"])
    event["body"] = json.dumps({**json.loads(event["body"]), **changes})

class Context:
    function_name = "coldstart"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:coldstart"
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    def get_remaining_time_in_millis(self):
        return 29000

restored = os.environ.get("COLDSTART_RESTORED") == "1"
if restored:  # init and the before-snapshot hook happen before the snapshot: not timed
    import app
    for hook in sys.modules["snapshot_restore_py"].HOOKS:
        hook()
start = time.process_time()
import app
imported = time.process_time()
status = None
if event is not None:
    response = app.handler(event, Context())
    status = response.get("statusCode")
done = time.process_time()
if event is not None and status == 200:  # which summarizer answered (LSA, or its fallback)
    made_by = json.loads(response.get("body") or "{}").get("summary_algorithm")
    status = f"{status} {made_by}" if made_by and made_by != "newsbrief" else status
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(os.environ["HEAVY"])))
print(json.dumps({"import": imported - start, "total": done - start, "status": status,
                  "heavy": heavy}))
"""


def pick_python(requested: str | None) -> str:
    """The interpreter to build and measure with: as asked, else Lambda's 3.13, else this one."""
    if requested:
        return requested
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_layer", BUILD_SCRIPT)
    assert spec and spec.loader
    build_layer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_layer)
    try:
        return build_layer.find_target_python()
    except build_layer.BuildError:
        return sys.executable


def _fingerprint() -> str:
    """What the host build depends on: rebuild the deps layer only when it changes."""
    digest = hashlib.sha256()
    for path in (BUILD_SCRIPT, REPO_ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_host(python: str, version: str, rebuild: bool) -> dict[str, Path]:
    """Build the host variant of every artifact (the deps layer is cached by fingerprint)."""
    root = HOST_BUILD / f"py{version}"
    paths = {
        "deps": root / "deps" / "python",
        "core": root / "core" / "python",
        **{name: root / name for name in FUNCTIONS},
    }
    stamp = root / "deps.fingerprint"
    run = [python, str(BUILD_SCRIPT)]
    if rebuild or not stamp.exists() or stamp.read_text() != _fingerprint():
        subprocess.run(["rm", "-rf", str(root / "deps")], check=True)
        subprocess.run([*run, "deps", "--host", "--out", str(paths["deps"])], check=True)
        stamp.write_text(_fingerprint())
    # The core and the functions change often and build in a second: always fresh.
    subprocess.run(["rm", "-rf", str(root / "core")], check=True)
    subprocess.run([*run, "core", "--host", "--out", str(paths["core"])], check=True)
    for name in FUNCTIONS:
        subprocess.run(["rm", "-rf", str(paths[name])], check=True)
        source = REPO_ROOT / "functions" / name
        subprocess.run(
            [*run, "function", "--host", "--source", str(source), "--out", str(paths[name])],
            check=True,
        )
    return paths


def runtime_dir() -> Path:
    """A folder holding only what the Lambda runtime provides, linked from this venv."""
    import boto3  # the dev venv has it; Lambda's runtime does too

    site = Path(boto3.__file__).resolve().parents[1]
    folder = HOST_BUILD / "runtime"
    folder.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_PROVIDED:
        link = folder / name
        if not link.exists() and (site / name).exists():
            link.symlink_to(site / name)
    return folder


def snapshot_runtime_dir() -> Path:
    """A folder holding the stand-in snapshot_restore_py (on sys.path for restored cases)."""
    folder = HOST_BUILD / "snapshot-runtime"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "snapshot_restore_py.py").write_text(FAKE_SNAPSHOT_RUNTIME, encoding="utf-8")
    return folder


def run_case(
    python: str,
    paths: dict[str, Path],
    function: str,
    event: str | None,
    restored: bool = False,
    body: dict[str, object] | None = None,
) -> dict:
    """One fresh process: import the handler (and handle one event) on Lambda's sys.path."""
    sys_path = [str(paths[function]), str(paths["core"]), str(paths["deps"]), str(runtime_dir())]
    if restored:
        sys_path.append(str(snapshot_runtime_dir()))
    env = {
        "PATH": os.environ.get("PATH", ""),
        "COLDSTART_PATH": json.dumps(sys_path),
        "HEAVY": json.dumps(HEAVY),
        # What template.yaml sets; the store points at a closed port so nothing leaves here.
        "TABLE_NAME": "coldstart",
        "QUEUE_URL": "http://127.0.0.1:9/queue/coldstart",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "coldstart",
        "AWS_SECRET_ACCESS_KEY": "coldstart",
        "AWS_MAX_ATTEMPTS": "1",
        "POWERTOOLS_SERVICE_NAME": f"newsbrief-{function}",
        "POWERTOOLS_METRICS_NAMESPACE": "newsbrief",
        "POWERTOOLS_DEV": "false",
    }
    if event:
        env["COLDSTART_EVENT"] = str(EVENTS / event)
    if restored:
        env["COLDSTART_RESTORED"] = "1"
    if body:
        env["COLDSTART_BODY"] = json.dumps(body)
    out = subprocess.run(
        [python, "-I", "-S", "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{function} {event or ''} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def tree_size(root: Path) -> tuple[int, int]:
    """Unzipped bytes of a tree and the size of its zip (what Lambda stores)."""
    unzipped = 0
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                unzipped += path.stat().st_size
                archive.write(path, path.relative_to(root))
    return unzipped, buffer.tell()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the deps layer too")
    parser.add_argument("--python", help="interpreter to build and measure with")
    args = parser.parse_args()

    python = pick_python(args.python)
    version = subprocess.run(
        [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    paths = build_host(python, version, args.rebuild)
    print(f"cold start, CPU ms, median of {args.runs} fresh processes (python {version})")
    print(f"{'case':<17}{'import':>8}{'total':>8}{'goal':>11}  status  heavy modules loaded")
    print("(a restored case's heavy modules were loaded by the SnapStart hook, before the clock)")
    for case, (function, event, restored) in CASES.items():
        if event and not (EVENTS / event).exists():
            print(f"{case:<17}  (no events/{event})")
            continue
        body = BODY_CHANGES.get(case)
        results = [
            run_case(python, paths, function, event, restored, body) for _ in range(args.runs)
        ]
        imp = statistics.median(r["import"] for r in results) * 1000
        total = statistics.median(r["total"] for r in results) * 1000
        goal = ""
        if case in IMPORT_GOALS_MS:
            limit = IMPORT_GOALS_MS[case]
            goal = f"import<{limit}" + ("" if imp <= limit else "!")
        elif case in TOTAL_GOALS_MS:
            limit = TOTAL_GOALS_MS[case]
            goal = f"total<{limit}" + ("" if total <= limit else "!")
        heavy = ",".join(results[0]["heavy"]) or "-"
        status = results[0]["status"]
        print(f"{case:<17}{imp:>8.0f}{total:>8.0f}{goal:>11}  {status!s:>6}  {heavy}")
        sys.stdout.flush()

    if SAM_BUILD.exists():
        print("\narm64 artifacts (.aws-sam/build), MB")
        print(f"{'artifact':<18}{'unzipped':>10}{'zipped':>9}")
        total_unzipped = 0
        for artifact in sorted(p for p in SAM_BUILD.iterdir() if p.is_dir()):
            unzipped, zipped = tree_size(artifact)
            total_unzipped += unzipped
            print(f"{artifact.name:<18}{unzipped / 1e6:>10.1f}{zipped / 1e6:>9.1f}")
        verdict = "ok" if total_unzipped / 1e6 < DEPLOYMENT_LIMIT_MB else "OVER BUDGET"
        budget = f"(budget {DEPLOYMENT_LIMIT_MB}: {verdict})"
        print(f"{'total':<18}{total_unzipped / 1e6:>10.1f}  {budget}")
    else:
        print("\n(no .aws-sam/build: run `make build` for the arm64 artifact sizes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
