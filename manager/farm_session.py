"""The farm kept current: afserver's polls and the store's loads merged, changes announced.

The poller and the store worker report on their own threads; here, on the UI thread, their
news goes into the one ``EventedFarm``, which announces what changed to every model and
column. The session also says whether afserver answers: while it does not, the cards show
the last known state, marked stale.
"""

from __future__ import annotations

import time

from PyQt5.QtCore import QObject, pyqtSignal

from manager.afserver_worker import AfserverPoller, PollResult
from manager.evented_farm import EventedFarm
from manager.store_worker import StoreSnapshot, StoreWorker
from manager.workers import collector_waiting
from pools.farm import HostFilter
from pools.model import unreadable_warning


class FarmSession(QObject):
    """Polling and merging into ``evented``, the farm that announces its changes."""

    afserver_state = pyqtSignal(bool, str)  # reachable, one sentence
    message = pyqtSignal(str, str)  # level ("info" | "warning" | "error"), one sentence

    def __init__(
        self,
        evented: EventedFarm,
        poller: AfserverPoller,
        store: StoreWorker,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.evented = evented
        self.poller = poller
        self.afserver_ok: bool | None = None
        self.last_poll = 0.0
        self._unreadable_warning = ""
        poller.polled.connect(self._on_poller_polled)
        poller.failed.connect(self._on_poller_failed)
        store.loaded.connect(self._on_store_loaded)

    def _on_poller_polled(self, result: PollResult) -> None:
        with collector_waiting():
            self.evented.apply_renders(result.changed, result.removed)
        self.last_poll = result.at
        if self.afserver_ok is not True:
            self.afserver_ok = True
            self.evented.set_stale(False)
            self.afserver_state.emit(True, f"afserver {self.poller.client.address}")

    def _on_poller_failed(self, sentence: str) -> None:
        if self.afserver_ok is not False:
            self.afserver_ok = False
            self.evented.set_stale(True)
        self.afserver_state.emit(False, sentence)

    def _on_store_loaded(self, snapshot: StoreSnapshot) -> None:
        with collector_waiting():
            self.evented.apply_store(snapshot.pools, snapshot.known)
        warning = unreadable_warning(snapshot.pools)
        if warning != self._unreadable_warning:
            self._unreadable_warning = warning
            if warning:
                self.message.emit("warning", warning)

    def set_filter(self, text: str, state: str) -> None:
        """The find field and the state filter, for every column at once."""
        self.evented.set_filter(HostFilter(text, state))

    def seconds_since_poll(self) -> float | None:
        return time.time() - self.last_poll if self.last_poll else None
