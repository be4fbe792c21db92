"""Build the Lambda artifacts (both layers and the functions) for the TARGET runtime.

SAM runs this through the Makefiles beside the layers and functions (``BuildMethod: makefile``),
so ``sam build`` needs neither Docker nor a local interpreter that matches Lambda's:

* ``deps``: the third-party layer. pip installs the runtime dependencies named in pyproject.toml
  as manylinux aarch64 wheels for CPython 3.13 into ``python/``, then the build drops what the
  functions never import (tests, translations, headers, sumy's HTML-parser and CLI extras,
  setuptools) and boto3, which the Lambda runtime already provides.
* ``core``: the ``newsbrief`` and ``newsbrief_aws`` packages, copied into ``python/``.
* ``function``: one function folder (``app.py``), copied as is.

Every artifact then gets bytecode compiled by a CPython 3.13 interpreter in ``unchecked-hash``
mode. Lambda's file system is read-only, so without shipped bytecode every cold start would
compile every module again; timestamp-checked bytecode would not help either, because the zip
archive keeps modification times at a two-second resolution and Python would then find every
``.pyc`` stale. Hash-based bytecode that is never re-checked is valid for an immutable layer.

Only the standard library is used: this runs under whatever ``python3`` SAM finds.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = REPO_ROOT / "pyproject.toml"
CORE_SOURCE = REPO_ROOT / "layers" / "newsbrief"
# Finished deps layers by fingerprint (see build_deps); .aws-sam/ is never committed.
DEPS_CACHE = REPO_ROOT / ".aws-sam" / "deps-cache"

# What Lambda runs (template.yaml: Runtime python3.13, Architectures arm64). manylinux2014 is the
# oldest tag every dependency ships; Amazon Linux 2023's glibc 2.34 runs it and anything newer
# up to manylinux_2_34, which pip also accepts below.
TARGET_PYTHON = "3.13"
TARGET_PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64", "manylinux_2_34_aarch64")

# Provided by the Lambda Python runtime itself: shipping them would only add megabytes.
RUNTIME_PROVIDED = {"boto3", "botocore", "s3transfer"}

# Pure-Python dependencies published only as source archives: pip refuses sources when it
# installs for another platform, so they are turned into (platform-independent) wheels first.
SDIST_ONLY = ("docopt",)

# Installed as dependencies but never imported on any code path of the functions.
PRUNE_PACKAGES = (
    # sumy's HTML parser (we feed sumy the text our extractor produced) and its CLI.
    "breadability",
    "chardet",
    "docopt",
    "docopt.py",
    # Declared by sumy, imported by nothing at run time; the .pth hook is never read on Lambda.
    "setuptools",
    "pkg_resources",
    "_distutils_hack",
    "distutils-precedence.pth",
    # Console scripts (nltk, sumy, normalizer...) have no use in a layer.
    "bin",
    # NLTK's command line and its parallel-map helper (nltk.util.parallelize); sumy imports
    # NLTK for its Snowball stemmers only, which need neither.
    "click",
    "joblib",
    "tqdm",
    # htmldate's date parser for its extensive search and its time-zone libraries (6.5 MB):
    # newsbrief runs htmldate in its fast mode only, which never imports them. (dateparser's
    # "regex" stays: NLTK imports it.)
    "dateparser",
    "dateparser_data",
    "dateparser_cli",
    "dateparser_scripts",
    "pytz",
    "tzlocal",
)
# Paths inside packages that nothing imports or reads at run time.
PRUNE_PATHS = (
    "pycountry/locales",  # 19 MB of country-name translations; sumy only looks up codes.
    "nltk/test",  # doctest corpus
    "lxml/includes",  # C headers for building extensions against lxml
    "lxml/objectify.cpython-*",  # lxml.objectify: bs4 only uses etree
    # numpy loads these subpackages on first attribute access only; sumy's LexRank, LSA and
    # TextRank use arrays and numpy.linalg, never random numbers, FFTs, polynomials, masked
    # arrays or the Fortran wrapper generator (7 MB of the 50 MB numpy brings).
    "numpy/random",
    "numpy/fft",
    "numpy/polynomial",
    "numpy/ma",
    "numpy/f2py",
    "numpy/_core/lib",  # static libraries and pkg-config files for building against numpy
)
# Directory names dropped anywhere in the tree.
PRUNE_DIR_NAMES = {"tests", "__pycache__"}
# File suffixes dropped anywhere: C sources and headers, Cython sources, type stubs.
PRUNE_SUFFIXES = (".pyx", ".pxd", ".pxi", ".h", ".c", ".pyi")
# Data files of the core library that are generated, not committed (``make install`` builds
# them); a layer without them would fail at run time, so the build refuses to go on.
CORE_GENERATED = ("newsbrief/data/gazetteer.txt",)


class BuildError(Exception):
    """The build cannot produce a correct artifact; the message says why and what to do."""


def runtime_requirements(pyproject: Path = PYPROJECT) -> list[str]:
    """The requirement strings the Lambda layer must satisfy, read from pyproject.toml.

    The core library's dependencies plus the ``aws`` extra (powertools), minus what the Lambda
    runtime provides, so a dependency added to pyproject.toml reaches the layer by itself.
    """
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"]) + list(project["optional-dependencies"].get("aws", []))
    return [
        requirement
        for requirement in wanted
        if requirement_name(requirement) not in RUNTIME_PROVIDED
        and not requirement_name(requirement).startswith("newsbrief")
    ]


def requirement_name(requirement: str) -> str:
    """The normalized distribution name of a requirement string (``"lxml>=5; ..."`` -> lxml)."""
    name = requirement.split(";")[0]
    for stop in "<>=!~[ ":
        name = name.split(stop)[0]
    return name.strip().lower().replace("_", "-").replace(".", "-")


def find_target_python() -> str:
    """Path of a CPython 3.13 interpreter, used only to compile bytecode for Lambda.

    Looked for in ``NEWSBRIEF_PYTHON313``, on PATH, then in pyenv's and uv's install folders.
    """
    candidates = [os.environ.get("NEWSBRIEF_PYTHON313", "")]
    candidates.append(shutil.which(f"python{TARGET_PYTHON}") or "")
    home = Path.home()
    pyenv_root = os.environ.get("PYENV_ROOT", str(home / ".pyenv"))
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/{TARGET_PYTHON}.*/bin/python3"))
    candidates += sorted(
        glob.glob(str(home / f".local/share/uv/python/cpython-{TARGET_PYTHON}.*/bin/python3"))
    )
    candidates.append(f"/usr/bin/python{TARGET_PYTHON}")
    for candidate in candidates:
        if not candidate or not os.access(candidate, os.X_OK):
            continue
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        # A pyenv shim exists on PATH even when that version is not selected: it fails here.
        if probe.returncode == 0 and probe.stdout.strip() == TARGET_PYTHON:
            return candidate
    raise BuildError(
        f"no CPython {TARGET_PYTHON} found to compile bytecode for the Lambda runtime. Install "
        f"one (e.g. `pyenv install {TARGET_PYTHON}`) or point NEWSBRIEF_PYTHON313 at it."
    )


def compile_bytecode(root: Path, shown_as: str, host: bool = False) -> None:
    """Compile every module under ``root`` for the target runtime (hash-based, never checked).

    ``shown_as`` is where the tree lives on Lambda, so tracebacks name the real paths. With
    ``host`` the running interpreter compiles instead (local benchmarks of the artifacts).
    """
    subprocess.run(
        [
            sys.executable if host else find_target_python(),
            "-m",
            "compileall",
            "-q",
            "-j",
            "0",
            "--invalidation-mode",
            "unchecked-hash",
            "-s",
            str(root),
            "-p",
            shown_as,
            str(root),
        ],
        check=True,
    )


def prune(root: Path) -> None:
    """Delete from an installed tree everything listed in the PRUNE_* constants."""
    for name in PRUNE_PACKAGES:
        for path in root.glob(name):
            _remove(path)
        for dist_info in root.glob(f"{name}-*.dist-info"):
            _remove(dist_info)
    for pattern in PRUNE_PATHS:
        for path in root.glob(pattern):
            _remove(path)
    for dirpath, dirnames, filenames in os.walk(root, topdown=True):
        for dirname in list(dirnames):
            if dirname in PRUNE_DIR_NAMES:
                _remove(Path(dirpath, dirname))
                dirnames.remove(dirname)
        for filename in filenames:
            if filename.endswith(PRUNE_SUFFIXES):
                Path(dirpath, filename).unlink()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _deps_fingerprint(requirements: list[str], host: bool) -> str:
    """Everything the deps layer depends on: its requirements, their pins, this script."""
    digest = hashlib.sha256()
    digest.update(Path(__file__).read_bytes())
    digest.update("\n".join(requirements).encode())
    digest.update(f"host={host} python={sys.version_info[:2]}".encode())
    for constraint in os.environ.get("PIP_CONSTRAINT", "").split():
        digest.update(Path(constraint).read_bytes() if Path(constraint).is_file() else b"?")
    return digest.hexdigest()[:20]


def build_deps(out: Path, host: bool = False) -> None:
    """Install the runtime dependencies for the target into ``out`` and slim them down.

    ``host`` builds for the running interpreter and machine instead of Lambda's, so the very
    same pruned tree can be imported and timed here (benchmarks/coldstart.py). A finished
    layer is kept in .aws-sam/deps-cache under its fingerprint: rebuilding unchanged
    dependencies (every `make test`) is a copy instead of a minute of pip.
    """
    requirements = runtime_requirements()
    cached = DEPS_CACHE / _deps_fingerprint(requirements, host)
    if cached.is_dir():
        _remove(out)
        shutil.copytree(cached, out, symlinks=True)
        return
    _install_deps(out, requirements, host)
    staging = cached.with_name(cached.name + ".tmp")
    _remove(staging)
    shutil.copytree(out, staging, symlinks=True)
    staging.rename(cached)  # atomic: a half-written cache entry is never used


def _install_deps(out: Path, requirements: list[str], host: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="newsbrief-wheels-") as wheelhouse:
        pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
        subprocess.run(
            [*pip, "wheel", "--no-deps", "--wheel-dir", wheelhouse, *SDIST_ONLY], check=True
        )
        target_args = [arg for platform in TARGET_PLATFORMS for arg in ("--platform", platform)]
        target_args += ["--python-version", TARGET_PYTHON, "--implementation", "cp"]
        subprocess.run(
            [
                *pip,
                "install",
                "--root-user-action=ignore",  # CI and SAM builds run as root by design
                "--no-compile",
                "--no-warn-conflicts",
                "--upgrade",
                "--only-binary=:all:",
                "--find-links",
                wheelhouse,
                *([] if host else target_args),
                "--target",
                str(out),
                *requirements,
            ],
            check=True,
        )
    prune(out)
    compile_bytecode(out, "/opt/python", host)


def build_core(out: Path, source: Path = CORE_SOURCE, host: bool = False) -> None:
    """Copy the core packages (every package folder under ``source``) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    packages = sorted(p for p in source.iterdir() if (p / "__init__.py").is_file())
    if not packages:
        raise BuildError(f"no Python package found under {source}")
    missing = [name for name in CORE_GENERATED if not (source / name).is_file()]
    if missing:
        raise BuildError(
            f"generated data missing: {', '.join(missing)}; run `make install` "
            "(python layers/newsbrief/build_gazetteer.py) before building"
        )
    for package in packages:
        target = out / package.name
        _remove(target)
        shutil.copytree(
            package,
            target,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "*.tmp"),
        )
    compile_bytecode(out, "/opt/python", host)


def build_function(source: Path, out: Path, host: bool = False) -> None:
    """Copy one function folder into ``out`` (the function's artifact root)."""
    out.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():
        if item.name in {"__pycache__", "Makefile"} or item.suffix == ".pyc":
            continue
        target = out / item.name
        _remove(target)
        if item.is_dir():
            shutil.copytree(item, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(item, target)
    compile_bytecode(out, "/var/task", host)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``build_layer.py {deps,core,function} --out DIR [--source DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["deps", "core", "function"])
    parser.add_argument("--out", required=True, type=Path, help="artifact folder to fill")
    parser.add_argument("--source", type=Path, default=Path.cwd(), help="function folder")
    parser.add_argument(
        "--host", action="store_true", help="build for this interpreter and machine (benchmarks)"
    )
    args = parser.parse_args(argv)
    try:
        if args.kind == "deps":
            build_deps(args.out, host=args.host)
        elif args.kind == "core":
            build_core(args.out, host=args.host)
        else:
            build_function(args.source, args.out, host=args.host)
    except BuildError as error:
        print(f"build_layer: {error}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"build_layer: {' '.join(map(str, error.cmd[:4]))}... failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
