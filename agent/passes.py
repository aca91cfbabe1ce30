"""One pass of the agent: read, decide, write, read back; and the memory between passes.

The pools are read again only when the store's change token moved, the bindings only when
their counter moved (another writer: ``apply``, a previous agent); a job whose masks, state
and binding are as in the last pass keeps its decision. So a pass that finds nothing
changed costs one read of afserver's job list (decoded for the fields needed) and a
comparison per job, and sends nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from afserver.client import AfserverClient
from agent.stores import StoreSource
from agent.writer import WriteReport, send
from pools.errors import AfpoolsError
from pools.job_actions import JobAction, JobWrite, writes_for
from pools.job_masks import JobShapeError, read_job
from pools.jobs import (
    GONE_AFTER,
    RELEASED,
    UNTOUCHED,
    Binding,
    Decision,
    PoolIndex,
    decide,
)


class BindingsMovedError(AfpoolsError):
    """Another writer changed the bindings during this pass; the next pass reads them."""


@dataclass
class Memory:
    """What the agent knows between passes."""

    bindings: dict[str, Binding] = field(default_factory=dict)
    counter: int | None = None  # the bindings counter these bindings are as of
    token: tuple[int, int] | None = None  # the pools' change token the index is as of
    index: PoolIndex | None = None
    cache: dict[tuple[Any, Any], tuple[dict[str, Any], Binding | None, Decision]] = field(
        default_factory=dict
    )

    def forget(self) -> None:
        """Read everything again next pass (after a gap in the lease, say)."""
        self.bindings, self.counter, self.token, self.index = {}, None, None, None
        self.cache.clear()


@dataclass(frozen=True)
class PassResult:
    """What one pass saw and did."""

    decisions: tuple[Decision, ...]  # every job with tokens or a binding
    writes: tuple[JobWrite, ...]  # what was written (or would be, in a dry run)
    actions: tuple[JobAction, ...] = ()
    not_taken: tuple[int, ...] = ()
    problems: tuple[tuple[str, str], ...] = ()  # (job key or "", one sentence)
    index: PoolIndex | None = None


class PassEngine:
    """Runs passes for one agent; not thread-safe (one agent thread calls it)."""

    def __init__(
        self,
        client: AfserverClient,
        stores: StoreSource,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.stores = stores
        self.memory = Memory()
        self._clock = clock

    def pools_changed(self) -> bool:
        """Whether the pools moved since the last pass (one tiny read of the store)."""
        return self.stores.store().change_token() != self.memory.token

    def pools_index(self, *, write: bool) -> PoolIndex:
        """The pools as stored now, read again only when they changed; a writer first
        finishes what a killed writer left half done."""
        store = self.stores.store()
        memory = self.memory
        token = store.change_token()
        if token != memory.token or memory.index is None:
            if write:
                store.reconcile()
                token = store.change_token()
            memory.index, memory.token = PoolIndex(store.pool_entries()), token
            memory.cache.clear()
        return memory.index

    def run(self, *, write: bool, fence: Callable[[], None] = lambda: None) -> PassResult:
        """One pass; ``write`` False decides only (a dry run, or an agent on standby)."""
        store = self.stores.store()
        memory = self.memory
        problems: list[tuple[str, str]] = []
        index = self.pools_index(write=write)
        counter = store.bindings.counter()
        if counter != memory.counter:
            stored = store.bindings.all()
            memory.bindings, memory.counter = stored.bindings, counter
            problems += [("", sentence) for sentence in stored.unreadable]
            memory.cache.clear()
        now = self._clock()
        decisions, seen = self._decide(index, now, problems)
        result_writes = tuple(
            w for d in decisions if d.writes and d.target for w in writes_for(d.job, d.target)
        )
        listed = tuple(d for d in decisions if d.status != UNTOUCHED)
        if not write:
            return PassResult(listed, result_writes, problems=tuple(problems), index=index)
        self._remember(decisions, seen, now, fence)
        report = send(self.client, result_writes, fence) if result_writes else WriteReport()
        problems += [("", sentence) for sentence in report.refusals]
        return PassResult(
            tuple(_as_written(d, report.not_taken) for d in listed),
            result_writes,
            tuple(report.actions),
            tuple(sorted(report.not_taken)),
            tuple(problems),
            index,
        )

    def _decide(
        self, index: PoolIndex, now: float, problems: list[tuple[str, str]]
    ) -> tuple[list[Decision], set[str]]:
        memory = self.memory
        decisions: list[Decision] = []
        seen: set[str] = set()
        cache: dict[tuple[Any, Any], tuple[dict[str, Any], Binding | None, Decision]] = {}
        for obj in self.client.job_masks():
            ident = (obj.get("id"), obj.get("serial"))
            if not all(value is None or isinstance(value, int) for value in ident):
                ident = (repr(ident[0]), repr(ident[1]))  # a list is no key: read_job says why
            cached = memory.cache.get(ident)
            if cached is not None and cached[0] == obj:
                decision = cached[2]
                if memory.bindings.get(decision.job.key) is cached[1]:
                    cache[ident] = cached
                    decisions.append(decision)
                    seen.add(decision.job.key)
                    continue
            try:
                view = read_job(obj)
            except JobShapeError as error:
                problems.append((f"{ident[0]}:{ident[1]}", str(error)))
                continue
            binding = memory.bindings.get(view.key)
            decision = decide(view, binding, index, now)
            cache[ident] = (obj, binding, decision)
            decisions.append(decision)
            seen.add(view.key)
        memory.cache = cache
        return decisions, seen

    def _remember(
        self, decisions: list[Decision], seen: set[str], now: float, fence: Callable[[], None]
    ) -> None:
        """Store what changed in the bindings before anything is sent: a write that never
        lands is retried from them, and a killed agent's successor starts from them."""
        memory = self.memory
        saved: dict[str, Binding] = {}
        dropped: set[str] = set()
        for decision in decisions:
            key = decision.job.key
            stored = memory.bindings.get(key)
            if decision.status == RELEASED and stored is not None:
                dropped.add(key)
            elif decision.binding is not None and decision.binding is not stored:
                saved[key] = decision.binding
        for key, binding in memory.bindings.items():
            if key in seen:
                continue
            if not binding.gone_since:
                saved[key] = replace(binding, gone_since=now)
            elif now - binding.gone_since > GONE_AFTER:
                dropped.add(key)
        for key, binding in memory.bindings.items():
            if key in seen and binding.gone_since and now - binding.gone_since > GONE_AFTER:
                dropped.add(key)
                saved.pop(key, None)
        if saved or dropped:
            fence()
            self._save(saved, dropped)

    def _save(self, saved: dict[str, Binding], dropped: set[str]) -> None:
        memory = self.memory
        bindings = self.stores.store().bindings
        if bindings.counter() != memory.counter:
            memory.counter = None
            raise BindingsMovedError("The bindings changed meanwhile; the next pass reads them.")
        expected = (memory.counter or 0) + 1
        memory.counter = bindings.change(saved.values(), dropped)
        if memory.counter != expected:
            memory.counter = None  # another writer (apply) came in between: read its bindings
        for key in dropped:
            memory.bindings.pop(key, None)
        memory.bindings.update(saved)


def _as_written(decision: Decision, not_taken: set[int]) -> Decision:
    """The decision as it stands once its masks landed (what a list of jobs shows)."""
    if not decision.writes or decision.target is None or decision.job.id in not_taken:
        return decision
    return replace(decision, job=replace(decision.job, masks=decision.target), retry=False)
