"""What the board's jobs panel costs at 5,000 jobs with tokens over 20 pools.

On a private nx-27017 and the afserver stand-in, all jobs bound once by an agent:

- ``read_ms``: the median CPU time of the jobs worker's read (its own thread) when nothing
  changed: the store's two counters, afserver's job list decoded, a comparison per job;
- ``first_read_ms``: the same for the first read (every job decided);
- ``ui_all_ms`` / ``ui_pool_ms``: the median time the window's thread spends taking one
  read into the panel when nothing changed: every bound job (the Farm column current), or one
  pool's 250.

Run from the repository root: ``.venv/bin/python bench/board_jobs.py [--json]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PyQt5.QtWidgets import QApplication

from afserver.connect import client_for
from agent.standalone import standalone_agent
from bench.figures import print_figures
from config.settings import Settings, load_settings
from manager.jobs_panel import JobsPanel
from manager.jobs_session import JobsSession
from manager.jobs_worker import JobsRead, JobsWorker
from storage.connection import StoreConnection, mongo_client
from storage.store import PoolStore
from storage.store_source import StoreSource
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm
from tests.support.fake_jobs import token_job
from tests.support.nx import PrivateNx

POOLS = 20
JOBS = 5_000
READS = 10


def farm_of_bound_jobs(store: PoolStore) -> FakeFarm:
    """20 pools, and 5,000 jobs each holding one pool's token."""
    for pool in range(POOLS):
        store.create(f"pool{pool:02d}", hosts=[f"rnd-{pool:02d}{n:02d}" for n in range(20)])
    farm = FakeFarm(jobs=[])
    for n in range(JOBS):
        farm.submit_job(token_job(f"shot{n}", f"@pool{n % POOLS:02d}"))
    return farm


def worker_reads(settings: Settings) -> tuple[float, list[float], list[JobsRead]]:
    """The first read's CPU time, the idle reads' and the reads themselves."""
    connection = StoreConnection(settings)
    try:
        worker = JobsWorker(client_for(settings), StoreSource(connection.database, "bench"), 3.0)
        reads: list[JobsRead] = []
        worker.read.connect(reads.append)
        start = time.thread_time()
        worker.read_jobs()
        first = (time.thread_time() - start) * 1000
        times = []
        for _ in range(READS):
            start = time.thread_time()
            worker.read_jobs()
            times.append((time.thread_time() - start) * 1000)
        return first, times, reads
    finally:
        connection.close()


def ui_times(reads: list[JobsRead], pool: str | None) -> tuple[list[float], int]:
    """The window thread's time per read taken into the panel, and the rows it shows."""
    session = JobsSession(JobsWorker(None, None, 3.0))  # type: ignore[arg-type]  # never started
    panel = JobsPanel(session)
    panel.set_pool(pool)
    times = []
    for read in reads:
        start = time.perf_counter()
        session.worker.read.emit(read)
        times.append((time.perf_counter() - start) * 1000)
    return times, panel.bound_model.rowCount()


def measure(uri: str) -> dict[str, float]:
    client = mongo_client(uri, 10)
    try:
        store = PoolStore(client["afpools"], user="bench")
        store.ensure_schema()
        farm = farm_of_bound_jobs(store)
        with FakeAfserver(farm) as server:
            settings = load_settings(
                overrides={
                    "mongodb_uri": uri,
                    "mongodb_database": "afpools",
                    "afserver_port": server.port,
                    "afserver_timeout": 60.0,
                }
            )
            with standalone_agent(settings) as agent:
                agent.take_lease()
                agent.run_pass(write=True)
                agent.release_lease()
            first, times, reads = worker_reads(settings)
    finally:
        client.close()
    ui_all, _ = ui_times(reads, None)
    ui_pool, rows = ui_times(reads, "pool07")
    return {
        "jobs": JOBS,
        "first_read_ms": round(first, 1),
        "read_ms": round(statistics.median(times), 1),
        "ui_all_ms": round(statistics.median(ui_all), 1),
        "ui_pool_ms": round(statistics.median(ui_pool), 1),
        "rows_of_one_pool": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        nx = PrivateNx(Path(folder)).start()
        try:
            figures = measure(nx.uri)
        finally:
            nx.stop()
    app.quit()
    print_figures(figures, as_json=args.json, width=20)


if __name__ == "__main__":
    main()
