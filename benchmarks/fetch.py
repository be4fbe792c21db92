"""Fetch-stage benchmark: decoding quality on real pages, fetch overhead, limits' cost.

Usage: ``python -m benchmarks.fetch [--runs N] [--no-shared]``

Decoding quality uses the shared extraction DEV pages (../shared/data/extraction, UTF-8). Each
page is re-encoded in the legacy encoding a site in its language would use (windows-1252,
windows-1251, Shift_JIS, EUC-KR... the first that holds the page's letters; characters it
lacks become &#NNN; references), its charset declarations are removed, and ``decode_html``
must recover the exact text: that measures detection. The same bytes are also decoded with
the header a misconfigured server sends (``charset=iso-8859-1``) and with a correct header.

Speed is CPU time (``time.process_time``; the machine is shared), median of ``--runs``:
  * cold import of ``newsbrief.fetch`` in fresh processes;
  * fetching a 200 kB page over loopback with ``fetch_page`` vs plain urllib3 in the same
    process (the guard, caps and decoding are the ratio's overhead);
  * cutting off a 64 MiB gzip bomb at the 5 MiB cap;
  * ``decode_html`` on a 200 kB page: declared UTF-8, and undeclared windows-1252 (detection).
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import urllib3
from newsbrief.fetch import decode_html, fetch_page
from newsbrief.settings import FetchSettings

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSBRIEF_SHARED_DIR", REPO.parent / "shared"))
PAGES = SHARED / "data" / "extraction" / "html"
# Legacy encodings tried in order; the first that can hold every letter of the page's body is
# what a site in that script would have used. gb18030 and UTF-16 hold everything: left out.
LEGACY = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp932", "cp949", "big5hkscs")
_DECLARATION = re.compile(
    rb"""<meta\b[^>]*charset[^>]*>|<\?xml[^>]*encoding[^>]*\?>""", re.IGNORECASE
)


def _median_cpu(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def _legacy_codec(text: str) -> str | None:
    letters = "".join({ch for ch in set(text) if ord(ch) > 127 and ch.isalpha()})
    if not letters:
        return None  # nothing to detect: any ASCII-compatible decoding is right
    for codec in LEGACY:
        try:
            letters.encode(codec)
        except UnicodeEncodeError:
            continue
        return codec
    return None


def measure_decoding(pages: Path) -> dict[str, object]:
    """Decode every DEV page as served and re-encoded in its legacy encoding; count exact hits.

    Returns ``{"pages", "utf8_exact", "legacy": {codec: [pages, detected, header, latin1]},
    "utf8_rate", "detected_rate", "header_rate", "latin1_header_rate"}``.
    """
    files = sorted(pages.glob("*.html.gz"))
    utf8_ok = 0
    rows: dict[str, list[int]] = {}
    for path in files:
        raw = gzip.decompress(path.read_bytes())
        text = raw.decode("utf-8")
        utf8_ok += decode_html(raw)[0] == text
        codec = _legacy_codec(text)
        if codec is None:
            continue
        data = _DECLARATION.sub(b"", raw).decode("utf-8").encode(codec, "xmlcharrefreplace")
        expected = data.decode(codec)
        row = rows.setdefault(codec, [0, 0, 0, 0])
        row[0] += 1
        row[1] += decode_html(data)[0] == expected
        row[2] += decode_html(data, f"text/html; charset={codec}")[0] == expected
        if codec == "cp1252":
            row[3] += decode_html(data, "text/html; charset=iso-8859-1")[0] == expected
    legacy = sum(row[0] for row in rows.values())
    western = rows.get("cp1252", [0, 0, 0, 0])[0]
    return {
        "pages": len(files),
        "utf8_exact": utf8_ok,
        "legacy": rows,
        "utf8_rate": utf8_ok / max(len(files), 1),
        "detected_rate": sum(row[1] for row in rows.values()) / max(legacy, 1),
        "header_rate": sum(row[2] for row in rows.values()) / max(legacy, 1),
        "latin1_header_rate": rows.get("cp1252", [0, 0, 0, 0])[3] / max(western, 1),
    }


def decoding_quality() -> None:
    if not PAGES.is_dir():
        print(f"decoding quality: skipped ({PAGES} is absent)")
        return
    result = measure_decoding(PAGES)
    rows: dict[str, list[int]] = result["legacy"]  # type: ignore[assignment]
    print(f"decoding quality on {result['pages']} DEV pages (exact text recovered)")
    print(f"  utf-8, no header, as served          {result['utf8_exact']}/{result['pages']}")
    for codec, (n, detected, header, latin1) in sorted(rows.items()):
        extra = f"  latin-1 header {latin1}/{n}" if codec == "cp1252" else ""
        print(f"  {codec:<10} undeclared (detected)  {detected}/{n}  header {header}/{n}{extra}")
    print(f"  legacy pages: detected {result['detected_rate']:.1%}, "
          f"declared {result['header_rate']:.1%}")  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: dict[str, tuple[bytes, dict[str, str]]] = {}

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body, headers = self.routes[self.path]
        self.send_response(200)
        for key, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(key, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


def speed(runs: int) -> None:
    def cold_import(prelude: str) -> tuple[float, str]:
        code = (
            f"import time, sys; {prelude}; t = time.process_time(); import newsbrief.fetch; "
            "print(time.process_time() - t, 'charset_normalizer' in sys.modules)"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        seconds, eager = out.stdout.split()
        return float(seconds), eager

    alone = statistics.median(cold_import("pass")[0] for _ in range(runs))
    own = statistics.median(cold_import("import newsbrief.models")[0] for _ in range(runs))
    eager = cold_import("pass")[1]
    print(
        f"cold import of newsbrief.fetch: {alone * 1000:.1f} ms CPU, {own * 1000:.1f} ms with "
        f"newsbrief.models (pydantic) already loaded; charset_normalizer eager: {eager}"
    )

    para = (
        "<p>The council\u2019s \u201cplan\u201d passed on Monday \u2014 after a long debate.</p>\n"
    )
    page = ("<!doctype html><html><head><title>t</title></head><body>" + para * 2500).encode()
    bomb_packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"<p>" + b" " * (1 << 20)
    bomb = b"".join(bomb_packer.compress(block) for _ in range(64)) + bomb_packer.flush()
    _Handler.routes = {
        "/page": (page, {"Content-Type": "text/html; charset=utf-8"}),
        "/bomb": (bomb, {"Content-Type": "text/html", "Content-Encoding": "gzip"}),
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.handle_error = lambda request, address: None  # type: ignore[method-assign]  # resets
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings = FetchSettings(allow_loopback=True)
    try:
        ours = _median_cpu(lambda: fetch_page(base + "/page", settings), runs * 4)

        def plain_get() -> str:
            # The same work without the guard, caps and checks: a fresh connection, one GET.
            with urllib3.PoolManager(retries=False) as http:
                return http.request("GET", base + "/page").data.decode()

        plain = _median_cpu(plain_get, runs * 4)
        print(f"fetch 200 kB page over loopback: {ours * 1000:.2f} ms CPU (plain urllib3 GET "
              f"+ utf-8 decode: {plain * 1000:.2f} ms, ratio {ours / plain:.2f})")  # fmt: skip

        def cut_bomb() -> None:
            try:
                fetch_page(base + "/bomb", settings)
            except Exception as exc:  # noqa: BLE001 - TooLarge is the expected outcome
                assert type(exc).__name__ == "TooLarge", exc

        cost = _median_cpu(cut_bomb, runs)
        print(f"64 MiB gzip bomb ({len(bomb) // 1024} KiB on the wire) cut at 5 MiB: "
              f"{cost * 1000:.1f} ms CPU")  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()

    utf8 = _median_cpu(lambda: decode_html(page, "text/html; charset=utf-8"), runs * 4)
    legacy = page.decode().encode("cp1252")
    detect = _median_cpu(lambda: decode_html(legacy), runs)
    print(f"decode_html 200 kB: declared utf-8 {utf8 * 1000:.2f} ms, "
          f"undeclared windows-1252 (detection) {detect * 1000:.1f} ms CPU")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-shared", action="store_true", help="skip the decoding quality part")
    args = parser.parse_args()
    if not args.no_shared:
        decoding_quality()
    speed(args.runs)


if __name__ == "__main__":
    main()
