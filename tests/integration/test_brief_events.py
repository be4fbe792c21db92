"""BriefCreated events: every new brief (API or worker) reaches a rule on the stack's bus.

The rule is the README's own (its event pattern is read from the README), routed to an SQS
queue in moto, so the README's example is what these tests deliver through.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from newsbrief_aws import bootstrap

from tests.conftest import REPO_ROOT
from tests.integration.conftest import api_event, sqs_event


def readme_pattern() -> dict[str, Any]:
    """The event pattern of the README's example rule (the first JSON block under Events)."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("**Events.**", 1)[1]
    block = re.search(r"```json\n(.*?)```", section, re.S)
    assert block, "the README's Events paragraph shows an event pattern"
    return json.loads(block.group(1))


@pytest.fixture
def subscriber(aws: Any) -> Any:
    """An SQS queue receiving what the README's rule matches on the stack's bus."""
    bus = aws.stack.ref("BriefEventBus")
    events = aws.stack.eventbridge
    url = aws.sqs.create_queue(QueueName="subscriber")["QueueUrl"]
    arn = aws.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    events.put_rule(Name="briefs", EventBusName=bus, EventPattern=json.dumps(readme_pattern()))
    events.put_targets(
        Rule="briefs",
        EventBusName=bus,
        Targets=[{"Id": "queue", "Arn": arn["Attributes"]["QueueArn"]}],
    )

    def received() -> list[dict[str, Any]]:
        out = aws.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
        return [json.loads(m["Body"]) for m in out.get("Messages", [])]

    return received


def test_a_new_brief_is_announced_once(call_api: Any, site: Any, subscriber: Any) -> None:
    url = site.url("/news/tram_line")
    created = call_api(api_event("api_articles_create", body={"url": url}))
    assert created.status == 201
    (event,) = subscriber()
    assert event["source"] == "newsbrief" and event["detail-type"] == "BriefCreated"
    brief = created.body
    assert event["detail"] == {
        "id": brief["id"],
        "url": url,
        "canonical_url": brief["canonical_url"],
        "source": brief["source"],
        "title": brief["title"],
        "published": brief["published"],
        "language": "en",
        "entities": [{"name": e["name"], "type": e["type"]} for e in brief["entities"]],
    }
    assert event["detail"]["entities"]
    # Answered from the store, or refreshed: not a new brief, no event.
    assert call_api(api_event("api_articles_create", body={"url": url})).status == 200
    refresh = {"url": url, "refresh": True}
    assert call_api(api_event("api_articles_create", body=refresh)).status == 200
    assert subscriber() == []


def test_the_worker_announces_what_it_briefs(call_worker: Any, site: Any, subscriber: Any) -> None:
    urls = [site.url("/news/harbour_storm"), site.url("/news/tram_line")]
    assert call_worker(sqs_event([{"url": u} for u in urls])) == []
    announced = {event["detail"]["url"] for event in subscriber()}
    assert announced == set(urls)


class _FailingEvents:
    """An EventBridge client that refuses every entry, or fails outright."""

    def __init__(self, outright: bool) -> None:
        self.outright = outright
        self.calls = 0

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        from botocore.exceptions import ClientError

        self.calls += 1
        if self.outright:
            error = {"Error": {"Code": "InternalException", "Message": "down"}}
            raise ClientError(error, "PutEvents")  # type: ignore[arg-type]
        return {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "InternalFailure"}]}


@pytest.mark.parametrize("outright", [True, False])
def test_an_unavailable_bus_does_not_lose_the_brief(
    call_api: Any, site: Any, capsys: Any, caplog: Any, outright: bool
) -> None:
    failing = _FailingEvents(outright)
    bootstrap.events().client = failing
    created = call_api(api_event("api_articles_create", body={"url": site.url("/news/tram_line")}))
    assert created.status == 201 and failing.calls == 1
    assert bootstrap.store().get_brief(created.body["id"]).title == created.body["title"]
    assert "BriefCreated event not published" in caplog.text
    assert '"BriefEventsFailed":[1.0]' in capsys.readouterr().out  # the EMF metric line


def test_event_detail_stays_small_for_huge_briefs() -> None:
    from newsbrief_aws.events import MAX_EVENT_ENTITIES, created_detail

    from tests.integration.conftest import make_brief

    entities = [
        {"name": f"Name {i} " + "x" * 1000, "type": "OTHER", "count": 1, "mentions": []}
        for i in range(1000)
    ]
    brief = make_brief("https://coastal.example/news/x", "2026-11-26T10:00:00+00:00",
                       title="T" * 5000, entities=entities)  # fmt: skip
    detail = created_detail(brief)
    assert len(detail["entities"]) == MAX_EVENT_ENTITIES
    assert len(json.dumps(detail).encode()) < 100_000  # EventBridge takes up to 256 KB
