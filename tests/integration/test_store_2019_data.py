"""The 2019 tool's users keep their data: every stored shape is read, nothing is dropped,
nothing is written by a read, names are matched exactly.

The shapes come from what really happens: the 2019 Pool Manager adds a host with ``$push``
of ``{hostname, engine, ip, port}``, and nx-27017 0.8.1 then stores every entry of that
pool as JSON text; hand-written pools hold plain hostname strings.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from bson import ObjectId
from pymongo import MongoClient
from pymongo.database import Database

from pools.errors import PoolNotFoundError
from storage.documents import client_entry
from storage.store import PoolStore
from tests.support.cli import Run
from tests.support.legacy_2019 import dump, legacy_entry, push_2019

pytestmark = pytest.mark.integration

Document = dict[str, Any]


@pytest.fixture
def database(
    mongo: MongoClient[Document], database_name: str, store: PoolStore
) -> Database[Document]:
    return mongo[database_name]


def pushed_by_2019(database: Database[Document], name: str, *entries: Document) -> None:
    """A pool the 2019 Pool Manager made: inserted empty, then one ``$push`` a host."""
    database.pools.insert_one({"name": name, "clients": []})
    push_2019(database, name, *entries)


def test_a_pool_the_2019_tool_pushed_to_keeps_every_member(
    database: Database[Document], store: PoolStore
) -> None:
    database.pools.insert_one({"name": "lighting", "clients": [legacy_entry("rnd-a01")]})
    push_2019(database, "lighting", legacy_entry("rnd-a02"))
    stored = database.pools.find_one({"name": "lighting"})
    assert stored is not None
    assert all(isinstance(entry, str) for entry in stored["clients"])  # nx-27017's text shape
    before = dump(database)

    assert store.pool("lighting").hostnames == ("rnd-a01", "rnd-a02")
    assert [p.hostnames for p in store.pools()] == [("rnd-a01", "rnd-a02")]
    assert dump(database) == before


@pytest.mark.parametrize(
    ("clients", "hosts", "unreadable"),
    [
        pytest.param(["rnd-s01", "rnd-s02"], ("rnd-s01", "rnd-s02"), (), id="plain-strings"),
        pytest.param(
            [
                legacy_entry("rnd-01", "10.0.0.1", 50001),
                json.dumps(legacy_entry("rnd-02")),
                "rnd-03",
            ],
            ("rnd-01", "rnd-02", "rnd-03"),
            (),
            id="every-shape-mixed",
        ),
        pytest.param(
            [legacy_entry("pc 02"), legacy_entry("pc 02"), "pc 03 "],
            ("pc 02", "pc 03 "),
            (),
            id="spaces-and-repeats",
        ),
        pytest.param(
            [legacy_entry("rnd-01"), 5, "{not json", {"engine": "2.3"}, ""],
            ("rnd-01",),
            ("5", "{not json", '{"engine": "2.3"}', ""),
            id="unreadable-entries",
        ),
        pytest.param(7, (), ("7",), id="clients-not-a-list"),
    ],
)
def test_every_stored_shape_is_read_and_nothing_is_written(
    database: Database[Document],
    store: PoolStore,
    clients: Any,
    hosts: tuple[str, ...],
    unreadable: tuple[str, ...],
) -> None:
    database.pools.insert_one({"name": "seeded", "clients": clients})
    before = dump(database)

    pool = store.pool("seeded")

    assert (pool.hostnames, pool.unreadable) == (hosts, unreadable)
    assert store.history() == []
    assert dump(database) == before


def test_the_first_afpools_change_normalises_in_the_same_update_and_keeps_the_unreadable(
    database: Database[Document], store: PoolStore
) -> None:
    pushed_by_2019(
        database, "lighting", legacy_entry("rnd-a01", "10.0.0.1", 50001), legacy_entry("rnd-a02")
    )
    database.pools.update_one({"name": "lighting"}, {"$push": {"clients": "{broken"}})

    pool, added = store.add_hosts("lighting", ["rnd-a03"])
    stored = database.pools.find_one({"name": "lighting"})

    assert added == ("rnd-a03",)
    assert pool.hostnames == ("rnd-a01", "rnd-a02", "rnd-a03")
    assert pool.unreadable == ("{broken",)
    assert stored is not None
    assert stored["clients"] == [
        client_entry("rnd-a01"),
        client_entry("rnd-a02"),
        "{broken",
        client_entry("rnd-a03"),
    ]
    assert [change.describe() for change in store.history()] == ["added rnd-a03 to pool 'lighting'"]
    assert {host.name: host.ip for host in store.known_hosts()} == {"rnd-a01": "10.0.0.1"}


def test_a_2019_push_between_read_and_write_is_kept(
    database: Database[Document], store: PoolStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 2019 tool adds a host while afpools is about to write: both hosts stay."""
    store.create("gpu", hosts=["gpu-01"])
    find = store._find
    pushed: list[str] = []

    def find_then_2019_push(name: str) -> Document:
        doc = find(name)
        if not pushed:
            pushed.append("gpu-02")
            database.pools.update_one(
                {"name": "gpu"}, {"$push": {"clients": legacy_entry("gpu-02")}}
            )
        return doc

    monkeypatch.setattr(store, "_find", find_then_2019_push)
    store.add_hosts("gpu", ["gpu-03"])

    assert store.pool("gpu").hostnames == ("gpu-01", "gpu-02", "gpu-03")


def test_a_host_the_2019_tool_stored_with_a_space_can_be_shown_and_removed(
    database: Database[Document], store: PoolStore
) -> None:
    pushed_by_2019(database, "comp", legacy_entry("pc 01"), legacy_entry("pc 02"))

    assert store.pool("comp").hostnames == ("pc 01", "pc 02")
    pool, removed = store.remove_hosts("comp", ["pc 02"])

    assert removed == ("pc 02",)
    assert pool.hostnames == ("pc 01",)
    with pytest.raises(ValueError, match="space"):
        store.add_hosts("comp", ["pc 03"])  # new names are still checked


def test_names_are_matched_exactly(database: Database[Document], store: PoolStore) -> None:
    """The 2019 dialog allowed 'gpu ' next to 'gpu': each is its own pool."""
    store.create("gpu", hosts=["gpu-01"])
    database.pools.insert_one({"name": "gpu ", "clients": [legacy_entry("ws-01")]})

    store.add_hosts("gpu ", ["ws-10"])

    assert store.pool("gpu ").hostnames == ("ws-01", "ws-10")
    assert store.pool("gpu").hostnames == ("gpu-01",)
    assert [p.name for p in store.pools()] == ["gpu", "gpu "]
    with pytest.raises(PoolNotFoundError, match="one named 'gpu': names are matched exactly"):
        store.add_hosts("gpu  ", ["ws-11"])


def test_cli_reads_change_nothing_and_warn_about_unreadable_entries(
    cli: Run, database: Database[Document]
) -> None:
    pushed_by_2019(database, "lighting", legacy_entry("rnd-a01"), legacy_entry("rnd-a02"))
    database.pools.insert_one({"name": "odd", "clients": ["rnd-s01", 42]})
    database.pools.insert_one({"name": "gpu ", "clients": ["gpu-01"]})
    before = dump(database)

    outputs = {
        " ".join(argv): cli(*argv)
        for argv in (
            ["pools", "list"],
            ["pools", "show", "lighting"],
            ["pools", "show", "odd", "--json"],
            ["pools", "show", "gpu "],
            ["pools", "history"],
        )
    }

    assert dump(database) == before
    assert all(code == 0 for code, _, _ in outputs.values())
    _, out, err = outputs["pools show lighting"]
    assert out.splitlines()[-3:] == ["Hosts (2):", "  rnd-a01", "  rnd-a02"]
    assert err == ""
    _, out, err = outputs["pools show odd --json"]
    assert json.loads(out)["unreadable"] == ["42"]
    assert "'odd' (42)" in err and "kept as stored" in err
    assert "gpu-01" in outputs["pools show gpu "][1]


def test_create_and_rename_trim_what_is_typed_and_say_so(cli: Run, store: PoolStore) -> None:
    assert cli("pools", "create", "  comp ")[::2] == (0, "The name was trimmed to 'comp'.\n")
    assert cli("pools", "rename", "comp", "comp-nodes ")[::2] == (
        0,
        "The name was trimmed to 'comp-nodes'.\n",
    )
    assert [p.name for p in store.pools()] == ["comp-nodes"]


def test_an_unknown_id_shape_is_followed_too(
    database: Database[Document], store: PoolStore
) -> None:
    """2019 documents have ObjectIds, hand-written ones may have strings: both work."""
    database.pools.insert_one({"_id": "by-hand", "name": "hand", "clients": ["a-01"]})
    database.pools.insert_one({"_id": ObjectId(), "name": "tool", "clients": ["b-01"]})

    assert store.add_hosts("hand", ["a-02"])[0].hostnames == ("a-01", "a-02")
    assert store.remove_hosts("tool", ["b-01"])[0].hostnames == ()
