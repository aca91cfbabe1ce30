"""The board on the 2019 tool's data: it reads every shape, writes nothing by reading, warns
about entries it cannot read, and shows the 2019 tool's edits within a poll interval."""

from __future__ import annotations

import json
from typing import Any

from pymongo import MongoClient
from pymongo.database import Database
from pytestqt.qtbot import QtBot

from storage.store import PoolStore
from tests.gui.conftest import WAIT_MS, BoardFactory, shown, wait_members

Document = dict[str, Any]


def dump(database: Database[Document]) -> dict[str, list[str]]:
    return {
        name: sorted(json.dumps(doc, default=str, sort_keys=True) for doc in database[name].find())
        for name in sorted(database.list_collection_names())
    }


def test_reading_2019_pools_writes_nothing_and_warns_about_unreadable_entries(
    make_board: BoardFactory,
    qtbot: QtBot,
    store: PoolStore,
    mongo: MongoClient[Document],
    database_name: str,
) -> None:
    database = mongo[database_name]
    database.pools.insert_one({"name": "lighting", "clients": []})
    for host in ("rnd-a01", "rnd-a02"):  # the 2019 way: nx-27017 then keeps them as text
        entry = {"hostname": host, "engine": "", "ip": "", "port": ""}
        database.pools.update_one({"name": "lighting"}, {"$push": {"clients": entry}})
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

    entry = {"hostname": "gpu-02", "engine": "", "ip": "", "port": ""}
    mongo[database_name].pools.update_one({"name": "gpu"}, {"$push": {"clients": entry}})

    # The board watches every second; it used to wait for its 30 s full reload.
    qtbot.waitUntil(lambda: shown(window, "gpu") == ["gpu-01", "gpu-02"], timeout=5_000)
