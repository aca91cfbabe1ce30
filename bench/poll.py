"""What one poll of afserver costs the board's poller thread, at 5,000 and 20,000 renders.

The board's ``AfserverPoller`` against the afserver stand-in (in a process of its own),
run on a thread of its own as in the board, with nothing else busy: after two polls (the
first reads every render and machine), ``steady_poll_cpu_ms`` is the median CPU time of the
poller thread for one poll in which nothing changed (a farm at rest; the resources are read
again every 15th poll, as in the board), ``_max`` the largest; ``changed_poll_cpu_ms`` the
same when 50 renders changed state since the poll before. The thread's CPU time counts the
receiving of the reply too (8 MB at 20,000 renders), not the stand-in's encoding.

Run from the repository root: ``.venv/bin/python bench/poll.py [--json] [--runs N]``.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import bench_arguments, print_figures

FARMS = ((5000, 50), (20000, 200))


def poll_costs(hosts: int, pools: int, runs: int) -> dict[str, float]:
    from afserver.client import AfserverClient
    from manager.afserver_worker import AfserverPoller
    from tests.support.afserver_process import AfserverProcess
    from tests.support.studio_farm import studio_farm

    names = studio_farm(hosts, pools).hostnames
    with AfserverProcess(hosts, pools, native_pools=pools) as farm:
        client = AfserverClient("127.0.0.1", farm.port, user_name="bench", host_name="bench")
        poller = AfserverPoller(client, 1.0)  # made here: this thread stands for the window's
        steady: list[float] = []
        changed: list[float] = []

        def timed() -> float:
            started = time.thread_time()
            poller._poll()
            return (time.thread_time() - started) * 1000

        def polls() -> None:
            poller._poll()
            poller._poll()
            for run in range(runs):
                steady.append(timed())
                for name in names[run * 50 : run * 50 + 50]:
                    farm.set_render_state(name, 9 if run % 2 == 0 else 1)
                changed.append(timed())

        thread = threading.Thread(target=polls, name="bench-poller")
        thread.start()
        thread.join()
    return {
        f"steady_poll_cpu_ms_{hosts}": round(statistics.median(steady), 1),
        f"steady_poll_cpu_ms_max_{hosts}": round(max(steady), 1),
        f"changed_poll_cpu_ms_{hosts}": round(statistics.median(changed), 1),
    }


def main() -> int:
    args = bench_arguments(__doc__, runs=15)
    figures: dict[str, Any] = {}
    for hosts, pools in FARMS:
        figures |= poll_costs(hosts, pools, args.runs)
    print_figures(figures, as_json=args.json, width=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
