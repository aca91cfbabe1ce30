"""Usage minutes written through the store, as the agent records them, for the board's
tests and screenshots: a starved pool beside an idle one, and a day of a pool's work."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pools.schedules import window
from pools.usage import FARM, Point
from storage.store import PoolStore

MINUTE = 60


def record_minutes(
    store: PoolStore, points: Mapping[str, Callable[[int], Point | None]], end: int, count: int
) -> None:
    """``count`` minutes up to ``end`` (epoch seconds): for each pool by name, the point of
    each minute (None: none recorded then); the farm's point is their sum."""
    ids = {pool.name: key for key, pool in store.pool_entries()}
    writer = store.usage_writer()
    last = end // MINUTE * MINUTE
    for minute in range(last - (count - 1) * MINUTE, last + 1, MINUTE):
        found = {name: point(minute) for name, point in points.items()}
        shown = {ids[name]: (name, p) for name, p in found.items() if p is not None}
        if not shown:
            continue
        farm = Point(*(sum(values) for values in zip(*(p for _, p in shown.values()), strict=True)))
        writer.record(minute, {**shown, FARM: ("*", farm)})


def steady(point: Point) -> Callable[[int], Point]:
    return lambda _minute: point


def working_day(
    hosts: int, tasks: int, *, gap: tuple[int, int] | None = None
) -> Callable[[int], Point | None]:
    """A pool busy by day and quiet at night, with tasks waiting at the peak; ``gap`` (start,
    end, epoch seconds) is an outage of the agent: nothing recorded."""

    def point(minute: int) -> Point | None:
        if gap is not None and gap[0] <= minute < gap[1]:
            return None
        hour = (minute % 86400) / 3600
        load = max(0.0, math.sin((hour - 6) / 24 * 2 * math.pi))  # noon's peak, night's rest
        online = hosts - (1 if int(minute / 3600) % 7 == 0 else 0)
        busy = min(online, round(online * (0.15 + 0.85 * load)))
        held = 1 if online - busy >= 2 else 0
        idle = online - busy - held
        waiting = round(tasks * max(0.0, load - 0.6) / 0.4)
        return Point(hosts, online, busy, idle, busy, 1 if waiting else 0, waiting)

    return point


STARVED = Point(4, 3, 3, 0, 3, 2, 40)  # 40 tasks waiting, no host idle
IDLE = Point(3, 3, 0, 3, 0, 0, 0)  # three idle hosts, nothing waiting
STARVED_MINUTES = 12


def ending(
    last: Point, before: Callable[[int], Point | None], end: int
) -> Callable[[int], Point | None]:
    """``before``'s day, a quiet minute, then ``last`` for the final STARVED_MINUTES minutes
    up to ``end``."""
    since = end // MINUTE * MINUTE - (STARVED_MINUTES - 1) * MINUTE
    quiet = last._replace(busy=0, idle=last.online, running=0, waiting_jobs=0, waiting_tasks=0)

    def point(minute: int) -> Point | None:
        if minute >= since:
            return last
        return quiet if minute == since - MINUTE else before(minute)

    return point


def seed_small_farm(store: PoolStore, now: float) -> None:
    """The screenshots' small farm (lighting, gpu, comp-nodes) over the last day: lighting
    starved at the end, comp-nodes idle, the agent down for an hour in the night; ws-anna
    in gpu on weeknights only."""
    end = int(now)
    night = (end - 9 * 3600, end - 8 * 3600)
    record_minutes(
        store,
        {
            "lighting": ending(STARVED, working_day(4, 60, gap=night), end),
            "gpu": working_day(2, 0, gap=night),
            "comp-nodes": ending(IDLE, working_day(3, 20, gap=night), end),
        },
        end,
        24 * 60,
    )
    store.add_schedule("gpu", ["ws-anna"], window("20:00", "07:00", "mon-fri"))


def seed_big_farm(store: PoolStore, now: float) -> None:
    """A day of every pool of a studio farm, each of its own size (for the sparklines)."""
    pools = [pool for _, pool in store.pool_entries()]
    record_minutes(
        store,
        {
            pool.name: working_day(max(1, len(pool.hostnames)), 0)  # none starved
            for pool in pools
        },
        int(now),
        24 * 60,
    )


def grab_chart(
    window: Any, pool: str, out: Path, wait_until: Callable[[Callable[[], object]], bool]
) -> bool:
    """Pool ▸ Usage… of ``pool``, saved as a picture once its chart is drawn."""
    dialog = window.usage.show_chart(pool)
    if not wait_until(lambda: dialog.chart_shown is not None):
        return False
    dialog.grab().save(str(out))
    dialog.close()
    return True
