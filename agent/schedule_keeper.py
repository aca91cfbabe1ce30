"""The active agent applies member schedules at their boundaries.

At every check (``agent_watch_interval``) it asks, for each pool with schedules, which
scheduled members are out now: by the farm's clock, and for members "while the user is
away" by afserver's nimby state of their renders (read at most every jobs interval). When
that differs from what the pool document says, it writes the pool's ``schedule_out`` with
one history record (``PoolStore.apply_schedule_out``); the change token moves, so the same
check's pass rewrites the bound jobs. Stored membership never changes, and a host that
leaves keeps running its task: only what new tasks may start changes.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from afserver.client import AfserverClient
from afserver.renders import hosts_from_renders
from agent.config import LOGGER_NAME
from pools.errors import AfpoolsError, PoolNotFoundError
from pools.jobs import PoolIndex
from pools.model import Pool, RenderFlags
from pools.schedules import by_host, members_out, next_change
from storage.store_source import StoreSource

log = logging.getLogger(LOGGER_NAME)
NIMBY = RenderFlags.NIMBY_OWNER | RenderFlags.NIMBY_ALL


class ScheduleKeeper:
    def __init__(
        self,
        client: AfserverClient,
        stores: StoreSource,
        zone: dt.tzinfo,
        *,
        clock: Callable[[], float] = time.time,
        renders_every: float = 3.0,
    ) -> None:
        self._client = client
        self._stores = stores
        self.zone = zone
        self._clock = clock
        self._renders_every = renders_every
        self._nimby: dict[str, bool | None] = {}
        self._read_at = -float("inf")
        self._next: tuple[PoolIndex, float, float | None] | None = None  # (of, at, boundary)

    def next_boundary(self, index: PoolIndex | None) -> float | None:
        """When the next clock window opens or closes (None: none within a week), so the
        agent wakes up for it; worked out again when the pools or the clock moved past it."""
        if index is None:
            return None
        now = self._clock()
        known = self._next
        fresh = known is not None and known[0] is index and known[1] <= now
        if known is not None and fresh and (known[2] is None or now < known[2]):
            return known[2]
        windows = {
            frozenset(s.window for s in entries if s.window is not None)
            for pool in index.by_id.values()
            for entries in by_host(pool.schedules).values()
        }
        changes = [next_change(list(w), now, self.zone) for w in windows if w]
        found = min((c for c in changes if c is not None), default=None)
        self._next = (index, now, found)
        return found

    def step(self, index: PoolIndex | None, fence: Callable[[], None]) -> int:
        """Apply every boundary crossed since the last step; returns how many pools moved."""
        if index is None:
            return 0
        scheduled = [pool for pool in index.by_id.values() if pool.schedules]
        if not scheduled:
            return 0
        now = self._clock()
        if any(s.window is None for pool in scheduled for s in pool.schedules):
            self._read_nimby()

        def out(pool: Pool) -> frozenset[str]:
            return members_out(
                pool.hostnames,
                pool.schedules,
                now,
                self.zone,
                nimby=self._nimby,
                was_out=pool.schedule_out,
            )

        moved = 0
        for pool in scheduled:
            if out(pool) == frozenset(pool.schedule_out):
                continue
            fence()
            try:
                result = self._stores.store().apply_schedule_out(pool.name, out)
            except PoolNotFoundError:
                # Renamed or deleted since the pass read the pools: that pass reads them
                # again (the change token moved), and the next step finds it by its name now.
                continue
            if result is None:
                continue
            changed, joined, left = result
            moved += 1
            for hosts, verb in ((joined, "joined"), (left, "left")):
                if hosts:
                    log.info(
                        "%s %s pool '%s' on %s.",
                        ", ".join(sorted(hosts)),
                        verb,
                        changed.name,
                        "its schedule" if len(hosts) == 1 else "their schedules",
                    )
        return moved

    def _read_nimby(self) -> None:
        """Whether each render is in nimby (None: offline); unknown while afserver is not
        answering, so members "while the user is away" stay as they are."""
        monotonic = time.monotonic()
        if monotonic - self._read_at < self._renders_every:
            return
        self._read_at = monotonic
        try:
            renders = self._client.renders()
        except AfpoolsError:
            self._nimby = {}  # the pass says why; clock windows are applied all the same
            return
        states: dict[str, bool | None] = {}
        for host in hosts_from_renders(renders):
            online = bool(host.flags & RenderFlags.ONLINE)
            states[host.name] = bool(host.flags & NIMBY) if online else None
        self._nimby = states
