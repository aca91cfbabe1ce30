"""Exactly the MongoDB operations PoolStore (and the agent's bindings, lease and stats) rely on,
checked on the server in use.

nx-27017 0.8.1 gets several operators wrong (``$ne``/``$nin`` on array sub-fields, ``$not``,
``$push`` of sub-documents, array equality in filters, ``$all`` of sub-documents, and ``$pull``
by a field, which also removes every entry stored as text). The store avoids those; this
file pins down the ones it does use, so a newer nx-27017 or a real MongoDB is checked the
same way.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import DESCENDING, MongoClient, ReturnDocument, UpdateOne
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError, OperationFailure

from storage.documents import client_entry

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


def test_compare_and_set_on_revision_and_entry_count(pools: Collection[Doc]) -> None:
    """Every pool write: applies to the document as read, not after anyone wrote between."""
    guard = {"name": "p", "revision": 1, "clients": {"$size": 1}}
    stored_by_hand = [client_entry("a"), "plain", 5, {"hostname": "b", "ip": "10.0.0.2"}]
    pools.update_one({"name": "p"}, {"$push": {"clients": client_entry("z")}})  # the 2019 tool

    lost = pools.find_one_and_update(guard, {"$set": {"clients": [], "revision": 2}})
    won = pools.find_one_and_update(
        {**guard, "clients": {"$size": 2}},
        {"$set": {"clients": stored_by_hand, "revision": 2}},
        return_document=ReturnDocument.AFTER,
    )

    assert lost is None
    assert won is not None
    assert won["clients"] == stored_by_hand
    assert [list(c) for c in won["clients"] if isinstance(c, dict)] == [
        ["hostname", "engine", "ip", "port"],
        ["hostname", "ip"],
    ]


def test_a_change_record_rides_in_the_pool_document(pools: Collection[Doc]) -> None:
    """The marker: a sub-document set with the change, found by its id, then cleared."""
    marker = {"id": "c1", "op": "delete", "hosts": ["a"], "before": {"hosts": ["a"]}, "after": None}
    pools.insert_one({"name": "q", "clients": [], "revision": 1})
    pools.update_one({"name": "p"}, {"$set": {"pending_change": marker}})

    pending = [d["name"] for d in pools.find({"pending_change": {"$exists": True}})]
    stored = (pools.find_one({"pending_change.id": "c1"}) or {}).get("pending_change")
    pools.update_one({"name": "p", "pending_change.id": "c2"}, {"$unset": {"pending_change": ""}})
    kept = pools.count_documents({"pending_change": {"$exists": True}})
    pools.update_one({"name": "p", "pending_change.id": "c1"}, {"$unset": {"pending_change": ""}})
    cleared = pools.find_one({"name": "p"})
    pools.update_one({"name": "q"}, {"$set": {"pending_change": {**marker, "id": "c3"}}})
    pools.delete_one({"name": "q", "pending_change.id": "c3"})

    assert pending == ["p"]
    assert stored == marker
    assert kept == 1
    assert cleared is not None and "pending_change" not in cleared
    assert [d["name"] for d in pools.find({})] == ["p"]


def test_a_history_record_is_copied_once(mongo: MongoClient[Doc], database_name: str) -> None:
    history = mongo[database_name].history
    history.insert_one({"_id": "c1", "seq": 1, "op": "add"})
    with pytest.raises(DuplicateKeyError):
        history.insert_one({"_id": "c1", "seq": 2, "op": "add"})
    history.insert_one({"seq": 3, "op": "add"})  # records of older versions: ObjectId ids

    assert [d["seq"] for d in history.find({}).sort("seq", DESCENDING)] == [3, 1]
    mongo.drop_database(database_name)


def test_a_change_stream_sees_another_clients_edit(
    pools: Collection[Doc], nx_server: str, database_name: str
) -> None:
    """How boards notice the 2019 tool; a server without change streams is hashed instead."""
    try:
        stream = pools.watch(max_await_time_ms=1)
    except OperationFailure as refused:
        pytest.skip(f"this server has no change streams ({refused}); ChangeWatch hashes")
    other: MongoClient[Doc] = MongoClient(nx_server)
    try:
        other[database_name].pools.update_one({"name": "p"}, {"$set": {"color": "#ffaa00"}})
        deadline = time.monotonic() + 10
        event = None
        while event is None and time.monotonic() < deadline:
            event = stream.try_next()
    finally:
        other.close()
        stream.close()

    assert event is not None
    assert event["operationType"] in ("update", "replace")


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


def test_exists_false_guards_a_pool_written_without_revision(pools: Collection[Doc]) -> None:
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


def test_bindings_in_bulk_with_sub_documents_keyed_by_field(
    mongo: MongoClient[Doc], database_name: str
) -> None:
    """The agent's memory: a bulk of upserts (sub-documents keyed "0:hosts_mask"), read back
    whole, then dropped by ``$in`` of ids."""
    bindings = mongo[database_name].bindings
    doc = {
        "user": {"hosts_mask": {"text": "@a rnd", "kind": "find"}, "0:hosts_mask": {"text": "x"}},
        "pools": [{"name": "a", "id": "65f0", "revision": 3}],
        "written": {"kind": "regex", "fields": {"hosts_mask": "rnd-a0[12]|x.*"}},
        "gone_since": 0.0,
    }
    ops = [
        UpdateOne({"_id": f"{n}:1"}, {"$set": {**doc, "job_id": n}}, upsert=True) for n in (1, 2, 3)
    ]
    first = bindings.bulk_write(ops, ordered=False)
    again = bindings.bulk_write(ops[:1], ordered=False)
    stored = bindings.find_one({"_id": "2:1"})
    dropped = bindings.delete_many({"_id": {"$in": ["1:1", "3:1", "9:9"]}})

    assert first.upserted_count == 3
    assert again.matched_count == 1
    assert stored == {"_id": "2:1", **doc, "job_id": 2}
    assert dropped.deleted_count == 2
    assert [d["_id"] for d in bindings.find({})] == ["2:1"]
    mongo.drop_database(database_name)


def test_a_lease_is_renewed_taken_when_expired_and_released_by_its_holder(
    mongo: MongoClient[Doc], database_name: str
) -> None:
    leases = mongo[database_name].leases
    now = 1000.0
    leases.insert_one({"_id": "agent", "holder": "a", "expires_at": now + 10})
    with pytest.raises(DuplicateKeyError):
        leases.insert_one({"_id": "agent", "holder": "b", "expires_at": now + 10})
    early = leases.find_one_and_update(
        {"_id": "agent", "expires_at": {"$lt": now}}, {"$set": {"holder": "b"}}
    )
    renewed = leases.find_one_and_update(
        {"_id": "agent", "holder": "a"},
        {"$set": {"expires_at": now + 20}},
        return_document=ReturnDocument.AFTER,
    )
    late = leases.find_one_and_update(
        {"_id": "agent", "expires_at": {"$lt": now + 30}},
        {"$set": {"holder": "b", "expires_at": now + 40}},
        return_document=ReturnDocument.AFTER,
    )
    not_mine = leases.delete_one({"_id": "agent", "holder": "a"})
    mine = leases.delete_one({"_id": "agent", "holder": "b"})

    assert early is None
    assert (renewed or {}).get("expires_at") == now + 20
    assert (late or {}).get("holder") == "b"
    assert (not_mine.deleted_count, mine.deleted_count) == (0, 1)
    assert leases.find_one({"_id": "agent"}) is None
    mongo.drop_database(database_name)


def test_usage_minutes_set_by_dotted_path_found_by_ids_and_deleted_by_day(
    mongo: MongoClient[Doc], database_name: str
) -> None:
    """The stats collection: one document per pool and day, an hour's texts set by dotted
    paths with upsert (the other hours stay), read by an ``$in`` of ids, old days deleted by
    ``kind`` and ``$lt``, counted by ``count_documents``."""
    stats = mongo[database_name].stats
    for hour, text in (("7", "1,1,0,1,0,0,0"), ("8", "2,2,1,1,1,0,0"), ("8", "2,2,1,1,1,0,0;=")):
        fields = {"kind": "usage", "pool": "p1", "day": 86400, f"h.{hour}": text, f"b.{hour}": "x"}
        stats.bulk_write(
            [UpdateOne({"_id": "p1:86400"}, {"$set": fields}, upsert=True)], ordered=False
        )
    stats.insert_one({"_id": "p1:0", "kind": "usage", "pool": "p1", "day": 0, "h": {}})
    stats.insert_one({"_id": "p1:172800", "kind": "usage", "pool": "p1", "day": 172800})
    stats.insert_one({"_id": "foreign", "day": 0})

    found = list(stats.find({"_id": {"$in": ["p1:86400", "p1:0", "p9:0"]}}))
    deleted = stats.delete_many({"kind": "usage", "day": {"$lt": 86400}}).deleted_count

    assert sorted(d["_id"] for d in found) == ["p1:0", "p1:86400"]
    one = next(d for d in found if d["_id"] == "p1:86400")
    assert one["h"] == {"7": "1,1,0,1,0,0,0", "8": "2,2,1,1,1,0,0;="}
    assert one["b"] == {"7": "x", "8": "x"}
    assert deleted == 1
    assert (stats.count_documents({}), stats.count_documents({"kind": "usage"})) == (3, 2)
    mongo.drop_database(database_name)


def test_schedules_and_the_members_out_are_set_as_arrays(pools: Collection[Doc]) -> None:
    """Schedules beside ``clients``, and ``schedule_out``, each set whole with the change."""
    schedules = [
        {"host": "a", "from": "20:00", "to": "07:00", "days": "mon-fri"},
        {"host": "a", "when": "away"},
    ]
    guard = {"name": "p", "revision": 1, "clients": {"$size": 1}}
    after = pools.find_one_and_update(
        guard,
        {"$set": {"schedules": schedules, "schedule_out": ["a"], "revision": 2}},
        return_document=ReturnDocument.AFTER,
    )
    emptied = pools.find_one_and_update(
        {**guard, "revision": 2},
        {"$set": {"schedule_out": [], "revision": 3}},
        return_document=ReturnDocument.AFTER,
    )

    assert after is not None and after["schedules"] == schedules
    assert after["schedule_out"] == ["a"]
    assert emptied is not None and emptied["schedule_out"] == []
    assert hostnames(pools) == ["a"]
