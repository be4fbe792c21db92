"""The ``newsbrief`` command line: briefs for URLs, saved pages, text files or stdin.

Every input is processed in this one process, in order; each prints one JSON line (a brief or
an error object), and the exit status is 1 when any input failed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

from . import __version__
from .errors import InvalidInput, NewsbriefError, TooLarge
from .models import ALGORITHMS, DEFAULT_ALGORITHM
from .pipeline import DEFAULT_SENTENCES, MAX_SENTENCES
from .settings import FetchSettings

N = TypeVar("N", int, float)

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
# Local files and stdin get the same cap as fetched pages (decompressed size for .gz), so a
# gzip bomb on disk cannot exhaust memory either.
_READ_CHUNK = 1 << 16


class _Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...  # noqa: D102 - a file, gzip file or stdin


def _read_capped(stream: _Readable, limit: int, what: str) -> bytes:
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


def brief_input(
    item: str, sentences: int, settings: FetchSettings, algorithm: str = DEFAULT_ALGORITHM
) -> dict[str, Any]:
    """Brief one CLI input (URL, file path or ``-``) and return the brief as a dict."""
    from .fetch import check_content, decode_html
    from .pipeline import brief_html, brief_text, brief_url

    if item == "-":
        data = _read_capped(sys.stdin.buffer, settings.max_bytes, "standard input")
        # Refused exactly as the same bytes fetched from a URL as text/html would be.
        check_content("text/html", None, data)
        html, _ = decode_html(data)
        return brief_html(html, sentences=sentences, algorithm=algorithm).model_dump()
    if "://" in item:
        brief = brief_url(item, sentences=sentences, settings=settings, algorithm=algorithm)
        return brief.model_dump()

    path = Path(item)
    if path.is_dir():
        raise InvalidInput(f"{item} is a directory: give the files in it (e.g. {item}/*.html)")
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
    # The suffix says what the file claims to be; its bytes must agree, as a fetched page's do.
    mime = "text/plain" if kind == ".txt" else "text/html"
    check_content(mime, None, data)
    if kind == ".txt":
        text, _ = decode_html(data, mime)
        return brief_text(text, sentences=sentences, algorithm=algorithm).model_dump()
    html, _ = decode_html(data)
    return brief_html(html, sentences=sentences, algorithm=algorithm).model_dump()


def _number_in(kind: Callable[[str], N], low: N, high: N | None = None) -> Callable[[str], N]:
    """An argparse ``type``: a number of ``kind`` (int or float) from ``low`` to ``high``."""

    def parse(raw: str) -> N:
        try:
            value = kind(raw)
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"not {what}: {raw!r}") from None
        if high is None and value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low:g}")
        if high is not None and not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low:g} and {high:g}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``newsbrief`` command."""
    parser = argparse.ArgumentParser(
        prog="newsbrief", description="Turn news articles into briefs (JSON Lines on stdout)."
    )
    parser.add_argument("--version", action="version", version=f"newsbrief {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    summ = sub.add_parser("summarize", help="brief URLs, HTML/text files or stdin ('-')")
    _add_summary_options(summ)
    summ.add_argument("--pretty", action="store_true", help="indented JSON for humans")
    summ.add_argument("inputs", nargs="+", metavar="INPUT", help="URL, .html[.gz]/.txt or -")
    crawl = sub.add_parser(
        "crawl",
        help="poll one feed (RSS, Atom, sitemap or a page advertising one) and brief its articles",
    )
    _add_summary_options(crawl)
    crawl.add_argument(
        "--limit", type=_number_in(int, 1), default=50, metavar="N",
        help="brief at most N articles, newest first (default 50)",
    )  # fmt: skip
    crawl.add_argument(
        "--delay", type=_number_in(float, 0.0, 3600.0), default=1.0, metavar="SECONDS",
        help="gap between requests to one site (default 1; a robots.txt Crawl-delay wins)",
    )  # fmt: skip
    crawl.add_argument("--pretty", action="store_true", help="indented JSON for humans")
    crawl.add_argument("feed_url", metavar="FEED_URL", help="http(s) URL of the feed")
    return parser


def _add_summary_options(parser: argparse.ArgumentParser) -> None:
    """``--sentences`` and ``--algorithm``: how every brief of a command is summarized."""
    parser.add_argument(
        "--sentences",
        type=_number_in(int, 1, MAX_SENTENCES),
        default=DEFAULT_SENTENCES,
        metavar="N",
        help=f"summary length in sentences (1-{MAX_SENTENCES}, default {DEFAULT_SENTENCES})",
    )
    parser.add_argument(
        "--algorithm",
        choices=ALGORITHMS,
        default=DEFAULT_ALGORITHM,
        help=f"who picks the summary's sentences: {DEFAULT_ALGORITHM}'s scorer (default) or "
        "one of sumy's summarizers; each brief's summary_algorithm says which one did",
    )


class _Progress:
    """A one-line progress bar on stderr (plain lines when stderr is not a terminal)."""

    WIDTH = 30

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.tty = sys.stderr.isatty()

    def step(self, label: str) -> None:
        self.done += 1
        if self.tty:
            filled = self.WIDTH * self.done // max(self.total, 1)
            bar = "#" * filled + "." * (self.WIDTH - filled)
            sys.stderr.write(f"\r[{bar}] {self.done}/{self.total} {label[:60]:<60}")
            if self.done == self.total:
                sys.stderr.write("\n")
        else:
            sys.stderr.write(f"crawl: {self.done}/{self.total} {label}\n")
        sys.stderr.flush()


def run_crawl(
    feed_url: str,
    limit: int,
    delay: float,
    sentences: int,
    pretty: bool,
    algorithm: str = DEFAULT_ALGORITHM,
) -> int:
    """Poll one feed once and brief its newest articles politely; return the exit status.

    robots.txt is obeyed (forbidden articles are reported, not fetched) and requests to one
    site are spaced by ``delay`` seconds or the site's Crawl-delay, whichever is larger.
    """
    import time

    from .crawl import (
        MemoryRateLimiter,
        RobotsCache,
        default_fetcher,
        first_allowed,
        poll_feed,
    )
    from .pipeline import brief_url
    from .urls import host_of

    settings = FetchSettings.from_env()
    fetcher = default_fetcher()
    robots = RobotsCache(fetcher, settings.user_agent)
    try:
        result = poll_feed(feed_url, fetcher, robots)
    except NewsbriefError as exc:
        _emit({"input": feed_url, "error": exc.to_dict()}, pretty)
        return 1
    screening = first_allowed([entry.url for entry in result.entries], robots, limit)
    skipped: list[tuple[str, dict[str, str]]] = [
        (url, {"code": "robots_disallowed", "message": why}) for url, why in screening.disallowed
    ]
    skipped += [(url, error.to_dict()) for url, error in screening.refused]
    skipped += [
        (url, {"code": "fetch_failed", "message": why}) for url, why in screening.unavailable
    ]
    for url, error in skipped:
        _emit({"input": url, "error": error}, pretty)
    allowed = set(screening.allowed)
    entries = [entry for entry in result.entries if entry.url in allowed]
    limiter = MemoryRateLimiter()
    progress = _Progress(len(entries))
    failed = bool(skipped)
    for entry in entries:
        wait = limiter.reserve(host_of(entry.url), robots.interval(entry.url, default=delay))
        if wait > 0:
            time.sleep(wait)
        try:
            brief = brief_url(entry.url, sentences, settings=settings, algorithm=algorithm)
            _emit(brief.model_dump(), pretty)
        except NewsbriefError as exc:
            failed = True
            _emit({"input": entry.url, "error": exc.to_dict()}, pretty)
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the others
            failed = True
            error = {"code": "internal_error", "message": f"{type(exc).__name__}: {exc}"}
            _emit({"input": entry.url, "error": error}, pretty)
        progress.step(entry.url)
    return 1 if failed else 0


def _emit(obj: dict[str, Any], pretty: bool) -> None:
    line = json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None)
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def run_summarize(
    inputs: Sequence[str], sentences: int, pretty: bool, algorithm: str = DEFAULT_ALGORITHM
) -> int:
    """Brief every input in order; return the process exit status."""
    failed = False
    if list(inputs).count("-") > 1:
        print("newsbrief: '-' (stdin) may be given only once", file=sys.stderr)
        return 2
    # Read once for the whole run: a bad environment is one usage error, not N failed inputs.
    settings = FetchSettings.from_env()
    for item in inputs:
        try:
            _emit(brief_input(item, sentences, settings, algorithm), pretty)
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
            return run_summarize(args.inputs, args.sentences, args.pretty, args.algorithm)
        if args.command == "crawl":
            return run_crawl(
                args.feed_url, args.limit, args.delay, args.sentences, args.pretty, args.algorithm
            )
    except KeyboardInterrupt:
        return 130
    except NewsbriefError as exc:  # configuration errors (bad environment variables)
        print(f"newsbrief: {exc.message}", file=sys.stderr)
        return 2
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
