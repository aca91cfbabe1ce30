"""The store goes away and comes back: 503 before any snapshot, the last snapshot after."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pools.connection import mongo_client
from pools.embedded import nx_command, uri_for_port
from pools.store import PoolStore
from poolserver.service import BackgroundService
from tests.support.poolservice import (
    Reply,
    call,
    free_port,
    legacy_exchange,
    service_settings,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TOKEN = "a-token-long-enough-for-writes"


class PrivateStore:
    """An nx-27017 of this test alone, on a fixed port, that can be stopped and restarted."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return uri_for_port(self.port)

    def start(self) -> None:
        (self.folder / "db").mkdir(parents=True, exist_ok=True)
        command = nx_command(
            self.port, self.folder / "db", self.folder / "nx.log", self.folder / "nx.pid"
        )
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = mongo_client(self.uri, timeout=1)
        try:
            wait_until(lambda: _answers(client), "nx-27017 to serve", timeout=30)
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=30)
            self.process = None
            (self.folder / "nx.pid").unlink(missing_ok=True)


def _answers(client: object) -> bool:
    from pymongo.errors import PyMongoError

    try:
        client.admin.command("ping")  # type: ignore[attr-defined]
    except PyMongoError:
        return False
    return True


@pytest.fixture
def private_store(tmp_path: Path) -> Iterator[PrivateStore]:
    store = PrivateStore(tmp_path / "nx")
    yield store
    store.stop()


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
    private_store: PrivateStore,
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
        private_store.stop()
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
