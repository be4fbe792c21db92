"""The ``newsbrief`` command line: briefs for URLs, saved pages, text files or stdin.

Every input is processed in this one process, in order; each prints one JSON line (a brief or
an error object), and the exit status is 1 when any input failed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from .errors import InvalidInput, NewsbriefError, TooLarge
from .pipeline import DEFAULT_SENTENCES, MAX_SENTENCES
from .settings import FetchSettings

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
# Local files and stdin get the same cap as fetched pages (decompressed size for .gz), so a
# gzip bomb on disk cannot exhaust memory either.
_READ_CHUNK = 1 << 16


def _read_capped(stream: BinaryIO, limit: int, what: str) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(_READ_CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise TooLarge(f"{what} is larger than the {limit}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def brief_input(item: str, sentences: int, settings: FetchSettings) -> dict[str, Any]:
    """Brief one CLI input (URL, file path or ``-``) and return the brief as a dict."""
    from .fetch import decode_html
    from .pipeline import brief_html, brief_text, brief_url

    if item == "-":
        data = _read_capped(sys.stdin.buffer, settings.max_bytes, "standard input")
        html, _ = decode_html(data)
        return brief_html(html, sentences=sentences).model_dump()
    if "://" in item:
        return brief_url(item, sentences=sentences, settings=settings).model_dump()

    path = Path(item)
    if not path.is_file():
        raise InvalidInput(f"no such file: {item}")
    suffixes = [s.lower() for s in path.suffixes]
    gzipped = bool(suffixes) and suffixes[-1] == ".gz"
    kind = suffixes[-2] if gzipped and len(suffixes) >= 2 else (suffixes[-1] if suffixes else "")
    if kind not in HTML_SUFFIXES and kind != ".txt":
        raise InvalidInput(
            f"unsupported input {item!r}: expected a URL, an .html/.htm file (optionally .gz), "
            "a .txt file or '-'"
        )
    try:
        with gzip.open(path, "rb") if gzipped else path.open("rb") as stream:
            data = _read_capped(stream, settings.max_bytes, item)
    except (OSError, EOFError) as exc:  # unreadable file or corrupt gzip
        raise InvalidInput(f"cannot read {item}: {exc}") from None
    if kind == ".txt":
        text, _ = decode_html(data, "text/plain")
        return brief_text(text, sentences=sentences).model_dump()
    html, _ = decode_html(data)
    return brief_html(html, sentences=sentences).model_dump()


def _positive_sentences(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {raw!r}") from None
    if not 1 <= value <= MAX_SENTENCES:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_SENTENCES}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``newsbrief`` command."""
    parser = argparse.ArgumentParser(
        prog="newsbrief", description="Turn news articles into briefs (JSON Lines on stdout)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    summ = sub.add_parser("summarize", help="brief URLs, HTML/text files or stdin ('-')")
    summ.add_argument(
        "--sentences",
        type=_positive_sentences,
        default=DEFAULT_SENTENCES,
        metavar="N",
        help=f"summary length in sentences (1-{MAX_SENTENCES}, default {DEFAULT_SENTENCES})",
    )
    summ.add_argument("--pretty", action="store_true", help="indented JSON for humans")
    summ.add_argument("inputs", nargs="+", metavar="INPUT", help="URL, .html[.gz]/.txt or -")
    return parser


def _emit(obj: dict[str, Any], pretty: bool) -> None:
    line = json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None)
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def run_summarize(inputs: Sequence[str], sentences: int, pretty: bool) -> int:
    """Brief every input in order; return the process exit status."""
    failed = False
    if list(inputs).count("-") > 1:
        print("newsbrief: '-' (stdin) may be given only once", file=sys.stderr)
        return 2
    # Read once for the whole run: a bad environment is one usage error, not N failed inputs.
    settings = FetchSettings.from_env()
    for item in inputs:
        try:
            _emit(brief_input(item, sentences, settings), pretty)
        except NewsbriefError as exc:
            failed = True
            _emit({"input": item, "error": exc.to_dict()}, pretty)
        except Exception as exc:  # noqa: BLE001 - one bad input must not stop the others
            failed = True
            error = {"code": "internal_error", "message": f"{type(exc).__name__}: {exc}"}
            _emit({"input": item, "error": error}, pretty)
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsbrief`` console script."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "summarize":
            return run_summarize(args.inputs, args.sentences, args.pretty)
    except KeyboardInterrupt:
        return 130
    except NewsbriefError as exc:  # configuration errors (bad environment variables)
        print(f"newsbrief: {exc.message}", file=sys.stderr)
        return 2
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
