"""`newsbrief crawl FEED_URL`: one poll from the command line, over a loopback site."""

from __future__ import annotations

import json

import pytest
from newsbrief.cli import main

from tests.conftest import FIXTURES
from tests.support.loopback import LoopbackServer, Response

ARTICLES = FIXTURES / "articles"


@pytest.fixture
def news(loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> LoopbackServer:
    monkeypatch.setenv("NEWSBRIEF_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("NEWSBRIEF_ALLOWED_PORTS", str(loopback.port))
    for page in ARTICLES.glob("*.html"):
        loopback.add(f"/news/{page.stem}", Response(page.read_bytes()))
    loopback.add("/members/only", Response((ARTICLES / "tram_line.html").read_bytes()))
    loopback.add("/robots.txt", Response(b"User-agent: *\nDisallow: /members/\n"))
    items = "".join(
        f"<entry><title>{name}</title><link href='{path}'/>"
        f"<updated>2026-11-2{i}T08:00:00Z</updated></entry>"
        for i, (name, path) in enumerate(
            [("Tram", "/news/tram_line"), ("Storm", "/news/harbour_storm"),
             ("Members", "/members/only"), ("Gone", "/news/missing")]
        )
    )  # fmt: skip
    atom = f"<feed xmlns='http://www.w3.org/2005/Atom'><title>T</title>{items}</feed>"
    loopback.add("/atom.xml", Response(atom.encode(), headers={"Content-Type": "text/xml"}))
    return loopback


def _lines(out: str) -> list[dict]:
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    return lines


def test_crawl_briefs_allowed_articles_and_reports_the_rest(news, capsys):
    status = main(["crawl", "--delay", "0", news.url("/atom.xml")])
    captured = capsys.readouterr()
    lines = _lines(captured.out)
    assert status == 1  # one article was forbidden and one is missing
    errors = {line["input"]: line["error"]["code"] for line in lines if "error" in line}
    assert errors == {
        news.url("/members/only"): "robots_disallowed",
        news.url("/news/missing"): "fetch_failed",
    }
    briefed = [line for line in lines if "error" not in line]
    assert [b["url"] for b in briefed] == [
        news.url("/news/harbour_storm"),
        news.url("/news/tram_line"),
    ]
    for brief in briefed:
        assert brief["text"] and brief["summary"]  # real briefs, newest first
    assert not any(path.startswith("/members/") for _, path, _ in news.requests)
    assert "3/3" in captured.err  # progress on stderr, never mixed into the JSON Lines


def test_crawl_limit_takes_the_newest(news, capsys):
    # newest first: missing (fails), members (forbidden, not counted), storm; tram is cut
    assert main(["crawl", "--delay", "0", "--limit", "2", news.url("/atom.xml")]) == 1
    lines = _lines(capsys.readouterr().out)
    briefed = [line["url"] for line in lines if "error" not in line]
    assert briefed == [news.url("/news/harbour_storm")]


def test_crawl_of_a_non_feed_is_one_clear_error(news, capsys):
    news.add("/page", Response(b"<html><body><p>hello</p></body></html>"))
    assert main(["crawl", news.url("/page")]) == 1
    (line,) = _lines(capsys.readouterr().out)
    assert line["input"] == news.url("/page")
    assert line["error"]["code"] == "invalid_feed"


@pytest.mark.parametrize("args", [["crawl"], ["crawl", "--limit", "0", "http://x"]])
def test_crawl_usage_errors(args, capsys):
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2


def test_crawl_of_a_malformed_url_is_one_clear_error(capsys):
    assert main(["crawl", "http://x.example:99999/feed"]) == 1
    (line,) = _lines(capsys.readouterr().out)
    assert line["error"]["code"] == "invalid_input"
