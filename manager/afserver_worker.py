"""Polls afserver off the UI thread and reports only the renders that changed."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from PyQt5.QtCore import pyqtSignal

from afserver.client import AfserverClient
from afserver.framing import JsonObject
from afserver.native import NativePools, NativePoolsUnsupportedError
from afserver.renders import hosts_from_renders
from manager.workers import Worker, collector_waiting, release_in_steps
from pools.farm import diff_hosts
from pools.model import Host
from pools.native import NativePool

RESOURCES_EVERY = 15  # polls; cores and memory hardly change, new renders fetch them at once
NATIVE_RETRY_EVERY = 15  # polls; a server without native pools is asked again now and then


@dataclass(frozen=True)
class PollResult:
    changed: list[Host]
    removed: set[str]
    total: int
    at: float = field(default_factory=time.time)
    # afserver's native pools, read in the same poll; None when not read this time
    native: tuple[NativePool, ...] | None = None
    native_problem: str = ""  # the sentence when afserver has no native pools


class AfserverPoller(Worker):
    """Renders (and now and then their resources), ``interval`` seconds after the last poll."""

    polled = pyqtSignal(object)  # PollResult
    poll_started = pyqtSignal()

    def __init__(self, client: AfserverClient, interval: float) -> None:
        super().__init__()
        self.client = client
        self.interval = interval
        self._previous: dict[str, Host] = {}
        self._resources: list[dict[str, object]] | None = None
        self._polls = 0
        self._native = NativePools(client)
        self._native_known: bool | None = None  # whether afserver has native pools

    def on_started(self) -> None:
        self.poll()
        self.every(self.interval, self.poll, apart=True)

    def poll(self) -> None:
        if self.stopping:
            return
        self.poll_started.emit()
        result = self.guarded(self._poll)
        if result is not None:
            self.polled.emit(result)

    def _poll(self) -> PollResult:
        with collector_waiting():
            renders = self.client.renders()
            try:
                return self._news(renders)
            finally:
                release_in_steps(renders)  # all of it before the collector looks again

    def _news(self, renders: list[JsonObject]) -> PollResult:
        new_names = {str(r.get("name")) for r in renders} - set(self._previous)
        if self._resources is None or new_names or self._polls % RESOURCES_EVERY == 0:
            self._resources = self.client.render_resources()
        self._polls += 1
        hosts = hosts_from_renders(renders, self._resources)
        changed, removed = diff_hosts(self._previous, hosts)
        # Keep the hosts of the last poll that did not change: the new copies go at once
        # instead of aging into the collector's oldest generation, poll after poll.
        for name in removed:
            del self._previous[name]
        self._previous.update((host.name, host) for host in changed)
        total = len(hosts)
        release_in_steps(hosts)
        native, problem = self._native_pools()
        return PollResult(changed, removed, total, native=native, native_problem=problem)

    def _native_pools(self) -> tuple[tuple[NativePool, ...] | None, str]:
        """afserver's pool tree, in the same poll as the renders (no second poll loop)."""
        if self._native_known is False and self._polls % NATIVE_RETRY_EVERY:
            return None, ""
        try:
            pools = tuple(self._native.pools())
        except NativePoolsUnsupportedError as error:
            self._native_known = False
            return None, str(error)
        self._native_known = True
        return pools, ""
