"""Wake-on-LAN as the board follows it: waking until afserver reports the machine up."""

from __future__ import annotations

from PyQt5.QtCore import QObject, pyqtSignal

from manager.evented_farm import EventedFarm
from manager.host_model import WAKING_ROLE, HostListModel
from manager.network_session import NetworkSession
from tests.unit.manager.farm_data import ONLINE, render

MAC = "02:00:00:00:00:02"


class FakeNetworkWorker(QObject):
    scan_progress = pyqtSignal(int, int, int)
    scan_finished = pyqtSignal(object)
    scan_too_wide = pyqtSignal(str)
    woken = pyqtSignal(str, str)
    answered = pyqtSignal(str)
    wake_timed_out = pyqtSignal(str)
    failed = pyqtSignal(str)

    def __init__(self) -> None:
        super().__init__()
        self.woke: list[list[tuple[str, str, str]]] = []
        self.forgotten: list[str] = []
        self.scans: list[tuple[tuple[str, ...], tuple[str, ...], bool]] = []

    def run_scan(self, interfaces: tuple[str, ...], cidrs: tuple[str, ...], wide: bool) -> None:
        self.scans.append((interfaces, cidrs, wide))

    def prepare_scan(self) -> None: ...
    def cancel_scan(self) -> None: ...

    def wake_hosts(self, hosts: list[tuple[str, str, str]]) -> None:
        self.woke.append(hosts)

    def forget(self, name: str) -> None:
        self.forgotten.append(name)


class FakeStoreWorker(QObject):
    sightings_recorded = pyqtSignal(list, int)
    host_named = pyqtSignal(str, str)
    hosts_forgotten = pyqtSignal(list)

    def record_sightings(self, sightings: list[object]) -> None: ...
    def name_host(self, current: str, new: str) -> None: ...
    def forget_hosts(self, names: list[str]) -> None: ...


def test_a_woken_machine_waits_until_afserver_reports_it_up(evented: EventedFarm) -> None:
    evented.apply_renders([render("rnd-01"), render("rnd-02", 0, mac=MAC, ip="10.0.0.2")])
    worker, store = FakeNetworkWorker(), FakeStoreWorker()
    network = NetworkSession(evented, worker, store)  # type: ignore[arg-type]
    farm_column = HostListModel(evented, None)
    messages: list[str] = []
    network.message.connect(lambda _level, text: messages.append(text))

    network.wake(["rnd-01", "rnd-02"])  # rnd-01 is up already: nothing to wake
    assert worker.woke == [[("rnd-02", MAC, "10.0.0.2")]]
    worker.woken.emit("rnd-02", "10.0.0.255:9")
    assert farm_column.data(farm_column.index(1), WAKING_ROLE) is True

    evented.apply_renders([render("rnd-01", 0)])  # another machine: still waking
    assert farm_column.data(farm_column.index(1), WAKING_ROLE) is True
    evented.apply_renders([render("rnd-02", ONLINE, mac=MAC, ip="10.0.0.2")])

    assert farm_column.data(farm_column.index(1), WAKING_ROLE) is False
    assert worker.forgotten == ["rnd-02"]
    assert messages[-1] == "rnd-02 is up."


def test_a_scan_refused_as_too_wide_is_asked_about_and_made_again_with_the_same_choice(
    evented: EventedFarm,
) -> None:
    worker, store = FakeNetworkWorker(), FakeStoreWorker()
    network = NetworkSession(evented, worker, store)  # type: ignore[arg-type]
    asked: list[str] = []
    network.scan_wide_confirm.connect(asked.append)

    network.scan_network(["eth1"], ["10.9.0.0/20"])
    worker.scan_too_wide.emit("10.9.0.0/20 has 4094 addresses, more than a /22.")
    assert asked == ["10.9.0.0/20 has 4094 addresses, more than a /22."]
    assert not network.scanning
    network.scan_again_wide()

    assert worker.scans == [
        (("eth1",), ("10.9.0.0/20",), False),
        (("eth1",), ("10.9.0.0/20",), True),
    ]
    assert network.scanning
