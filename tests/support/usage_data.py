"""Usage minutes written through the store, as the agent records them, for the board's
tests and screenshots: a starved pool beside an idle one, and a day of a pool's work."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

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
