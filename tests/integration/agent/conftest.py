"""An agent on the test's database and an afserver stand-in that applies actions once per
(short) server cycle, with pools lighting (rnd-a01, rnd-a02) and gpu (gpu-01)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agent.loop import Agent
from agent.standalone import standalone_agent
from config.settings import Settings
from storage.store import PoolStore
from tests.support.agent_farm import agent_settings
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm

SERVER_CYCLE = 0.1  # seconds; afserver's is 1 s


@pytest.fixture
def farm() -> FakeFarm:
    return FakeFarm.recorded()


@pytest.fixture
def afserver(farm: FakeFarm) -> Iterator[FakeAfserver]:
    with FakeAfserver(farm, server_cycle=SERVER_CYCLE) as server:
        yield server


@pytest.fixture
def pools(store: PoolStore) -> PoolStore:
    store.create("lighting", hosts=["rnd-a01", "rnd-a02"])
    store.create("gpu", hosts=["gpu-01"])
    return store


@pytest.fixture
def settings(
    nx_server: str, database_name: str, afserver: FakeAfserver, pools: PoolStore
) -> Settings:
    return agent_settings(nx_server, database_name, afserver)


@pytest.fixture
def agent(settings: Settings) -> Iterator[Agent]:
    with standalone_agent(settings) as running:
        yield running
