"""The actions that bring jobs to their masks: few, never redundant, in a safe order."""

from __future__ import annotations

from typing import Any

from pools.job_actions import BLOCKS, JOB, NEUTRAL, JobAction, group, writes_for
from pools.job_masks import INCLUDE, JOB_LEVEL, JobView, Masks, read_job
from pools.jobs import PoolIndex, decide
from pools.model import Pool
from pools.tokens import NEUTRAL_MASK

POOLS = PoolIndex(
    [("id-l", Pool("lighting", ("rnd-a01", "rnd-a02"))), ("id-g", Pool("gpu", ("gpu-01",)))]
)


def job(job_id: int, mask: str = "", blocks: list[dict[str, Any]] | None = None) -> JobView:
    obj: dict[str, Any] = {"id": job_id, "serial": job_id, "hosts_mask_type": "find"}
    if mask:
        obj["hosts_mask"] = mask
    obj["blocks"] = blocks or [{"block_num": 0}]
    return read_job(obj)


def actions(*jobs: JobView) -> list[JobAction]:
    writes = []
    for view in jobs:
        target = decide(view, None, POOLS, 0.0).target
        assert target is not None
        writes += writes_for(view, target)
    return group(writes)


def test_jobs_that_get_the_same_masks_share_one_action() -> None:
    sent = actions(job(2, "@lighting"), job(3, "@lighting"), job(4, "@gpu"), job(5, "@lighting"))

    assert [(a.stage, a.ids) for a in sent] == [(JOB, (2, 3, 5)), (JOB, (4,))]


def test_the_job_level_action_sets_include_exclude_and_type_together() -> None:
    (sent,) = actions(job(2, "@gpu"))

    assert sent.blocks == ()
    assert sent.params_dict() == {
        "hosts_mask": "gpu-01",
        "hosts_mask_exclude": "",
        "hosts_mask_type": "regex",
    }


def test_a_mask_that_is_right_already_is_never_sent() -> None:
    view = job(2, "@gpu")
    target = decide(view, None, POOLS, 0.0).target
    assert target is not None
    held = read_job({"id": 2, "serial": 2, "hosts_mask": "gpu-01", "hosts_mask_type": "regex"})

    assert writes_for(held, target) == []


def test_block_masks_go_through_block_ids_and_blocks_alike_share_an_action() -> None:
    blocks = [{"block_num": n, "hosts_mask": "@lighting"} for n in range(3)]

    sent = actions(job(2, blocks=blocks), job(3, blocks=blocks))

    assert [(a.stage, a.blocks, a.ids) for a in sent] == [
        (JOB, (), (2, 3)),
        (BLOCKS, (0, 1, 2), (2, 3)),
    ]
    assert sent[1].params_dict() == {"hosts_mask": "rnd-a0[12]"}


def test_a_block_mask_that_could_widen_as_a_regex_first_admits_nothing() -> None:
    blocks = [
        {"block_num": 0, "hosts_mask": "rnd.b"},  # "." reads as any character as a regex
        {"block_num": 1, "hosts_mask": "rnd-b"},  # a literal: reads narrower as a regex
        {"block_num": 2, "hosts_mask_exclude": "gpu"},  # a prefix read whole excludes less
    ]

    sent = actions(job(2, "@gpu", blocks=blocks))

    assert [(a.stage, a.blocks) for a in sent] == [
        (NEUTRAL, (0, 2)),
        (JOB, ()),
        (BLOCKS, (0,)),
        (BLOCKS, (1,)),
        (BLOCKS, (2,)),
    ]
    assert sent[0].params_dict() == {INCLUDE: NEUTRAL_MASK}
    assert sent[4].params_dict() == {"hosts_mask": "", "hosts_mask_exclude": "gpu.*"}


def test_a_write_has_landed_when_the_job_reads_back_as_written() -> None:
    view = job(2, "@gpu")
    target = decide(view, None, POOLS, 0.0).target
    assert target is not None
    (write,) = writes_for(view, target)

    assert write.landed(target)
    assert not write.landed(view.masks)
    assert not write.landed(Masks.of("find", {(JOB_LEVEL, INCLUDE): "gpu-01"}))
