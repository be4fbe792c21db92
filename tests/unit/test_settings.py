"""Settings come from the environment once, validated; the loopback switch stays local."""

from __future__ import annotations

import pytest
from newsbrief.errors import InvalidInput
from newsbrief.settings import FetchSettings

from tests.conftest import REPO_ROOT


def test_defaults_without_environment() -> None:
    settings = FetchSettings.from_env({})
    assert settings.allow_loopback is False
    assert settings.allowed_ports == frozenset({80, 443})
    assert settings.max_bytes > 0


def test_values_are_parsed_and_validated() -> None:
    settings = FetchSettings.from_env(
        {"NEWSBRIEF_MAX_BYTES": "1000", "NEWSBRIEF_ALLOWED_PORTS": "443,8443"}
    )
    assert settings.max_bytes == 1000
    assert settings.allowed_ports == frozenset({443, 8443})
    for bad in (
        {"NEWSBRIEF_MAX_BYTES": "-1"},
        {"NEWSBRIEF_ALLOW_LOOPBACK": "maybe"},
        {"NEWSBRIEF_ALLOWED_PORTS": "80,http"},
        {"NEWSBRIEF_READ_TIMEOUT": "soon"},
    ):
        with pytest.raises(InvalidInput):
            FetchSettings.from_env(bad)


def test_loopback_switch_works_locally() -> None:
    assert FetchSettings.from_env({"NEWSBRIEF_ALLOW_LOOPBACK": "1"}).allow_loopback


def test_loopback_switch_cannot_be_enabled_on_lambda() -> None:
    env = {"NEWSBRIEF_ALLOW_LOOPBACK": "1", "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13"}
    with pytest.raises(InvalidInput, match="cannot be enabled on AWS Lambda"):
        FetchSettings.from_env(env)


def test_deployed_template_never_sets_the_loopback_switch() -> None:
    assert "NEWSBRIEF_ALLOW_LOOPBACK" not in (REPO_ROOT / "template.yaml").read_text()


def test_denied_loopback_ports_stay_refused_with_the_loopback_switch(loopback) -> None:
    from newsbrief.errors import DestinationRefused
    from newsbrief.fetch import fetch_page

    from tests.support.loopback import Response

    loopback.add("/page", Response(b"<html><body><p>local service</p></body></html>"))
    settings = FetchSettings.from_env(
        {"NEWSBRIEF_ALLOW_LOOPBACK": "1", "NEWSBRIEF_DENIED_LOOPBACK_PORTS": f"1,{loopback.port}"}
    )
    assert settings.denied_loopback_ports == {1, loopback.port}
    for url in (loopback.url("/page"), f"http://localhost:{loopback.port}/page"):
        with pytest.raises(DestinationRefused, match="local service"):
            fetch_page(url, settings=settings)
    assert loopback.requests == []  # refused before any connection
    other = FetchSettings.from_env({"NEWSBRIEF_ALLOW_LOOPBACK": "1"})
    assert "local service" in fetch_page(loopback.url("/page"), settings=other).html


@pytest.mark.parametrize("raw", ["x", "0", "70000", ","])
def test_denied_ports_are_validated(raw: str) -> None:
    with pytest.raises(InvalidInput, match="NEWSBRIEF_DENIED_LOOPBACK_PORTS"):
        FetchSettings.from_env({"NEWSBRIEF_DENIED_LOOPBACK_PORTS": raw})


@pytest.mark.parametrize(
    ("name", "raw"),
    [("NEWSBRIEF_LOCAL_SPEEDUP", "fast"), ("NEWSBRIEF_LOCAL_CONCURRENCY", "0")],
)
def test_local_stack_numbers_are_read_like_the_products(
    name: str, raw: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsbrief_local.server import LocalStack

    monkeypatch.setenv(name, raw)
    with pytest.raises(InvalidInput, match=name):
        LocalStack()
    monkeypatch.setenv(name, "3")
    assert getattr(LocalStack(), name.removeprefix("NEWSBRIEF_LOCAL_").lower()) == 3
