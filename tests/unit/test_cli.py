"""The ``newsbrief`` console script, run as a subprocess exactly as users run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.support.loopback import LoopbackServer, Response

CLI_DIR = FIXTURES / "cli"
PAGE = CLI_DIR / "harbour-bridge.html"
TEXT = CLI_DIR / "harbour-bridge.txt"
GZ = CLI_DIR / "harbour-bridge-copy.html.gz"
SCRIPT = Path(sys.executable).with_name("newsbrief")


def run_cli(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBRIEF_")}
    full_env.update(env or {})
    return subprocess.run(
        [str(SCRIPT), *args],
        input=stdin,
        capture_output=True,
        env=full_env,
        timeout=120,
        check=False,
    )


def lines(proc: subprocess.CompletedProcess[bytes]) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines() if line]


def test_console_script_is_installed() -> None:
    assert SCRIPT.exists(), "pip install should create the newsbrief console script"


def test_html_file_brief_has_the_documented_schema() -> None:
    proc = run_cli("summarize", str(PAGE))
    assert proc.returncode == 0, proc.stderr.decode()
    (brief,) = lines(proc)
    for key in (
        "id",
        "url",
        "canonical_url",
        "source",
        "title",
        "authors",
        "published",
        "language",
        "text",
        "word_count",
        "summary",
        "summary_algorithm",
        "entities",
        "fetched_at",
    ):
        assert key in brief
    assert brief["summary_algorithm"] == "newsbrief"
    assert brief["title"] == "Port Avery council votes to close Harbour Bridge to cars"
    assert brief["canonical_url"].endswith("/news/2026/03/10/harbour-bridge-closure")
    assert brief["source"] == "averycourier.example"
    assert brief["authors"] == ["Jane Whitfield"]
    assert brief["published"].startswith("2026-03-10")
    assert brief["language"] == "en"
    assert "corrosion in two of the bridge’s four main cables" in brief["text"]
    for boilerplate in ("cookies", "Subscribe", "Related stories", "Share on", "All rights"):
        assert boilerplate not in brief["text"]
    assert "\n\n" in brief["text"], "paragraphs are separated by blank lines"
    assert brief["word_count"] == len(brief["text"].split())
    assert len(brief["summary"]) == 3
    for sentence in brief["summary"]:
        assert sentence in brief["text"], "summary sentences are taken verbatim"
    positions = [brief["text"].index(s) for s in brief["summary"]]
    assert positions == sorted(positions), "summary keeps document order"
    names = {e["name"]: e for e in brief["entities"]}
    assert names["Helen Okafor"]["type"] == "PERSON"
    assert names["Helen Okafor"]["count"] >= 2  # "Mayor Helen Okafor" and "Okafor"
    counts = [e["count"] for e in brief["entities"]]
    assert counts == sorted(counts, reverse=True)


def test_same_page_from_gzip_file_and_stdin_gives_the_same_id_and_text() -> None:
    first = lines(run_cli("summarize", str(PAGE)))[0]
    from_gz = run_cli("summarize", str(GZ))
    from_stdin = run_cli("summarize", "-", stdin=PAGE.read_bytes())
    assert from_gz.returncode == 0 and from_stdin.returncode == 0
    for other in (lines(from_gz)[0], lines(from_stdin)[0]):
        assert other["id"] == first["id"]  # stable for the same canonical URL
        assert other["text"] == first["text"]


def test_text_file_is_briefed_without_extraction() -> None:
    proc = run_cli("summarize", "--sentences", "2", str(TEXT))
    assert proc.returncode == 0, proc.stderr.decode()
    (brief,) = lines(proc)
    assert brief["text"].startswith("The city council of Port Avery voted")
    assert len(brief["summary"]) == 2
    assert brief["language"] == "en"


def test_algorithm_picks_who_summarizes() -> None:
    default = lines(run_cli("summarize", "--sentences", "2", str(TEXT)))[0]
    proc = run_cli("summarize", "--sentences", "2", "--algorithm", "lexrank", str(TEXT), str(PAGE))
    assert proc.returncode == 0, proc.stderr.decode()
    for brief in lines(proc):
        assert brief["summary_algorithm"] == "lexrank"
        assert len(brief["summary"]) == 2
        assert all(sentence in brief["text"] for sentence in brief["summary"])
    assert lines(proc)[0]["text"] == default["text"]


def test_url_input_is_fetched_over_http(loopback: LoopbackServer) -> None:
    url = loopback.add(
        "/story", Response(PAGE.read_bytes(), headers={"Content-Type": "text/html; charset=utf-8"})
    )
    proc = run_cli("summarize", url, env={"NEWSBRIEF_ALLOW_LOOPBACK": "1"})
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    (brief,) = lines(proc)
    assert brief["url"] == url
    assert brief["title"].startswith("Port Avery council")
    assert any("newsbrief" in h.get("User-Agent", "") for _, _, h in loopback.requests)


def test_failures_are_reported_in_place_and_the_rest_still_run(loopback: LoopbackServer) -> None:
    url = loopback.add("/story", Response(PAGE.read_bytes()))
    inputs = [str(TEXT), "/no/such/file.html", url, "http://10.1.2.3/x", str(PAGE), "notes.pdf"]
    proc = run_cli("summarize", *inputs)  # no loopback allowance: the local URL is refused
    assert proc.returncode == 1
    out = lines(proc)
    assert len(out) == len(inputs)
    assert "id" in out[0] and "id" in out[4]
    assert out[1] == {"input": "/no/such/file.html", "error": out[1]["error"]}
    assert out[1]["error"]["code"] == "invalid_input"
    assert out[2]["error"]["code"] == "destination_refused"
    assert out[3]["error"]["code"] == "destination_refused"
    assert out[5]["error"]["code"] == "invalid_input"
    assert b"Traceback" not in proc.stderr


def test_page_without_article_is_no_article(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    proc = run_cli("summarize", str(page))
    assert proc.returncode == 1
    assert lines(proc)[0]["error"]["code"] == "no_article"


def test_pretty_output_is_indented_json() -> None:
    proc = run_cli("summarize", "--pretty", str(TEXT))
    assert proc.returncode == 0
    text = proc.stdout.decode()
    assert text.startswith("{\n  ")
    assert json.loads(text)["text"].startswith("The city council")


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["summarize"],
        ["summarize", "--sentences", "0", "x.txt"],
        ["summarize", "--sentences", "many", "x.txt"],
        ["summarize", "--algorithm", "bart", "x.txt"],
        ["frobnicate"],
    ],
)
def test_bad_usage_is_a_message_on_stderr_and_non_zero_exit(args: list[str]) -> None:
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert proc.stderr.strip() and b"Traceback" not in proc.stderr
    assert proc.stdout == b""


def test_bad_environment_is_a_clear_error() -> None:
    proc = run_cli("summarize", str(TEXT), env={"NEWSBRIEF_MAX_BYTES": "lots"})
    assert proc.returncode == 2
    assert b"NEWSBRIEF_MAX_BYTES" in proc.stderr
    assert proc.stdout == b""
    assert b"Traceback" not in proc.stderr


def test_version_prints_the_package_version() -> None:
    import newsbrief

    proc = run_cli("--version")
    assert proc.returncode == 0
    assert proc.stdout.decode().strip() == f"newsbrief {newsbrief.__version__}"


BINARY_INPUTS = {
    "gzip-named-html": lambda: GZ.read_bytes(),
    "png-named-html": lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
    "random-bytes": lambda: __import__("random").Random(13).randbytes(8192),
    "random-bytes-without-nul": lambda: bytes(
        b or 1 for b in __import__("random").Random(7).randbytes(8192)
    ),
}


@pytest.mark.parametrize("name", sorted(BINARY_INPUTS))
@pytest.mark.parametrize("suffix", [".html", ".txt"])
def test_binary_files_are_unsupported_content(tmp_path: Path, name: str, suffix: str) -> None:
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(BINARY_INPUTS[name]())
    proc = run_cli("summarize", str(path), str(PAGE))
    assert proc.returncode == 1
    refused, ok = lines(proc)
    assert refused["input"] == str(path)
    assert refused["error"]["code"] == "unsupported_content", refused
    assert ok["title"]  # the next input still ran


@pytest.mark.parametrize("name", sorted(BINARY_INPUTS))
def test_binary_stdin_is_unsupported_content(name: str) -> None:
    proc = run_cli("summarize", "-", stdin=BINARY_INPUTS[name]())
    assert proc.returncode == 1
    (refused,) = lines(proc)
    assert refused["error"]["code"] == "unsupported_content"


def test_the_same_bytes_from_a_url_are_refused_the_same_way(loopback: LoopbackServer) -> None:
    data = BINARY_INPUTS["random-bytes-without-nul"]()
    loopback.add("/page.html", Response(data, headers={"Content-Type": "text/html"}))
    proc = run_cli("summarize", loopback.url("/page.html"), env={"NEWSBRIEF_ALLOW_LOOPBACK": "1"})
    (refused,) = lines(proc)
    assert refused["error"]["code"] == "unsupported_content"


def test_a_directory_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    proc = run_cli("summarize", str(tmp_path))
    assert proc.returncode == 1
    (refused,) = lines(proc)
    assert refused["error"]["code"] == "invalid_input"
    assert "is a directory" in refused["error"]["message"]
