"""Keeps the snapshot in step with the store and afserver, off the event loop.

The store is polled for its revision (one tiny read) every ``refresh_interval``; only a new
revision loads the pools again. The 2019 tool, still running at some studios, writes pools
without counting revisions, so a full reload also happens every ``full_reload_interval``.
afserver's renders are polled on their own clock, for host states and exclude masks. When
the store goes away, the last snapshot keeps answering and health says so; when it comes
back, the next poll picks it up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, TypeVar

from afserver.client import AfserverClient
from afserver.renders import hosts_from_renders
from pools.errors import AfpoolsError
from pools.model import Host
from poolserver.mask_answers import MaskBook
from poolserver.snapshot import AFSERVER_DOWN, AFSERVER_OFF, AFSERVER_OK, Snapshot, StoreData
from poolserver.store_link import StoreLink

T = TypeVar("T")
log = logging.getLogger("afpools.poolserver")


@dataclass(frozen=True)
class Current:
    """A snapshot and the mask answers computed from it, replaced together."""

    snapshot: Snapshot
    masks: MaskBook


class SnapshotKeeper:
    """Owns the current snapshot; handlers read ``current`` and never wait for the store."""

    def __init__(
        self,
        link: StoreLink,
        executor: Executor,
        *,
        refresh_interval: float,
        afserver: AfserverClient | None = None,
        afserver_interval: float = 0.0,
        full_reload_interval: float = 30.0,
    ) -> None:
        self._link = link
        self._executor = executor
        self._refresh_interval = max(0.05, refresh_interval)
        self._afserver = afserver if afserver_interval > 0 else None
        self._afserver_interval = afserver_interval
        self._full_reload_interval = full_reload_interval
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._data: StoreData | None = None
        self._loaded_at = 0.0
        self._renders: tuple[Host, ...] = ()
        self._afserver_state = AFSERVER_OFF if self._afserver is None else AFSERVER_DOWN
        self._afserver_error = ""
        self.current: Current | None = None
        self.store_error = ""
        self._store_seen = False

    async def start(self) -> None:
        """Load once (so the service opens its ports with pools to answer), then keep up."""
        await self._refresh_store(force=True)
        self._tasks.append(asyncio.create_task(self._store_loop(), name="poolserver-store"))
        if self._afserver is not None:
            self._tasks.append(
                asyncio.create_task(self._afserver_loop(), name="poolserver-afserver")
            )

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def refresh_now(self) -> None:
        """Load the store now (after a write), so the writer's next read sees its change."""
        await self._refresh_store(force=True)

    def health(self) -> dict[str, Any]:
        current = self.current
        if current is None:
            status = "unavailable"
        elif self.store_error:
            status = "degraded"
        else:
            status = "ok"
        answer: dict[str, Any] = {
            "status": status,
            "store": "unreachable" if self.store_error else ("ok" if self._store_seen else "?"),
            "store_address": self._link.description,
            "afserver": self._afserver_state,
            "revision": current.snapshot.revision if current else None,
            "snapshot_age_s": round(current.snapshot.age, 3) if current else None,
            "pools": len(current.snapshot.pools) if current else 0,
        }
        if self.store_error:
            answer["store_error"] = self.store_error
        if self._afserver_error:
            answer["afserver_error"] = self._afserver_error
        return answer

    # -- the store ------------------------------------------------------------------------

    async def _store_loop(self) -> None:
        while True:
            await self._refresh_store(force=False)
            await asyncio.sleep(self._refresh_interval)

    async def _refresh_store(self, *, force: bool) -> None:
        loop = asyncio.get_running_loop()
        async with self._lock:
            try:
                fresh = loop.time() - self._loaded_at < self._full_reload_interval
                if not force and self._data is not None and fresh:
                    revision = await self._in_thread(self._link.revision)
                    if revision == self._data.revision:
                        self._store_reached()
                        return
                data = await self._in_thread(self._link.load)
            except AfpoolsError as error:
                self._store_failed(str(error))
                return
            self._store_reached()
            self._loaded_at = loop.time()
            if data == self._data and self.current is not None:
                return
            self._data = data
            await self._rebuild()

    def _store_reached(self) -> None:
        if self.store_error:
            log.warning("The pool store is reachable again (%s).", self._link.description)
        self.store_error = ""
        self._store_seen = True

    def _store_failed(self, sentence: str) -> None:
        if sentence != self.store_error:
            kept = " Answers come from the last snapshot." if self.current else ""
            log.error("%s%s", sentence, kept)
        self.store_error = sentence

    # -- afserver -------------------------------------------------------------------------

    async def _afserver_loop(self) -> None:
        client = self._afserver
        assert client is not None
        while True:
            try:
                renders = await self._in_thread(client.renders)
                hosts, state, error = tuple(hosts_from_renders(renders)), AFSERVER_OK, ""
            except (AfpoolsError, OSError) as failure:
                hosts, state, error = self._renders, AFSERVER_DOWN, str(failure)
            if error and error != self._afserver_error:
                log.warning("%s Host states are unknown until it answers.", error)
            elif not error and self._afserver_error:
                log.warning("afserver at %s answers again.", client.address)
            self._afserver_error = error
            if (hosts, state) != (self._renders, self._afserver_state):
                async with self._lock:
                    self._renders, self._afserver_state = hosts, state
                    if self._data is not None:
                        await self._rebuild()
            await asyncio.sleep(self._afserver_interval)

    # -- building -------------------------------------------------------------------------

    async def _rebuild(self) -> None:
        assert self._data is not None
        snapshot = await self._in_thread(Snapshot, self._data, self._renders, self._afserver_state)
        self.current = Current(snapshot, MaskBook(snapshot))

    async def _in_thread(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)
