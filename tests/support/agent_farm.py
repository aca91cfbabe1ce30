"""What the agent tests share: settings for an agent on the test's database and the
stand-in, and what a job admits according to the masks afserver holds."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from afserver.connect import client_for
from agent.config import AgentConfig
from agent.loop import Agent
from config.settings import Settings, load_settings
from pools.job_masks import EXCLUDE, INCLUDE, JOB_LEVEL, read_job
from pools.masks import matches
from storage.connection import StoreConnection
from storage.store_source import StoreSource
from tests.support.fake_afserver import FakeAfserver

RENDERS = ["rnd-a01", "rnd-a02", "rnd-a03", "rnd-a04", "rnd-b01", "rnd-b02", "gpu-01", "ws-anna"]


def agent_settings(uri: str, database: str, afserver: FakeAfserver, **more: Any) -> Settings:
    """An agent that polls quickly, on a short lease, with the stand-in as its afserver."""
    return load_settings(
        overrides={
            "mongodb_uri": uri,
            "mongodb_database": database,
            "mongodb_timeout": 2.0,
            "afserver_host": "127.0.0.1",
            "afserver_port": afserver.port,
            "agent_jobs_interval": 0.2,
            "agent_watch_interval": 0.05,
            "agent_lease_seconds": 2.0,
            **more,
        }
    )


def agent_env(uri: str, database: str, afserver: FakeAfserver) -> dict[str, str]:
    """The same, as the environment of a ``main.py agent`` in a process of its own."""
    return {
        "AFPOOLS_MONGODB_URI": uri,
        "AFPOOLS_MONGODB_DATABASE": database,
        "CGRU_AF_SERVERNAME": "127.0.0.1",
        "CGRU_AF_SERVERPORT": str(afserver.port),
        "AFPOOLS_AGENT_JOBS_INTERVAL": "0.2",
        "AFPOOLS_AGENT_WATCH_INTERVAL": "0.05",
        "AFPOOLS_AGENT_LEASE_SECONDS": "2",
    }


def runs_on(job: dict[str, Any], block: int | None = None, names: list[str] = RENDERS) -> list[str]:
    """The renders afserver would give this job (or one of its blocks), by the masks it holds
    now: the job's own masks and the block's must both admit a render."""
    masks = read_job(job).masks
    if masks.kind != "regex":
        raise AssertionError(f"job {job['id']} is still of type {masks.kind}")
    levels = (JOB_LEVEL,) if block is None else (JOB_LEVEL, block)

    def admitted(name: str) -> bool:
        for level in levels:
            include, exclude = masks.get((level, INCLUDE)), masks.get((level, EXCLUDE))
            if include and not matches(include, name):
                return False
            if exclude and matches(exclude, name):
                return False
        return True

    return [name for name in names if admitted(name)]


def admits(job: dict[str, Any], expected: list[str], names: list[str] = RENDERS) -> bool:
    """For waiting: the job is bound (regex) and afserver would give it exactly these."""
    return job.get("hosts_mask_type") == "regex" and runs_on(job, names=names) == expected


def actions(afserver: FakeAfserver, since: int = 0) -> list[dict[str, Any]]:
    """The actions afserver received (after the first ``since`` requests)."""
    return [r["action"] for r in afserver.requests[since:] if "action" in r]


class FakeClock:
    """The wall clock an agent reads for schedules and usage minutes, set by the test."""

    def __init__(self, moment: float) -> None:
        self.moment = moment

    def __call__(self) -> float:
        return self.moment

    def set(self, moment: float) -> None:
        self.moment = moment


@contextlib.contextmanager
def clocked_agent(settings: Settings, clock: FakeClock) -> Iterator[Agent]:
    """An agent as ``main.py agent`` makes one, reading ``clock`` instead of the time."""
    connection = StoreConnection(settings)
    try:
        stores = StoreSource(connection.database, settings.user_name)
        stores.store().ensure_schema()
        yield Agent(AgentConfig.from_settings(settings), client_for(settings), stores, clock=clock)
    finally:
        connection.close()
