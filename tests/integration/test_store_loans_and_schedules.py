"""A loan and member schedules as pool writes: one undoable step with history that says
what it was, schedules kept beside the 2019 tool's ``clients``, boundaries recorded once."""

from __future__ import annotations

import pytest

from pools.alerts import plan_loan
from pools.edits import Edit, apply_step
from pools.errors import NothingChangedError
from pools.model import Host, HostState, RenderFlags
from pools.schedules import ScheduleError, window
from storage.store import PoolStore

pytestmark = pytest.mark.integration

ON = RenderFlags.ONLINE


def render(name: str, flags: RenderFlags, tasks: int = 0) -> Host:
    return Host(name, state=HostState.from_flags(flags), flags=flags, tasks=tasks)


@pytest.fixture
def farm(store: PoolStore) -> PoolStore:
    store.create("lighting", hosts=["rnd-01", "rnd-02"])
    store.create("gpu", hosts=["gpu-01", "gpu-02", "gpu-03", "gpu-04"])
    return store


def test_the_fix_moves_only_idle_hosts_and_undo_gives_them_back(farm: PoolStore) -> None:
    hosts = {
        "gpu-01": render("gpu-01", ON),
        "gpu-02": render("gpu-02", ON | RenderFlags.BUSY, tasks=1),
        "gpu-03": render("gpu-03", ON),
        "gpu-04": render("gpu-04", ON | RenderFlags.PAUSED),
    }
    loan = plan_loan(farm.pool("gpu"), farm.pool("lighting"), hosts, waiting_tasks=40)

    step = apply_step(farm, loan.label, [loan.edit])

    assert step is not None
    assert farm.pool("lighting").hostnames == ("rnd-01", "rnd-02", "gpu-01", "gpu-03")
    assert farm.pool("gpu").hostnames == ("gpu-02", "gpu-04")
    said = [c.describe() for c in farm.history(limit=2)]
    assert said == ["lent gpu-01, gpu-03 of pool 'gpu' to pool 'lighting' (a loan)"] * 2

    undone = apply_step(farm, f"Undo {step.label}", step.inverse)

    assert undone is not None
    assert farm.pool("lighting").hostnames == ("rnd-01", "rnd-02")
    assert set(farm.pool("gpu").hostnames) == {"gpu-01", "gpu-02", "gpu-03", "gpu-04"}
    assert farm.history(limit=1)[0].describe() == (
        "returned gpu-01, gpu-03, lent to pool 'lighting', to pool 'gpu'"
    )


def test_schedules_live_beside_the_members_the_2019_tool_reads(farm: PoolStore) -> None:
    farm.add_hosts("gpu", ["ws-anna"])

    pool, hosts = farm.add_schedule("gpu", ["ws-anna"], window("20:00", "07:00", "mon-fri"))

    doc = farm._db.pools.find_one({"name": "gpu"})
    assert doc is not None
    assert hosts == ("ws-anna",)
    assert [c["hostname"] for c in doc["clients"]][-1] == "ws-anna"
    assert doc["schedules"] == [
        {"host": "ws-anna", "from": "20:00", "to": "07:00", "days": "mon-fri"}
    ]
    assert pool.schedules[0].text() == "20:00-07:00 mon-fri"
    assert farm.history("gpu", limit=1)[0].describe() == (
        "scheduled ws-anna in pool 'gpu': 20:00-07:00 mon-fri"
    )


def test_a_host_that_is_not_in_the_pool_cannot_get_a_schedule(farm: PoolStore) -> None:
    before = farm._db.pools.find_one({"name": "gpu"})

    with pytest.raises(ScheduleError, match="ws-bob is not in pool 'gpu'; add it first"):
        farm.add_schedule("gpu", ["gpu-01", "ws-bob"], window("20:00", "07:00"))

    assert farm._db.pools.find_one({"name": "gpu"}) == before


def test_a_boundary_changes_the_effective_members_only_and_is_recorded_once(
    farm: PoolStore,
) -> None:
    farm.add_schedule("gpu", ["gpu-01", "gpu-02"], window("20:00", "07:00"))
    other = PoolStore(farm._db, user="agent-2")  # a second agent, with a stale read
    revision = farm.pool("gpu").revision

    first = farm.apply_schedule_out("gpu", lambda pool: frozenset({"gpu-01", "gpu-02"}))
    again = other.apply_schedule_out("gpu", lambda pool: frozenset({"gpu-01", "gpu-02"}))

    pool = farm.pool("gpu")
    assert first is not None and again is None
    assert pool.hostnames == ("gpu-01", "gpu-02", "gpu-03", "gpu-04")
    assert pool.effective_hostnames == ("gpu-03", "gpu-04")
    assert pool.revision == revision + 1
    boundaries = [c for c in farm.history("gpu") if c.op == "boundary"]
    assert [c.describe() for c in boundaries] == [
        "gpu-01, gpu-02 left: pool 'gpu' follows its schedules"
    ]


def test_removing_a_schedule_brings_the_host_back_at_once(farm: PoolStore) -> None:
    farm.add_schedule("gpu", ["gpu-01"], window("20:00", "07:00"))
    farm.apply_schedule_out("gpu", lambda pool: frozenset({"gpu-01"}))

    pool, gone = farm.remove_schedule("gpu", ["gpu-01"])

    assert gone == ("gpu-01",)
    assert pool.schedules == ()
    assert "gpu-01" in pool.effective_hostnames
    with pytest.raises(NothingChangedError, match="gpu-01 has no schedule in pool 'gpu'"):
        farm.remove_schedule("gpu", ["gpu-01"])


def test_a_schedule_entry_another_tool_wrote_is_kept_through_our_writes(farm: PoolStore) -> None:
    odd = {"host": "gpu-02", "from": "someday"}
    farm._db.pools.update_one({"name": "gpu"}, {"$set": {"schedules": [odd]}})

    farm.add_schedule("gpu", ["gpu-01"], window("20:00", "07:00"))
    farm.remove_schedule("gpu", ["gpu-01"])

    doc = farm._db.pools.find_one({"name": "gpu"})
    assert doc is not None
    assert doc["schedules"] == [odd]


def test_a_schedule_set_on_the_board_is_one_undoable_edit(farm: PoolStore) -> None:
    farm.add_schedule("gpu", ["gpu-01"], window("00:00", "24:00", "sat,sun"))
    night = "20:00-07:00 mon-fri"

    step = apply_step(farm, "Schedule", [Edit("schedule", "gpu", ("gpu-01", "gpu-02"), night)])
    assert step is not None
    both = {s.text() for s in farm.pool("gpu").schedules if s.host == "gpu-01"}
    undone = apply_step(farm, "Undo", step.inverse)
    kept = [(s.host, s.text()) for s in farm.pool("gpu").schedules]
    removed = apply_step(farm, "Unschedule", [Edit("unschedule", "gpu", ("gpu-01",), kept[0][1])])

    assert both == {night, "00:00-24:00 sat,sun"}
    assert undone is not None
    assert kept == [("gpu-01", "00:00-24:00 sat,sun")]
    assert removed is not None and farm.pool("gpu").schedules == ()
    assert apply_step(farm, "Undo", removed.inverse) is not None
    assert [(s.host, s.text()) for s in farm.pool("gpu").schedules] == kept
    with pytest.raises(ScheduleError, match="is not a schedule such as"):
        apply_step(farm, "Schedule", [Edit("schedule", "gpu", ("gpu-01",), "tonight")])
