"""What `make build` (sam build) produced is what Lambda python3.13 arm64 can run fast.

The artifact checks read .aws-sam/build, which `make test` builds right before pytest runs; the
build script's own rules (requirements, pruning, interpreter discovery) are tested directly.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import FIXTURES, REPO_ROOT

SAM_BUILD = REPO_ROOT / ".aws-sam" / "build"
# CPython 3.13's bytecode magic number (3571): stable across 3.13.x, so Lambda's 3.13 loads it.
PY313_MAGIC = (3571).to_bytes(2, "little") + b"\r\n"
# PEP 552 flags: hash-based (bit 0), source not checked (bit 1 clear).
UNCHECKED_HASH = 0b01
DEPLOYMENT_BUDGET = 100 * 1024 * 1024  # the project's budget for everything, unzipped
LAYERS = {"DepsLayer": "python", "NewsbriefLayer": "python"}
ELF_AARCH64 = 183  # e_machine of an ELF file built for 64-bit ARM


def _elf_machine(path: Path) -> int:
    """The ELF header's e_machine (little-endian, bytes 18-19); -1 for a file that is no ELF."""
    head = path.read_bytes()[:20]
    return int.from_bytes(head[18:20], "little") if head[:4] == b"\x7fELF" else -1
# Every function template.yaml declares (api, worker, scheduler...), as sam build names them.
FUNCTIONS = ["ApiFunction", "WorkerFunction"] + sorted(
    p.name
    for p in (SAM_BUILD.iterdir() if SAM_BUILD.is_dir() else [])
    if p.name.endswith("Function") and p.name not in {"ApiFunction", "WorkerFunction"}
)
ARTIFACTS = {**LAYERS, **dict.fromkeys(FUNCTIONS, "")}


def _load_build_script() -> ModuleType:
    # The build script is a standalone file SAM runs, not a package: load it by path.
    path = REPO_ROOT / "layers" / "deps" / "build_layer.py"
    spec = importlib.util.spec_from_file_location("build_layer", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_layer"] = module
    spec.loader.exec_module(module)
    return module


build_layer = _load_build_script()


def _artifact(name: str) -> Path:
    root = SAM_BUILD / name / ARTIFACTS[name]
    if not root.is_dir():
        pytest.skip(f"{root} is absent: run `make build` (make test builds it first)")
    return root


# ------------------------------------------------------------------ the build script's rules


def test_layer_requirements_come_from_pyproject_without_runtime_provided_packages() -> None:
    requirements = build_layer.runtime_requirements()
    names = {build_layer.requirement_name(r) for r in requirements}
    assert {"beautifulsoup4", "lxml", "sumy", "numpy", "pydantic", "aws-lambda-powertools"} <= names
    assert not names & {"boto3", "botocore"}, "the Lambda runtime already provides boto3"


def test_prune_drops_tests_translations_and_unused_packages(tmp_path: Path) -> None:
    keep = [
        "sumy/__init__.py",
        "pycountry/databases/iso639-3.json",
        "lxml/etree.so",
        "numpy/linalg/_umath_linalg.so",  # LSA's singular value decomposition
        "numpy/_core/_multiarray_umath.so",
        "numpy.libs/libscipy_openblas64_.so",
        "nltk/stem/snowball.py",
        "regex/__init__.py",  # NLTK imports it
        "dateutil/parser/__init__.py",  # htmldate's fast mode parses with it
    ]
    drop = [
        "bs4/tests/test_soup.py",
        "pycountry/locales/de/LC_MESSAGES/iso3166-1.mo",
        "setuptools/__init__.py",
        "setuptools-81.0.0.dist-info/METADATA",
        "breadability/readable.py",
        "docopt.py",
        "lxml/includes/tree.h",
        "nltk/test/tokenize.doctest",
        "pkg/__pycache__/mod.cpython-311.pyc",
        "bin/sumy",
        "numpy/random/_generator.so",
        "numpy/f2py/__init__.py",
        "numpy/_core/lib/libnpymath.a",
        "joblib/__init__.py",
        "tqdm-4.67.1.dist-info/METADATA",
        "dateparser/__init__.py",
        "dateparser-1.5.0.dist-info/METADATA",
        "dateparser_data/__init__.py",
        "pytz/zoneinfo/Europe/Paris",
        "tzlocal/__init__.py",
    ]
    for rel in keep + drop:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    build_layer.prune(tmp_path)
    for rel in keep:
        assert (tmp_path / rel).exists(), f"{rel} was pruned but is needed"
    for rel in drop:
        assert not (tmp_path / rel).exists(), f"{rel} should have been pruned"


# Run in a fresh interpreter: every stage of the core library (extraction with the htmldate
# fallback, summaries with each algorithm, entities, feed parsing) while the packages the layer
# prunes cannot be imported, as on Lambda.
_STAGES_WITHOUT_PRUNED = """
import importlib.abc, json, sys
from pathlib import Path

BLOCKED = set(json.loads(sys.argv[1]))


class Pruned(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, Pruned())
from newsbrief.dates import find_page_date
from newsbrief.errors import NoArticle
from newsbrief.feed_parser import parse_feed
from newsbrief.models import ALGORITHMS
from newsbrief.pipeline import brief_html
import newsbrief_aws.worker, newsbrief_aws.api_articles  # noqa: E401

fixtures = Path(sys.argv[2])
for page in sorted((fixtures / "pages").glob("*.html")):
    html = page.read_text("utf-8", errors="replace")
    for algorithm in sorted(ALGORITHMS):
        try:
            brief_html(html, "https://news.example/a", 3, algorithm)
        except NoArticle:
            break  # a fixture page without an article, there to be refused
undated = "<html><body><p>Posted on 12 March 2024.</p><abbr title='2022-10-05T10:00'>x</abbr>"
assert find_page_date(undated) is not None
for feed in sorted((fixtures / "feeds").glob("*.xml")):
    parse_feed(feed.read_bytes())
print("every stage ran")
"""


def test_no_stage_imports_a_package_the_layer_prunes() -> None:
    modules = sorted(name for name in build_layer.PRUNE_PACKAGES if name.isidentifier())
    assert {"dateparser", "pytz", "tzlocal"} <= set(modules)
    done = subprocess.run(
        [sys.executable, "-c", _STAGES_WITHOUT_PRUNED, json.dumps(modules), str(FIXTURES)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "every stage ran"


def test_missing_target_interpreter_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBRIEF_PYTHON313", "/nonexistent/python3.13")
    monkeypatch.setenv("PYENV_ROOT", "/nonexistent")
    monkeypatch.setenv("HOME", "/nonexistent")
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(build_layer, "TARGET_PYTHON", "3.99")
    with pytest.raises(build_layer.BuildError, match="NEWSBRIEF_PYTHON313"):
        build_layer.find_target_python()


def test_core_build_refuses_missing_generated_data(tmp_path: Path) -> None:
    source = tmp_path / "src"
    (source / "newsbrief").mkdir(parents=True)
    (source / "newsbrief" / "__init__.py").write_text("")
    with pytest.raises(build_layer.BuildError, match="make install"):
        build_layer.build_core(tmp_path / "out", source=source)


def test_unchanged_deps_are_copied_from_the_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(build_layer, "DEPS_CACHE", tmp_path / "cache")
    calls: list[Path] = []

    def fake_install(out: Path, requirements: list[str], host: bool) -> None:
        calls.append(out)
        (out / "pkg").mkdir(parents=True)
        (out / "pkg" / "__init__.py").write_text("VERSION = 1\n")

    monkeypatch.setattr(build_layer, "_install_deps", fake_install)
    build_layer.build_deps(tmp_path / "first", host=True)
    build_layer.build_deps(tmp_path / "second", host=True)
    assert len(calls) == 1, "the second build should have come from the cache"
    assert (tmp_path / "second" / "pkg" / "__init__.py").read_text() == "VERSION = 1\n"
    monkeypatch.setattr(build_layer, "runtime_requirements", lambda: ["lxml>=99"])
    build_layer.build_deps(tmp_path / "third", host=True)
    assert len(calls) == 2, "changed requirements must rebuild"


# ------------------------------------------------------------------ the built artifacts


@pytest.mark.parametrize("name", ARTIFACTS)
def test_every_module_ships_python313_unchecked_hash_bytecode(name: str) -> None:
    root = _artifact(name)
    sources = [p for p in root.rglob("*.py") if "__pycache__" not in p.parts]
    assert sources, f"{name} holds no Python module"
    missing, wrong = [], []
    for source in sources:
        pyc = source.parent / "__pycache__" / f"{source.stem}.cpython-313.pyc"
        if not pyc.is_file():
            missing.append(str(source.relative_to(root)))
            continue
        header = pyc.read_bytes()[:8]
        if header[:4] != PY313_MAGIC or int.from_bytes(header[4:8], "little") != UNCHECKED_HASH:
            wrong.append(str(pyc.relative_to(root)))
    assert not missing, f"{len(missing)} modules without 3.13 bytecode, e.g. {missing[:3]}"
    assert not wrong, f"bytecode not 3.13 unchecked-hash: {wrong[:3]}"
    other = [p for p in root.rglob("*.pyc") if ".cpython-313." not in p.name]
    assert not other, f"bytecode of other Python versions shipped: {other[:3]}"


def test_deps_layer_is_built_for_arm64_python313_and_pruned() -> None:
    root = _artifact("DepsLayer")
    # Extension modules carry CPython's tag; libraries that wheels vendor (numpy.libs: OpenBLAS)
    # carry none, so every shared object is also checked for the machine it was built for.
    natives = [p for p in root.rglob("*.so*") if p.is_file()]
    extensions = [p for p in natives if not p.parent.name.endswith(".libs")]
    assert extensions, "no compiled extension: lxml and pydantic-core need some"
    foreign = [p.name for p in extensions if "cpython-313-aarch64-linux-gnu" not in p.name]
    assert not foreign, f"extensions not built for cp313 aarch64: {foreign[:3]}"
    not_arm = [p.name for p in natives if _elf_machine(p) != ELF_AARCH64]
    assert not not_arm, f"shared objects not built for aarch64: {not_arm[:3]}"
    for gone in ("boto3", "botocore", "setuptools", "pycountry/locales", "nltk/test", "bin"):
        assert not (root / gone).exists(), f"{gone} should not be in the layer"
    assert not list(root.rglob("tests")), "test suites of dependencies were shipped"


def test_deps_layer_holds_every_runtime_requirement() -> None:
    root = _artifact("DepsLayer")
    # Wheel metadata folders are named <normalized_name>-<version>.dist-info.
    shipped = {build_layer.requirement_name(p.name.split("-")[0]) for p in root.glob("*.dist-info")}
    for requirement in build_layer.runtime_requirements():
        name = build_layer.requirement_name(requirement)
        assert name in shipped, f"{name} is missing from the layer"


def test_deps_layer_ships_the_versions_the_tests_run_against() -> None:
    # make build pins the layer to this environment (PIP_CONSTRAINT from pip list).
    from importlib.metadata import PackageNotFoundError, version

    root = _artifact("DepsLayer")
    mismatched = []
    for dist_info in root.glob("*.dist-info"):
        name, shipped = dist_info.name.removesuffix(".dist-info").split("-", 1)
        try:
            tested = version(name)
        except PackageNotFoundError:
            continue  # only in the layer (e.g. a pruned extra's dependency)
        if tested != shipped:
            mismatched.append(f"{name}: layer {shipped}, tests {tested}")
    assert not mismatched, f"the layer differs from the tested versions: {mismatched}"


def test_core_layer_ships_both_packages_and_their_data() -> None:
    root = _artifact("NewsbriefLayer")
    assert (root / "newsbrief" / "__init__.py").is_file()
    assert (root / "newsbrief_aws" / "__init__.py").is_file()
    for generated in build_layer.CORE_GENERATED:
        assert (root / generated).is_file(), f"{generated} missing from the core layer"
    assert not list(root.rglob("*.egg-info")), "packaging metadata of the dev install leaked in"


def test_functions_are_one_app_module_each() -> None:
    for name in FUNCTIONS:
        root = _artifact(name)
        files = sorted(p.name for p in root.iterdir() if p.is_file())
        assert files == ["app.py"], f"{name} ships {files}"


def test_whole_deployment_fits_the_budget() -> None:
    total = 0
    for name in ARTIFACTS:
        root = _artifact(name)
        total += sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    assert total < DEPLOYMENT_BUDGET, f"{total / 1e6:.1f} MB unzipped, budget 100 MB"
