"""What a whole change costs: pool writes, the change token boards poll, and reconciling.

Every pool write is a compare-and-set that carries its own history record, and boards and
the service poll a change token that also notices other tools' edits. This measures, on a
private nx-27017 (the default database):

- single writer: adds per second, one host per change, into one pool;
- 8 writers at once into one pool: adds per second and compare-and-set retries per change;
- the change token (counter plus change stream) and a full read of 200 pools x 100 hosts;
- ``reconcile`` (finish half-done changes, record other tools' edits) on that database.

Run from the repository root: ``.venv/bin/python bench/store.py [--json]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pymongo import MongoClient, monitoring

from storage.store import PoolStore
from tests.support.nx import PrivateNx

Document = dict[str, Any]
SINGLE_ADDS = 300
WRITERS = 8
ADDS_PER_WRITER = 40
POOLS, HOSTS = 200, 100


class Updates(monitoring.CommandListener):
    """Counts findAndModify commands on pools: one per compare-and-set attempt."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "findAndModify" and event.command.get("findAndModify") == "pools":
            with self._lock:
                self.count += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def single_writer(uri: str) -> float:
    client: MongoClient[Document] = MongoClient(uri)
    store = PoolStore(client["single"], user="bench")
    store.ensure_schema()
    store.create("p")
    start = time.perf_counter()
    for i in range(SINGLE_ADDS):
        store.add_hosts("p", [f"h-{i:04d}"])
    seconds = time.perf_counter() - start
    client.close()
    return SINGLE_ADDS / seconds


def concurrent_writers(uri: str) -> tuple[float, float, int]:
    listener = Updates()
    setup: MongoClient[Document] = MongoClient(uri)
    PoolStore(setup["many"], user="bench").create("p")
    barrier = threading.Barrier(WRITERS)

    def write(k: int) -> None:
        client: MongoClient[Document] = MongoClient(uri, event_listeners=[listener])
        store = PoolStore(client["many"], user=f"w{k}")
        barrier.wait()
        for i in range(ADDS_PER_WRITER):
            store.add_hosts("p", [f"w{k}-{i:03d}"])
        client.close()

    threads = [threading.Thread(target=write, args=(k,)) for k in range(WRITERS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    kept = len(PoolStore(setup["many"], user="bench").pool("p").hostnames)
    setup.close()
    changes = WRITERS * ADDS_PER_WRITER
    return changes / seconds, listener.count / changes, kept


def big_database(uri: str) -> dict[str, float]:
    client: MongoClient[Document] = MongoClient(uri)
    store = PoolStore(client["big"], user="bench")
    store.ensure_schema()
    for p in range(POOLS):
        store.create(f"pool-{p:03d}", hosts=[f"rnd-{p:03d}-{h:03d}" for h in range(HOSTS)])
    store.change_token()  # opens the change stream
    token_ms = []
    for _ in range(50):
        start = time.perf_counter()
        store.change_token()
        token_ms.append((time.perf_counter() - start) * 1000)
    read_ms = []
    for _ in range(5):
        start = time.perf_counter()
        store.pools()
        read_ms.append((time.perf_counter() - start) * 1000)
    reconcile_ms = []
    for _ in range(5):
        start = time.perf_counter()
        store.reconcile()
        reconcile_ms.append((time.perf_counter() - start) * 1000)
    store.close()
    return {
        "change_token_ms": statistics.median(token_ms),
        "read_all_ms": statistics.median(read_ms),
        "reconcile_ms": statistics.median(reconcile_ms),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        nx = PrivateNx(Path(folder)).start()
        try:
            figures: dict[str, float] = {"single_adds_per_s": single_writer(nx.uri)}
            per_s, attempts, kept = concurrent_writers(nx.uri)
            figures |= {
                f"writers_{WRITERS}_adds_per_s": per_s,
                f"writers_{WRITERS}_attempts_per_change": attempts,
                f"writers_{WRITERS}_kept": kept,
            }
            figures |= big_database(nx.uri)
        finally:
            nx.stop()
    if args.json:
        print(json.dumps({k: round(v, 2) for k, v in figures.items()}, indent=2))
        return
    print(f"{'measure':<32} {'value':>10}")
    for key, value in figures.items():
        print(f"{key:<32} {value:>10.2f}")


if __name__ == "__main__":
    main()
