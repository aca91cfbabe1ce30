"""A change and its history are one, even when the database is killed mid-change.

The database (a real nx-27017) is killed with SIGKILL at random moments of 100 membership
changes: before or after any of the writer's database commands, chosen by a seeded random
generator so that a failure can be replayed. The writer retries each change as a user
would; afterwards every change has exactly one history record, and the change counter that
boards watch has moved past every one of them.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient, monitoring

from pools.errors import NothingChangedError, StoreUnavailableError
from storage.store import PoolStore
from tests.support.nx import PrivateNx

pytestmark = [pytest.mark.integration, pytest.mark.slow]

Document = dict[str, Any]
CHANGES = 100
KILLS = 30
SEED = 20261206


class Killer(monitoring.CommandListener):
    """Kills the database just before or just after chosen commands, then starts it again."""

    def __init__(self, nx: PrivateNx, moments: set[tuple[int, str]]) -> None:
        self.nx = nx
        self.moments = moments
        self.count = 0
        self.kills = 0
        self.armed = False
        self._lock = threading.Lock()

    def _maybe_kill(self, when: str) -> None:
        if self.armed and (self.count, when) in self.moments:
            self.kills += 1
            self.nx.kill()
            self.nx.start()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        with self._lock:
            self.count += 1
            self._maybe_kill("before")

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        with self._lock:
            self._maybe_kill("after")

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def apply(store: PoolStore, op: str, host: str) -> None:
    """Retry a change until it is made; a retry that finds it made is done too."""
    for _ in range(50):
        try:
            if op == "add":
                store.add_hosts("lighting", [host])
            else:
                store.remove_hosts("lighting", [host])
            return
        except NothingChangedError:
            return
        except StoreUnavailableError:
            continue
    raise AssertionError(f"{op} {host} never got through")


def test_killing_the_database_during_100_changes_leaves_one_record_per_change(
    tmp_path: Path,
) -> None:
    nx = PrivateNx(tmp_path / "nx").start()
    rng = random.Random(SEED)
    moments = {
        (rng.randrange(1, CHANGES * 8), rng.choice(("before", "after"))) for _ in range(KILLS)
    }
    killer = Killer(nx, moments)
    client: MongoClient[Document] = MongoClient(
        nx.uri, serverSelectionTimeoutMS=20_000, event_listeners=[killer]
    )
    try:
        store = PoolStore(client["whole"], user="tester")
        store.ensure_schema()
        store.create("lighting")
        plan: list[tuple[str, str]] = []
        for i in range(CHANGES):
            if i % 3 == 2:
                plan.append(("remove", plan[i - 1][1]))
            else:
                plan.append(("add", f"rnd-{i:03d}"))
        killer.armed = True
        for op, host in plan:
            apply(store, op, host)
        killer.armed = False

        # "A board": a new connection after the last restart, reading only.
        board = PoolStore(MongoClient(nx.uri)["whole"], user="board")
        seen_before = board.revision()
        shown = board.history(limit=1000)
        board.close()
        # The next writer (or the service) finishes what a killed writer left half done.
        store.reconcile()
        records = store.history(limit=1000)
        counter = store.revision()
        members = store.pool("lighting").hostnames
    finally:
        client.close()
        nx.stop()

    assert killer.kills >= KILLS // 2, "the test must really kill the database"
    expected = Counter((op, host) for op, host in plan)
    for history in (shown, records):
        made = Counter((c.op, h) for c in history if c.op in ("add", "remove") for h in c.hosts)
        assert made == expected
    assert [c.op for c in records].count("create") == 1
    assert all(c.seq > 0 for c in records)
    assert counter >= max(c.seq for c in records) > 0
    assert counter >= seen_before
    added = [host for op, host in plan if op == "add"]
    removed = {host for op, host in plan if op == "remove"}
    assert members == tuple(h for h in added if h not in removed)
