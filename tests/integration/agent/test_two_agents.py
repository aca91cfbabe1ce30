"""Two agents on one store: never both active; the standby takes over, at once after a
clean stop and within two lease periods after a kill -9."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.loop import Agent
from agent.standalone import standalone_agent
from agent.thread import AgentThread
from config.settings import Settings
from storage.store import PoolStore
from tests.support.agent_farm import actions, agent_env, agent_settings, runs_on
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm
from tests.support.fake_jobs import token_job
from tests.support.poolservice import wait_until

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
LEASE = 2.0  # seconds, as agent_settings sets it


@contextlib.contextmanager
def running(settings: Settings) -> Iterator[AgentThread]:
    with standalone_agent(settings) as agent:
        thread = AgentThread(agent).start()
        try:
            yield thread
        finally:
            thread.stop()


def settings_for(host: str, nx_server: str, database_name: str, afserver: FakeAfserver) -> Settings:
    return agent_settings(nx_server, database_name, afserver, host_name=host)


def both_active(first: Agent, second: Agent) -> bool:
    return first.active and second.active


def test_two_agents_never_both_write_and_the_standby_takes_over_at_a_clean_stop(
    nx_server: str,
    database_name: str,
    afserver: FakeAfserver,
    farm: FakeFarm,
    pools: PoolStore,
) -> None:
    job_id = farm.submit_job(token_job("shot", "@lighting"))[0]
    one = running(settings_for("agent-one", nx_server, database_name, afserver))
    two = running(settings_for("agent-two", nx_server, database_name, afserver))
    with one as first, two as second:
        wait_until(lambda: farm.job(job_id)["hosts_mask_type"] == "regex", "the job bound")
        seen: list[bool] = []
        for host in ("rnd-a03", "rnd-a04", "rnd-b01"):
            pools.add_hosts("lighting", [host])
            wait_until(
                lambda host=host: (
                    seen.append(both_active(first.agent, second.agent))
                    or host in runs_on(farm.job(job_id))
                ),
                "the pool change written",
            )
        active, standby = (first, second) if first.agent.active else (second, first)
        writers = {a["host_name"] for a in actions(afserver)}
        assert standby.status.role == "standby"

        active.stop()
        wait_until(lambda: standby.agent.active, "the standby active")
        pools.remove_hosts("lighting", ["rnd-b01"])
        wait_until(lambda: "rnd-b01" not in runs_on(farm.job(job_id)), "the standby writing")

    assert not any(seen)
    assert writers == {active.agent.config.description.split()[0]}


def test_a_standby_takes_over_within_two_lease_periods_after_a_kill_9(
    nx_server: str,
    database_name: str,
    afserver: FakeAfserver,
    farm: FakeFarm,
    pools: PoolStore,
) -> None:
    job_id = farm.submit_job(token_job("shot", "@gpu"))[0]
    env = {**os.environ, **agent_env(nx_server, database_name, afserver), "AF_HOSTNAME": "killed"}
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "agent"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    try:
        wait_until(lambda: farm.job(job_id).get("hosts_mask") == "gpu-01", "the first agent")
        with running(settings_for("standby", nx_server, database_name, afserver)) as standby:
            wait_until(lambda: standby.status.role == "standby", "the standby")
            last = pools.leases.current()
            process.kill()
            process.wait(timeout=30)
            last = pools.leases.current() or last  # its last renewal, if one came meanwhile
            wait_until(lambda: standby.agent.active, "the takeover", timeout=30)
            taken = pools.leases.current()
            pools.add_hosts("gpu", ["gpu-02"])
            wait_until(
                lambda: (
                    runs_on(farm.job(job_id), names=["gpu-01", "gpu-02"]) == ["gpu-01", "gpu-02"]
                ),
                "the new agent writing",
            )
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)

    assert last is not None and taken is not None
    assert last.description.startswith("killed ")
    assert taken.description.startswith("standby ")
    renewed_at = last.expires_at - LEASE
    assert taken.taken_at - renewed_at <= 2 * LEASE
