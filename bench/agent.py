"""What the agent costs: how fast a pool change reaches the jobs, in how many actions, and
what a pass costs when nothing changed.

On a private nx-27017 and the afserver stand-in with afserver's 1 s server cycle (an action
waits for the next tick of the run thread and answers after it), with the agent's default
timings:

- 1,000 jobs bound by tokens over 20 pools ("@pool07"), a one-pool change (a host added or
  removed) repeated 10 times: ``settle_s`` is the median time from the change in the store
  to every affected job holding its new mask on afserver; ``actions_per_change`` the largest
  number of actions one change caused;
- then 5,000 such jobs, all bound: ``idle_pass_ms`` is the median CPU time (of the agent's
  thread) of a full pass that finds nothing to do; ``rss_mb`` the process's peak memory.

Run from the repository root: ``.venv/bin/python bench/agent.py [--json]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.standalone import standalone_agent
from agent.thread import AgentThread
from config.settings import Settings, load_settings
from pools.masks import include_mask
from storage.connection import mongo_client
from storage.store import PoolStore
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm
from tests.support.fake_jobs import token_job
from tests.support.nx import PrivateNx

POOLS = 20
HOSTS_PER_POOL = 20
JOBS = 1_000
IDLE_JOBS = 5_000
CHANGES = 10
SERVER_CYCLE = 1.0  # afserver applies actions once per second
POLL = 0.005


def pool_hosts(pool: int) -> list[str]:
    return [f"rnd-{pool:02d}{n:02d}" for n in range(HOSTS_PER_POOL)]


def settings_for(uri: str, server: FakeAfserver) -> Settings:
    return load_settings(
        overrides={
            "mongodb_uri": uri,
            "mongodb_database": "afpools",
            "afserver_host": "127.0.0.1",
            "afserver_port": server.port,
            "afserver_timeout": 60.0,
        }
    )


def submit(farm: FakeFarm, first: int, count: int) -> dict[int, int]:
    """Jobs ``first..first+count``, job n holding "@poolNN" for pool n % POOLS."""
    return {
        farm.submit_job(token_job(f"shot{n}", f"@pool{n % POOLS:02d}"))[0]: n % POOLS
        for n in range(first, first + count)
    }


def holding(farm: FakeFarm, ids: list[int], mask: str) -> bool:
    return all(farm.job_field(job_id, "hosts_mask") == mask for job_id in ids)


def wait_for(condition: Any, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the agent did not get there in time")
        time.sleep(POLL)


def changes(
    store: PoolStore, farm: FakeFarm, server: FakeAfserver, jobs: dict[int, int]
) -> tuple[float, int]:
    settles: list[float] = []
    most_actions = 0
    for change in range(CHANGES):
        pool = change * 7 % POOLS
        name = f"pool{pool:02d}"
        affected = [job_id for job_id, p in jobs.items() if p == pool]
        members = list(store.pool(name).hostnames)
        before = len(server.requests)
        start = time.perf_counter()
        if change % 2 == 0:
            store.add_hosts(name, [f"spare-{change:02d}"])
            members.append(f"spare-{change:02d}")
        else:
            store.remove_hosts(name, [members[0]])
            members = members[1:]
        mask = include_mask(members)
        wait_for(lambda affected=affected, mask=mask: holding(farm, affected, mask))
        settles.append(time.perf_counter() - start)
        most_actions = max(most_actions, sum("action" in r for r in server.requests[before:]))
    return statistics.median(settles), most_actions


def idle_pass_ms(settings: Settings) -> float:
    """A standalone agent holding the lease: the CPU time of passes with nothing to do."""
    with standalone_agent(settings) as agent:
        agent.take_lease()
        agent.run_pass(write=True)  # reads pools and bindings, binds whatever is left
        times = []
        for _ in range(10):
            start = time.thread_time()
            result = agent.run_pass(write=True)
            times.append((time.thread_time() - start) * 1000)
            assert result.actions == (), "an idle pass sent an action"
        agent.release_lease()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        nx = PrivateNx(Path(folder)).start()
        client = mongo_client(nx.uri, 10)
        try:
            store = PoolStore(client["afpools"], user="bench")
            store.ensure_schema()
            for pool in range(POOLS):
                store.create(f"pool{pool:02d}", hosts=pool_hosts(pool))
            farm = FakeFarm(jobs=[])
            jobs = submit(farm, 0, JOBS)
            with FakeAfserver(farm, server_cycle=SERVER_CYCLE) as server:
                settings = settings_for(nx.uri, server)
                with standalone_agent(settings) as agent:
                    thread = AgentThread(agent).start()
                    try:
                        wait_for(
                            lambda: all(
                                farm.job_field(j, "hosts_mask_type") == "regex" for j in jobs
                            )
                        )
                        settle, actions = changes(store, farm, server, jobs)
                    finally:
                        thread.stop()
                submit(farm, JOBS, IDLE_JOBS - JOBS)
                idle = idle_pass_ms(settings)
        finally:
            client.close()
            nx.stop()
    figures = {
        "jobs": JOBS,
        "settle_s": round(settle, 3),
        "actions_per_change": actions,
        "idle_pass_ms": round(idle, 1),
        "idle_jobs": IDLE_JOBS,
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{'measure':<24} {'value':>10}")
    for key, value in figures.items():
        print(f"{key:<24} {value:>10}")


if __name__ == "__main__":
    main()
