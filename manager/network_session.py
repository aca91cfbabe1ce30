"""The board's network gestures: scanning the LAN, and Wake-on-LAN until a machine is up.

The network worker scans and wakes on its own thread; this session, on the UI thread, keeps
the state a user sees (a scan running, machines waking) and turns the worker's reports into
sentences. A woken machine is up when afserver says so (a farm change) or when it answers
on the network, whichever comes first.
"""

from __future__ import annotations

from collections.abc import Sequence

from PyQt5.QtCore import QObject, pyqtSignal

from manager.evented_farm import EventedFarm
from manager.network_worker import NetworkWorker
from manager.store_worker import StoreWorker
from pools.farm import FarmChange
from pools.wording import describe_hosts, plural
from scanner.scan import ScanResult


class NetworkSession(QObject):
    """Scans (one at a time) and wakes machines; names the ones a scan found by address."""

    message = pyqtSignal(str, str)  # level ("info" | "warning" | "error"), one sentence
    scan_running = pyqtSignal(bool)
    scan_progress = pyqtSignal(int, int, int)  # found, probed, total
    scan_wide_confirm = pyqtSignal(str)  # ask the user, then scan_again_wide()
    # to the network worker: interfaces, ranges (empty: the defaults), allow wider than /22
    scan_requested = pyqtSignal(object, object, bool)
    wake_requested = pyqtSignal(list)  # to the network worker: (name, mac, ip)
    forget_requested = pyqtSignal(str)  # to the network worker: stop watching a woken host
    sightings_to_record = pyqtSignal(list)  # to the store worker
    host_name_requested = pyqtSignal(str, str)  # to the store worker
    machines_to_forget = pyqtSignal(list)  # to the store worker: names

    def __init__(
        self,
        evented: EventedFarm,
        network: NetworkWorker,
        store: StoreWorker,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.farm = evented.farm  # read here; changed only through ``evented``
        self._evented = evented
        self.scanning = False
        self._choice: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
        self._network = network
        network.scan_progress.connect(self.scan_progress)
        network.scan_finished.connect(self._on_network_scan_finished)
        network.scan_too_wide.connect(self._on_network_scan_too_wide)
        network.woken.connect(self._on_network_woken)
        network.answered.connect(self._on_network_answered)
        network.wake_timed_out.connect(self._on_network_wake_timed_out)
        network.failed.connect(self._on_network_failed)
        self.scan_requested.connect(network.run_scan)
        self.wake_requested.connect(network.wake_hosts)
        self.forget_requested.connect(network.forget)
        store.sightings_recorded.connect(self._on_store_sightings_recorded)
        store.host_named.connect(self._on_store_host_named)
        store.hosts_forgotten.connect(self._on_store_hosts_forgotten)
        self.machines_to_forget.connect(store.forget_hosts)
        self.sightings_to_record.connect(store.record_sightings)
        self.host_name_requested.connect(store.name_host)
        evented.changed.connect(self._on_farm_changed)

    # -- scans --------------------------------------------------------------------------

    def scan_network(
        self, interfaces: Sequence[str] = (), cidrs: Sequence[str] = (), *, allow_wide: bool = False
    ) -> None:
        """Sweep these interfaces and ranges (none: the scanner's defaults, as on the CLI)."""
        if self.scanning:
            return
        self.scanning = True
        self._choice = (tuple(interfaces), tuple(cidrs))
        self._network.prepare_scan()
        self.scan_running.emit(True)
        self.scan_requested.emit(*self._choice, allow_wide)

    def scan_again_wide(self) -> None:
        """The last scan was refused as too wide and the user confirmed it: the same again."""
        self.scan_network(*self._choice, allow_wide=True)

    def cancel_scan(self) -> None:
        self._network.cancel_scan()  # thread-safe: the worker is busy inside the scan

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

    def _on_store_sightings_recorded(self, _names: list[str], new: int) -> None:
        if new:
            self.message.emit(
                "info", f"{plural(new, 'new machine')} in the Farm column, seen by scan."
            )

    def name_host(self, current: str, new: str) -> None:
        """A machine a scan found without a name, known by its IP until named."""
        self.host_name_requested.emit(current, new)

    def _on_store_host_named(self, old: str, new: str) -> None:
        self.message.emit("info", f"{old} is now named {new}.")

    def forgettable(self, names: list[str]) -> list[str]:
        """The machines among ``names`` that afpools alone knows (typed in, or a scan found
        them) and that no pool holds: forgetting one takes it off the board. afserver's
        renders are not ours to forget; a pool's members show as long as they are members."""
        return [
            name
            for name in names
            if (host := self.farm.hosts.get(name)) is not None
            and "afserver" not in host.sources
            and not self.farm.pools_of(name)
        ]

    def forget_machines(self, names: list[str]) -> None:
        self.machines_to_forget.emit(self.forgettable(names))

    def _on_store_hosts_forgotten(self, names: list[str]) -> None:
        if names:
            self.message.emit("info", f"Forgot {describe_hosts(names)}.")

    # -- Wake-on-LAN --------------------------------------------------------------------

    def wakeable(self, names: list[str]) -> list[tuple[str, str, str]]:
        """(name, mac, ip) of the machines among ``names`` that are down and have a MAC."""
        hosts = [self.farm.hosts[n] for n in names if n in self.farm.hosts]
        return [(h.name, h.mac, h.ip) for h in hosts if h.mac and not h.state.is_up]

    def wake(self, names: list[str]) -> None:
        targets = self.wakeable(names)
        if targets:
            self.wake_requested.emit(targets)

    def _on_network_woken(self, name: str, where: str) -> None:
        self._evented.set_waking(name, True)
        self.message.emit(
            "info", f"Wake-on-LAN sent to {name} ({where}); waiting for it to come up."
        )

    def _on_farm_changed(self, change: FarmChange) -> None:
        """afserver reports a woken machine up: it woke, whatever the network probe says."""
        hosts = self.farm.hosts
        for name in sorted(self.farm.waking):
            came = name in change.hosts_changed or name in change.hosts_added
            if came and name in hosts and hosts[name].state.is_up:
                self._woke_up(name)

    def _on_network_answered(self, name: str) -> None:
        if name in self.farm.waking:
            self._woke_up(name)

    def _on_network_wake_timed_out(self, name: str) -> None:
        if name in self.farm.waking:
            self._stop_waking(name)
            self.message.emit("warning", f"{name} did not come up after Wake-on-LAN.")

    def _stop_waking(self, name: str) -> None:
        self._evented.set_waking(name, False)
        self.forget_requested.emit(name)

    def _woke_up(self, name: str) -> None:
        self._stop_waking(name)
        self.message.emit("info", f"{name} is up.")
