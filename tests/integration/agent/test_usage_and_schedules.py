"""The agent against the afserver stand-in with a clock of the test's: usage minutes
recorded by the lease holder alone, and member schedules applied at their boundaries."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from agent.loop import Agent
from agent.thread import AgentThread
from cli.app import main
from config.settings import Settings
from pools.masks import matches
from pools.schedules import window
from storage.store import PoolStore
from tests.support.agent_farm import (
    FakeClock,
    actions,
    admits,
    agent_env,
    agent_settings,
    clocked_agent,
    runs_on,
)
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm
from tests.support.fake_jobs import token_job
from tests.support.poolservice import wait_until

pytestmark = pytest.mark.integration

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_EVENING = dt.datetime(2026, 12, 7, 19, 59, 30, tzinfo=BERLIN).timestamp()


def at(day: int, hour: int, minute: int, second: int = 5) -> float:
    return dt.datetime(2026, 12, day, hour, minute, second, tzinfo=BERLIN).timestamp()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_EVENING)


@pytest.fixture
def berlin(
    nx_server: str, database_name: str, afserver: FakeAfserver, pools: PoolStore
) -> Settings:
    return agent_settings(nx_server, database_name, afserver, farm_timezone="Europe/Berlin")


@pytest.fixture
def running(berlin: Settings, clock: FakeClock) -> Iterator[Agent]:
    with clocked_agent(berlin, clock) as agent:
        thread = AgentThread(agent).start()
        try:
            yield agent
        finally:
            thread.stop()


def boundaries(store: PoolStore, pool: str) -> list[str]:
    return [c.describe() for c in reversed(store.history(pool)) if c.op == "boundary"]


def test_a_night_member_joins_at_its_boundary_and_leaves_in_the_morning_finishing_its_task(
    pools: PoolStore, farm: FakeFarm, afserver: FakeAfserver, berlin: Settings, clock: FakeClock
) -> None:
    pools.create("night", hosts=["rnd-a03", "rnd-b01", "rnd-b02"])
    pools.add_schedule("night", ["rnd-a03", "rnd-b01"], window("20:00", "07:00", "mon-fri"))
    job_id = farm.submit_job(token_job("shot", "@night"))[0]
    task = farm.render("rnd-a03")["tasks"]

    with clocked_agent(berlin, clock) as agent:
        thread = AgentThread(agent).start()
        try:
            wait_until(lambda: admits(farm.job(job_id), ["rnd-b02"]), "the day's mask")
            clock.set(at(7, 20, 0))
            wait_until(
                lambda: admits(farm.job(job_id), ["rnd-a03", "rnd-b01", "rnd-b02"]),
                "the night members to join",
            )
            clock.set(at(8, 7, 0))
            wait_until(lambda: admits(farm.job(job_id), ["rnd-b02"]), "them to leave")
        finally:
            thread.stop()

    assert pools.pool("night").hostnames == ("rnd-a03", "rnd-b01", "rnd-b02")
    assert boundaries(pools, "night") == [
        "rnd-a03, rnd-b01 left: pool 'night' follows its schedules",
        "rnd-a03, rnd-b01 joined: pool 'night' follows its schedules",
        "rnd-a03, rnd-b01 left: pool 'night' follows its schedules",
    ]
    assert farm.render("rnd-a03")["tasks"] == task  # left to finish what it runs
    assert {a["type"] for a in actions(afserver)} == {"jobs"}


def written_masks(afserver: FakeAfserver) -> list[str]:
    """Every job include mask the agent sent."""
    return [a["params"]["hosts_mask"] for a in actions(afserver) if "hosts_mask" in a["params"]]


def test_a_member_out_of_its_window_is_in_no_mask_of_an_agent_that_starts(
    pools: PoolStore, farm: FakeFarm, afserver: FakeAfserver, berlin: Settings, clock: FakeClock
) -> None:
    """The pool still counts rnd-a03 in: no agent ran when its window closed (a standby
    taking over, a restart, cron). The new agent applies the schedule before it writes, so
    the job never gets rnd-a03, not even for the server cycle before its next pass."""
    pools.create("night", hosts=["rnd-a03", "rnd-b01"])
    pools.add_schedule("night", ["rnd-a03"], window("20:00", "07:00", "mon-fri"))
    job_id = farm.submit_job(token_job("shot", "@night"))[0]

    with clocked_agent(berlin, clock) as agent:
        thread = AgentThread(agent).start()
        try:
            wait_until(lambda: admits(farm.job(job_id), ["rnd-b01"]), "the day's mask")
        finally:
            thread.stop()

    assert written_masks(afserver)
    assert not any(matches(mask, "rnd-a03") for mask in written_masks(afserver))


def test_a_member_while_the_user_is_away_follows_its_renders_nimby(
    pools: PoolStore, farm: FakeFarm, running: Agent
) -> None:
    pools.create("desks", hosts=["rnd-a04", "rnd-b01"])
    job_id = farm.submit_job(token_job("shot", "@desks"))[0]
    pools.add_schedule("desks", ["rnd-a04", "rnd-b01"], None)  # rnd-a04 is in nimby

    wait_until(lambda: admits(farm.job(job_id), ["rnd-b01"]), "the nimby render to leave")
    farm.set_render_state("rnd-a04", 1)  # its user went home
    farm.set_render_state("rnd-b01", 1 | 4)  # this one's came back
    wait_until(lambda: admits(farm.job(job_id), ["rnd-a04"]), "both to swap")
    farm.set_render_state("rnd-a04", 0)  # switched off: stays as it was

    assert runs_on(farm.job(job_id)) == ["rnd-a04"]
    assert pools.pool("desks").hostnames == ("rnd-a04", "rnd-b01")


def test_usage_is_recorded_once_a_minute_by_the_lease_holder_alone(
    pools: PoolStore,
    farm: FakeFarm,
    afserver: FakeAfserver,
    berlin: Settings,
    clock: FakeClock,
) -> None:
    farm.submit_job(token_job("shot", "@lighting"))
    lighting = pools.pool_id("lighting")
    first = int(clock()) // 60 * 60

    def recorded() -> dict[int, object]:
        return pools.usage.minutes([lighting], first - 3600, first + 3600).get(lighting, {})

    def renders_read() -> int:
        return sum(r.get("get", {}).get("type") == "renders" for r in afserver.requests)

    with clocked_agent(berlin, clock) as one, clocked_agent(berlin, clock) as two:
        threads = [AgentThread(one).start(), AgentThread(two).start()]
        try:
            wait_until(lambda: len(recorded()) == 1, "the first minute")
            wait_until(lambda: one.status.pass_at and two.status.pass_at, "both to pass")
            before, changed_at = renders_read(), time.time()
            clock.set(clock() + 60)
            wait_until(lambda: len(recorded()) == 2, "the second minute")
            wait_until(
                lambda: min(one.status.pass_at, two.status.pass_at) > changed_at,
                "both to pass in the new minute",
            )
        finally:
            for thread in threads:
                thread.stop()

    assert renders_read() - before == 1  # one agent, once a minute
    points = recorded()
    assert sorted(points) == [first, first + 60]
    latest = points[first + 60]
    # lighting: rnd-a01 idle, rnd-a02 paused (online, not idle); the job waits with 2 tasks
    assert tuple(latest) == (2, 2, 0, 1, 0, 1, 2)  # type: ignore[arg-type]


def test_a_clock_that_goes_back_is_said_once_and_keeps_what_was_recorded(
    pools: PoolStore,
    farm: FakeFarm,
    berlin: Settings,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    lighting = pools.pool_id("lighting")
    with clocked_agent(berlin, clock) as agent:
        agent.take_lease()
        agent.run_pass(write=True)
        agent.record_usage()
        farm.set_render_state("rnd-a01", 1 | 8)  # busy from now on
        clock.set(clock() - 120)
        with caplog.at_level(logging.WARNING, logger="afpools.agent"):
            agent.record_usage()
            clock.set(clock() + 60)
            agent.record_usage()
        agent.release_lease()

    points = pools.usage.minutes([lighting], MONDAY_EVENING - 600, MONDAY_EVENING + 600)[lighting]
    said = [r.getMessage() for r in caplog.records if "clock went back" in r.getMessage()]
    first = int(MONDAY_EVENING) // 60 * 60
    assert [points[m].busy for m in sorted(points)] == [1, 1, 0]
    assert sorted(points) == [first - 120, first - 60, first]
    assert len(said) == 1


def test_agent_once_applies_a_boundary_and_records_the_minute(
    pools: PoolStore,
    farm: FakeFarm,
    nx_server: str,
    database_name: str,
    afserver: FakeAfserver,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """For cron: ``main.py agent --once`` with a member whose window is not now."""
    for name, value in agent_env(nx_server, database_name, afserver).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AFPOOLS_FARM_TIMEZONE", "UTC")
    now = dt.datetime.now(dt.UTC)
    start, end = ((now.hour * 60 + now.minute + shift) % 1440 for shift in (120, 150))
    pools.add_schedule(
        "lighting",
        ["rnd-a01"],
        window(f"{start // 60}:{start % 60:02d}", f"{end // 60}:{end % 60:02d}"),
    )
    job_id = farm.submit_job(token_job("shot", "@lighting"))[0]

    code = main(["agent", "--once"])
    capsys.readouterr()

    assert code == 0
    assert runs_on(farm.job(job_id)) == ["rnd-a02"]
    assert not any(matches(mask, "rnd-a01") for mask in written_masks(afserver))
    assert pools.pool("lighting").schedule_out == ("rnd-a01",)
    assert pools.usage.minutes([pools.pool_id("lighting")], time.time() - 120, time.time() + 60)


def test_a_scheduled_pool_renamed_as_its_boundary_comes_keeps_the_agent_working(
    pools: PoolStore, farm: FakeFarm, berlin: Settings, clock: FakeClock
) -> None:
    """The agent still knows the pool by its old name when the boundary comes: it must not
    keep failing on that name (and pass no more) but apply the boundary to the renamed pool."""
    pools.create("night", hosts=["rnd-a03", "rnd-b01", "rnd-b02"])
    pools.add_schedule("night", ["rnd-a03"], window("20:00", "07:00", "mon-fri"))
    job_id = farm.submit_job(token_job("shot", "@night"))[0]
    with clocked_agent(berlin, clock) as agent:
        agent.take_lease()
        agent.run_pass(write=True)
        agent.schedules.step(agent.engine.memory.index, agent.fence)
        agent.run_pass(write=True)
        assert runs_on(farm.job(job_id)) == ["rnd-b01", "rnd-b02"]

        pools.rename("night", "nights")
        clock.set(at(7, 20, 0))
        thread = AgentThread(agent).start()
        try:
            wait_until(
                lambda: runs_on(farm.job(job_id)) == ["rnd-a03", "rnd-b01", "rnd-b02"],
                "the night member to join the renamed pool",
            )
        finally:
            thread.stop()

    assert boundaries(pools, "nights")[-1] == "rnd-a03 joined: pool 'nights' follows its schedules"
