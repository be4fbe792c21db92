"""Build hook: every wheel and install carries the entity gazetteer, built from its sources.

Metadata lives in pyproject.toml. The gazetteer (newsbrief/data/gazetteer.txt) is generated
from openly licensed packages, not committed, so the package build runs
layers/newsbrief/build_gazetteer.py first (skipped when an up-to-date file is there); the
packages it reads are build requirements in pyproject.toml, not runtime dependencies.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

GAZETTEER_SCRIPT = Path(__file__).resolve().parent / "layers" / "newsbrief" / "build_gazetteer.py"


class BuildPyWithGazetteer(build_py):
    """setuptools' build_py, after building the gazetteer into the package's data folder."""

    def run(self) -> None:
        """Build the gazetteer (if missing or stale), then copy the packages as usual."""
        subprocess.run([sys.executable, str(GAZETTEER_SCRIPT), "--if-missing"], check=True)
        super().run()


setup(cmdclass={"build_py": BuildPyWithGazetteer})
