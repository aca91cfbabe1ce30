"""Polls afserver off the UI thread and reports only the renders that changed."""

from __future__ import annotations

import time
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from PyQt5.QtCore import pyqtSignal

from afserver.client import AfserverClient
from afserver.framing import JsonObject
from afserver.native import NativePools, NativePoolsUnsupportedError
from afserver.renders import (
    NO_SIZES,
    PolledHosts,
    decode_renders,
    decode_resources,
    resources_by_id,
)
from manager.workers import WindowFirst, Worker, collector_waiting, release_in_steps
from pools.farm import diff_hosts
from pools.model import Host
from pools.native import NativePool

# What a poll reads beside the renders: their resources (None when not due), afserver's
# native pools (None when not read) and the sentence when it has none.
Beside = tuple[list[JsonObject] | None, tuple[NativePool, ...] | None, str]

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
        self._hosts = PolledHosts()
        self._sizes: Mapping[int, Mapping[str, Any]] | None = None  # machine sizes by render id
        self._polls = 0
        self._native = NativePools(client)
        self._native_missing = False  # afserver said it has no native pools
        self._window_first = WindowFirst()  # made in the window's thread

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
        # The window waits for the first poll (it has nothing else to show): no turn given.
        self._window_first.start(most=None if self._polls else 0.0)
        with collector_waiting():
            renders, beside = self._read()
            try:
                return self._news(renders, *beside)
            finally:  # all of it before the collector looks again
                release_in_steps(renders, between_steps=self._window_first)

    def _read(self) -> tuple[list[JsonObject], Beside]:
        """The renders, and what the poll reads besides them: the native pool tree, and the
        resources when they are due whatever the renders say (the first poll, then every
        ``RESOURCES_EVERY``). The first poll asks for those the moment the renders have
        arrived, so that afserver sends them while the renders are decoded (at 20,000
        renders, the first paint comes a seventh of a second sooner). Later polls, which
        nobody waits for, read one thing after the other, the window first between steps."""
        with_resources = self._sizes is None or self._polls % RESOURCES_EVERY == 0
        if self._polls:
            self._window_first.before_first_step()
            renders = self.client.renders(decode=self._decode_renders)
            return renders, self._beside(with_resources)
        beside: list[Future[Beside]] = []
        # leaving the block waits for it: never left running, whatever became of the renders
        with ThreadPoolExecutor(1, thread_name_prefix="afpools-afserver-beside") as alongside:

            def decode(body: bytes) -> JsonObject:
                if not beside:
                    beside.append(alongside.submit(self._beside, with_resources))
                return self._decode_renders(body)

            renders = self.client.renders(decode=decode)
        return renders, beside[0].result()

    def _decode_renders(self, body: bytes) -> JsonObject:
        return decode_renders(body, self._window_first)

    def _resources(self) -> list[JsonObject]:
        return self.client.render_resources(
            decode=lambda body: decode_resources(body, self._window_first)
        )

    def _beside(self, with_resources: bool) -> Beside:
        resources = self._resources() if with_resources else None
        return (resources, *self._native_pools())

    def _news(
        self,
        renders: list[JsonObject],
        resources: list[JsonObject] | None,
        native: tuple[NativePool, ...] | None,
        problem: str,
    ) -> PollResult:
        if resources is not None:
            self._sizes = resources_by_id(resources)
        self._polls += 1
        step = self._window_first
        hosts = self._hosts.hosts(renders, self._sizes or NO_SIZES, step)
        changed, removed = diff_hosts(self._previous, hosts, step)
        if resources is None and any(host.name not in self._previous for host in changed):
            # a new render: its machine's size at once (the others keep their hosts)
            self._sizes = resources_by_id(self._resources())
            hosts = self._hosts.hosts(renders, self._sizes, step)
            changed, removed = diff_hosts(self._previous, hosts, step)
        # Keep the hosts of the last poll that did not change: the new copies go at once
        # instead of aging into the collector's oldest generation, poll after poll.
        for name in removed:
            del self._previous[name]
        self._previous.update((host.name, host) for host in changed)
        total = len(hosts)
        release_in_steps(hosts, between_steps=self._window_first)
        return PollResult(changed, removed, total, native=native, native_problem=problem)

    def _native_pools(self) -> tuple[tuple[NativePool, ...] | None, str]:
        """afserver's pool tree, in the same poll as the renders (no second poll loop)."""
        if self._native_missing and (self._polls + 1) % NATIVE_RETRY_EVERY:
            return None, ""
        try:
            pools = tuple(self._native.pools())
        except NativePoolsUnsupportedError as error:
            self._native_missing = True
            return None, str(error)
        self._native_missing = False
        return pools, ""
