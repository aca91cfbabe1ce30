"""The 2019 tool's edits show up like our own: noticed within a poll interval, recorded in
the history as "changed outside afpools" with the members before and after, once."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from poolserver.service import BackgroundService
from storage.store import PoolStore
from tests.support.legacy_2019 import legacy_entry, push_2019
from tests.support.poolservice import call, service_settings, wait_until

pytestmark = pytest.mark.integration

Document = dict[str, Any]


@pytest.fixture
def database(mongo: MongoClient[Document], database_name: str) -> Database[Document]:
    return mongo[database_name]


def test_a_2019_edit_moves_the_change_token_and_gets_one_record(
    store: PoolStore, database: Database[Document]
) -> None:
    store.create("lighting", hosts=["rnd-a01"])
    token = store.change_token()
    revision = store.pool("lighting").revision

    push_2019(database, "lighting", legacy_entry("rnd-a02"))

    assert store.change_token() != token
    assert store.reconcile() == 1
    assert store.reconcile() == 0
    last = store.history(limit=1)[0]
    assert (last.op, last.user, last.hosts) == ("outside", "", ("rnd-a02",))
    assert last.before == {"hosts": ["rnd-a01"]}
    assert last.after == {"hosts": ["rnd-a01", "rnd-a02"]}
    assert last.describe() == "pool 'lighting' changed outside afpools: added rnd-a02"
    assert store.pool("lighting").revision == revision + 1


def test_the_next_afpools_write_records_the_outside_edit_first(
    store: PoolStore, database: Database[Document]
) -> None:
    store.create("gpu", hosts=["gpu-01", "gpu-02"])
    database.pools.update_one({"name": "gpu"}, {"$pull": {"clients": {"hostname": "gpu-02"}}})

    store.add_hosts("gpu", ["gpu-03"])

    assert [c.describe() for c in store.history(limit=2)] == [
        "added gpu-03 to pool 'gpu'",
        "pool 'gpu' changed outside afpools: removed gpu-02",
    ]


def test_the_service_serves_and_records_a_2019_edit_within_its_refresh(
    store: PoolStore, database: Database[Document], nx_server: str, database_name: str
) -> None:
    store.create("lighting", hosts=["rnd-a01"])
    running = BackgroundService(service_settings(nx_server, database_name)).start()
    try:
        wait_until(lambda: running.service.keeper.current is not None, "the first snapshot")

        push_2019(database, "lighting", legacy_entry("rnd-a02"))

        def served() -> list[str]:
            return call(running.http_port, "/v1/pools/lighting").json()["pool"]["hosts"]

        # The refresh interval is 0.1 s; the old 30 s full reload would not make it.
        wait_until(lambda: served() == ["rnd-a01", "rnd-a02"], "the 2019 edit", timeout=10)
        wait_until(lambda: store.history(limit=1)[0].op == "outside", "its record", timeout=10)
    finally:
        running.stop()
    assert [c.op for c in store.history()].count("outside") == 1
