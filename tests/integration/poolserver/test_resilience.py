"""Bad data and unforeseen failures: the service says so in /v1/health and keeps going."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from afserver.client import AfserverClient
from poolserver.service import PoolService
from storage.embedded_process import pid_alive
from storage.store import PoolStore
from tests.support.fake_afserver import FakeAfserver
from tests.support.poolservice import ServiceFactory, call, service_settings, wait_until

pytestmark = pytest.mark.integration


def pool_names(port: int) -> list[str]:
    return [pool["name"] for pool in call(port, "/v1/pools").json()["pools"]]


def test_a_pool_document_with_clients_that_are_no_list_hides_no_other_pool(
    seeded: PoolStore,
    make_service: ServiceFactory,
    mongo: MongoClient[dict[str, Any]],
    database_name: str,
) -> None:
    """What the 2019 tool or a hand edit may leave: ``clients`` as a number, no name."""
    mongo[database_name].pools.insert_many([{"name": "bad", "clients": 5}, {"clients": []}])
    running = make_service()
    port = running.http_port
    assert pool_names(port) == ["bad", "empty", "gpu", "lighting"]
    assert call(port, "/v1/pools/bad").json()["pool"]["hosts"] == []
    assert call(port, "/v1/health").json()["status"] == "ok"
    seeded.create("comp", hosts=["comp-01"])
    wait_until(lambda: "comp" in pool_names(port), "the new pool")


def test_an_unforeseen_load_failure_is_shown_by_health_and_the_service_recovers(
    seeded: PoolStore, make_service: ServiceFactory
) -> None:
    running = make_service()
    port = running.http_port
    link = running.service.link
    real_load = link.load
    broken = threading.Event()
    broken.set()

    def load() -> Any:
        if broken.is_set():
            raise TypeError("'int' object is not iterable")
        return real_load()

    link.load = load  # type: ignore[method-assign]
    seeded.create("comp")  # a new revision: the service loads again, and fails
    health = wait_until(
        lambda: (h := call(port, "/v1/health").json())["status"] == "degraded" and h,
        "health to say degraded",
    )
    assert health["store"] == "error"
    assert "TypeError: 'int' object is not iterable" in health["store_error"]
    assert pool_names(port) == ["empty", "gpu", "lighting"]  # the last snapshot still answers

    broken.clear()
    wait_until(lambda: "comp" in pool_names(port), "the service to load again")
    assert call(port, "/v1/health").json()["status"] == "ok"
    running.stop()
    assert not link.is_open


def test_an_unforeseen_afserver_failure_is_shown_by_health_and_polling_goes_on(
    seeded: PoolStore, make_service: ServiceFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_renders = AfserverClient.renders
    broken = threading.Event()

    def renders(client: AfserverClient, mask: str | None = None) -> Any:
        if broken.is_set():
            raise KeyError("flags")
        return real_renders(client, mask)

    monkeypatch.setattr(AfserverClient, "renders", renders)
    with FakeAfserver() as afserver:
        running = make_service(
            afserver_host="127.0.0.1", afserver_port=afserver.port, service_afserver_interval=0.1
        )
        port = running.http_port
        wait_until(lambda: call(port, "/v1/health").json()["afserver"] == "ok", "afserver")
        broken.set()
        health = wait_until(
            lambda: (h := call(port, "/v1/health").json())["status"] == "degraded" and h,
            "health to say degraded",
        )
        assert "KeyError: 'flags'" in health["afserver_error"]
        assert health["afserver"] == "unreachable"  # its states are not trusted any more
        broken.clear()
        wait_until(lambda: call(port, "/v1/health").json()["status"] == "ok", "polling again")
        assert call(port, "/v1/health").json()["afserver"] == "ok"


def test_stop_releases_the_embedded_server_even_when_an_earlier_step_fails(
    fresh_environment: Path,
) -> None:
    settings = service_settings("", "afpools")  # no URI: the service starts its own nx-27017
    service = PoolService(settings)
    state_file = settings.embedded_data_dir() / "server.json"

    async def run() -> int:
        await service.start()
        nx_pid = int(json.loads(state_file.read_text(encoding="utf-8"))["pid"])
        http = service.listeners[0]
        close_http = http.close

        async def close_then_fail() -> None:
            await close_http()
            raise RuntimeError("the port would not close cleanly")

        http.close = close_then_fail  # type: ignore[method-assign]
        with pytest.raises(RuntimeError, match="would not close cleanly"):
            await service.stop()
        return nx_pid

    nx_pid = asyncio.run(run())
    assert not state_file.exists()  # the last user left: nx-27017 was stopped
    assert not pid_alive(nx_pid)
    with pytest.raises(ConnectionRefusedError):  # the 2019 port was closed all the same
        socket.create_connection(("127.0.0.1", service.listeners[1].port), timeout=5).close()
