"""Reads afserver's job list off the UI thread and decides it as the agent does.

The board never writes to afserver's jobs (the agent does): it reads the list, the pools and
the bindings (``storage.job_memory.JobMemory``, the agent's own reader, so the panel lists
what ``main.py jobs`` would) and who holds the agent's lease, every ``interval`` seconds
after the last read ended.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from PyQt5.QtCore import pyqtSignal

from afserver.client import AfserverClient
from manager.workers import Worker, collector_waiting
from pools.job_list import Problem
from pools.jobs import Decision, listed
from storage.job_memory import JobMemory
from storage.store_source import StoreSource


@dataclass(frozen=True)
class JobsRead:
    """One read: the jobs a list shows, and whether an agent holds the lease."""

    decisions: tuple[Decision, ...]
    lease_held: bool
    lease_holder: str = ""  # who, for people ("render-srv pid 4242"); '' when nobody
    problems: tuple[Problem, ...] = ()  # jobs or bindings that could not be read
    at: float = field(default_factory=time.time)


class JobsWorker(Worker):
    """afserver's jobs and the agent's bindings, read every ``interval`` seconds."""

    read = pyqtSignal(object)  # JobsRead

    def __init__(self, client: AfserverClient, stores: StoreSource, interval: float) -> None:
        super().__init__()
        self.client = client
        self.interval = interval
        self._stores = stores
        self._memory = JobMemory()

    def on_started(self) -> None:
        self.read_jobs()
        self.every(self.interval, self.read_jobs, apart=True)

    def read_jobs(self) -> None:
        if self.stopping:
            return
        result = self.guarded(self._read)
        if result is not None:
            self.read.emit(result)

    def _read(self) -> JobsRead:
        store = self._stores.store()
        with collector_waiting():
            _, problems = self._memory.refresh(store)
            objs = self.client.job_masks()
            now = time.time()
            decided = self._memory.decide(objs, now)
        lease = store.leases.current()
        held = lease is not None and lease.alive(now)
        return JobsRead(
            tuple(listed(decided.decisions)),
            held,
            lease.description if held and lease is not None else "",
            tuple(problems + decided.problems),
            now,
        )
