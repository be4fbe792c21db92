"""The local stack as a trust boundary and a place to keep data.

Its functions never reach the stack's own moto server or gateway (test sites on other loopback
ports stay reachable with ``NEWSBRIEF_ALLOW_LOOPBACK=1``); its function processes die with it
whether it is stopped (SIGTERM) or killed (SIGKILL); and its briefs, feeds, queued URLs and
cursor key survive a restart unless it is started with ``--fresh``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from newsbrief_local.launcher import StackProcess, start_stack_process

from tests.e2e.conftest import API_KEY, CONCURRENCY, RunningStack, page
from tests.support.loopback import LoopbackServer, Response

pytestmark = pytest.mark.e2e

PROC = Path("/proc")


@pytest.fixture(scope="module")
def site() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.add("/news/river", Response(page("river_dredging.html")))
    server.add("/news/chips", Response(page("chip_plant.html")))
    # A long Crawl-delay: the feed's second and third articles wait in the queue (delayed).
    server.add("/robots.txt", Response(b"User-agent: *\nCrawl-delay: 30\n"))
    items = "".join(
        f"<item><title>{n}</title><link>{server.url(f'/news/{n}')}</link>"
        f"<pubDate>Wed, 25 Nov 2026 1{i}:00:00 +0000</pubDate></item>"
        for i, n in enumerate(["trains", "ferries", "trams"])
    )
    rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>L</title>{items}</channel>'
    rss += "</rss>"
    server.add("/feed.xml", Response(rss.encode(), headers={"Content-Type": "application/rss+xml"}))
    server.start()
    yield server
    server.stop()


def _start(state_dir: Path, *args: str) -> RunningStack:
    child = start_stack_process(
        ["--quiet", "--concurrency", str(CONCURRENCY), *args],
        api_key=API_KEY,
        state_dir=state_dir,
    )
    return RunningStack(child.url, API_KEY, child.moto_endpoint, child, child.output)


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        for task in (PROC / str(todo.pop()) / "task").glob("*/children"):
            for child in task.read_text().split():
                found.add(int(child))
                todo.append(int(child))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited already


def _survivors(pids: set[int], timeout: float = 20.0) -> set[int]:
    deadline = time.monotonic() + timeout
    alive = {p for p in pids if _alive(p)}
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = {p for p in alive if _alive(p)}
    return alive


def _end(stack: RunningStack, how: str) -> None:
    process: StackProcess = stack.process
    children = _descendants(process.pid)
    assert children, "the stack runs its functions in child processes"
    if how == "kill":
        process.kill()
    else:
        process.stop()
    assert _survivors(children) == set(), f"function processes outlived a {how} of the stack"


@pytest.mark.skipif(not PROC.is_dir(), reason="reads process trees from /proc (Linux)")
def test_own_ports_refused_state_kept_and_children_die_with_the_stack(
    tmp_path: Path, site: LoopbackServer
) -> None:
    state = tmp_path / "state"
    first = _start(state)
    # 1. The stack's own services are out of reach; a test site on loopback is not.
    for own in (first.moto_endpoint + "/", first.url + "/health"):
        refused = first.request("POST", "/articles", {"url": own})
        assert refused.status == 403, refused.raw
        assert refused.code == "destination_refused"
    brief = first.request("POST", "/articles", {"url": site.url("/news/river")})
    assert brief.status == 201, brief.raw
    assert first.request("POST", "/articles", {"url": site.url("/news/chips")}).status == 201
    feed = first.request("POST", "/feeds", {"url": site.url("/feed.xml")})
    assert feed.status == 201 and feed.json["poll"]["queued"] == 3, feed.raw
    cursor = first.request("GET", "/articles?limit=1").json["next_cursor"]
    assert cursor
    time.sleep(2.5)  # the state is saved within a second of a change

    # 2. Killed outright: its function processes go with it, its data stays on disk.
    _end(first, "kill")

    second = _start(state)
    assert "restored" in "".join(second.output)
    again = second.request("GET", f"/articles/{brief.json['id']}")
    assert again.status == 200 and again.json["text"] == brief.json["text"]
    feeds = second.request("GET", "/feeds").json["items"]
    assert [f["id"] for f in feeds] == [feed.json["id"]]
    sqs = second.sqs()
    (queue,) = [u for u in sqs.list_queues()["QueueUrls"] if u.endswith("-BriefQueue")]
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    waiting = (
        int(attrs["ApproximateNumberOfMessagesDelayed"])
        + int(attrs["ApproximateNumberOfMessages"])
        + int(attrs["ApproximateNumberOfMessagesNotVisible"])
    )
    assert waiting >= 2  # the paced feed articles are still queued
    assert second.request("GET", f"/articles?limit=1&cursor={cursor}").status == 200  # same key

    # 3. Stopped (SIGTERM): the same.
    _end(second, "stop")

    # 4. A clean slate when asked: nothing stored, and the old cursor key is gone too.
    third = _start(state, "--fresh")
    try:
        assert third.request("GET", "/articles").json["items"] == []
        assert third.request("GET", f"/articles?limit=1&cursor={cursor}").status == 400
    finally:
        third.process.stop()
