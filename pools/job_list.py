"""afserver's job list read as the agent reads it, and the words every face says about it.

The agent's passes, ``main.py jobs``, the service's ``/v1/jobs`` and ``/v1/health`` and the
board's jobs panel all decide the jobs here, so that they list the same jobs in the same
words. Deciding one job is cheap, but a farm lists thousands every few seconds: a job whose
fields and binding are as at the last read keeps its decision (``DecisionCache``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pools.job_masks import JobShapeError, read_job
from pools.jobs import BOUND, WAITING, Binding, Decision, PoolIndex, decide
from pools.wording import noun_for, plural

Problem = tuple[str, str]
"""(the job's key, or "" for no job in particular; one sentence)."""


@dataclass
class DecidedJobs:
    """One read of the job list: a decision per job that could be read, and why not."""

    decisions: list[Decision] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # binding keys of every job read
    problems: list[Problem] = field(default_factory=list)


class DecisionCache:
    """Decisions kept from one read of afserver's jobs to the next; one thread uses it."""

    def __init__(self) -> None:
        self._entries: dict[tuple[Any, Any], tuple[Mapping[str, Any], Binding | None, Decision]]
        self._entries = {}

    def clear(self) -> None:
        """Decide every job afresh next time (the pools or the bindings moved)."""
        self._entries.clear()

    def decide_all(
        self,
        objs: Iterable[Mapping[str, Any]],
        bindings: Mapping[str, Binding],
        index: PoolIndex,
        now: float,
    ) -> DecidedJobs:
        """A decision for each job of afserver's list (``AfserverClient.job_masks``); a job
        that cannot be read is one problem, and the others go on."""
        found = DecidedJobs()
        entries: dict[tuple[Any, Any], tuple[Mapping[str, Any], Binding | None, Decision]] = {}
        for obj in objs:
            ident = (obj.get("id"), obj.get("serial"))
            if not all(value is None or isinstance(value, int) for value in ident):
                ident = (repr(ident[0]), repr(ident[1]))  # a list is no key: read_job says why
            cached = self._entries.get(ident)
            if cached is not None and cached[0] == obj:
                decision = cached[2]
                if bindings.get(decision.job.key) is cached[1]:
                    entries[ident] = cached
                    found.decisions.append(decision)
                    found.seen.add(decision.job.key)
                    continue
            try:
                view = read_job(obj)
            except JobShapeError as error:
                found.problems.append((f"{ident[0]}:{ident[1]}", str(error)))
                continue
            binding = bindings.get(view.key)
            decision = decide(view, binding, index, now)
            entries[ident] = (obj, binding, decision)
            found.decisions.append(decision)
            found.seen.add(view.key)
        self._entries = entries
        return found


def waiting(decisions: Iterable[Decision]) -> list[Decision]:
    """Jobs whose tokens name no pool."""
    return [d for d in decisions if d.status == WAITING]


def unwritten(decisions: Iterable[Decision]) -> list[Decision]:
    """Jobs with tokens whose masks are not yet what their pools say."""
    return [d for d in decisions if d.status == BOUND and d.writes]


def bound_to(decisions: Iterable[Decision], pool: str) -> list[Decision]:
    """The unfinished jobs that follow ``pool`` (its name now)."""
    return [d for d in decisions if d.status == BOUND and pool in d.pools]


def unattended(decisions: Sequence[Decision], lease_held: bool) -> str:
    """A sentence when jobs wait for their pools' masks and no agent holds the lease."""
    if lease_held:
        return ""
    count = len(unwritten(decisions))
    if not count:
        return ""
    jobs = "1 job holds" if count == 1 else f"{count} jobs hold"
    return (
        f"{jobs} pool tokens that no agent makes exact: no agent holds the lease; "
        "run 'main.py agent' or 'main.py serve' without --no-agent."
    )


def status_text(decision: Decision) -> str:
    """A job's status in a list: "bound", "bound, masks pending", "waiting: @nope"."""
    if decision.status == WAITING:
        return "waiting: " + ", ".join("@" + name for name in decision.unknown)
    if decision.status == BOUND and decision.runs_nowhere:
        return "bound, gets no host"
    if decision.writes:
        return f"{decision.status}, masks pending"
    return decision.status


def job_sentence(decision: Decision) -> str:
    """The one sentence about a job that does not simply run on its pools ('' for one that
    does): why it waits, why it is left alone, or which of its pools gives it no host."""
    job = decision.job
    if decision.status == WAITING:
        return f"Job {job.id} ({job.name}) waits: {decision.reason} It is left as it is."
    if decision.reason:
        return decision.reason
    if decision.status == BOUND and decision.runs_nowhere:
        names = ", ".join(f"'{name}'" for name in decision.runs_nowhere)
        pools = noun_for(len(decision.runs_nowhere), "pool")
        return (
            f"Job {job.id} ({job.name}) gets no host from {pools} {names}: "
            "deleted, or without hosts."
        )
    return ""


def deletion_notice(pool: str, jobs: Sequence[tuple[int, str]], *, shown: int = 0) -> str:
    """What deleting ``pool`` does to the jobs bound to it, each as (id, name); ``shown``
    names at most that many (0: all), for a question that must fit a dialog."""
    if not jobs:
        return ""
    named = [f"{job_id} ({name})" if name else str(job_id) for job_id, name in jobs]
    if shown and len(named) > shown:
        named = [*named[:shown], f"and {len(named) - shown} more"]
    gets = "gets" if len(jobs) == 1 else "get"
    return (
        f"{plural(len(jobs), 'job')} bound to pool '{pool}' {gets} none of its hosts from now "
        f"on (the agent rewrites them): {', '.join(named)}."
    )


Runs = list[tuple[int, int]]


def keyed_changes(old: Sequence[str], new: Sequence[str]) -> tuple[Runs, Runs]:
    """How a list of unique keys became another sorted the same way: the runs of rows to
    remove from ``old`` (first, last) and then the runs to insert, as they stand in ``new``.
    A job list follows afserver this way without a reset, so its selection and scroll stay."""
    kept_old, kept_new = set(new), set(old)
    removed = [i for i, key in enumerate(old) if key not in kept_old]
    inserted = [i for i, key in enumerate(new) if key not in kept_new]
    return index_runs(removed), index_runs(inserted)


def index_runs(indexes: Iterable[int]) -> Runs:
    """Ascending indexes as (first, last) runs: one row signal per run."""
    runs: Runs = []
    for i in indexes:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs
