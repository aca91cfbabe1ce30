"""Once a minute, the active agent records how busy each pool is (``stats``).

It reads afserver's renders and takes the jobs bound to pools from the agent's last pass,
so a minute costs one read of afserver and one bulk write. Only the agent holding the
lease records, and a minute is written into its own slot, so two services never record
twice. Once an hour it deletes the days older than 30 days. A clock that goes back is said
once: the minutes already recorded are kept, the empty ones before them get filled.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from afserver.client import AfserverClient
from afserver.renders import hosts_from_renders
from agent.config import LOGGER_NAME
from pools.jobs import BOUND, Decision, PoolIndex
from pools.usage import FARM, Point, measure
from storage.store_source import StoreSource
from storage.usage import UsageWriter

log = logging.getLogger(LOGGER_NAME)
RETENTION_EVERY = 3600.0


class UsageRecorder:
    """Called by the agent after its passes; ``record`` writes when a new minute began."""

    def __init__(
        self, client: AfserverClient, stores: StoreSource, clock: Callable[[], float] = time.time
    ) -> None:
        self._client = client
        self._stores = stores
        self._clock = clock
        self._writer: UsageWriter | None = None
        self._writer_of: object = None
        self._last: int | None = None  # the last minute recorded
        self._tried: int | None = None  # the last minute tried (once a minute, even failing)
        self._retention_at = -float("inf")
        self._said: set[str] = set()

    def forget(self) -> None:
        """Another agent may have recorded meanwhile (the lease was away)."""
        if self._writer is not None:
            self._writer.forget()
        self._last = self._tried = None

    def due(self) -> bool:
        return self._tried is None or int(self._clock()) // 60 * 60 != self._tried

    def record(self, index: PoolIndex, decisions: Iterable[Decision]) -> dict[str, Point] | None:
        """Record this minute's points (once per minute); returns them when it wrote."""
        now = self._clock()
        minute = int(now) // 60 * 60
        if self._last is not None and minute == self._last:
            return None
        self._tried = minute
        if self._last is not None and minute < self._last:
            log.warning(
                "The clock went back from %s to %s; usage goes on being recorded and the "
                "minutes already recorded are kept.",
                _hhmm(self._last),
                _hhmm(minute),
            )
        hosts = {host.name: host for host in hosts_from_renders(self._client.renders())}
        members = {key: pool.effective_hostnames for key, pool in index.by_id.items()}
        bound = [
            (d.job, [ref.id for ref in d.binding.pools])
            for d in decisions
            if d.status == BOUND and d.binding is not None
        ]
        points = measure(members, hosts, bound)
        names = {key: pool.name for key, pool in index.by_id.items()}
        names[FARM] = "all pools"
        writer = self._current_writer()
        writer.record(minute, {key: (names[key], point) for key, point in points.items()})
        self._last = minute
        self._tell(writer.problems)
        writer.problems.clear()
        if now - self._retention_at >= RETENTION_EVERY or now < self._retention_at:
            self._retention_at = now
            self._retain(writer, now)
        return points

    def _current_writer(self) -> UsageWriter:
        store = self._stores.store()
        if self._writer is None or self._writer_of is not store:
            self._writer, self._writer_of = store.usage_writer(), store
        return self._writer

    def _retain(self, writer: UsageWriter, now: float) -> None:
        deleted = writer.delete_before(now)
        if deleted:
            log.info("Deleted %d days of usage older than 30 days.", deleted)
        foreign = writer.foreign_count()
        if foreign:
            self._tell(
                [
                    f"The stats collection holds {foreign} documents afpools did not write; "
                    "they are left as they are and never deleted."
                ]
            )

    def _tell(self, sentences: Iterable[str]) -> None:
        for sentence in sentences:
            if sentence not in self._said:
                self._said.add(sentence)
                log.warning("%s", sentence)


def _hhmm(moment: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(moment))
