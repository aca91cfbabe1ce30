"""Connects the workers, the farm and the board, and turns gestures into store edits.

Everything here runs on the UI thread and only ever does quick work: the network is the
workers' business. Edits go to the store worker as ``StepRequest`` values; the board
changes when the store's new state comes back, for this board and every other one.
"""

from __future__ import annotations

import time

from PyQt5.QtCore import QObject, pyqtSignal

from afserver.connect import client_for
from config.settings import Settings
from manager.afserver_worker import AfserverPoller, PollResult
from manager.evented_farm import EventedFarm
from manager.network_worker import NetworkWorker
from manager.store_worker import StepRequest, StoreSnapshot, StoreWorker
from manager.workers import WorkerThread
from pools.drops import Drop, plan_drop
from pools.edits import Edit, Step, UndoHistory
from pools.farm import HostFilter
from pools.model import unreadable_warning
from scanner.scan import ScanResult


def plural(count: int, noun: str, nouns: str = "") -> str:
    """ "1 host", "2 hosts"; irregular plurals as a second word ("change is", "changes are")."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {nouns or noun + 's'}"


def describe_hosts(hosts: list[str]) -> str:
    return hosts[0] if len(hosts) == 1 else plural(len(hosts), "host")


class BoardController(QObject):
    """The board's behaviour; the window only lays it out."""

    afserver_state = pyqtSignal(bool, str)  # reachable, one sentence
    store_state = pyqtSignal(bool, str)
    message = pyqtSignal(str, str)  # level ("info" | "error"), one sentence
    history_changed = pyqtSignal()
    busy_changed = pyqtSignal(int)  # edits waiting for the store
    step_requested = pyqtSignal(object)  # to the store worker (queued)
    reload_requested = pyqtSignal()
    sightings_to_record = pyqtSignal(list)  # to the store worker
    host_name_requested = pyqtSignal(str, str)  # to the store worker
    scan_requested = pyqtSignal(bool)  # to the network worker: allow ranges wider than /22
    wake_requested = pyqtSignal(list)  # to the network worker: (name, mac, ip)
    forget_requested = pyqtSignal(str)  # to the network worker: stop watching a woken host
    scan_running = pyqtSignal(bool)
    scan_progress = pyqtSignal(int, int, int)  # found, probed, total
    scan_wide_confirm = pyqtSignal(str)  # ask the user, then scan_network(allow_wide=True)

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.evented = EventedFarm(parent=self)
        self.farm = self.evented.farm
        self.history = UndoHistory()
        self.afserver_ok: bool | None = None
        self.store_ok: bool | None = None
        self.last_poll = 0.0
        self.pending = 0
        self._unreadable_warning = ""

        self.poller = AfserverPoller(client_for(settings), settings.poll_interval)
        self.poller.polled.connect(self._on_poller_polled)
        self.poller.failed.connect(self._on_poller_failed)
        self.store_worker = StoreWorker(settings)
        self.store_worker.loaded.connect(self._on_store_loaded)
        self.store_worker.unreachable.connect(self._on_store_unreachable)
        self.store_worker.connected.connect(self._on_store_connected)
        self.store_worker.step_applied.connect(self._on_store_step_applied)
        self.store_worker.step_failed.connect(self._on_store_step_failed)
        self.step_requested.connect(self.store_worker.apply)  # queued: another thread
        self.reload_requested.connect(self.store_worker.reload)
        self.store_worker.sightings_recorded.connect(self._on_store_sightings_recorded)
        self.store_worker.host_named.connect(self._on_store_host_named)
        self.store_worker.failed.connect(lambda sentence: self.message.emit("error", sentence))
        self.sightings_to_record.connect(self.store_worker.record_sightings)
        self.host_name_requested.connect(self.store_worker.name_host)
        self.network = NetworkWorker(settings)
        self.network.scan_progress.connect(self.scan_progress)
        self.network.scan_finished.connect(self._on_network_scan_finished)
        self.network.scan_too_wide.connect(self._on_network_scan_too_wide)
        self.network.woken.connect(self._on_network_woken)
        self.network.answered.connect(self._on_network_answered)
        self.network.wake_timed_out.connect(self._on_network_wake_timed_out)
        self.network.failed.connect(self._on_network_failed)
        self.scan_requested.connect(self.network.run_scan)
        self.wake_requested.connect(self.network.wake_hosts)
        self.forget_requested.connect(self.network.forget)
        self.scanning = False
        self._threads = [
            WorkerThread(self.store_worker, "afpools-store"),
            WorkerThread(self.poller, "afpools-afserver"),
            WorkerThread(self.network, "afpools-network"),
        ]

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def shutdown(self) -> None:
        # Long enough for a database call that is under way to time out on its own.
        patience = max(2 * self.settings.mongodb_timeout, 10.0) + 2.0
        for thread in self._threads:
            thread.stop(timeout=patience)

    # -- afserver -----------------------------------------------------------------------

    def _on_poller_polled(self, result: PollResult) -> None:
        self.evented.apply_renders(result.changed, result.removed)
        for host in result.changed:
            if host.name in self.farm.waking and host.state.is_up:
                self._woke_up(host.name)
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

    # -- store --------------------------------------------------------------------------

    def _on_store_connected(self, where: str) -> None:
        self.store_ok = True  # edits are welcome again from this moment, not from the next load
        self.store_state.emit(True, where)

    def _on_store_loaded(self, snapshot: StoreSnapshot) -> None:
        was_ok = self.store_ok
        self.store_ok = True
        self.evented.apply_store(snapshot.pools, snapshot.known)
        warning = unreadable_warning(snapshot.pools)
        if warning != self._unreadable_warning:
            self._unreadable_warning = warning
            if warning:
                self.message.emit("warning", warning)
        if was_ok is not True:
            self.store_state.emit(True, self.store_worker.description or "database")

    def _on_store_unreachable(self, sentence: str) -> None:
        if self.store_ok is not False:
            self.store_ok = False
        self.store_state.emit(False, sentence)

    # -- filter -------------------------------------------------------------------------

    def set_filter(self, text: str, state: str) -> None:
        self.evented.set_filter(HostFilter(text, state))

    # -- edits --------------------------------------------------------------------------

    def request(self, label: str, edits: list[Edit], *, remember: tuple[str, ...] = ()) -> bool:
        """Send an edit to the store; refused at once, with a sentence, if it is down."""
        return self._send(StepRequest(label, tuple(edits), hosts_to_remember=remember))

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
            self.message.emit("info", f"{request.label[:1].upper()}{request.label[1:]}.")
        elif request.hosts_to_remember and not request.edits:
            self.message.emit("info", f"{request.label[:1].upper()}{request.label[1:]}.")
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

    # -- gestures -----------------------------------------------------------------------

    def drop(
        self, hosts: list[str], from_pool: str | None, to_pool: str | None, copy: bool
    ) -> None:
        """Farm → pool adds; pool → pool moves (Ctrl copies); pool → Farm removes."""
        self._request_drop(plan_drop(hosts, from_pool, to_pool, copy=copy))

    def add_to_pool(self, hosts: list[str], pool: str, *, remember: bool = False) -> bool:
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

    # -- network: scans and Wake-on-LAN -------------------------------------------------

    def scan_network(self, *, allow_wide: bool = False) -> None:
        if self.scanning:
            return
        self.scanning = True
        self.network.prepare_scan()
        self.scan_running.emit(True)
        self.scan_requested.emit(allow_wide)

    def cancel_scan(self) -> None:
        self.network.cancel_scan()  # thread-safe: the worker is busy inside the scan

    def _scan_ended(self) -> None:
        self.scanning = False
        self.scan_running.emit(False)

    def _on_network_scan_finished(self, result: ScanResult) -> None:
        self._scan_ended()
        for warning in result.warnings:
            self.message.emit("warning", warning)
        found = plural(len(result.sightings), "machine")
        where = ", ".join(result.ranges)
        how = "cancelled after" if result.cancelled else "took"
        self.message.emit("info", f"Scan of {where} found {found} ({how} {result.seconds:.1f} s).")
        if result.sightings:
            self.sightings_to_record.emit(list(result.sightings))

    def _on_network_scan_too_wide(self, sentence: str) -> None:
        self._scan_ended()
        self.scan_wide_confirm.emit(sentence)

    def _on_network_failed(self, sentence: str) -> None:
        if self.scanning:
            self._scan_ended()
        self.message.emit("error", sentence)

    def _on_store_sightings_recorded(self, names: list[str], new: int) -> None:
        if new:
            self.message.emit(
                "info", f"{plural(new, 'new machine')} in the Farm column, seen by scan."
            )

    def _on_store_host_named(self, old: str, new: str) -> None:
        self.message.emit("info", f"{old} is now named {new}.")

    def name_host(self, current: str, new: str) -> None:
        self.host_name_requested.emit(current, new)

    def wakeable(self, names: list[str]) -> list[tuple[str, str, str]]:
        """(name, mac, ip) of the machines among ``names`` that are down and have a MAC."""
        hosts = [self.farm.hosts[n] for n in names if n in self.farm.hosts]
        return [(h.name, h.mac, h.ip) for h in hosts if h.mac and not h.state.is_up]

    def wake(self, names: list[str]) -> None:
        targets = self.wakeable(names)
        if targets:
            self.wake_requested.emit(targets)

    def _on_network_woken(self, name: str, where: str) -> None:
        self.evented.set_waking(name, True)
        self.message.emit(
            "info", f"Wake-on-LAN sent to {name} ({where}); waiting for it to come up."
        )

    def _on_network_answered(self, name: str) -> None:
        if name in self.farm.waking:
            self._woke_up(name)

    def _on_network_wake_timed_out(self, name: str) -> None:
        if name in self.farm.waking:
            self._stop_waking(name)
            self.message.emit("warning", f"{name} did not come up after Wake-on-LAN.")

    def _stop_waking(self, name: str) -> None:
        self.evented.set_waking(name, False)
        self.forget_requested.emit(name)

    def _woke_up(self, name: str) -> None:
        self._stop_waking(name)
        self.message.emit("info", f"{name} is up.")

    # -- for the window -----------------------------------------------------------------

    def seconds_since_poll(self) -> float | None:
        return time.time() - self.last_poll if self.last_poll else None
