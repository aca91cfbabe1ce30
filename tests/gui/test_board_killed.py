"""A board that ends without closing (kill -9, its X display gone) leaves no database behind."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config.settings import load_settings
from storage.connection import mongo_client, open_store
from storage.embedded import EmbeddedServer
from storage.embedded_access import uri_for
from storage.embedded_process import pid_alive
from storage.store import PoolStore
from tests.support.board_process import BoardProcess
from tests.support.nx import start_unwatched_embedded, stop_leftover_embedded
from tests.support.poolservice import wait_until
from tests.support.xvfb import Xvfb

pytestmark = [pytest.mark.gui, pytest.mark.integration]

STOP_SECONDS = 30.0  # a generous bound; bench/embedded_watchdog.py measures the real figure


@pytest.fixture(autouse=True)
def no_server_left(tmp_path: Path) -> Iterator[None]:
    yield
    stop_leftover_embedded(tmp_path)


def server_state(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "server.json").read_text(encoding="utf-8"))


def add_pool(folder: Path, name: str) -> None:
    """A pool written while the board runs, through the server it uses."""
    client = mongo_client(uri_for(Path(server_state(folder)["socket"])), timeout=10)
    try:
        database = client[load_settings(overrides={"data_dir": str(folder)}).mongodb_database]
        store = PoolStore(database, user="tester")
        store.ensure_schema()
        store.create(name, hosts=["rnd-a01"])
    finally:
        client.close()


def stored_pools(folder: Path) -> list[tuple[str, tuple[str, ...]]]:
    with open_store(load_settings(overrides={"data_dir": str(folder)})) as store:
        return [(pool.name, pool.hostnames) for pool in store.pools()]


def test_a_killed_board_stops_the_embedded_database_and_its_pools_stay(tmp_path: Path) -> None:
    with BoardProcess(tmp_path) as board:
        nx_pid = server_state(tmp_path)["pid"]
        add_pool(tmp_path, "lighting")

        board.kill()
        wait_until(lambda: not pid_alive(nx_pid), "the embedded server to stop", STOP_SECONDS)

    assert not (tmp_path / "server.json").exists()
    assert not list((tmp_path / "db").glob("*-wal"))  # SQLite was closed, not cut off
    assert stored_pools(tmp_path) == [("lighting", ("rnd-a01",))]


def test_a_killed_board_leaves_the_server_to_the_copy_still_using_it(tmp_path: Path) -> None:
    other = EmbeddedServer(tmp_path)
    other.acquire()
    try:
        before = server_state(tmp_path)
        with BoardProcess(tmp_path) as board:
            ticket = board.ticket()
            assert ticket is not None
            board.kill()
            wait_until(lambda: not ticket.exists(), "the server to see the board gone", 30)
            add_pool(tmp_path, "lighting")  # the other copy's server still serves
            after = server_state(tmp_path)
    finally:
        other.release()

    assert after == before
    assert not pid_alive(before["pid"])  # the other copy, last to leave, stopped it


@pytest.mark.xvfb
def test_the_display_going_away_stops_the_embedded_database(tmp_path: Path) -> None:
    xvfb = Xvfb()
    with xvfb as display, BoardProcess(tmp_path, display) as board:
        nx_pid = server_state(tmp_path)["pid"]
        add_pool(tmp_path, "lighting")

        xvfb.kill()
        board.process.wait(timeout=STOP_SECONDS)
        wait_until(lambda: not pid_alive(nx_pid), "the embedded server to stop", STOP_SECONDS)

    assert not (tmp_path / "server.json").exists()
    assert stored_pools(tmp_path) == [("lighting", ("rnd-a01",))]


@pytest.mark.xvfb
def test_a_board_that_loses_its_display_leaves_the_database_itself(tmp_path: Path) -> None:
    """Even a server that never looks at its users (an older afpools started it) stops: the
    board leaves it as Qt ends the board, being its last user."""
    older = start_unwatched_embedded(tmp_path)
    try:
        xvfb = Xvfb()
        with xvfb as display, BoardProcess(tmp_path, display) as board:
            xvfb.kill()
            board.process.wait(timeout=STOP_SECONDS)
            wait_until(lambda: older.poll() is not None, "the board to stop it", STOP_SECONDS)
    finally:
        if older.poll() is None:
            older.kill()
            older.wait(timeout=10)

    assert not (tmp_path / "server.json").exists()
