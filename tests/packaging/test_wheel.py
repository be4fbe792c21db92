"""`pip install .` and a built wheel give a working `newsbrief` command with no other step.

The wheel is built from a copy of the tracked files (no generated gazetteer in it), so the
build itself must produce the gazetteer (setup.py's hook); it is then installed into a new
virtual environment, with its dependencies from the package index as a user's pip gets them,
and briefs a saved page there.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO_ROOT

PAGE = FIXTURES / "cli" / "harbour-bridge.html"
GAZETTEER = "newsbrief/data/gazetteer.txt"


def _run(*command: str | Path, cwd: Path | None = None, timeout: float = 600) -> str:
    proc = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=timeout,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0, f"{command}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    tracked = _run("git", "ls-files", "-z", cwd=REPO_ROOT).split("\0")
    for name in filter(None, tracked):
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((REPO_ROOT / name).read_bytes())
    assert not (source / "layers" / "newsbrief" / GAZETTEER).exists()
    dist = tmp_path_factory.mktemp("dist")
    # This environment already holds the build requirements (the gazetteer extra): building
    # without isolation saves downloading them again; `python -m build` does the isolated build.
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "--wheel-dir", dist, source)  # fmt: skip
    (built,) = dist.glob("newsbrief-*.whl")
    return built


def test_the_wheel_carries_the_gazetteer(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        info = archive.getinfo(GAZETTEER)
        assert info.file_size > 100_000
        assert archive.read(GAZETTEER).startswith(b"@version\n")


def test_the_installed_wheel_briefs_a_saved_page(wheel: Path, tmp_path: Path) -> None:
    import newsbrief

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    _run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel, timeout=900)
    version = _run(venv / "bin" / "newsbrief", "--version")
    assert version.strip() == f"newsbrief {newsbrief.__version__}"
    (line,) = _run(venv / "bin" / "newsbrief", "summarize", PAGE).splitlines()
    brief = json.loads(line)
    assert "error" not in brief, brief
    assert brief["title"] and len(brief["summary"]) == 3
    # Entities need the gazetteer: a wheel without it answered every input internal_error.
    assert any(e["type"] == "LOCATION" for e in brief["entities"]), brief["entities"]


def test_build_requirements_are_the_gazetteer_sources() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    build = set(project["build-system"]["requires"])
    sources = set(project["project"]["optional-dependencies"]["gazetteer"])
    assert sources <= build, sources - build
    assert build - sources == {"setuptools>=68", "wheel", "sumy>=0.11"}
