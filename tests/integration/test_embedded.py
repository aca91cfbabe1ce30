"""The embedded default: one private nx-27017 per data folder, shared, stopped by the last user."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from config.settings import load_settings
from pools.errors import StoreUnavailableError
from storage.connection import open_store
from storage.embedded import EmbeddedServer
from storage.embedded_access import answers, uri_for
from storage.embedded_process import pid_alive
from tests.support.nx import start_unwatched_embedded

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def server_state(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "server.json").read_text(encoding="utf-8"))


def server_address(state: dict[str, Any]) -> Path:
    return Path(state["socket"])


def test_second_copy_reuses_the_running_server_and_the_last_stops_it(tmp_path: Path) -> None:
    first, second = EmbeddedServer(tmp_path), EmbeddedServer(tmp_path)

    uri_one = first.acquire()
    state = server_state(tmp_path)
    uri_two = second.acquire()
    first.release()
    still_up = answers(server_address(state))
    second.release()

    assert uri_one == uri_two
    assert still_up
    assert not answers(server_address(state))
    assert not pid_alive(state["pid"])
    assert not (tmp_path / "server.json").exists()


def test_data_survives_a_restart_of_the_embedded_server(tmp_path: Path) -> None:
    settings = load_settings(overrides={"data_dir": str(tmp_path)})

    with open_store(settings) as store:
        store.create("lighting")
        store.add_hosts("lighting", ["rnd-01"])
    with open_store(settings) as store:
        pools = store.pools()

    assert [(p.name, p.hostnames) for p in pools] == [("lighting", ("rnd-01",))]


def test_a_second_process_joins_instead_of_starting_its_own(tmp_path: Path) -> None:
    """While this process holds the server, the CLI in another process uses the same one."""
    holder = EmbeddedServer(tmp_path)
    holder.acquire()
    pid_before = server_state(tmp_path)["pid"]
    env = {**os.environ, "AFPOOLS_DATA_DIR": str(tmp_path)}
    try:
        done = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "pools", "create", "from-cli"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        settings = load_settings(overrides={"data_dir": str(tmp_path)})
        with open_store(settings) as store:
            names = [p.name for p in store.pools()]
        pid_after = server_state(tmp_path)["pid"]
    finally:
        holder.release()

    assert done.returncode == 0, done.stderr
    assert names == ["from-cli"]
    assert pid_after == pid_before


def test_a_stale_state_file_of_a_dead_server_is_replaced(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    (tmp_path / "server.json").write_text(
        json.dumps({"pid": int(dead.stdout), "port": 9}), encoding="utf-8"
    )
    server = EmbeddedServer(tmp_path)

    uri = server.acquire()
    fresh = server_state(tmp_path)
    server.release()

    assert fresh["pid"] != int(dead.stdout)
    assert uri == uri_for(server_address(fresh))


def test_with_a_configured_uri_nothing_is_started(fresh_environment: Path, nx_server: str) -> None:
    settings = load_settings(overrides={"mongodb_uri": nx_server})

    with open_store(settings) as store:
        store.pools()

    assert not settings.embedded_data_dir().exists()
    assert settings.embedded_data_dir().is_relative_to(fresh_environment)


def test_an_orphan_without_its_state_file_is_adopted(tmp_path: Path) -> None:
    """An older afpools' server (it never stops on its own) lost its state file in a crash:
    the next copy reuses it instead of starting a second server on the same files."""
    orphan_process = start_unwatched_embedded(tmp_path)
    try:
        orphan = server_state(tmp_path)
        (tmp_path / "server.json").unlink()  # as if the state was lost with the crash
        server = EmbeddedServer(tmp_path)

        uri = server.acquire()
        server.release()
    finally:
        if orphan_process.poll() is None:
            orphan_process.kill()
        orphan_process.wait(timeout=10)

    assert uri == uri_for(server_address(orphan))
    assert orphan_process.returncode == 0  # stopped by the last copy to leave, not killed


def test_a_reused_pid_is_never_killed(tmp_path: Path) -> None:
    """nx-27017 died and its pid went to another program: leaving must not kill that one."""
    server = EmbeddedServer(tmp_path)
    server.acquire()
    real = server_state(tmp_path)
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / "server.json").write_text(
            json.dumps({**real, "pid": bystander.pid}), encoding="utf-8"
        )
        server.release()

        assert bystander.poll() is None  # still running
    finally:
        bystander.kill()
        bystander.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):  # it may have seen it has no user left
            os.kill(real["pid"], 15)


def test_a_server_of_another_machine_is_refused_with_a_sentence(tmp_path: Path) -> None:
    """A home folder shared over the network: the other machine's server is not ours."""
    (tmp_path / "server.json").write_text(
        json.dumps({"pid": 1, "port": 9, "host": "render-07"}), encoding="utf-8"
    )

    with pytest.raises(StoreUnavailableError, match="is in use on render-07; set a MongoDB URI"):
        EmbeddedServer(tmp_path).acquire()
