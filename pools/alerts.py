"""Starved and idle pools, from the usage minutes, and the loan that fixes a starved one.

A pool is starved when, minute after minute for ``minutes`` or more up to the latest
point, it had tasks waiting and no idle host; it is idle when for as long it had idle hosts
and nothing waiting. Minutes the agent did not record (up to ``GAP_MINUTES`` in a row) do
not break a run; a latest point older than ``STALE_MINUTES`` means nothing is known now.
The fix lends idle hosts of an idle pool to the starved one: hosts idle now (afserver's
states as the caller has them), never one that runs a task or follows a schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pools.edits import Edit
from pools.errors import AfpoolsError
from pools.model import Host, Pool
from pools.usage import Point, is_idle
from pools.wording import plural

DEFAULT_MINUTES = 10
GAP_MINUTES = 5
STALE_MINUTES = 5
STARVED = "starved"
IDLE = "idle"


@dataclass(frozen=True)
class Condition:
    """A pool starved or idle since ``since`` (epoch seconds), as its latest point says."""

    pool: str
    state: str
    since: int
    latest: int
    point: Point

    @property
    def minutes(self) -> int:
        return (self.latest - self.since) // 60 + 1

    def json(self) -> dict[str, Any]:
        return {
            "pool": self.pool,
            "state": self.state,
            "since": self.since,
            "minutes": self.minutes,
            "waiting_jobs": self.point.waiting_jobs,
            "waiting_tasks": self.point.waiting_tasks,
            "idle_hosts": self.point.idle,
            "online_hosts": self.point.online,
        }


@dataclass(frozen=True)
class Alert:
    """A starved pool, and the idle pool with the most idle hosts to lend (if any)."""

    starved: Condition
    lender: Condition | None

    @property
    def sentence(self) -> str:
        point = self.starved.point
        text = (
            f"{self.starved.pool}: {plural(point.waiting_tasks, 'task')} waiting, "
            f"no idle host for {duration(self.starved.minutes)}"
        )
        if self.lender is None:
            return f"{text}; no pool has idle hosts to lend."
        idle = plural(self.lender.point.idle, "idle host")
        return f"{text}; {self.lender.pool} has {idle}."

    def json(self) -> dict[str, Any]:
        return {
            **self.starved.json(),
            "sentence": self.sentence,
            "lender": None if self.lender is None else self.lender.json(),
        }


@dataclass(frozen=True)
class Alerts:
    alerts: tuple[Alert, ...]
    idle: tuple[Condition, ...]

    def json(self) -> dict[str, Any]:
        return {
            "alerts": [alert.json() for alert in self.alerts],
            "idle": [condition.json() for condition in self.idle],
        }


def duration(minutes: int) -> str:
    """'12 min', '2 h 5 min', '3 h'."""
    if minutes < 120:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def starved_point(point: Point) -> bool:
    return point.waiting_tasks > 0 and point.idle == 0


def idle_point(point: Point) -> bool:
    return point.idle > 0 and point.waiting_tasks == 0


def run_since(
    points: Mapping[int, Point], now: float, holds: Callable[[Point], bool]
) -> tuple[int, int] | None:
    """(first, latest) minute of the run of points for which ``holds`` is true that reaches
    the latest point, when that point is recent; None otherwise."""
    minutes = sorted(points)
    if not minutes or now - minutes[-1] > STALE_MINUTES * 60:
        return None
    latest = minutes[-1]
    if not holds(points[latest]):
        return None
    first = latest
    for minute in reversed(minutes[:-1]):
        if first - minute > (GAP_MINUTES + 1) * 60 or not holds(points[minute]):
            break
        first = minute
    return first, latest


def find_alerts(
    recent: Mapping[str, Mapping[int, Point]], now: float, minutes: int = DEFAULT_MINUTES
) -> Alerts:
    """Alerts from each pool's recent minutes (pool name -> minute -> point)."""
    starved: list[Condition] = []
    idle: list[Condition] = []
    for name, points in sorted(recent.items()):
        for state, holds, into in ((STARVED, starved_point, starved), (IDLE, idle_point, idle)):
            run = run_since(points, now, holds)
            if run is not None and (run[1] - run[0]) // 60 + 1 >= minutes:
                into.append(Condition(name, state, run[0], run[1], points[run[1]]))
    idle.sort(key=lambda c: (-c.point.idle, c.pool))
    lender = idle[0] if idle else None
    return Alerts(tuple(Alert(c, lender) for c in starved), tuple(idle))


@dataclass(frozen=True)
class Loan:
    """Hosts to move from an idle pool to a starved one, as one undoable edit."""

    lender: str
    borrower: str
    hosts: tuple[str, ...]

    @property
    def edit(self) -> Edit:
        return Edit("lend", self.borrower, self.hosts, value=self.lender)

    @property
    def label(self) -> str:
        return f"Lend {plural(len(self.hosts), 'host')} of {self.lender} to {self.borrower}"


def plan_loan(
    lender: Pool,
    borrower: Pool,
    hosts: Mapping[str, Host],
    count: int | None = None,
    *,
    waiting_tasks: int | None = None,
) -> Loan:
    """Up to ``count`` hosts of ``lender`` that are idle now (by ``hosts``, afserver's states
    as the caller has them), not in ``borrower`` already and without a schedule; by default
    as many as the borrower has tasks waiting. AfpoolsError when there is none."""
    scheduled = {s.host for s in lender.schedules}
    free = [
        name
        for name in sorted(lender.effective_hostnames)
        if name not in borrower.hostnames
        and name not in scheduled
        and (host := hosts.get(name)) is not None
        and is_idle(host)
        and host.tasks == 0
    ]
    if not free:
        raise AfpoolsError(f"Pool '{lender.name}' has no idle host to lend now.")
    wanted = count if count is not None else (waiting_tasks or len(free))
    if wanted < 1:
        raise AfpoolsError(f"A loan needs at least one host, not {wanted}.")
    return Loan(lender.name, borrower.name, tuple(free[:wanted]))
