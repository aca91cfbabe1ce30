"""Edits on their way to the store: requests, the count still being saved, undo and redo.

Every gesture becomes a ``StepRequest`` for the store worker; the board changes when the
store's new state comes back (through the farm session), for this board and every other
one. The session also follows whether the database takes edits at all: while it is down,
a request is refused at once with a sentence instead of being lost on the way.
"""

from __future__ import annotations

from PyQt5.QtCore import QObject, pyqtSignal

from manager.store_worker import StepRequest, StoreSnapshot, StoreWorker
from pools.drops import Drop, plan_drop
from pools.edits import Edit, Step, UndoHistory
from pools.wording import describe_hosts


class EditSession(QObject):
    """The board's edits and their history; runs on the UI thread, the store on its own."""

    store_state = pyqtSignal(bool, str)  # reachable, one sentence
    message = pyqtSignal(str, str)  # level ("info" | "warning" | "error"), one sentence
    history_changed = pyqtSignal()
    busy_changed = pyqtSignal(int)  # edits waiting for the store
    step_requested = pyqtSignal(object)  # to the store worker (queued)
    reload_requested = pyqtSignal()

    def __init__(self, store: StoreWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history = UndoHistory()
        self.store_ok: bool | None = None
        self.pending = 0
        self._store = store
        store.connected.connect(self._on_store_connected)
        store.loaded.connect(self._on_store_loaded)
        store.unreachable.connect(self._on_store_unreachable)
        store.step_applied.connect(self._on_store_step_applied)
        store.step_failed.connect(self._on_store_step_failed)
        self.step_requested.connect(store.apply)  # queued: another thread
        self.reload_requested.connect(store.reload)

    # -- whether the database takes edits ------------------------------------------------

    def _on_store_connected(self, where: str) -> None:
        self.store_ok = True  # edits are welcome again from this moment, not from the next load
        self.store_state.emit(True, where)

    def _on_store_loaded(self, _snapshot: StoreSnapshot) -> None:
        was_ok, self.store_ok = self.store_ok, True
        if was_ok is not True:
            self.store_state.emit(True, self._store.description or "database")

    def _on_store_unreachable(self, sentence: str) -> None:
        self.store_ok = False
        self.store_state.emit(False, sentence)

    # -- requests -----------------------------------------------------------------------

    def request(self, label: str, edits: list[Edit], *, remember: tuple[str, ...] = ()) -> bool:
        """Send an edit to the store; refused at once, with a sentence, if it is down."""
        return self._send(StepRequest(label, tuple(edits), hosts_to_remember=remember))

    def drop(
        self, hosts: list[str], from_pool: str | None, to_pool: str | None, copy: bool
    ) -> None:
        """Farm → pool adds; pool → pool moves (Ctrl copies); pool → Farm removes."""
        self._request_drop(plan_drop(hosts, from_pool, to_pool, copy=copy))

    def add_to_pool(self, hosts: list[str], pool: str, *, remember: bool = False) -> bool:
        """As if dropped from the Farm: the hosts join ``pool`` wherever else they are."""
        return self._request_drop(
            plan_drop(hosts, None, pool, copy=False), remember=tuple(hosts) if remember else ()
        )

    def remove_from_pool(self, hosts: list[str], pool: str) -> bool:
        return self._request_drop(plan_drop(hosts, pool, None, copy=False))

    def _request_drop(self, drop: Drop | None, *, remember: tuple[str, ...] = ()) -> bool:
        if drop is None:
            return False
        label = drop.label(describe_hosts(list(drop.hosts)))
        return self.request(label, list(drop.edits), remember=remember)

    def remember_hosts(self, hosts: list[str]) -> None:
        """Typed-in machines that are off: they join the Farm column without a pool."""
        self._send(
            StepRequest(f"remember {describe_hosts(hosts)}", (), hosts_to_remember=tuple(hosts))
        )

    def _send(self, request: StepRequest) -> bool:
        if self.store_ok is False:
            self.message.emit(
                "error", f"Not saved: {request.label} — the database cannot be reached right now."
            )
            return False
        self.pending += 1
        self.busy_changed.emit(self.pending)
        self.step_requested.emit(request)
        return True

    # -- undo and redo ------------------------------------------------------------------

    def undo(self) -> None:
        self._replay(self.history.take_undo(), "undo")

    def redo(self) -> None:
        self._replay(self.history.take_redo(), "redo")

    def _replay(self, step: Step | None, kind: str) -> None:
        """Apply a step's inverse; a refused request leaves the step where it was.

        While an edit is still being saved it is not in the history yet: undoing now would
        take back the one before it, so the step waits where it is.
        """
        if step is not None and self.pending:
            self.history.give_back(step, to_undo=kind == "undo")
            self.message.emit("info", f"Wait a moment: a change is still being saved ({kind}).")
            step = None
        if step is not None and not self._send(StepRequest(step.label, step.inverse, kind, step)):
            self.history.give_back(step, to_undo=kind == "undo")
        self.history_changed.emit()

    # -- answers from the store ---------------------------------------------------------

    def _on_store_step_applied(self, request: StepRequest, step: Step | None) -> None:
        self._done()
        if request.kind == "undo":
            self.history.undone(step)
            self.message.emit("info", f"Undone: {request.label}.")
        elif request.kind == "redo":
            self.history.redone(step)
            self.message.emit("info", f"Redone: {request.label}.")
        elif step is not None:
            self.history.record(step)
            self.message.emit("info", f"Saved: {request.label}.")  # done, not a command
        elif request.hosts_to_remember and not request.edits:
            self.message.emit("info", f"Saved: {request.label}.")
        else:
            self.message.emit("info", f"Nothing to change: {request.label}.")
        self.history_changed.emit()

    def _on_store_step_failed(
        self, request: StepRequest, sentence: str, stands: Step | None
    ) -> None:
        self._done()
        if request.origin is not None:
            self.history.give_back(request.origin, to_undo=request.kind == "undo")
        if stands is not None:  # half a move stood: it can still be undone
            self.history.record(stands)
        self.history_changed.emit()
        self.message.emit("error", f"Not saved: {request.label} — {sentence}")

    def _done(self) -> None:
        self.pending = max(0, self.pending - 1)
        self.busy_changed.emit(self.pending)
