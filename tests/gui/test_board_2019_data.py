"""The board on the 2019 tool's data: it reads every shape, writes nothing by reading, warns
about entries it cannot read, and shows the 2019 tool's edits within a poll interval."""

from __future__ import annotations

from typing import Any

from pymongo import MongoClient
from pytestqt.qtbot import QtBot

from storage.store import PoolStore
from tests.gui.conftest import WAIT_MS, BoardFactory, shown, wait_members
from tests.support.legacy_2019 import dump, legacy_entry, push_2019

Document = dict[str, Any]


def test_reading_2019_pools_writes_nothing_and_warns_about_unreadable_entries(
    make_board: BoardFactory,
    qtbot: QtBot,
    store: PoolStore,
    mongo: MongoClient[Document],
    database_name: str,
) -> None:
    database = mongo[database_name]
    database.pools.insert_one({"name": "lighting", "clients": []})
    push_2019(database, "lighting", legacy_entry("rnd-a01"), legacy_entry("rnd-a02"))
    database.pools.insert_one({"name": "odd", "clients": ["rnd-s01", 42]})
    before = dump(database)

    window = make_board()
    qtbot.waitUntil(lambda: "odd" in window.board.columns, timeout=WAIT_MS)

    assert shown(window, "lighting") == ["rnd-a01", "rnd-a02"]
    assert shown(window, "odd") == ["rnd-s01"]
    assert "'odd' (42)" in window.message_banner.text()
    assert "kept as stored" in window.message_banner.text()
    window.close()
    assert dump(database) == before


def test_a_2019_edit_shows_within_a_poll_interval(
    make_board: BoardFactory,
    qtbot: QtBot,
    store: PoolStore,
    mongo: MongoClient[Document],
    database_name: str,
) -> None:
    store.create("gpu", hosts=["gpu-01"])
    window = make_board()
    wait_members(qtbot, window, "gpu", ["gpu-01"])

    push_2019(mongo[database_name], "gpu", legacy_entry("gpu-02"))

    # The board watches every second; it used to wait for its 30 s full reload.
    qtbot.waitUntil(lambda: shown(window, "gpu") == ["gpu-01", "gpu-02"], timeout=5_000)
