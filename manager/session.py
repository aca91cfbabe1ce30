"""The board's work, without its widgets: one farm, its jobs, a worker thread for each.

The edit session sends edits to the store and keeps undo and redo; the farm session merges
afserver's polls and the store's loads into the farm and announces the changes; the network
session scans and wakes machines; the jobs session keeps afserver's jobs as the agent sees
them; the usage session reads what the agent recorded; the native session keeps afserver's own pool
tree and moves renders in it. Each worker talks to them only through
signals, and is started here and waited for on shutdown. The window lays all this out.
"""

from __future__ import annotations

from PyQt5.QtCore import QObject, pyqtSignal

from afserver.connect import client_for
from config.settings import Settings
from manager.afserver_worker import AfserverPoller
from manager.edit_session import EditSession
from manager.evented_farm import EventedFarm
from manager.farm_session import FarmSession
from manager.jobs_session import JobsSession
from manager.jobs_worker import JobsWorker
from manager.native_session import NativeSession
from manager.native_worker import NativeWorker
from manager.network_session import NetworkSession
from manager.network_worker import NetworkWorker
from manager.store_worker import StoreWorker
from manager.usage_session import UsageSession
from manager.usage_worker import UsageWorker
from manager.workers import WorkerThread
from storage.store_source import StoreSource


class BoardSession(QObject):
    """What a board does; ``start`` it once its window shows, ``shutdown`` when it closes."""

    message = pyqtSignal(str, str)  # level ("info" | "warning" | "error" | "resolved"), sentence

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.evented = EventedFarm(parent=self)
        self.farm = self.evented.farm
        self.store_worker = StoreWorker(settings)
        self.poller = AfserverPoller(client_for(settings), settings.poll_interval)
        self.network_worker = NetworkWorker(settings)
        self.edits = EditSession(self.store_worker, self)
        self.farm_session = FarmSession(self.evented, self.poller, self.store_worker, self)
        self.network = NetworkSession(self.evented, self.network_worker, self.store_worker, self)
        self.usage_worker = UsageWorker(
            settings, StoreSource(self.store_worker.connection.database, settings.user_name)
        )
        self.usage = UsageSession(self.usage_worker, self)
        self.native_worker = NativeWorker(client_for(settings))  # afserver's own pool tree
        self.native = NativeSession(self.evented, self.poller, self.native_worker, self)
        for session in (self.edits, self.farm_session, self.network, self.usage, self.native):
            session.message.connect(self.message)
        self.store_worker.failed.connect(lambda sentence: self.message.emit("error", sentence))
        # The readers first to stop: they read through the store's connection.
        self._readers = [self._jobs_thread(), WorkerThread(self.usage_worker, "afpools-usage")]
        self._closed = False
        self._threads = [
            *self._readers,
            WorkerThread(self.store_worker, "afpools-store"),
            WorkerThread(self.poller, "afpools-afserver"),
            WorkerThread(self.network_worker, "afpools-network"),
            WorkerThread(self.native_worker, "afpools-native"),
        ]

    def _jobs_thread(self) -> WorkerThread:
        """afserver's jobs, read and decided off the UI thread for the jobs panel."""
        stores = StoreSource(self.store_worker.connection.database, self.settings.user_name)
        self.jobs_worker = JobsWorker(
            client_for(self.settings), stores, self.settings.board_jobs_interval
        )
        self.jobs = JobsSession(self.jobs_worker, self)
        return WorkerThread(self.jobs_worker, "afpools-jobs")

    def start(self) -> None:
        """The store, afserver, network and native workers at once; the jobs and usage
        readers once the first poll is shown (or afserver failed to answer it): on a big
        farm, their first reads would take the interpreter and the database from the
        first paint, which needs neither."""
        for thread in self._threads[len(self._readers) :]:
            thread.start()
        self.farm_session.afserver_state.connect(self._start_readers)

    def _start_readers(self) -> None:
        self.farm_session.afserver_state.disconnect(self._start_readers)
        if not self._closed:
            for thread in self._readers:
                thread.start()

    def shutdown(self) -> None:
        self._closed = True
        # Long enough for a database call that is under way to time out on its own.
        patience = max(2 * self.settings.mongodb_timeout, 10.0) + 2.0
        for thread in self._threads:
            thread.stop(timeout=patience)
