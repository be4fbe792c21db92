"""Brief poisoning: a page that declares another site's article as its canonical URL.

The attacker serves a page whose ``<link rel=canonical>`` names a victim site's article. Its
brief must be stored under the attacker's own URL, never under the victim's: it cannot take the
victim's id before the victim is briefed (pre-empt), cannot overwrite it afterwards with
``refresh`` (replace), and is never listed under the victim's ``source``. Both sites are served
over loopback under made-up ``.example`` names.
"""

from __future__ import annotations

import pytest
from newsbrief.pipeline import brief_id

from tests.integration.conftest import api_event, article_html, sqs_event
from tests.support.loopback import Response

pytestmark = pytest.mark.usefixtures("aws")

VICTIM_HOST = "www.victim-news.example"
ATTACKER_HOST = "attacker.example"


@pytest.fixture
def sites(site, named_hosts):
    """The victim's genuine article and the attacker's page claiming it; returns both URLs."""
    victim = named_hosts(VICTIM_HOST, "/news/harbour-reopens")
    site.add("/news/harbour-reopens", Response(article_html("harbour_storm").encode()))
    planted = article_html("tram_line").replace(
        "https://www.riverside-gazette.example/news/2026/11/26/council-approves-tram-line", victim
    )
    site.add("/plant", Response(planted.encode()))
    return victim, named_hosts(ATTACKER_HOST, "/plant")


def _post(call_api, url: str, **extra):
    return call_api(api_event("api_articles_create", body={"url": url, **extra}))


def _fetches(site, path: str) -> int:
    return sum(1 for _, p, _ in site.requests if p == path)


def test_a_planted_canonical_cannot_pre_empt_the_victims_brief(call_api, site, sites):
    victim, attacker = sites
    planted = _post(call_api, attacker)
    assert planted.status == 201, planted.body
    assert planted.body["id"] == brief_id(attacker) != brief_id(victim)
    assert planted.body["source"] == ATTACKER_HOST
    assert planted.body["canonical_url"] == victim  # what the page said, kept as data

    genuine = _post(call_api, victim)
    assert genuine.status == 201, genuine.body  # a new brief, not the planted one
    assert _fetches(site, "/news/harbour-reopens") == 1  # it was really fetched
    assert genuine.body["id"] == brief_id(victim)
    assert genuine.body["title"].startswith("Harbour reopens")
    assert genuine.body["source"] == "victim-news.example"

    listed = call_api(api_event("api_articles_list", query={"source": "victim-news.example"}))
    assert [card["id"] for card in listed.body["items"]] == [genuine.body["id"]]


def test_a_planted_canonical_cannot_replace_the_victims_brief(call_api, site, sites):
    victim, attacker = sites
    genuine = _post(call_api, victim)
    assert genuine.status == 201, genuine.body

    for _ in range(2):  # first brief, then a refresh of it: neither touches the victim's
        assert _post(call_api, attacker, refresh=True).body["id"] == brief_id(attacker)

    read = call_api(api_event("api_article_get", path=f"/articles/{brief_id(victim)}"))
    assert read.status == 200 and read.body == genuine.body
    again = _post(call_api, victim)
    assert again.status == 200 and again.body == genuine.body


def test_the_worker_stores_a_planted_page_under_its_own_url(call_api, call_worker, site, sites):
    victim, attacker = sites
    assert call_worker(sqs_event([{"url": attacker}])) == []
    missing = call_api(api_event("api_article_get", path=f"/articles/{brief_id(victim)}"))
    assert missing.status == 404
    queued = call_api(api_event("api_article_get", path=f"/articles/{brief_id(attacker)}"))
    assert queued.status == 200 and queued.body["source"] == ATTACKER_HOST


def test_a_redirect_to_the_victim_briefs_the_victims_real_page(call_api, site, sites, named_hosts):
    """The content came from the victim's site (the final URL): its canonical names it."""
    victim, _ = sites

    def redirect(handler) -> None:
        handler.send_response(302)
        handler.send_header("Location", victim)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    site.add("/go", redirect)
    through = _post(call_api, named_hosts(ATTACKER_HOST, "/go"))
    assert through.status == 201, through.body
    assert through.body["title"].startswith("Harbour reopens")
    assert through.body["id"] == brief_id(victim)
