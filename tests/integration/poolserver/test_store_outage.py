"""The store goes away and comes back: 503 before any snapshot, the last snapshot after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from poolserver.service import BackgroundService
from storage.connection import mongo_client
from storage.store import PoolStore
from tests.support.nx import PrivateNx
from tests.support.poolservice import Reply, call, legacy_exchange, service_settings, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TOKEN = "a-token-long-enough-for-writes"


@pytest.fixture
def private_store(tmp_path: Path) -> Iterator[PrivateNx]:
    store = PrivateNx(tmp_path / "nx")
    yield store
    store.kill()


def seed(uri: str) -> None:
    client = mongo_client(uri, timeout=5)
    try:
        store = PoolStore(client["afpools"], user="tester")
        store.ensure_schema()
        store.create("lighting")
        store.add_hosts("lighting", ["rnd-a01"])
    finally:
        client.close()


def add_host(port: int, host: str) -> Reply:
    return call(
        port,
        "/v1/pools/lighting/hosts",
        method="POST",
        body={"hosts": [host]},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )


def test_the_service_waits_for_the_store_then_survives_its_outage(
    private_store: PrivateNx,
) -> None:
    settings = service_settings(
        private_store.uri,
        "afpools",
        mongodb_timeout=0.5,
        service_writes=True,
        service_write_token=TOKEN,
    )
    running = BackgroundService(settings).start()
    try:
        port = running.http_port
        # 1. No store yet, no snapshot: every read is 503 with a sentence, health too.
        wait_until(lambda: call(port, "/v1/health").json()["store"] == "unreachable", "a failure")
        unavailable = call(port, "/v1/pools")
        assert unavailable.status == 503
        assert "no pools are known yet" in unavailable.json()["error"]
        assert call(port, "/v1/health").status == 503
        assert legacy_exchange(running.legacy_port).header["type"] == "error"

        # 2. The store comes: the service recovers by itself.
        private_store.start()
        seed(private_store.uri)
        wait_until(lambda: call(port, "/v1/pools/lighting").status == 200, "recovery")
        assert call(port, "/v1/pools/lighting").json()["pool"]["hosts"] == ["rnd-a01"]

        # 3. The store goes away: reads come from the last snapshot, health says so.
        private_store.kill()
        wait_until(lambda: call(port, "/v1/health").json()["status"] == "degraded", "degraded")
        assert call(port, "/v1/pools/lighting").status == 200
        assert legacy_exchange(running.legacy_port).header["type"] == "response"
        write = add_host(port, "rnd-a02")
        assert write.status == 503
        assert "cannot be reached" in write.json()["error"]

        # 4. It comes back: healthy again, and writes go through.
        private_store.start()
        wait_until(lambda: call(port, "/v1/health").json()["status"] == "ok", "health")
        write = add_host(port, "rnd-a02")
        assert write.status == 200
        assert call(port, "/v1/pools/lighting").json()["pool"]["hosts"] == ["rnd-a01", "rnd-a02"]
    finally:
        running.stop()
