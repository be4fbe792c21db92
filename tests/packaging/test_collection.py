"""`make test` runs every folder of tests: a folder whose tests pytest does not collect (as it
once skipped tests/build, a name pytest ignores by default) fails here instead of reading as
coverage."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO_ROOT

TESTS = REPO_ROOT / "tests"


def test_every_folder_with_tests_is_collected() -> None:
    # The same invocation as `make test` (`python -m pytest`, testpaths from pyproject.toml).
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    collected = {
        (REPO_ROOT / line.split("::", 1)[0]).resolve()
        for line in proc.stdout.splitlines()
        if "::" in line
    }
    files = {p.resolve() for p in TESTS.rglob("test_*.py") if "fixtures" not in p.parts}
    assert files, "no test files found"
    missing = sorted(str(p.relative_to(REPO_ROOT)) for p in files - collected)
    assert not missing, f"test files pytest does not collect: {missing}"
    folders = {p.parent for p in files}
    assert {f.name for f in folders} >= {"unit", "integration", "e2e", "packaging", "quality"}
