"""The agent keeps going when MongoDB vanishes in the middle of a pass, and says so once."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.standalone import standalone_agent
from agent.thread import AgentThread
from config.settings import Settings
from storage.connection import mongo_client
from storage.store import PoolStore
from tests.support.agent_farm import admits, agent_settings, runs_on
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm
from tests.support.fake_jobs import token_job
from tests.support.nx import PrivateNx
from tests.support.poolservice import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def private_nx(tmp_path: Path) -> Iterator[PrivateNx]:
    server = PrivateNx(tmp_path / "nx").start()
    client = mongo_client(server.uri, timeout=5)
    try:
        store = PoolStore(client["afpools"], user="tester")
        store.ensure_schema()
        store.create("gpu", hosts=["gpu-01"])
    finally:
        client.close()
    yield server
    server.kill()


def test_mongodb_vanishing_mid_pass_is_one_sentence_and_the_agent_goes_on(
    private_nx: PrivateNx,
    afserver: FakeAfserver,
    farm: FakeFarm,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first = farm.submit_job(token_job("first", "@gpu"))[0]
    settings = agent_settings(private_nx.uri, "afpools", afserver, mongodb_timeout=0.5)
    caplog.set_level(logging.INFO, logger="afpools.agent")
    with standalone_agent(settings) as agent:
        thread = AgentThread(agent).start()
        try:
            wait_until(lambda: admits(farm.job(first), ["gpu-01"]), "the first job bound")
            second = farm.submit_job(token_job("second", "@gpu"))[0]
            afserver.reply_delay = 0.5  # the next pass waits for afserver's job list ...
            asked = len(afserver.requests)
            wait_until(lambda: len(afserver.requests) > asked, "the next pass reading jobs")
            private_nx.stop()  # ... while MongoDB goes away
            wait_until(lambda: agent.status.error, "the failure noticed")
            afserver.reply_delay = 0.0
            failed = agent.failures
            wait_until(lambda: agent.failures >= failed + 3, "more steps without MongoDB")
            private_nx.start()
            wait_until(
                lambda: farm.job(second)["hosts_mask_type"] == "regex", "the second job bound"
            )
        finally:
            thread.stop()

    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].startswith("MongoDB at ")
    assert "cannot be reached" in errors[0]
    assert "The agent works again." in [r.getMessage() for r in caplog.records]
    assert runs_on(farm.job(second)) == ["gpu-01"]


def test_an_unexpected_error_is_logged_once_and_the_agent_goes_on(
    settings: Settings,
    farm: FakeFarm,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug in one step must not end the farm's only agent: the next steps still bind."""
    caplog.set_level(logging.INFO, logger="afpools.agent")
    job = farm.submit_job(token_job("shot", "@gpu"))[0]
    with standalone_agent(settings) as agent:
        real = agent.run_pass
        broken = {"left": 3}

        def run_pass(*, write: bool) -> object:
            if broken["left"]:
                broken["left"] -= 1
                raise KeyError("surprise")
            return real(write=write)

        monkeypatch.setattr(agent, "run_pass", run_pass)
        thread = AgentThread(agent).start()
        try:
            wait_until(lambda: admits(farm.job(job), ["gpu-01"]), "the job bound all the same")
        finally:
            thread.stop()

    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1
    assert "unexpected error" in tracebacks[0].getMessage()
