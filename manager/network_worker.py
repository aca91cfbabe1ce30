"""The board's network work off the UI thread: scans, Wake-on-LAN, and watching woken hosts."""

from __future__ import annotations

import logging
import threading
import time
from functools import partial

from PyQt5.QtCore import pyqtSignal, pyqtSlot

from config.settings import Settings
from manager.workers import Worker
from pools.errors import AfpoolsError
from scanner.errors import TooWideError
from scanner.scan import NetworkScan, ScanOptions, ScanResult
from scanner.sighting import Sighting
from scanner.tcp_probe import host_answers
from scanner.wake import wake

log = logging.getLogger(__name__)

WATCH_EVERY = 5.0  # seconds between probes of a woken machine that is not an afserver render
WATCH_FOR = 300.0  # how long a woken machine is watched


class NetworkWorker(Worker):
    """Scans (one at a time, cancellable from the UI thread) and wakes machines."""

    scan_progress = pyqtSignal(int, int, int)  # found, probed, total
    scan_sighted = pyqtSignal(object)  # Sighting
    scan_finished = pyqtSignal(object)  # ScanResult
    scan_too_wide = pyqtSignal(str)  # the sentence to ask the user with
    woken = pyqtSignal(str, str)  # host, where the magic packet went
    answered = pyqtSignal(str)  # a woken host answers on the network
    wake_timed_out = pyqtSignal(str)  # a woken host did not come up in WATCH_FOR seconds

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self._cancel = threading.Event()
        self._watching: dict[str, tuple[str, float]] = {}  # host -> (ip, until)

    def on_started(self) -> None:
        self.every(WATCH_EVERY, self._probe_woken)

    def request_stop(self) -> None:
        super().request_stop()
        self.cancel_scan()

    def prepare_scan(self) -> None:
        """Called on the UI thread before asking for a scan: a Cancel from now on counts,
        even one that comes before this thread has started the scan."""
        self._cancel = threading.Event()

    def cancel_scan(self) -> None:
        """Callable from the UI thread while ``run_scan`` blocks this one."""
        self._cancel.set()

    @pyqtSlot(object, object, bool)
    def run_scan(
        self, interfaces: tuple[str, ...], cidrs: tuple[str, ...], allow_wide: bool
    ) -> None:
        options = ScanOptions.from_settings(
            self.settings, interfaces=interfaces, cidrs=cidrs, allow_wide=allow_wide
        )
        scan = NetworkScan(
            options,
            on_progress=self.scan_progress.emit,
            on_sighting=self._sighted,
            cancel=self._cancel,
        )
        try:
            scan.plan()
            result: ScanResult | None = scan.run()
        except TooWideError as error:
            self.scan_too_wide.emit(str(error))
            result = None
        except AfpoolsError as error:
            self.failed.emit(str(error))
            result = None
        except Exception as error:  # the scan state must end whatever happened
            log.exception("the scan failed")
            self.failed.emit(f"The scan failed ({type(error).__name__}: {error}).")
            result = None
        if result is not None:
            self.scan_finished.emit(result)

    def _sighted(self, sighting: Sighting) -> None:
        self.scan_sighted.emit(sighting)

    @pyqtSlot(list)
    def wake_hosts(self, hosts: list[tuple[str, str, str]]) -> None:
        """(name, mac, ip) of each machine; each is watched until it answers (if it has an
        IP; a render also shows up in afserver's poll) or WATCH_FOR has passed."""
        for name, mac, ip in hosts:
            sent = self.guarded(partial(self._send_wake, mac, ip))
            if sent is None:
                continue
            self.woken.emit(name, sent)
            self._watching[name] = (ip, time.monotonic() + WATCH_FOR)

    def _send_wake(self, mac: str, ip: str) -> str:
        settings = self.settings
        return wake(mac, ip=ip, broadcast=settings.wake_broadcast, port=settings.wake_port)

    @pyqtSlot(str)
    def forget(self, name: str) -> None:
        self._watching.pop(name, None)

    def _probe_woken(self) -> None:
        now = time.monotonic()
        for name, (ip, until) in list(self._watching.items()):
            if self.stopping:
                return
            if now > until:
                del self._watching[name]
                self.wake_timed_out.emit(name)
            elif ip and host_answers(ip, timeout=0.5):
                del self._watching[name]
                self.answered.emit(name)
