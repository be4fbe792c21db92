"""rs-trafilatura's main text for DEV pages, run by a Python that has it (a 3.12-only wheel).

Called by benchmarks/extraction.py with ``--rs-trafilatura PYTHON``: reads
``{"folder": ..., "pages": [[page_id, file_name, url], ...]}`` as JSON on stdin, decodes each
gzip page as UTF-8 the way the benchmark does, and prints
``{"texts": {page_id: text}, "cpu_seconds": total}`` as JSON. Standard library only besides
rs_trafilatura, so it needs nothing of the project.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path

import rs_trafilatura  # type: ignore[import-not-found]


def main() -> int:
    request = json.load(sys.stdin)
    folder = Path(request["folder"])
    texts: dict[str, str] = {}
    spent = 0.0
    for page_id, file_name, url in request["pages"]:
        with gzip.open(folder / file_name, "rt", encoding="utf-8", errors="replace") as f:
            html = f.read()
        start = time.process_time()
        result = rs_trafilatura.extract(html, url=url, page_type="article")
        spent += time.process_time() - start
        texts[page_id] = result.main_content or ""
    json.dump({"texts": texts, "cpu_seconds": spent}, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
