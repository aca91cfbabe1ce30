"""All MongoDB work of the board, in one thread: connect, watch the revision, apply edits."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PyQt5.QtCore import pyqtSignal, pyqtSlot

from config.settings import Settings
from manager.workers import Worker
from pools.edits import Edit, Step, StepPartlyAppliedError, apply_step
from pools.errors import AfpoolsError, StoreUnavailableError
from pools.model import KnownHost, Pool
from scanner.sighting import Sighting
from storage.connection import StoreConnection
from storage.store import PoolStore

log = logging.getLogger(__name__)

WATCH_SECONDS = 1.0  # another board's edit (or the 2019 tool's) shows here within this much


@dataclass(frozen=True)
class StoreSnapshot:
    pools: list[Pool]
    known: list[KnownHost]
    revision: tuple[int, int]  # the store's change token when it was read


@dataclass(frozen=True)
class StepRequest:
    """An edit the user made (``do``), or an ``undo``/``redo`` of an earlier step."""

    label: str
    edits: tuple[Edit, ...]
    kind: str = "do"
    origin: Step | None = None  # the step an undo/redo came from, to give back on failure
    hosts_to_remember: tuple[str, ...] = ()  # typed-in names to keep in the Farm column


class StoreWorker(Worker):
    """Owns the connection; every store call of the board happens here, but the jobs
    worker's reads (through the same connection, see ``connection``)."""

    connected = pyqtSignal(str)  # where the database is
    loaded = pyqtSignal(object)  # StoreSnapshot
    unreachable = pyqtSignal(str)  # one sentence
    step_applied = pyqtSignal(object, object)  # StepRequest, Step | None
    step_failed = pyqtSignal(object, str, object)  # StepRequest, one sentence, Step that stands
    sightings_recorded = pyqtSignal(list, int)  # names kept, how many were new
    host_named = pyqtSignal(str, str)  # old name (an IP), new name
    hosts_forgotten = pyqtSignal(list)  # the names that were known

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        # The embedded server's death is said at once (it is started again right after).
        self._connection = StoreConnection(settings, on_lost=self.unreachable.emit)
        self._store: PoolStore | None = None
        self._client: object = None  # the client self._store talks through
        self._answered = False  # the store answered since it was made or last failed
        self._revision: tuple[int, int] | None = None
        self.description = ""

    @property
    def connection(self) -> StoreConnection:
        """The connection (thread-safe), for a reader of its own: it closes with this worker,
        so a reader that uses it must stop first."""
        return self._connection

    # -- lifecycle (worker thread) ------------------------------------------------------

    def on_started(self) -> None:
        self.watch()
        self.every(WATCH_SECONDS, self.watch)

    def on_stopping(self) -> None:
        self._store = self._client = None  # the connection closes their client
        self._connection.close()

    def _connect(self) -> PoolStore:
        """The store on the server that serves now; ``connected`` when that is a new one.

        Every call makes sure the embedded server runs: when it died, it is started again
        (or the one another copy started is joined) before anything is read.
        """
        database = self._connection.database()
        if self._store is None or self._client is not database.client:
            self._store = PoolStore(database, user=self.settings.user_name)
            self._client, self._answered = database.client, False
        store = self._store
        if not self._answered:  # new, or back after a failure: say where it is
            store.ensure_schema()
            self._answered = True
            embedded = self._connection.embedded is not None
            self.description = "embedded database" if embedded else "MongoDB"
            where = self._connection.description if embedded else f"MongoDB at {store.address}"
            self.connected.emit(where)
        return store

    # -- watching -----------------------------------------------------------------------

    @pyqtSlot()
    def watch(self) -> None:
        """Reload when the pools changed (another board, the CLI, the service, the 2019 tool)."""
        if self.stopping:
            return
        try:
            store = self._connect()
            token = store.change_token()
            if token != self._revision:
                self._load(store, token)
        except StoreUnavailableError as error:
            self._revision = None  # reload everything once it is back
            self._answered = False  # say ``connected`` again once it is back
            self.unreachable.emit(str(error))
        except Exception as error:  # a bug or a document we cannot read: say it, keep going
            log.exception("watching the store failed")
            self.failed.emit(f"The pools could not be read ({type(error).__name__}: {error}).")

    @pyqtSlot()
    def reload(self) -> None:
        self._revision = None
        self.watch()

    def _load(self, store: PoolStore, token: tuple[int, int]) -> None:
        snapshot = StoreSnapshot(store.pools(), store.known_hosts(), token)
        self._revision = token
        self.loaded.emit(snapshot)

    # -- known hosts --------------------------------------------------------------------

    @pyqtSlot(list)
    def record_sightings(self, sightings: list[Sighting]) -> None:
        """A scan's findings join the store's hosts; the board reloads like after any edit."""

        def record() -> tuple[list[str], int]:
            store = self._connect()
            before = {h.name for h in store.known_hosts()}
            names = store.record_sightings(sightings)
            return names, len(set(names) - before)

        recorded = self.guarded(record)
        if recorded is not None:
            self.sightings_recorded.emit(*recorded)
        self.watch()

    @pyqtSlot(list)
    def forget_hosts(self, names: list[str]) -> None:
        forgotten = self.guarded(lambda: self._connect().forget_hosts(names))
        if forgotten is not None:
            self.hosts_forgotten.emit(forgotten)
        self.watch()

    @pyqtSlot(str, str)
    def name_host(self, current: str, new: str) -> None:
        named = self.guarded(lambda: self._connect().name_host(current, new))
        if named is not None:
            self.host_named.emit(current, named.name)
        self.watch()

    # -- edits --------------------------------------------------------------------------

    @pyqtSlot(object)
    def apply(self, request: StepRequest) -> None:
        try:
            store = self._connect()
            for name in request.hosts_to_remember:
                store.record_host(name, source="manual")
            step = apply_step(store, request.label, request.edits)
        except StepPartlyAppliedError as error:
            self.step_failed.emit(request, str(error), error.step)
            self.watch()
            return
        except AfpoolsError as error:
            self.step_failed.emit(request, str(error), None)
            self.watch()
            return
        except Exception as error:  # a bug must not take the board down with it
            log.exception("applying %s failed", request.label)
            unexpected = f"Unexpected error ({type(error).__name__}: {error})."
            self.step_failed.emit(request, unexpected, None)
            return
        self.step_applied.emit(request, step)
        self.watch()
