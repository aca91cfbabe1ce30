"""The agent's memory (bindings) and its lease, on a real nx-27017."""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database
from pymongo.errors import OperationFailure

from pools.job_masks import read_job
from pools.jobs import Binding, PoolIndex, decide
from storage.leases import Leases
from storage.store import PoolStore

pytestmark = pytest.mark.integration


def bound(store: PoolStore, job_id: int, mask: str) -> Binding:
    job = read_job(
        {
            "id": job_id,
            "serial": 1,
            "name": f"shot{job_id}",
            "hosts_mask": mask,
            "hosts_mask_type": "find",
            "blocks": [{"block_num": 0, "hosts_mask": "rnd-b"}],
        }
    )
    decision = decide(job, None, PoolIndex(store.pool_entries()), 10.0)
    assert decision.binding is not None
    return decision.binding


def test_a_binding_reads_back_as_it_was_saved(store: PoolStore) -> None:
    store.create("lighting", hosts=["rnd-a01"])
    binding = bound(store, 7, "@lighting rnd-a")

    store.bindings.save([binding])

    assert store.bindings.all().bindings == {"7:1": binding}
    assert store.bindings.get(7, 1) == binding


def test_the_counter_moves_once_per_change_and_not_without_one(store: PoolStore) -> None:
    store.create("lighting")
    bindings = store.bindings
    before = bindings.counter()

    after_two = bindings.change([bound(store, 1, "@lighting"), bound(store, 2, "@lighting")], ())
    after_none = bindings.change([], ())
    after_drop = bindings.change([], ["1:1"])

    assert (after_two, after_none, after_drop) == (before + 1, before + 1, before + 2)
    assert list(bindings.all().bindings) == ["2:1"]


def test_bound_to_names_the_live_jobs_that_follow_a_pool(store: PoolStore) -> None:
    store.create("lighting")
    store.create("gpu")
    gone = dataclasses.replace(bound(store, 3, "@lighting"), gone_since=5.0)
    store.bindings.save([bound(store, 1, "@lighting @gpu"), bound(store, 2, "@gpu"), gone])

    found = store.bindings.bound_to(store.pool_id("lighting"))

    assert [b.job_id for b in found] == [1]


def test_a_binding_written_by_apply_before_the_agent_is_read_as_an_apply_binding(
    store: PoolStore, mongo: MongoClient[dict[str, Any]], database_name: str
) -> None:
    store.create("a-side", hosts=["rnd-a01"])
    mongo[database_name].bindings.insert_one(  # the shape an older afpools stored
        {
            "_id": "2:1",
            "job_id": 2,
            "serial": 1,
            "pool": "a-side",
            "user_mask": "rnd-a03",
            "user_exclude": "",
            "user_type": "find",
            "applied_mask": "(?=(?:rnd\\-a03.*)$)(?:rnd-a01)",
            "applied_exclude": "",
            "updated_at": 1.0,
        }
    )

    (binding,) = store.bindings.all().bindings.values()

    assert binding.applied == store.pool_id("a-side")
    assert binding.user[(-1, "hosts_mask")].text == "rnd-a03"
    assert binding.written.get((-1, "hosts_mask")) == "(?=(?:rnd\\-a03.*)$)(?:rnd-a01)"


def test_a_binding_that_cannot_be_read_is_reported_and_kept(
    store: PoolStore, mongo: MongoClient[dict[str, Any]], database_name: str
) -> None:
    mongo[database_name].bindings.insert_one({"_id": "9:9", "job_id": "nine"})

    stored = store.bindings.all()

    assert stored.bindings == {}
    assert stored.unreadable == ("The binding '9:9' cannot be read; kept.",)
    assert mongo[database_name].bindings.count_documents({}) == 1


def test_one_holder_at_a_time_and_the_holder_renews(store: PoolStore) -> None:
    leases = store.leases

    first = leases.take("a", "ws-a pid 1", 30)
    other = leases.take("b", "ws-b pid 2", 30)
    renewed = leases.take("a", "ws-a pid 1", 60)

    assert first.holder == "a"
    assert other.holder == "a"  # b sees who holds it, and does not
    assert other.description == "ws-a pid 1"
    assert renewed.holder == "a"
    assert renewed.expires_at > first.expires_at


def test_an_expired_lease_is_taken_over(store: PoolStore) -> None:
    leases = store.leases
    leases.take("a", "ws-a pid 1", -1)  # a holder that stopped renewing long ago

    taken = leases.take("b", "ws-b pid 2", 30)

    assert taken.holder == "b"


@pytest.mark.parametrize("skew", [3600.0, -3600.0], ids=["standby-ahead", "standby-behind"])
def test_machines_clocks_an_hour_apart_neither_steal_nor_strand_the_lease(
    store: PoolStore, mongo: MongoClient[dict[str, Any]], database_name: str, skew: float
) -> None:
    """Ahead, a standby once took a live lease at its first look (the holder's expiry is long
    past by its clock); behind, it never took a dead one. The server's clock decides now."""
    collection = mongo[database_name].leases
    standby = Leases(collection, clock=lambda: time.time() + skew)
    store.leases.take("a", "ws-a pid 1", 30)

    seen = standby.take("b", "ws-b pid 2", 30)
    assert seen.holder == "a"
    assert 25 < seen.expires_at - (time.time() + skew) <= 30  # in the standby's own clock

    # the holder is killed: 31 seconds later by the server's clock, it has not renewed
    # (the document replaced whole: nx-27017 stores a datetime given to $set as a string)
    lease = collection.find_one({"_id": "agent"})
    assert lease is not None and isinstance(lease["beat"], datetime)
    collection.replace_one(
        {"_id": "agent"}, {**lease, "beat": lease["beat"] - timedelta(seconds=31)}
    )
    assert standby.take("b", "ws-b pid 2", 30).holder == "b"
    assert store.leases.take("a", "ws-a pid 1", 30).holder == "b"  # back, a is a standby


def test_a_server_before_hello_tells_its_time_through_is_master(
    store: PoolStore,
    mongo: MongoClient[dict[str, Any]],
    database_name: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """MongoDB before 4.4.2 has no ``hello``: a standby an hour ahead still leaves a live
    lease alone, by the server's clock."""
    real_command = Database.command

    def before_hello(self: Database[Any], command: Any, *args: Any, **kwargs: Any) -> Any:
        if command == "hello":
            raise OperationFailure("no such command: 'hello'", code=59)
        return real_command(self, command, *args, **kwargs)

    monkeypatch.setattr(Database, "command", before_hello)
    store.leases.take("a", "ws-a pid 1", 30)
    standby = Leases(mongo[database_name].leases, clock=lambda: time.time() + 3600)

    assert standby.take("b", "ws-b pid 2", 30).holder == "a"


def test_a_lease_an_older_afpools_wrote_is_read_by_the_wall_clock(
    store: PoolStore, mongo: MongoClient[dict[str, Any]], database_name: str
) -> None:
    """No server stamp: taken once its expiry has passed by this machine's clock, as then."""
    collection = mongo[database_name].leases
    now = time.time()
    fields = {"holder": "old", "description": "ws-old pid 9", "taken_at": now - 60}
    collection.insert_one({"_id": "agent", **fields, "expires_at": now + 20, "renewed_at": now})

    assert store.leases.take("b", "ws-b pid 2", 30).holder == "old"
    collection.update_one({"_id": "agent"}, {"$set": {"expires_at": now - 1}})
    assert store.leases.take("b", "ws-b pid 2", 30).holder == "b"


def test_a_released_lease_is_taken_at_once_and_only_its_holder_releases_it(
    store: PoolStore,
) -> None:
    leases = store.leases
    leases.take("a", "ws-a pid 1", 30)

    assert not leases.release("b")
    assert leases.release("a")
    assert leases.current() is None
    assert leases.take("b", "ws-b pid 2", 30).holder == "b"
