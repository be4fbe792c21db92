"""``python -m newsbrief_local``: run the local stack until Ctrl-C (what ``make run`` does)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from newsbrief.errors import NewsbriefError

from .server import LocalStack, LocalStackConfig
from .template import REPO_ROOT, TemplateError

# The local stack's data between runs: git-ignored, private to the user (persistence.py).
DEFAULT_STATE_DIR = REPO_ROOT / ".local"


def _parameter(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected Name=Value, got {text!r}")
    return name, value


def main(argv: list[str] | None = None) -> int:
    """Parse flags, start the stack, print where it listens, block until a signal."""
    parser = argparse.ArgumentParser(
        prog="python -m newsbrief_local",
        description="The newsbrief Lambda functions over HTTP against an embedded moto server.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    parser.add_argument("--port", type=int, default=3000, help="port (0 picks a free one)")
    parser.add_argument("--template", type=Path, help="template file (default: template.yaml)")
    parser.add_argument(
        "--parameter",
        action="append",
        type=_parameter,
        default=[],
        metavar="NAME=VALUE",
        help="override a template parameter (repeatable)",
    )
    parser.add_argument("--concurrency", type=int, help="processes per function")
    parser.add_argument("--speedup", type=float, help="divide schedule periods and retry delays")
    parser.add_argument(
        "--events-log",
        type=Path,
        help="where the bus's events are written (default: events.jsonl in the state folder)",
    )
    parser.add_argument("--events-url", help="also POST every event to this loopback URL")
    parser.add_argument("--quiet", action="store_true", help="no access log")
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=DEFAULT_STATE_DIR,
        help="where briefs, feeds and queued URLs are kept across restarts (default: .local/)",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="start from a clean slate (discard the saved state)"
    )
    parser.add_argument(
        "--in-memory", action="store_true", help="keep nothing: no state is read or saved"
    )
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    # moto's werkzeug server logs every call the functions make; that is not the user's log.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    config = LocalStackConfig(
        host=args.host,
        port=args.port,
        template=args.template,
        parameters=dict(args.parameter),
        concurrency=args.concurrency,
        speedup=args.speedup,
        state_dir=None if args.in_memory else args.state_dir,
        fresh=args.fresh,
        events_log=args.events_log,
        events_url=args.events_url,
    )
    stopping = threading.Event()
    # Explicit handlers: Ctrl-C and SIGTERM both mean "stop cleanly", also while starting, and
    # a shell that started us in the background with SIGINT ignored cannot leave us unstoppable.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    try:
        stack = LocalStack(config)
    except (TemplateError, NewsbriefError) as exc:  # a bad template or environment variable
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        stack.start()
    except (TemplateError, OSError) as exc:
        stack.stop()  # whatever did start (moto, function processes)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        if not stopping.is_set():
            print(stack.describe(), flush=True)
            print("Ready. Ctrl-C to stop.", flush=True)
        while not stopping.wait(1.0):  # a timed wait lets the signal handler run promptly
            pass
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
