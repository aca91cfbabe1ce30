"""What a reader of afserver's jobs keeps between reads: the pools, the bindings, decisions.

The agent and the board's jobs panel read the same way. The pools are read again only when
the store's change token moved, the bindings only when their counter moved (another writer:
``apply``, an agent); a job whose afserver fields and binding are as at the last read keeps
its decision. So a read that finds nothing changed costs two tiny reads of the store, one of
afserver's job list, and a comparison per job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pools.job_list import DecidedJobs, DecisionCache, Problem
from pools.jobs import Binding, PoolIndex
from storage.store import PoolStore


@dataclass
class JobMemory:
    """The pools, the bindings and the decisions of the last read; one thread uses it."""

    bindings: dict[str, Binding] = field(default_factory=dict)
    counter: int | None = None  # the bindings counter these bindings are as of
    token: tuple[int, int] | None = None  # the pools' change token the index is as of
    index: PoolIndex | None = None
    cache: DecisionCache = field(default_factory=DecisionCache)

    def forget(self) -> None:
        """Read everything again next time (after a gap in the lease, say)."""
        self.bindings, self.counter, self.token, self.index = {}, None, None, None
        self.cache.clear()

    def pools(self, store: PoolStore, *, reconcile: bool = False) -> PoolIndex:
        """The pools as the store holds them now, read again only when they moved;
        ``reconcile`` (a writer alone) first finishes what a killed writer left half done."""
        token = store.change_token()
        if token != self.token or self.index is None:
            if reconcile:
                store.reconcile()
                token = store.change_token()
            self.index, self.token = PoolIndex(store.pool_entries()), token
            self.cache.clear()
        return self.index

    def refresh(
        self, store: PoolStore, *, reconcile: bool = False
    ) -> tuple[PoolIndex, list[Problem]]:
        """The pools and the bindings as the store holds them now, read only where they
        moved; ``reconcile`` (a writer alone) first finishes what a killed writer left."""
        problems: list[Problem] = []
        index = self.pools(store, reconcile=reconcile)
        counter = store.bindings.counter()
        if counter != self.counter:
            stored = store.bindings.all()
            self.bindings, self.counter = stored.bindings, counter
            problems += [("", sentence) for sentence in stored.unreadable]
            self.cache.clear()
        return index, problems

    def decide(self, objs: Iterable[Mapping[str, Any]], now: float) -> DecidedJobs:
        """Every job of afserver's list decided against the pools and bindings last read."""
        if self.index is None:
            raise RuntimeError("JobMemory.decide before refresh")
        return self.cache.decide_all(objs, self.bindings, self.index, now)
