"""The jobs panel's table model over the decisions every face shares: rows follow a new read
of afserver by row signals, never a reset, and say what the agent says."""

from __future__ import annotations

import dataclasses
from typing import Any

from PyQt5.QtCore import QPersistentModelIndex, Qt

from manager.job_model import (
    ATTENTION,
    BOUND_COLUMNS,
    JOB_ROLE,
    WAITING_COLUMNS,
    JobTableModel,
)
from pools.job_list import DecisionCache
from pools.jobs import Decision, PoolIndex
from pools.model import Pool
from tests.unit.manager.conftest import Watch
from tests.unit.manager.farm_data import RowSignals

POOLS = PoolIndex([("id-lighting", Pool("lighting", ("rnd-a01",), revision=1))])


def decided(*jobs: tuple[int, str]) -> list[Decision]:
    """Decisions for jobs (id, hosts mask) as afserver lists them."""
    objs: list[dict[str, Any]] = [
        {
            "id": job_id,
            "serial": 1,
            "name": f"job{job_id}",
            "user_name": "anna",
            "st": 1,
            "hosts_mask": mask,
            "hosts_mask_type": "find",
            "blocks": [{"block_num": 0}],
        }
        for job_id, mask in jobs
    ]
    return DecisionCache().decide_all(objs, {}, POOLS, 0.0).decisions


def running(decision: Decision, tasks: int) -> Decision:
    return dataclasses.replace(decision, job=dataclasses.replace(decision.job, running=tasks))


def shown(model: JobTableModel) -> list[str]:
    return [model.data(model.index(row, 1)) for row in range(model.rowCount())]


def test_a_new_read_moves_only_the_rows_that_changed(watch: Watch) -> None:
    model = JobTableModel(BOUND_COLUMNS)
    watch(model)
    one, two, three, four = decided((1, "@lighting"), (2, "@lighting"), (3, "@x"), (4, "@x"))
    model.set_jobs([three, one, two])
    kept = QPersistentModelIndex(model.index(1, 0))  # job 2, selected say
    signals = RowSignals().follow(model)

    model.set_jobs([two, running(three, 2), four])

    assert shown(model) == ["job2", "job3", "job4"]
    assert signals.seen == [("removed", 0, 0), ("inserted", 2, 2), ("changed", 1, 1)]
    assert kept.row() == 0
    assert model.data(model.index(1, 4)) == "2"
    signals.clear()
    model.set_jobs([two, running(three, 2), four])
    assert signals.seen == []


def test_the_rows_say_what_the_agent_says(watch: Watch) -> None:
    bound_model, waiting_model = JobTableModel(BOUND_COLUMNS), JobTableModel(WAITING_COLUMNS)
    watch(bound_model)
    bound, waits = decided((1, "@lighting"), (2, "@nope rnd-b"))

    bound_model.set_jobs([bound])
    waiting_model.set_jobs([waits])

    assert [
        bound_model.headerData(i, Qt.Orientation.Horizontal) for i in range(len(BOUND_COLUMNS))
    ] == ["Job", "Name", "User", "State", "Running", "Pools", "Status"]
    row = [bound_model.data(bound_model.index(0, i)) for i in range(len(BOUND_COLUMNS))]
    assert row == ["1", "job1", "anna", "RDY", "0", "lighting", "bound, masks pending"]
    assert bound_model.data(bound_model.index(0, 0), Qt.ItemDataRole.ForegroundRole) == ATTENTION
    assert bound_model.data(bound_model.index(0, 0), JOB_ROLE) is bound
    assert waiting_model.data(waiting_model.index(0, 3)) == "@nope"
    assert waiting_model.data(waiting_model.index(0, 1), Qt.ItemDataRole.ToolTipRole) == (
        "Job 2 (job2) waits: @nope names no pool. It is left as it is."
    )
