"""A user of the API: create, read, list, queue, fail in every way, lose nothing.

The tests on ``api`` run against the local stack and, as the smoke suite, against a
deployment (``make smoke``); those marked ``writes`` store briefs of tests/fixtures/smoke
there only when asked. The tests on ``stack`` need pages on loopback: local stack only.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import (
    SMOKE_PAGES,
    ApiTarget,
    RunningStack,
    SmokePages,
    page,
    without_canonical,
)
from tests.support.loopback import LoopbackServer, Response

pytestmark = pytest.mark.e2e

ARTICLES = {
    "river": "river_dredging.html",
    "chips": "chip_plant.html",
    "trains": "night_trains.html",
}


@pytest.fixture(scope="module")
def site() -> Iterator[LoopbackServer]:
    """News pages (and broken ones) on loopback, where the stack's functions fetch them."""
    server = LoopbackServer()
    for key, name in ARTICLES.items():
        server.add(f"/news/{key}", Response(page(name)))
        # Wire copies: no canonical link, so each URL is a brief of its own.
        server.add(f"/wire/{key}", Response(without_canonical(page(name))))
    server.add("/broken", Response(b"upstream exploded", status=500))
    server.add(
        "/report.pdf", Response(b"%PDF-1.7 not html", headers={"Content-Type": "application/pdf"})
    )
    server.add(
        "/empty",
        Response(b"<html><head><title>Home</title></head><body><nav>Menu</nav></body></html>"),
    )
    server.start()
    yield server
    server.stop()


def _create(api: ApiTarget, url: str) -> dict[str, Any]:
    reply = api.request("POST", "/articles", {"url": url})
    assert reply.status in (200, 201), reply.raw
    return reply.json


def test_open_routes_need_no_key(api: ApiTarget) -> None:
    health = api.request("GET", "/health", key=None)
    assert health.status == 200 and health.json["status"] == "ok"
    assert {k.lower() for k in health.headers} >= {"x-amzn-requestid"}
    assert api.request("GET", "/docs", key=None).status == 200
    spec = api.request("GET", "/docs?format=json", key=None)
    assert spec.status == 200 and "/articles" in spec.json["paths"]


@pytest.mark.parametrize("key", [None, "wrong-key", ""])
def test_keyed_routes_refuse_missing_or_wrong_key(api: ApiTarget, key: str | None) -> None:
    reply = api.request("GET", "/articles", key=key)
    assert reply.status == 401
    assert reply.code == "unauthorized"
    assert "Traceback" not in reply.raw.decode()


def test_unknown_routes_are_not_found(api: ApiTarget) -> None:
    # "/" matches no resource at all: API Gateway answers by itself.
    assert api.request("GET", "/", key=None).code == "not_found"
    # Under /{proxy+} the function's router decides.
    reply = api.request("GET", "/no/such/thing")
    assert reply.status == 404 and reply.code == "not_found"


def test_reads_answer_without_writing(api: ApiTarget) -> None:
    listed = api.request("GET", "/articles?limit=2")
    assert listed.status == 200 and set(listed.json) == {"items", "next_cursor"}
    assert len(listed.json["items"]) <= 2
    feeds = api.request("GET", "/feeds?limit=2")
    assert feeds.status == 200 and set(feeds.json) == {"items", "next_cursor"}
    for path in ("/articles/" + "0" * 24, "/feeds/" + "0" * 24):
        reply = api.request("GET", path)
        assert (reply.status, reply.code) == (404, "not_found"), path
    assert api.request("GET", "/feeds/not-an-id").status in (400, 404)


def test_summarize_runs_every_stage_and_stores_nothing(api: ApiTarget) -> None:
    html = (SMOKE_PAGES / "ferry_timetable.html").read_text(encoding="utf-8")
    reply = api.request("POST", "/summarize", {"html": html, "sentences": 2})
    assert reply.status == 200, reply.raw
    brief = reply.json
    assert brief["title"] == "Island ferry adds winter sailings after petition"
    assert brief["site_name"] == "Northcoast Gazette" and brief["language"] == "en"
    assert len(brief["summary"]) == 2 and "£620,000" in brief["text"]
    assert {"name": "Morag Dunlop", "type": "PERSON"}.items() <= next(
        e for e in brief["entities"] if e["name"] == "Morag Dunlop"
    ).items()
    assert api.request("GET", f"/articles/{brief['id']}").status == 404  # nothing stored


@pytest.mark.writes
def test_brief_a_page_then_read_it(api: ApiTarget, smoke_pages: SmokePages) -> None:
    url = smoke_pages.url("ferry_timetable.html")
    first = api.request("POST", "/articles", {"url": url, "sentences": 2})
    assert first.status == 201, first.raw
    brief = first.json
    assert brief["url"] == url
    assert brief["title"] == "Island ferry adds winter sailings after petition"
    assert brief["authors"] == ["Fiona MacRae"] and len(brief["summary"]) == 2
    assert "Subscribe" not in brief["text"] and "All rights reserved" not in brief["text"]
    again = api.request("POST", "/articles", {"url": url})
    assert again.status == 200 and again.json["id"] == brief["id"]
    read = api.request("GET", f"/articles/{brief['id']}")
    assert read.status == 200 and read.json == brief


@pytest.mark.writes
def test_a_batch_is_briefed_by_the_worker_and_listed(
    api: ApiTarget, smoke_pages: SmokePages
) -> None:
    url = smoke_pages.url("library_reopens.html")
    reply = api.request("POST", "/articles", {"urls": [url, url]})  # a duplicate
    assert reply.status == 202, reply.raw
    (queued,) = reply.json["queued"]
    brief = api.wait_for(f"/articles/{queued['id']}", timeout=180 if api.deployed else 45)
    assert brief.status == 200, brief.raw
    assert brief.json["url"] == url and brief.json["site_name"] == "Valley Courier"
    # Newest first: this run's brief is on the first pages of its source.
    seen: list[str] = []
    cursor = None
    for _ in range(10):  # bounded: a cursor that never ends is a bug
        path = f"/articles?source={brief.json['source']}&limit=2"
        listed = api.request("GET", path + (f"&cursor={cursor}" if cursor else "")).json
        seen += [item["id"] for item in listed["items"]]
        cursor = listed["next_cursor"]
        if brief.json["id"] in seen or not cursor:
            break
    assert brief.json["id"] in seen


def test_create_then_read_a_brief(stack: RunningStack, site: LoopbackServer) -> None:
    url = site.url("/news/river")
    first = stack.request("POST", "/articles", {"url": url, "sentences": 2})
    assert first.status == 201, first.raw
    brief = first.json
    assert brief["title"].startswith("Council approves £40m dredging plan")
    # Its canonical URL names another site than the one it came from (loopback): it is kept
    # as data, but the brief is known by the URL it was fetched from.
    assert brief["canonical_url"].startswith("https://www.wendburycourier.co.uk/")
    assert brief["source"] == "127.0.0.1" and brief["id"] != ""
    assert len(brief["summary"]) == 2
    assert "180,000 tonnes of silt" in brief["text"]
    assert "Subscribe" not in brief["text"] and "All rights reserved" not in brief["text"]

    again = stack.request("POST", "/articles", {"url": url})
    assert again.status == 200 and again.json["id"] == brief["id"]

    read = stack.request("GET", f"/articles/{brief['id']}")
    assert read.status == 200
    assert read.json["text"] == brief["text"] and read.json["summary"] == brief["summary"]


def test_list_pages_through_every_brief(stack: RunningStack, site: LoopbackServer) -> None:
    created = {_create(stack, site.url(f"/news/{key}"))["id"] for key in ARTICLES}
    seen: list[str] = []
    cursor = None
    for _ in range(20):  # bounded: a cursor that never ends is a bug
        path = "/articles?limit=2" + (f"&cursor={cursor}" if cursor else "")
        reply = stack.request("GET", path)
        assert reply.status == 200, reply.raw
        assert len(reply.json["items"]) <= 2
        seen.extend(item["id"] for item in reply.json["items"])
        cursor = reply.json["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)), "a brief was listed twice"
    assert created <= set(seen)

    # A page cannot list itself under the site its canonical URL names.
    by_claim = stack.request("GET", "/articles?source=midwestbusinessdaily.com").json
    assert by_claim["items"] == []
    by_source = stack.request("GET", "/articles?source=127.0.0.1&limit=100").json
    assert created <= {item["id"] for item in by_source["items"]}

    bad_cursor = stack.request("GET", "/articles?cursor=not-a-cursor")
    assert bad_cursor.status == 400 and bad_cursor.code == "invalid_input"


def test_find_briefs_by_entity_and_the_most_briefed_entities(
    stack: RunningStack, site: LoopbackServer
) -> None:
    trains = _create(stack, site.url("/news/trains"))
    # The page names "ÖBB": found without its accent, in any case.
    found = stack.request("GET", "/articles?entity=obb&limit=100")
    assert found.status == 200, found.raw
    assert trains["id"] in [card["id"] for card in found.json["items"]]
    plain_card = stack.request("GET", "/articles?limit=1").json["items"][0]
    assert set(found.json["items"][0]) == set(plain_card)  # the same cards
    none = stack.request("GET", "/articles?entity=obb&type=PERSON").json
    assert trains["id"] not in [card["id"] for card in none["items"]]
    nobody = stack.request("GET", "/articles?entity=Nobody%20Atall")
    assert nobody.status == 200 and nobody.json == {"items": [], "next_cursor": None}

    # The page was published on 2026-11-20 (UTC+1): the entities of that day.
    day = stack.request("GET", "/entities?since=2026-11-19&until=2026-11-21&type=ORGANIZATION")
    assert day.status == 200, day.raw
    assert "ÖBB" in [e["name"] for e in day.json["items"]]
    assert all(e["type"] == "ORGANIZATION" and e["briefs"] >= 1 for e in day.json["items"])
    too_long = stack.request("GET", "/entities?since=2026-01-01&until=2026-03-01")
    assert too_long.status == 400 and too_long.code == "invalid_input"


def test_every_new_brief_is_announced_once(stack: RunningStack, site: LoopbackServer) -> None:
    created = {_create(stack, site.url(f"/news/{key}"))["id"] for key in ARTICLES}
    announced = [e["detail"]["id"] for e in stack.events() if e["detail-type"] == "BriefCreated"]
    assert created <= set(announced)
    assert len(announced) == len(set(announced)), "a brief was announced twice"
    event = next(e for e in stack.events() if e["detail"]["id"] in created)
    assert event["source"] == "newsbrief" and event["detail"]["entities"]


def test_batch_is_drained_by_the_worker(stack: RunningStack, site: LoopbackServer) -> None:
    urls = [site.url(f"/wire/{key}") for key in ("chips", "trains")]
    reply = stack.request("POST", "/articles", {"urls": urls + urls[:1]})  # a duplicate
    assert reply.status == 202, reply.raw
    queued = reply.json["queued"]
    assert [q["url"] for q in queued] == urls
    for item in queued:
        brief = stack.wait_for(f"/articles/{item['id']}", timeout=45)
        assert brief.status == 200, brief.raw
        assert brief.json["url"] == item["url"]
        assert brief.json["summary"]
        # The worker announces what it briefs, as the API does.
        announced = [e["detail"]["url"] for e in stack.events()]
        assert announced.count(item["url"]) == 1


def _queue_depth(stack: RunningStack, name_suffix: str) -> int:
    sqs = stack.sqs()
    (url,) = [u for u in sqs.list_queues()["QueueUrls"] if u.endswith(name_suffix)]
    attrs = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(
        attrs["ApproximateNumberOfMessagesNotVisible"]
    )


def test_failures_retry_then_park_or_are_recorded(
    stack: RunningStack, site: LoopbackServer
) -> None:
    broken, pdf = site.url("/broken"), site.url("/report.pdf")
    parked = _queue_depth(stack, "BriefDeadLetterQueue")
    reply = stack.request("POST", "/articles", {"urls": [broken, pdf]})
    assert reply.status == 202, reply.raw
    ids = {q["url"]: q["id"] for q in reply.json["queued"]}

    # Permanent: recorded once, never retried; reading the id explains why.
    rejected = stack.wait_for(f"/articles/{ids[pdf]}", status=415, timeout=30)
    assert rejected.code == "unsupported_content"

    # Transient: retried until maxReceiveCount, then parked in the dead-letter queue.
    deadline = time.monotonic() + 40
    while _queue_depth(stack, "BriefDeadLetterQueue") < parked + 1 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _queue_depth(stack, "BriefDeadLetterQueue") == parked + 1
    assert _queue_depth(stack, "BriefQueue") == 0
    attempts = [r for r in site.requests if r[1] == "/broken"]
    pdf_attempts = [r for r in site.requests if r[1] == "/report.pdf"]
    assert len(attempts) >= 3  # maxReceiveCount in template.yaml
    assert len(pdf_attempts) == 1
    assert stack.request("GET", f"/articles/{ids[broken]}").code == "fetch_failed"


ERROR_CASES = [
    # (description, method, path, body, status, code)
    ("not JSON", "POST", "/articles", b"{not json", 400, "invalid_input"),
    ("unknown field", "POST", "/articles", {"url": "http://a.example/", "x": 1}, 400,
     "invalid_input"),
    ("not http", "POST", "/articles", {"url": "ftp://a.example/file"}, 400, "invalid_input"),
    ("sentences 0", "POST", "/articles", {"url": "http://a.example/", "sentences": 0}, 400,
     "invalid_input"),
    ("empty batch", "POST", "/articles", {"urls": []}, 400, "invalid_input"),
    ("private address", "POST", "/articles", {"url": "http://10.20.30.40/news"}, 403,
     "destination_refused"),
    ("metadata address", "POST", "/articles", {"url": "http://169.254.169.254/latest"}, 403,
     "destination_refused"),
    ("bad limit", "GET", "/articles?limit=0", None, 400, "invalid_input"),
    ("unknown id", "GET", "/articles/" + "0" * 24, None, 404, "not_found"),
    ("summarize neither", "POST", "/summarize", {"sentences": 2}, 400, "invalid_input"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [case[1:] for case in ERROR_CASES],
    ids=[case[0] for case in ERROR_CASES],
)
def test_bad_requests_get_clear_errors(
    api: ApiTarget, method: str, path: str, body: Any, status: int, code: str
) -> None:
    reply = api.request(method, path, body)
    assert (reply.status, reply.code) == (status, code), reply.raw
    assert reply.json["error"]["message"]
    assert "Traceback" not in reply.raw.decode()


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/broken", 502, "fetch_failed"),
        ("/report.pdf", 415, "unsupported_content"),
        ("/empty", 422, "no_article"),
    ],
)
def test_pages_that_cannot_be_briefed(
    stack: RunningStack, site: LoopbackServer, path: str, status: int, code: str
) -> None:
    reply = stack.request("POST", "/articles", {"url": site.url(path)})
    assert (reply.status, reply.code) == (status, code), reply.raw


def test_oversized_body_is_refused(api: ApiTarget) -> None:
    html = "<p>" + "word " * (7 * 1024 * 1024 // 5) + "</p>"
    reply = api.request("POST", "/summarize", {"html": html})
    assert (reply.status, reply.code) == (413, "too_large")


@pytest.mark.writes
def test_data_is_still_there_after_bad_requests(api: ApiTarget, smoke_pages: SmokePages) -> None:
    before = _create(api, smoke_pages.url("ferry_timetable.html"))
    for _, method, path, body, _, _ in ERROR_CASES:
        api.request(method, path, body)
    api.request("POST", "/articles", {"url": before["url"], "sentences": 99})
    api.request("POST", "/articles", {"url": before["url"]}, key="wrong-key")
    after = api.request("GET", f"/articles/{before['id']}")
    assert after.status == 200
    assert after.json == before
