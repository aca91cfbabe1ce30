"""A running pool service on loopback, on a real nx-27017, seeded with three pools."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from poolserver.service import BackgroundService
from storage.store import PoolStore
from tests.support.poolservice import ServiceFactory, service_settings, wait_until


@pytest.fixture
def make_service(nx_server: str, database_name: str) -> Iterator[ServiceFactory]:
    """Start services on the test's database; each is stopped (and joined) afterwards."""
    started: list[BackgroundService] = []

    def make(*, loaded: bool = True, **more: Any) -> BackgroundService:
        settings = service_settings(nx_server, database_name, **more)
        running = BackgroundService(settings).start()
        started.append(running)
        if loaded:
            keeper = running.service.keeper
            assert keeper is not None
            wait_until(lambda: keeper.current is not None, "the first snapshot")
        return running

    yield make
    for running in started:
        running.stop()


@pytest.fixture
def seeded(store: PoolStore) -> PoolStore:
    """lighting (rnd-a01..a03, orange), gpu (gpu-01) and an empty pool."""
    store.create("lighting", description="Lighting farm", color="#ffaa00")
    store.add_hosts("lighting", ["rnd-a01", "rnd-a02", "rnd-a03"])
    store.create("gpu")
    store.add_hosts("gpu", ["gpu-01"])
    store.create("empty")
    store.record_host("ws-anna", source="arp", ip="10.0.0.7")
    return store


@pytest.fixture
def service(seeded: PoolStore, make_service: ServiceFactory) -> BackgroundService:
    return make_service()
