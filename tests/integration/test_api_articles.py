"""The article routes end to end in-process: API handler + moto table/queue + loopback pages."""

from __future__ import annotations

import pytest
from newsbrief.brief_schema import Brief
from newsbrief.pipeline import brief_id

from tests.integration.conftest import api_event, sqs_event

pytestmark = pytest.mark.usefixtures("aws")

TRAM_CANONICAL = "https://www.riverside-gazette.example/news/2026/11/26/council-approves-tram-line"
# The tram page served under its own site's names: its canonical URL is on the fetched site.
TRAM_SITE = "www.riverside-gazette.example"


def _post_url(call_api, url: str, **extra):
    return call_api(api_event("api_articles_create", body={"url": url, **extra}))


def _get(call_api, some_id: str):
    return call_api(api_event("api_article_get", path=f"/articles/{some_id}"))


def test_create_then_repeat_then_refresh(call_api, site, named_hosts):
    url = named_hosts(TRAM_SITE, "/news/tram_line")
    first = _post_url(call_api, url, sentences=2)
    assert first.status == 201, first.body
    brief = Brief.model_validate(first.body)
    assert "tram line" in brief.text
    assert "Most read" not in brief.text  # boilerplate stays out
    assert 1 <= len(brief.summary) <= 2
    assert brief.canonical_url == TRAM_CANONICAL
    assert brief.id == brief_id(TRAM_CANONICAL)
    assert first.headers["content-type"].startswith("application/json")

    fetches = len(site.requests)
    again = _post_url(call_api, url)
    assert again.status == 200
    assert again.body == first.body
    assert len(site.requests) == fetches  # served from the store, not fetched again

    refreshed = _post_url(call_api, url, refresh=True, sentences=1)
    assert refreshed.status == 200
    assert len(site.requests) == fetches + 1
    assert refreshed.body["id"] == brief.id
    assert len(refreshed.body["summary"]) == 1

    read = _get(call_api, brief.id)
    assert read.status == 200
    assert read.body == refreshed.body
    # The requested URL's own id leads to the same brief (alias), as a batch id would.
    assert _get(call_api, brief_id(url)).body["id"] == brief.id


def test_two_urls_with_one_canonical_share_one_brief(call_api, site, aws, named_hosts):
    site.add("/amp/tram", site.routes["/news/tram_line"])
    first = _post_url(call_api, named_hosts(TRAM_SITE, "/news/tram_line"))
    second = _post_url(call_api, named_hosts("amp.riverside-gazette.example", "/amp/tram"))
    assert first.status == 201
    assert second.status == 200  # the canonical brief was already stored
    assert second.body["id"] == first.body["id"]
    listed = call_api(api_event("api_articles_list", query={}))
    assert [card["id"] for card in listed.body["items"]] == [first.body["id"]]


def test_get_unknown_id_is_404(call_api):
    result = _get(call_api, "0" * 24)
    assert result.status == 404
    assert result.body["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "bad_id",
    ["..%2F..%2Fetc%2Fpasswd", "ABCDEF0123456789ABCDEF01", "123", "z" * 24, "0" * 25, "%00"],
)
def test_get_rejects_malformed_ids(call_api, bad_id):
    result = _get(call_api, bad_id)
    assert result.status == 400
    assert result.body["error"]["code"] == "invalid_input"


def test_path_traversal_never_reaches_a_route(call_api):
    result = call_api(api_event("api_article_get", path="/articles/../../etc/passwd"))
    assert result.status in (400, 404)
    assert set(result.body) == {"error"}


def test_list_paginates_newest_first_with_opaque_cursor(call_api, stored_briefs):
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        page = call_api(api_event("api_articles_list", query=query))
        assert page.status == 200, page.body
        assert len(page.body["items"]) <= 2
        seen += [card["id"] for card in page.body["items"]]
        cursor = page.body["next_cursor"]
        pages += 1
        if not cursor:
            break
    expected = [b.id for b in sorted(stored_briefs, key=lambda b: b.fetched_at, reverse=True)]
    assert seen == expected
    assert pages >= 3
    card = call_api(api_event("api_articles_list", query={"limit": "1"})).body["items"][0]
    assert set(card) >= {"id", "title", "source", "summary", "fetched_at", "url"}
    assert "text" not in card  # listing never ships whole articles


def test_list_filters_by_source(call_api, stored_briefs):
    page = call_api(api_event("api_articles_list", query={"source": "coastal.example"}))
    assert page.status == 200
    expected = {b.id for b in stored_briefs if b.source == "coastal.example"}
    assert {card["id"] for card in page.body["items"]} == expected
    assert all(card["source"] == "coastal.example" for card in page.body["items"])
    # www. and case do not matter
    alias = call_api(api_event("api_articles_list", query={"source": "WWW.Coastal.example"}))
    assert {card["id"] for card in alias.body["items"]} == expected


@pytest.mark.parametrize(
    "cursor",
    ["garbage!!", "eyJmb28iOiJiYXIifQ", "bm90IGpzb24", "e30"],  # junk, wrong keys, not JSON, {}
)
def test_list_rejects_tampered_cursor(call_api, stored_briefs, cursor):
    page = call_api(api_event("api_articles_list", query={"cursor": cursor}))
    assert page.status == 400
    assert page.body["error"]["code"] == "invalid_input"


def test_cursor_of_one_listing_is_refused_by_another(call_api, stored_briefs):
    first = call_api(api_event("api_articles_list", query={"limit": "1"}))
    cursor = first.body["next_cursor"]
    assert cursor
    other = call_api(
        api_event(
            "api_articles_list", query={"limit": "1", "cursor": cursor, "source": "a.example"}
        )
    )
    assert other.status == 400


def test_batch_enqueues_and_worker_drains(call_api, call_worker, aws, site):
    urls = [
        site.url("/news/tram_line"),
        site.url("/news/harbour_storm"),
        site.url("/news/tram_line"),
    ]
    accepted = call_api(api_event("api_articles_batch", body={"urls": urls, "sentences": 2}))
    assert accepted.status == 202
    queued = accepted.body["queued"]
    assert [q["url"] for q in queued] == urls[:2]  # duplicates collapse
    assert [q["id"] for q in queued] == [brief_id(u) for u in urls[:2]]
    for q in queued:  # not briefed yet
        assert _get(call_api, q["id"]).status == 404

    bodies = aws.queued_bodies()
    assert bodies == [{"url": u, "sentences": 2, "algorithm": "newsbrief"} for u in urls[:2]]
    assert call_worker(sqs_event(bodies)) == []
    for q in queued:
        brief = _get(call_api, q["id"])
        assert brief.status == 200
        assert len(brief.body["summary"]) <= 2
    # A second delivery of the same messages fetches nothing.
    fetches = len(site.requests)
    assert call_worker(sqs_event(bodies)) == []
    assert len(site.requests) == fetches


def test_another_algorithm_answers_from_the_stored_text(call_api, site):
    url = site.url("/news/tram_line")
    first = _post_url(call_api, url, sentences=2)
    assert first.status == 201 and first.body["summary_algorithm"] == "newsbrief"
    fetches = len(site.requests)

    lsa = _post_url(call_api, url, sentences=3, algorithm="lsa")
    assert lsa.status == 200, lsa.body
    assert len(site.requests) == fetches  # not fetched again
    assert lsa.body["summary_algorithm"] == "lsa"
    assert len(lsa.body["summary"]) == 3
    assert all(sentence in lsa.body["text"] for sentence in lsa.body["summary"])
    assert {k: v for k, v in lsa.body.items() if not k.startswith("summary")} == {
        k: v for k, v in first.body.items() if not k.startswith("summary")
    }
    # The stored brief keeps its default summary.
    assert _get(call_api, first.body["id"]).body == first.body
    card = call_api(api_event("api_articles_list", query={})).body["items"][0]
    assert card["summary"] == first.body["summary"]
    assert card["summary_algorithm"] == "newsbrief"


def test_batch_algorithm_reaches_the_worker(call_api, call_worker, aws, site):
    url = site.url("/news/harbour_storm")
    body = {"urls": [url], "algorithm": "textrank"}
    accepted = call_api(api_event("api_articles_batch", body=body))
    assert accepted.status == 202, accepted.body
    bodies = aws.queued_bodies()
    assert bodies == [{"url": url, "sentences": 3, "algorithm": "textrank"}]
    assert call_worker(sqs_event(bodies)) == []
    brief = _get(call_api, accepted.body["queued"][0]["id"])
    assert brief.status == 200
    assert brief.body["summary_algorithm"] == "textrank"


def test_summarize_text_is_not_stored(call_api, aws):
    event = api_event("api_summarize")
    result = call_api(event)
    assert result.status == 200, result.body
    brief = Brief.model_validate(result.body)
    assert brief.title == "Council approves tram line"
    assert len(brief.summary) == 2
    assert aws.item_count() == 0


def test_summarize_html(call_api, aws):
    from tests.integration.conftest import article_html

    body = {"html": article_html("harbour_storm"), "url": "https://coastal.example/harbour"}
    result = call_api(api_event("api_summarize", body=body))
    assert result.status == 200, result.body
    assert "Northhaven" in result.body["text"]
    assert result.body["summary_algorithm"] == "newsbrief"
    for algorithm in ("edmundson", "reduction"):
        other = call_api(api_event("api_summarize", body={**body, "algorithm": algorithm}))
        assert other.status == 200, other.body
        assert other.body["summary_algorithm"] == algorithm
        assert other.body["text"] == result.body["text"]
    assert result.body["source"] == "coastal.example"
    assert aws.item_count() == 0


def test_health_and_docs_are_served(call_api):
    health = call_api(api_event("api_health"))
    assert health.status == 200
    assert health.body["status"] == "ok"
    docs = call_api(api_event("api_docs"))
    assert docs.status == 200
    assert docs.headers["content-type"].startswith("text/html")
    assert "swagger-ui" in docs.raw
    # Offline: the UI's script and styles are inlined, no CDN is referenced.
    assert "<script src=" not in docs.raw and "cdn" not in docs.raw.lower()
    spec_event = api_event("api_docs", query={"format": "json"})
    spec = call_api(spec_event).body
    assert {"/articles", "/articles/{article_id}", "/summarize", "/health"} <= set(spec["paths"])
