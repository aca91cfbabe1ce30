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
  thread) of a full pass that finds nothing to do; ``rss_mb`` the process's peak memory;
- then a pool "night" of 20 hosts and 20 more scheduled 20:00-07:00, with 200 more jobs on
  it: ``schedule_settle_s`` is the median time from a boundary (the agent's clock passing
  20:00 or 07:00) to every one of those jobs holding its new mask (target: 2 s);
- usage (``stats``) of 200 pools: ``stats_write_ms`` the median time to record one minute of
  all of them (an hour of minutes); ``stats_mb_200_pools_30d`` the size of the database
  after 30 days of them (a busy farm: every pool's waiting tasks change every minute, its
  busy hosts one minute in three); ``stats_read_ms_30d`` the median time to read and build
  the 30-day chart of one pool; ``sparklines_read_ms_200`` the same for the 24-hour
  sparklines of all 200.

Run from the repository root: ``.venv/bin/python bench/agent.py [--json]``.
"""

from __future__ import annotations

import argparse
import random
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
from bench.figures import print_figures
from config.settings import Settings, load_settings
from pools.masks import include_mask
from pools.schedules import window
from pools.usage import Point
from pools.usage_charts import DAY, SPANS
from pools.usage_codec import encode_buckets, encode_hour
from storage.connection import mongo_client
from storage.store import PoolStore
from storage.usage import KIND, day_of, doc_id
from tests.support.agent_farm import FakeClock, clocked_agent
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
NIGHT_JOBS = 200
STATS_POOLS = 200
STATS_DAYS = 30


def pool_hosts(pool: int) -> list[str]:
    return [f"rnd-{pool:02d}{n:02d}" for n in range(HOSTS_PER_POOL)]


def settings_for(uri: str, server: FakeAfserver, zone: str = "") -> Settings:
    return load_settings(
        overrides={
            "farm_timezone": zone or None,
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


class RunningClock(FakeClock):
    """Real time shifted by an offset the bench sets: the agent sees time pass as usual."""

    def __call__(self) -> float:
        return time.time() + self.moment

    def set(self, moment: float) -> None:
        self.moment = moment - time.time()


def schedule_settle(store: PoolStore, farm: FakeFarm, settings: Settings) -> float:
    """The agent's clock reaches 20:00 and 07:00 (UTC) in turn, a second after the bench
    set it; each time, how long from that instant until every job of the night pool holds
    its new mask."""
    night = [f"nightly-{n:02d}" for n in range(HOSTS_PER_POOL)]
    store.create("night", hosts=pool_hosts(0) + night)
    store.add_schedule("night", night, window("20:00", "07:00"))
    ids = [farm.submit_job(token_job(f"night{n}", "@night"))[0] for n in range(NIGHT_JOBS)]
    day = day_of(time.time())
    evening, morning = day + 20 * 3600, day + 31 * 3600
    clock = RunningClock(0.0)
    clock.set(evening - 600)
    masks = {True: include_mask(pool_hosts(0) + night), False: include_mask(pool_hosts(0))}
    settles = []
    with clocked_agent(settings, clock) as agent:
        thread = AgentThread(agent).start()
        try:
            wait_for(lambda: holding(farm, ids, masks[False]))
            for crossing in range(6):
                joining = crossing % 2 == 0
                boundary = (evening if joining else morning) + crossing // 2 * DAY
                clock.set(boundary - 1.0)
                reached = time.perf_counter() + (boundary - clock())
                wait_for(lambda joining=joining: holding(farm, ids, masks[joining]))
                settles.append(time.perf_counter() - reached)
        finally:
            thread.stop()
    return statistics.median(settles)


def busy_day(pool: int, minutes: int) -> list[Point]:
    """A pool's minutes on a busy farm: waiting tasks change every minute, busy hosts one
    minute in three, online hosts now and then."""
    rng = random.Random(pool)
    total = rng.choice((4, 10, 20, 40, 100))
    online, busy, waiting = total, total // 2, 100
    points = []
    for _ in range(minutes):
        if rng.random() < 0.01:
            online = max(0, min(total, online + rng.choice((-1, 1))))
        if rng.random() < 1 / 3:
            busy = max(0, min(online, busy + rng.choice((-1, 1))))
        waiting = max(0, waiting + rng.randint(-30, 30))
        idle = 0 if waiting else online - busy
        points.append(Point(total, online, busy, idle, busy, 1 + waiting // 50, waiting))
    return points


def usage_figures(store: PoolStore, folder: Path) -> dict[str, float]:
    """Thirty days of 200 pools stored as the agent stores them, then timed reads; and
    an hour of minutes recorded through the agent's writer."""
    now = time.time()
    first = day_of(now - (STATS_DAYS - 1) * DAY)
    keys = [f"{n:024x}" for n in range(STATS_POOLS)]
    for n, key in enumerate(keys):
        points = busy_day(n, STATS_DAYS * 1440)
        docs = []
        for day in range(STATS_DAYS):
            hours = [points[(day * 24 + h) * 60 : (day * 24 + h + 1) * 60] for h in range(24)]
            docs.append(
                {
                    "_id": doc_id(key, first + day * DAY),
                    "kind": KIND,
                    "pool": key,
                    "name": f"pool{n:03d}",
                    "day": first + day * DAY,
                    "h": {str(h): encode_hour(slots) for h, slots in enumerate(hours)},
                    "b": {str(h): encode_buckets(slots) for h, slots in enumerate(hours)},
                }
            )
        store._db.stats.insert_many(docs)
    size = sum(f.stat().st_size for f in folder.rglob("*.db*") if f.is_file()) / 1e6
    reads, sparks = [], []
    for _ in range(5):
        start = time.perf_counter()
        store.usage.chart(keys[7], "pool007", SPANS["30d"], now)
        reads.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        store.usage.sparklines(keys, now)
        sparks.append((time.perf_counter() - start) * 1000)
    writer = store.usage_writer()
    minute = day_of(now) + DAY  # tomorrow: an hour of its own
    writes = []
    for step in range(60):
        batch = {key: (key, busy_day(n + step, 1)[0]) for n, key in enumerate(keys)}
        start = time.perf_counter()
        writer.record(minute + step * 60, batch)
        writes.append((time.perf_counter() - start) * 1000)
    return {
        "stats_write_ms": round(statistics.median(writes), 1),
        "stats_mb_200_pools_30d": round(size, 1),
        "stats_read_ms_30d": round(statistics.median(reads), 1),
        "sparklines_read_ms_200": round(statistics.median(sparks), 1),
    }


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
                night_settle = schedule_settle(store, farm, settings_for(nx.uri, server, "UTC"))
                submit(farm, JOBS + NIGHT_JOBS, IDLE_JOBS - JOBS - NIGHT_JOBS)
                idle = idle_pass_ms(settings)
            stats_nx = PrivateNx(Path(folder) / "stats").start()
            stats_client = mongo_client(stats_nx.uri, 60)
            try:
                usage = usage_figures(
                    PoolStore(stats_client["afpools"], user="bench"), Path(folder) / "stats"
                )
            finally:
                stats_client.close()
                stats_nx.stop()
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
        "schedule_settle_s": round(night_settle, 3),
        **usage,
    }
    print_figures(figures, as_json=args.json, width=24)


if __name__ == "__main__":
    main()
