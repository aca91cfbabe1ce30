"""PoolStore against a real nx-27017 through pymongo."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from pymongo import MongoClient

from pools.errors import (
    InvalidNameError,
    NothingChangedError,
    PoolExistsError,
    PoolNotFoundError,
)
from pools.model import in_creation_order
from storage.store import PoolStore

pytestmark = pytest.mark.integration


def snapshot(store: PoolStore) -> tuple[Any, ...]:
    """Everything a failed command must leave exactly as it was."""
    return (store.pools(), store.history(limit=1000), store.revision())


def test_created_pool_is_listed_with_its_description_and_colour(store: PoolStore) -> None:
    store.create("lighting", description="Lighting renders", color="#FFAA00")
    store.create("comp")

    names = [p.name for p in store.pools()]
    lighting = store.pool("lighting")

    assert names == ["comp", "lighting"]
    assert lighting.description == "Lighting renders"
    assert lighting.color == "#ffaa00"
    assert lighting.hostnames == ()
    assert lighting.updated_by == "tester"


def test_pool_names_are_trimmed_and_may_hold_regex_characters(store: PoolStore) -> None:
    store.create("  gpu (A100) [x]*.+?$^|  ")

    assert store.pool("gpu (A100) [x]*.+?$^|").name == "gpu (A100) [x]*.+?$^|"


@pytest.mark.parametrize(
    ("name", "error", "sentence"),
    [
        ("", InvalidNameError, "A pool name cannot be empty."),
        ("   ", InvalidNameError, "A pool name cannot be empty."),
        ("x" * 65, InvalidNameError, "at most 64 characters"),
        ("tab\there", InvalidNameError, "control character"),
        ("lighting", PoolExistsError, "A pool named 'lighting' already exists."),
        ("Lighting", PoolExistsError, "A pool named 'lighting' already exists."),
    ],
)
def test_bad_pool_names_are_refused_and_change_nothing(
    store: PoolStore, name: str, error: type[Exception], sentence: str
) -> None:
    store.create("lighting")
    before = snapshot(store)

    with pytest.raises(error, match=re.escape(sentence)):
        store.create(name)

    assert snapshot(store) == before


def test_sixty_four_characters_are_enough(store: PoolStore) -> None:
    assert store.create("p" * 64).name == "p" * 64


def test_rename_keeps_members_and_refuses_taken_or_missing_names(store: PoolStore) -> None:
    store.create("old")
    store.add_hosts("old", ["rnd-01"])
    store.create("taken")

    renamed = store.rename("old", "new")
    before = snapshot(store)
    with pytest.raises(PoolExistsError):
        store.rename("new", "taken")
    with pytest.raises(PoolNotFoundError, match=r"There is no pool named 'ghost'\."):
        store.rename("ghost", "other")

    assert renamed.hostnames == ("rnd-01",)
    assert [p.name for p in store.pools()] == ["new", "taken"]
    assert snapshot(store) == before


def test_description_and_colour_are_changed_and_validated(store: PoolStore) -> None:
    store.create("gpu")
    store.set_description("gpu", "A100 nodes")
    store.set_color("gpu", "#00ff00")
    before = snapshot(store)

    with pytest.raises(InvalidNameError, match="#rrggbb"):
        store.set_color("gpu", "green")
    with pytest.raises(NothingChangedError):
        store.set_description("gpu", "A100 nodes")

    assert (store.pool("gpu").description, store.pool("gpu").color) == ("A100 nodes", "#00ff00")
    assert snapshot(store) == before


def test_add_and_remove_hosts_bump_the_revision(store: PoolStore) -> None:
    created = store.create("lighting")
    pool, added = store.add_hosts("lighting", ["rnd-01", "rnd-02", "rnd-01"])
    pool2, removed = store.remove_hosts("lighting", ["rnd-01"])

    assert added == ("rnd-01", "rnd-02")
    assert pool.hostnames == ("rnd-01", "rnd-02")
    assert removed == ("rnd-01",)
    assert pool2.hostnames == ("rnd-02",)
    assert created.revision < pool.revision < pool2.revision


def test_adding_a_host_that_is_already_there_says_so_and_changes_nothing(
    store: PoolStore,
) -> None:
    store.create("lighting")
    store.add_hosts("lighting", ["rnd-01"])
    before = snapshot(store)

    with pytest.raises(NothingChangedError, match="rnd-01 is already in pool 'lighting'"):
        store.add_hosts("lighting", ["rnd-01"])
    with pytest.raises(NothingChangedError, match="rnd-09 is not in pool 'lighting'"):
        store.remove_hosts("lighting", ["rnd-09"])

    assert snapshot(store) == before


def test_adding_a_mix_adds_only_the_new_hosts(store: PoolStore) -> None:
    store.create("lighting")
    store.add_hosts("lighting", ["rnd-01"])

    pool, added = store.add_hosts("lighting", ["rnd-01", "rnd-02"])

    assert added == ("rnd-02",)
    assert pool.hostnames == ("rnd-01", "rnd-02")


def test_membership_edits_of_an_unknown_pool_write_nothing(store: PoolStore) -> None:
    before = snapshot(store)

    with pytest.raises(PoolNotFoundError):
        store.add_hosts("ghost", ["rnd-01"])
    with pytest.raises(InvalidNameError):
        store.add_hosts("ghost", ["bad name"])

    assert snapshot(store) == before


def test_two_writers_adding_at_once_lose_nothing(
    nx_server: str, store: PoolStore, database_name: str
) -> None:
    """Two boards (two clients, two threads) add different hosts to one pool at once."""
    store.create("shared")
    second_client: MongoClient[dict[str, Any]] = MongoClient(nx_server)
    other = PoolStore(second_client[database_name], user="b")
    start = threading.Barrier(2)

    def add_many(writer: PoolStore, prefix: str) -> None:
        start.wait(timeout=10)
        for i in range(25):
            writer.add_hosts("shared", [f"{prefix}-{i:02d}"])

    threads = [
        threading.Thread(target=add_many, args=(store, "a")),
        threading.Thread(target=add_many, args=(other, "b")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    second_client.close()

    pool = store.pool("shared")
    assert len(pool.hostnames) == 50
    assert pool.revision == 51
    assert len(store.history("shared", limit=100)) == 51


def test_delete_returns_the_pool_and_history_keeps_it_whole(store: PoolStore) -> None:
    store.create("temp", description="for a week", color="#123456")
    store.add_hosts("temp", ["rnd-01", "rnd-02"])

    deleted = store.delete("temp")
    last = store.history()[0]

    assert deleted.hostnames == ("rnd-01", "rnd-02")
    assert store.pools() == []
    assert last.op == "delete"
    assert last.before == {
        "name": "temp",
        "hosts": ["rnd-01", "rnd-02"],
        "description": "for a week",
        "color": "#123456",
    }
    with pytest.raises(PoolNotFoundError):
        store.delete("temp")


def test_history_says_who_did_what_newest_first(store: PoolStore) -> None:
    store.create("a")
    store.add_hosts("a", ["rnd-01"])
    store.rename("a", "b")
    store.create("other")

    for_b = store.history("b")
    everything = store.history()

    assert [c.op for c in for_b] == ["rename", "add", "create"]
    assert [c.op for c in everything] == ["create", "rename", "add", "create"]
    assert [c.describe() for c in everything][1:3] == [
        "renamed pool 'a' to 'b'",
        "added rnd-01 to pool 'a'",
    ]
    assert {c.user for c in everything} == {"tester"}
    assert all(c.ts > 0 for c in everything)
    assert [c.seq for c in everything] == sorted((c.seq for c in everything), reverse=True)


def test_store_revision_grows_with_every_change(store: PoolStore) -> None:
    first = store.revision()
    store.create("a")
    second = store.revision()
    store.add_hosts("a", ["h"])

    assert first < second < store.revision()


def test_2019_documents_are_read_and_normalised_once(
    mongo: MongoClient[dict[str, Any]], store: PoolStore, database_name: str
) -> None:
    """The seed tool stored engine, ip and port inside pools and could repeat a host."""
    mongo[database_name].pools.insert_one(
        {
            "name": "legacy",
            "clients": [
                {"hostname": "rnd-01", "engine": "2.3.1", "ip": "10.0.0.1", "port": 50001},
                {"hostname": "rnd-02", "engine": "", "ip": "", "port": ""},
                {"hostname": "rnd-01", "engine": "2.3.1", "ip": "10.0.0.1", "port": 50001},
            ],
        }
    )

    pool = store.pool("legacy")
    store.add_hosts("legacy", ["rnd-03"])
    stored = mongo[database_name].pools.find_one({"name": "legacy"})
    known = {h.name: h.ip for h in store.known_hosts()}

    assert pool.hostnames == ("rnd-01", "rnd-02")
    assert stored is not None
    assert [c["hostname"] for c in stored["clients"]] == ["rnd-01", "rnd-02", "rnd-03"]
    assert all(list(c) == ["hostname", "engine", "ip", "port"] for c in stored["clients"])
    assert known == {"rnd-01": "10.0.0.1"}


def test_documents_written_by_hand_in_odd_shapes_hide_no_other_pool(
    mongo: MongoClient[dict[str, Any]], store: PoolStore, database_name: str
) -> None:
    """``clients`` that is no list counts as no members; a pool without a name is skipped."""
    store.create("good", hosts=["rnd-01"])
    database = mongo[database_name]
    database.pools.insert_many([{"name": "bad", "clients": 5}, {"clients": [], "note": "?"}])
    database.hosts.insert_one({"_id": "ws-odd", "ip": "10.0.0.9", "sources": 5})

    pools = {pool.name: pool.hostnames for pool in store.pools()}
    known = {host.name: host.sources for host in store.known_hosts()}

    assert pools == {"bad": (), "good": ("rnd-01",)}
    assert known == {"ws-odd": ()}
    store.add_hosts("bad", ["rnd-02"])
    assert store.pool("bad").hostnames == ("rnd-02",)


def test_the_store_says_where_it_is_in_words_a_user_can_read(store: PoolStore) -> None:
    """The test database is the embedded one, on a Unix socket: its path, not "path:None"."""
    assert store.address.endswith(".sock")


def test_pools_come_in_the_order_they_were_created_whatever_their_names_or_renames(
    mongo: MongoClient[dict[str, Any]], store: PoolStore, database_name: str
) -> None:
    """A board lays out its columns oldest first; the 2019 tool's pools (ObjectIds too) are
    older than afpools' own, and a pool with an ``_id`` of its own making comes last."""
    mongo[database_name].pools.insert_one({"name": "zz-2019", "clients": []})
    for name in ("lighting", "gpu", "Comp"):
        store.create(name)
    store.rename("gpu", "a-gpu")
    mongo[database_name].pools.insert_one({"_id": "by-hand", "name": "b-hand", "clients": []})

    ordered = [p.name for p in in_creation_order(store.pools())]

    assert ordered == ["zz-2019", "lighting", "a-gpu", "Comp", "b-hand"]
    assert [p.name for p in store.pools()] == ["a-gpu", "b-hand", "Comp", "lighting", "zz-2019"]
