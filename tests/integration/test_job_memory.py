"""What a reader of afserver's jobs (the agent, the board) keeps between reads, on a real
nx-27017: the pools and bindings are read again only when they moved."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo import MongoClient

from storage.job_memory import JobMemory
from storage.store import PoolStore

pytestmark = pytest.mark.integration


def listed_job(job_id: int, mask: str) -> dict[str, Any]:
    return {
        "id": job_id,
        "serial": 1,
        "name": f"shot{job_id}",
        "hosts_mask": mask,
        "hosts_mask_type": "find",
        "blocks": [{"block_num": 0}],
    }


def test_the_pools_are_read_again_when_they_changed_and_only_then(store: PoolStore) -> None:
    store.create("lighting", hosts=["rnd-a01"])
    memory = JobMemory()
    first, _ = memory.refresh(store)
    same, _ = memory.refresh(store)
    store.create("gpu", hosts=["gpu-01"])

    moved, _ = memory.refresh(store)

    assert same is first
    assert sorted(moved.by_name) == ["gpu", "lighting"]
    (decision,) = memory.decide([listed_job(1, "@gpu")], 0.0).decisions
    assert decision.pools == ("gpu",)


def test_bindings_saved_by_another_writer_are_read_and_an_unreadable_one_is_said(
    store: PoolStore, mongo: MongoClient[dict[str, Any]], database_name: str
) -> None:
    store.create("lighting", hosts=["rnd-a01"])
    memory = JobMemory()
    memory.refresh(store)
    (decision,) = memory.decide([listed_job(1, "@lighting")], 0.0).decisions
    assert decision.binding is not None
    store.bindings.save([decision.binding])
    mongo[database_name].bindings.insert_one({"_id": "9:9", "pools": "not a list"})

    _, problems = memory.refresh(store)

    assert memory.bindings == {"1:1": decision.binding}
    assert problems == [("", "The binding '9:9' cannot be read; kept.")]
