"""A soak: 1,000 token jobs over 20 pools while the pools' members change for 60 s. After
each change settles, no job admits a host that its tokens and its own plain mask do not."""

from __future__ import annotations

import random
import time
from collections import defaultdict

import pytest

from agent.standalone import standalone_agent
from agent.thread import AgentThread
from config.settings import Settings
from pools.masks import matches
from storage.store import PoolStore
from tests.support.agent_farm import agent_settings
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm
from tests.support.fake_jobs import token_job
from tests.support.poolservice import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]

POOLS, JOBS, SOAK_SECONDS = 20, 1_000, 60.0
FARM = [f"rnd-{n:03d}" for n in range(200)] + [f"gpu-{n:02d}" for n in range(20)]
PLAIN = ["", "gpu-0", "rnd-19"]  # the artist's own prefixes beside the tokens


def allowed(mask: str, exclude: str, members: dict[str, set[str]]) -> set[str]:
    """What a job typed as ``mask`` / ``exclude`` may use by the grammar, now."""

    def union(text: str) -> set[str]:
        found: set[str] = set()
        for part in text.split():
            found |= (
                members[part[1:]]
                if part.startswith("@")
                else {host for host in FARM if host.startswith(part)}
            )
        return found

    include = union(mask)
    return include - union(exclude)


def admitted(job: dict[str, object]) -> set[str] | None:
    """What afserver would let the job use by the masks it holds; None before it is bound."""
    if job.get("hosts_mask_type") != "regex":
        return None
    include, exclude = str(job.get("hosts_mask", "")), str(job.get("hosts_mask_exclude", ""))
    return {
        host
        for host in FARM
        if (not include or matches(include, host)) and not (exclude and matches(exclude, host))
    }


def test_token_jobs_never_admit_a_host_they_should_not_while_pools_change(
    nx_server: str, database_name: str, store: PoolStore
) -> None:
    rng = random.Random(10)
    members: dict[str, set[str]] = {}
    for pool in range(POOLS):
        name = f"pool{pool:02d}"
        members[name] = set(rng.sample(FARM, 12))
        store.create(name, hosts=sorted(members[name]))
    farm = FakeFarm(jobs=[])
    typed: dict[int, tuple[str, str]] = {}
    for n in range(JOBS):
        mask = f"@pool{n % POOLS:02d} {PLAIN[n % 3]}".strip()
        exclude = f"@pool{(n + 1) % POOLS:02d}" if n % 4 == 0 else ""
        typed[farm.submit_job(token_job(f"shot{n}", mask, exclude=exclude))[0]] = (mask, exclude)

    with FakeAfserver(farm, server_cycle=0.2) as afserver:
        settings: Settings = agent_settings(
            nx_server, database_name, afserver, agent_jobs_interval=1.0
        )
        with standalone_agent(settings) as agent:
            thread = AgentThread(agent).start()
            try:
                changes = 0
                end = time.monotonic() + SOAK_SECONDS
                while time.monotonic() < end:
                    change(store, members, rng)
                    changes += 1
                    wait_until(lambda: exact(farm, typed, members), "the change settled", 60)
            finally:
                thread.stop()

    assert changes >= SOAK_SECONDS / 5


def change(store: PoolStore, members: dict[str, set[str]], rng: random.Random) -> None:
    """One pool change: hosts added, removed, or one moved to another pool."""
    name = rng.choice(sorted(members))
    kind = rng.choice(["add", "remove", "move"])
    if kind == "add" or not members[name]:
        hosts = rng.sample(sorted(set(FARM) - members[name]), 3)
        store.add_hosts(name, hosts)
        members[name] |= set(hosts)
    elif kind == "remove":
        host = rng.choice(sorted(members[name]))
        store.remove_hosts(name, [host])
        members[name].discard(host)
    else:
        host, other = rng.choice(sorted(members[name])), rng.choice(sorted(members))
        if host not in members[other]:
            store.add_hosts(other, [host])
            members[other].add(host)
        if other != name:
            store.remove_hosts(name, [host])
            members[name].discard(host)


def exact(farm: FakeFarm, typed: dict[int, tuple[str, str]], members: dict[str, set[str]]) -> bool:
    """Every job holds masks admitting exactly what its tokens and plain parts allow (jobs
    that hold the same masks are checked once)."""
    by_masks: dict[tuple[object, object, object], list[int]] = defaultdict(list)
    for job in farm.jobs():
        key = (job.get("hosts_mask_type"), job.get("hosts_mask"), job.get("hosts_mask_exclude"))
        by_masks[key].append(job["id"])
    wanted = {pair: allowed(*pair, members) for pair in set(typed.values())}
    for ids in by_masks.values():
        admits = admitted(farm.job(ids[0]))
        if any(admits != wanted[typed[job_id]] for job_id in ids):
            return False
    return True
