"""The service follows the embedded database: started again by another command, or by itself.

``mongodb_timeout`` is long here on purpose: the service must notice that the database's
process is gone, not wait for a read to time out against it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from config.settings import load_settings
from poolserver.service import BackgroundService
from storage import embedded_access
from storage.connection import open_store
from tests.support.nx import crash
from tests.support.poolservice import call, service_settings, wait_until

pytestmark = pytest.mark.integration

TOKEN = "a-token-long-enough-for-writes"


def state(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "server.json").read_text(encoding="utf-8"))


def embedded_service(folder: Path) -> BackgroundService:
    settings = service_settings(
        "",
        "afpools",
        data_dir=str(folder),
        mongodb_timeout=30.0,
        service_refresh_interval=0.2,
        service_writes=True,
        service_write_token=TOKEN,
    )
    return BackgroundService(settings)


def test_the_service_follows_the_database_another_command_started_on_a_new_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without Unix sockets (Windows) every start takes a new port."""
    monkeypatch.setattr(embedded_access, "UNIX_SOCKETS", False)
    with embedded_service(tmp_path) as running:
        port = running.http_port
        first = state(tmp_path)
        crash(first["pid"])
        # Another afpools command: it finds the database dead and starts it again.
        with open_store(load_settings(overrides={"data_dir": str(tmp_path)})) as store:
            store.create("gpu")
        wait_until(lambda: call(port, "/v1/pools/gpu").status == 200, "the new pool")
        health = call(port, "/v1/health").json()
        second = state(tmp_path)

    assert second["port"] != first["port"]
    assert health["store"] == "ok"
    assert health["store_address"] == f"embedded nx-27017 at 127.0.0.1:{second['port']}"


def test_the_service_starts_the_database_again_when_no_other_copy_is_left(
    tmp_path: Path,
) -> None:
    with embedded_service(tmp_path) as running:
        port = running.http_port
        first = state(tmp_path)
        crash(first["pid"])

        def restarted() -> bool:
            return (tmp_path / "server.json").exists() and state(tmp_path)["pid"] != first["pid"]

        wait_until(restarted, "the service to start the database again")
        wait_until(lambda: call(port, "/v1/health").json()["store"] == "ok", "health")
        created = call(
            port,
            "/v1/pools",
            method="POST",
            body={"name": "gpu"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        listed = call(port, "/v1/pools/gpu").status

    assert created.status in (200, 201), created.body
    assert listed == 200
