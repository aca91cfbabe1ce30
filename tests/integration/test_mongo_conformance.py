"""Exactly the MongoDB operations PoolStore relies on, checked on the server in use.

nx-27017 0.8.1 gets several operators wrong (``$ne``/``$nin`` on array sub-fields, ``$not``,
``$push`` of sub-documents, array equality in filters). The store avoids those; this file
pins down the ones it does use, so a newer nx-27017 or a real MongoDB is checked the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import DESCENDING, MongoClient, ReturnDocument
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from pools.documents import client_entry

pytestmark = pytest.mark.integration

Doc = dict[str, Any]


@pytest.fixture
def pools(mongo: MongoClient[Doc], database_name: str) -> Iterator[Collection[Doc]]:
    collection = mongo[database_name].pools
    collection.create_index("name", unique=True)
    collection.insert_one({"name": "p", "clients": [client_entry("a")], "revision": 1})
    yield collection
    mongo.drop_database(database_name)


def hostnames(collection: Collection[Doc]) -> list[str]:
    doc = collection.find_one({"name": "p"})
    assert doc is not None
    return [c["hostname"] for c in doc["clients"]]


def test_add_to_set_of_sub_documents_never_repeats_an_entry(pools: Collection[Doc]) -> None:
    entries = [client_entry("a"), client_entry("b")]
    pools.update_one({"name": "p"}, {"$addToSet": {"clients": {"$each": entries}}})

    stored = pools.find_one({"name": "p"})

    assert stored is not None
    assert stored["clients"] == [client_entry("a"), client_entry("b")]
    assert all(isinstance(c, dict) for c in stored["clients"])


def test_pull_by_field_with_in_removes_only_those(pools: Collection[Doc]) -> None:
    pools.update_one({"name": "p"}, {"$addToSet": {"clients": {"$each": [client_entry("b")]}}})
    pools.update_one({"name": "p"}, {"$pull": {"clients": {"hostname": {"$in": ["a", "x"]}}}})

    assert hostnames(pools) == ["b"]


def test_find_one_and_update_returns_before_or_after_with_inc(pools: Collection[Doc]) -> None:
    before = pools.find_one_and_update(
        {"name": "p"}, {"$inc": {"revision": 1}}, return_document=ReturnDocument.BEFORE
    )
    after = pools.find_one_and_update(
        {"name": "p"}, {"$inc": {"revision": 1}}, return_document=ReturnDocument.AFTER
    )
    missing = pools.find_one_and_update({"name": "nope"}, {"$inc": {"revision": 1}})

    assert (before or {})["revision"] == 1
    assert (after or {})["revision"] == 3
    assert missing is None


def test_unique_name_index_raises_duplicate_key(pools: Collection[Doc]) -> None:
    with pytest.raises(DuplicateKeyError):
        pools.insert_one({"name": "p", "clients": []})
    pools.insert_one({"name": "q", "clients": []})
    with pytest.raises(DuplicateKeyError):
        pools.update_one({"name": "q"}, {"$set": {"name": "p"}})


def test_exists_false_guards_the_one_time_normalisation(pools: Collection[Doc]) -> None:
    pools.insert_one({"name": "legacy", "clients": []})

    first = pools.find_one_and_update(
        {"name": "legacy", "revision": {"$exists": False}}, {"$set": {"revision": 1}}
    )
    second = pools.find_one_and_update(
        {"name": "legacy", "revision": {"$exists": False}}, {"$set": {"revision": 1}}
    )

    assert first is not None
    assert second is None


def test_counter_upsert_and_set_on_insert(mongo: MongoClient[Doc], database_name: str) -> None:
    db = mongo[database_name]
    seqs = [
        (
            db.counters.find_one_and_update(
                {"_id": "changes"},
                {"$inc": {"seq": 1}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
            or {}
        )["seq"]
        for _ in range(3)
    ]
    for seen in (1.0, 2.0):
        db.hosts.update_one(
            {"_id": "h"},
            {
                "$set": {"last_seen": seen},
                "$setOnInsert": {"first_seen": seen},
                "$addToSet": {"sources": "arp"},
            },
            upsert=True,
        )

    assert seqs == [1, 2, 3]
    assert db.hosts.find_one({"_id": "h"}) == {
        "_id": "h",
        "last_seen": 2.0,
        "first_seen": 1.0,
        "sources": ["arp"],
    }
    mongo.drop_database(database_name)


def test_or_of_equalities_sorted_and_limited(mongo: MongoClient[Doc], database_name: str) -> None:
    history = mongo[database_name].history
    history.insert_many(
        [{"seq": i, "pool": name, "before": {"name": "old"}} for i, name in enumerate("abcab")]
    )

    found = history.find({"$or": [{"pool": "a"}, {"pool": "b"}]}).sort("seq", DESCENDING).limit(3)
    nested = history.count_documents({"before.name": "old"})

    assert [d["seq"] for d in found] == [4, 3, 1]
    assert nested == 5
    mongo.drop_database(database_name)


def test_set_upsert_keeps_one_binding(mongo: MongoClient[Doc], database_name: str) -> None:
    """(``replace_one`` with upsert is avoided: nx-27017 0.8.1 drops the filter's ``_id``.)"""
    bindings = mongo[database_name].bindings
    bindings.update_one({"_id": "3:2"}, {"$set": {"pool": "a"}}, upsert=True)
    bindings.update_one({"_id": "3:2"}, {"$set": {"pool": "b"}}, upsert=True)

    assert list(bindings.find({})) == [{"_id": "3:2", "pool": "b"}]
    mongo.drop_database(database_name)


def test_scan_sightings_merge_into_hosts(mongo: MongoClient[Doc], database_name: str) -> None:
    """record_sightings/name_host: $each of strings on upsert, lookup by MAC, move by delete."""
    hosts = mongo[database_name].hosts
    hosts.update_one(
        {"_id": "10.0.0.6"},
        {
            "$set": {"ip": "10.0.0.6", "mac": "02:00:00:00:00:06", "last_seen": 1.0},
            "$setOnInsert": {"first_seen": 1.0},
            "$addToSet": {"sources": {"$each": ["arp", "tcp"]}},
        },
        upsert=True,
    )
    owner = hosts.find_one({"mac": "02:00:00:00:00:06"}, {"_id": 1})
    placeholder = hosts.find_one_and_delete({"_id": "10.0.0.6"})
    gone = hosts.find_one_and_delete({"_id": "10.0.0.6"})
    hosts.update_one(
        {"_id": "ws-bob"},
        {
            "$set": {"ip": "10.0.0.6", "last_seen": 2.0},
            "$setOnInsert": {"first_seen": (placeholder or {})["first_seen"]},
            "$addToSet": {"sources": {"$each": ["arp", "dns", "tcp"]}},
        },
        upsert=True,
    )
    hosts.insert_one({"_id": "old"})
    hosts.delete_one({"_id": "old"})

    assert owner == {"_id": "10.0.0.6"}
    assert gone is None
    assert list(hosts.find({})) == [
        {
            "_id": "ws-bob",
            "ip": "10.0.0.6",
            "last_seen": 2.0,
            "first_seen": 1.0,
            "sources": ["arp", "dns", "tcp"],
        }
    ]
    mongo.drop_database(database_name)
