"""What a scheduled member's card says of its schedule: the window, and whether it is out.

A card is painted for every row in sight on every poll and keystroke; the texts of a pool's
scheduled members are made once per pool as loaded (a new load is a new ``Pool``), so a
card asks one dictionary.
"""

from __future__ import annotations

from dataclasses import dataclass

from pools.model import Pool
from pools.schedules import by_host


@dataclass(frozen=True)
class ScheduleBadge:
    """``texts`` from the fullest to the shortest; the card shows the first that fits."""

    texts: tuple[str, ...]
    out: bool  # out of the pool now, as the agent last applied it
    tip: str


def badge_for(pool: Pool, host: str) -> ScheduleBadge | None:
    schedules = by_host(pool.schedules).get(host)
    if not schedules:
        return None
    out = host in pool.schedule_out
    first = schedules[0]
    more = f" +{len(schedules) - 1}" if len(schedules) > 1 else ""
    times = first.text().split(" ")[0] if first.window is not None else "away"
    full = f"{first.text()}{more}"
    texts = (
        (f"out · {full}", f"out · {times}{more}", "out") if out else (full, f"{times}{more}", "")
    )
    windows = "<br>".join(f"• {s.text()}" for s in schedules)
    state = (
        "Out of the pool now: new tasks of its jobs do not start here."
        if out
        else "In the pool now (as the agent last applied its schedule)."
    )
    tip = f"<b>{host}</b> is in {pool.name} only (farm time):<br>{windows}<br>{state}"
    return ScheduleBadge(texts, out, tip)


class PoolSchedules:
    """The badges of one pool's members, made again only when the pool was loaded again."""

    def __init__(self) -> None:
        self._pool: Pool | None = None
        self._badges: dict[str, ScheduleBadge] = {}

    def badge(self, pool: Pool | None, host: str) -> ScheduleBadge | None:
        if pool is None or not pool.schedules:
            return None
        if pool is not self._pool:
            self._pool = pool
            self._badges = {}
            for name in by_host(pool.schedules):
                made = badge_for(pool, name)
                if made is not None:
                    self._badges[name] = made
        return self._badges.get(host)
