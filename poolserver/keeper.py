"""Keeps the snapshot in step with the store and afserver, off the event loop.

The store is polled for its change token every ``refresh_interval`` (the change counter and
a change stream on the pools, or a hash where the server has none, so the 2019 tool's edits
are seen too); only a new token loads the pools again, after recording other tools' edits
in the history. A full reload also happens every ``full_reload_interval``, as a safety net.
afserver's renders are polled on their own clock, for host states and exclude masks, and
with them its native pool tree for /v1/native (``native_view``). When
the store goes away, the last snapshot keeps answering and health says so; when it comes
back, the next poll picks it up.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, TypeVar

from afserver.client import AfserverClient
from afserver.renders import PolledHosts
from agent.loop import OFF, AgentStatus
from pools.errors import AfpoolsError
from pools.job_list import unattended as jobs_unattended
from pools.model import Host
from poolserver.mask_answers import MaskBook
from poolserver.native_view import NativeBook
from poolserver.snapshot import AFSERVER_DOWN, AFSERVER_OFF, AFSERVER_OK, Snapshot, StoreData
from poolserver.store_link import StoreLink

T = TypeVar("T")
log = logging.getLogger("afpools.poolserver")
STORE_UNKNOWN = "?"
STORE_OK = "ok"
STORE_DOWN = "unreachable"
STORE_FAILING = "error"  # reachable, but what it holds could not be read


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
        agent_status: Callable[[], AgentStatus | None] = lambda: None,
    ) -> None:
        self._link = link
        self._executor = executor
        self._refresh_interval = max(0.05, refresh_interval)
        self._afserver = afserver if afserver_interval > 0 else None
        self._afserver_interval = afserver_interval
        self._full_reload_interval = full_reload_interval
        self.agent_status = agent_status
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._data: StoreData | None = None
        self._loaded_at = 0.0
        self._renders: tuple[Host, ...] = ()
        self._polled = PolledHosts()  # a render as it was keeps its host, poll after poll
        self._afserver_state = AFSERVER_OFF if self._afserver is None else AFSERVER_DOWN
        self._afserver_error = ""
        self._afserver_fault = False  # the last poll failed in a way nobody foresaw
        self.current: Current | None = None
        # afserver's native pool tree for /v1/native, read with the renders (None: not polled)
        self.native = NativeBook() if self._afserver is not None else None
        self.store_error = ""
        self._store_state = STORE_UNKNOWN

    async def start(self) -> None:
        """Load once (so the service opens its ports with pools to answer), then keep up."""
        await self._refresh_store(force=True)
        self._tasks.append(asyncio.create_task(self._store_loop(), name="poolserver-store"))
        if self._afserver is not None:
            self._tasks.append(
                asyncio.create_task(self._afserver_loop(), name="poolserver-afserver")
            )

    async def stop(self) -> None:
        """Cancel the loops; one that ended with an error is logged, never raised here."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            try:
                await task
            except asyncio.CancelledError:
                pass
            except Exception:
                log.exception("The %s task had ended with an error.", task.get_name())

    async def refresh_now(self) -> None:
        """Load the store now (after a write), so the writer's next read sees its change."""
        await self._refresh_store(force=True)

    def health(self) -> dict[str, Any]:
        """What /v1/health says: "degraded" when the store fails or a loop hit an error."""
        current = self.current
        agent = self.agent_status()
        agent_warning = unattended(agent)
        if current is None:
            status = "unavailable"
        elif self.store_error or self._afserver_fault or agent_warning:
            status = "degraded"
        else:
            status = "ok"
        answer: dict[str, Any] = {
            "status": status,
            "store": self._store_state,
            "store_address": self._link.description,
            "afserver": self._afserver_state,
            "revision": current.snapshot.revision if current else None,
            "snapshot_age_s": round(current.snapshot.age, 3) if current else None,
            "pools": len(current.snapshot.pools) if current else 0,
            "agent": agent.role if agent is not None else OFF,
        }
        if agent is not None and agent.pass_at:
            answer["jobs_waiting_for_a_pool"] = len(agent.waiting)
            answer["jobs_waiting_for_the_agent"] = len(agent.unwritten)
        if agent_warning:
            answer["agent_warning"] = agent_warning
        if agent is not None and agent.error:
            answer["agent_error"] = agent.error
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
        """Load if the store changed; any failure is recorded for health, never raised."""
        async with self._lock:
            try:
                await self._load(force=force)
            except AfpoolsError as error:
                self._store_failed(str(error), STORE_DOWN)
            except Exception as error:  # a document or a bug we did not foresee
                sentence = (
                    f"The pools in {self._link.description} cannot be read "
                    f"({_describe(error)}); the service log has the details."
                )
                self._store_failed(sentence, STORE_FAILING, error)

    async def _load(self, *, force: bool) -> None:
        loop = asyncio.get_running_loop()
        fresh = loop.time() - self._loaded_at < self._full_reload_interval
        if not force and self._data is not None and fresh:
            token = await self._in_thread(self._link.change_token)
            if token == self._data.token:
                self._store_reached()
                return
        data = await self._in_thread(self._link.load)
        if data != self._data or self.current is None:
            await self._rebuild(data)
        self._loaded_at = loop.time()
        self._store_reached()

    def _store_reached(self) -> None:
        if self.store_error:
            log.warning("The pool store is readable again (%s).", self._link.description)
        self.store_error = ""
        self._store_state = STORE_OK

    def _store_failed(self, sentence: str, state: str, error: Exception | None = None) -> None:
        if sentence != self.store_error:
            kept = " Answers come from the last snapshot." if self.current else ""
            log.error("%s%s", sentence, kept, exc_info=error)
        self.store_error = sentence
        self._store_state = state
        self._loaded_at = -math.inf  # the next poll loads everything, not just the revision

    # -- afserver -------------------------------------------------------------------------

    async def _afserver_loop(self) -> None:
        client = self._afserver
        assert client is not None
        while True:
            try:
                await self._poll_afserver(client)
            except Exception as error:  # a reply or a bug we did not foresee: keep polling
                self._afserver_failed(client, error)
                try:
                    await self._use_renders(self._renders, AFSERVER_DOWN)
                except Exception:  # the snapshot cannot be built: the store loop says why
                    log.debug("No snapshot without afserver's states either.", exc_info=True)
            await asyncio.sleep(self._afserver_interval)

    async def _poll_afserver(self, client: AfserverClient) -> None:
        try:
            # read and turned into hosts off the event loop (a big farm's first poll builds
            # every host)
            hosts = tuple(await self._in_thread(lambda: self._polled.hosts(client.renders())))
        except (AfpoolsError, OSError) as failure:
            if str(failure) != self._afserver_error:
                log.warning("%s Host states are unknown until it answers.", failure)
            self._afserver_error, self._afserver_fault = str(failure), False
            if self.native is not None:
                self.native.unreachable(str(failure))
            await self._use_renders(self._renders, AFSERVER_DOWN)
            return
        if self.native is not None:
            await self._in_thread(self.native.read, client, hosts)
        if self._afserver_error:
            log.warning("afserver at %s answers again.", client.address)
        self._afserver_error, self._afserver_fault = "", False
        await self._use_renders(hosts, AFSERVER_OK)

    def _afserver_failed(self, client: AfserverClient, error: Exception) -> None:
        sentence = (
            f"afserver's renders at {client.address} cannot be used "
            f"({_describe(error)}); the service log has the details."
        )
        if sentence != self._afserver_error:
            log.error("%s Host states are unknown.", sentence, exc_info=error)
        self._afserver_error, self._afserver_fault = sentence, True

    async def _use_renders(self, hosts: tuple[Host, ...], state: str) -> None:
        if (hosts, state) == (self._renders, self._afserver_state):
            return
        async with self._lock:
            if self._data is not None:
                await self._rebuild(self._data, hosts, state)
            self._renders, self._afserver_state = hosts, state

    # -- building -------------------------------------------------------------------------

    async def _rebuild(
        self,
        data: StoreData,
        renders: tuple[Host, ...] | None = None,
        afserver: str | None = None,
    ) -> None:
        """Build the snapshot in a thread; ``current`` changes only when it is complete."""
        renders = self._renders if renders is None else renders
        afserver = self._afserver_state if afserver is None else afserver
        snapshot = await self._in_thread(Snapshot, data, renders, afserver)
        self.current = Current(snapshot, MaskBook(snapshot))
        self._data = data

    async def _in_thread(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)


def unattended(agent: AgentStatus | None) -> str:
    """A sentence when jobs wait for their pools' masks and no agent holds the lease."""
    if agent is None:
        return ""
    return jobs_unattended(agent.decisions, agent.lease_held(time.time()))


def _describe(error: BaseException) -> str:
    text = str(error).strip().rstrip(".")
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
