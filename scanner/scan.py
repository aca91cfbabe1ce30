"""One network scan: ARP sweep (or the unprivileged probe), zeroconf and names, in parallel.

The board runs :meth:`NetworkScan.run` on a worker thread; every callback is made on that
thread, in order, so a Qt worker can turn them straight into signals. :meth:`cancel` may be
called from any thread; ``run`` then returns within ~0.2 s with what was found so far.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from config.settings import Settings
from scanner.arp import ArpSweep, RawSocketDeniedError
from scanner.mdns import ZeroconfBrowse
from scanner.names import NameLookups
from scanner.network import NetworkInfo
from scanner.privileges import FALLBACK, NO_PRIVILEGES, arp_unavailable
from scanner.sighting import ARP, DNS, ZEROCONF, Observation, Sighting, SightingBook
from scanner.targets import SweepTarget, plan_targets, total_addresses
from scanner.tcp_probe import TcpProbe

POLL = 0.05

ProgressCallback = Callable[[int, int, int], None]  # found, probed, total
SightingCallback = Callable[[Sighting], None]


@dataclass(frozen=True)
class ScanOptions:
    """What to scan and how long to listen; :meth:`from_settings` fills in the timings."""

    interfaces: tuple[str, ...] = ()  # empty: the default route's interface
    cidrs: tuple[str, ...] = ()  # empty: the chosen interfaces' whole subnets
    allow_wide: bool = False  # ranges wider than /22 (the board asks first)
    arp_wait: float = 0.5
    zeroconf_seconds: float = 1.0
    dns_timeout: float = 1.0
    tcp_timeout: float = 0.8
    use_arp: bool = True  # False: the unprivileged probe even where ARP could run

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        interfaces: tuple[str, ...] = (),
        cidrs: tuple[str, ...] = (),
        allow_wide: bool = False,
    ) -> ScanOptions:
        return cls(
            interfaces=interfaces,
            cidrs=cidrs,
            allow_wide=allow_wide,
            arp_wait=settings.scan_arp_wait,
            zeroconf_seconds=settings.scan_zeroconf_seconds,
            dns_timeout=settings.scan_dns_timeout,
        )


@dataclass(frozen=True)
class ScanResult:
    """Every machine seen (merged per IP, in address order) and what the user should know."""

    sightings: tuple[Sighting, ...]
    warnings: tuple[str, ...]
    ranges: tuple[str, ...]  # "10.1.2.0/24 on eth0"
    cancelled: bool
    seconds: float
    probed: int
    total: int

    def to_json(self) -> dict[str, Any]:
        return {
            "ranges": list(self.ranges),
            "sightings": [s.to_json() for s in self.sightings],
            "warnings": list(self.warnings),
            "cancelled": self.cancelled,
            "seconds": round(self.seconds, 3),
            "probed": self.probed,
            "total": self.total,
        }


@dataclass
class _Tally:
    """What run() accumulates from the workers' events."""

    total: int
    warnings: list[str]
    probed: int = 0
    book: SightingBook = field(default_factory=SightingBook)


class NetworkScan:
    """A scan to run once. Plan errors (bad range, too wide) raise before anything is sent."""

    def __init__(
        self,
        options: ScanOptions | None = None,
        *,
        on_progress: ProgressCallback | None = None,
        on_sighting: SightingCallback | None = None,
        network: NetworkInfo | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.options = options or ScanOptions()
        self._cancel_request = cancel
        self._on_progress = on_progress
        self._on_sighting = on_sighting
        self._network = network
        self._stop = threading.Event()
        self._cancelled = False
        self._events: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._targets: list[SweepTarget] | None = None

    def plan(self) -> list[SweepTarget]:
        """The ranges this scan will sweep; raises ScanError/TooWideError/PublicRangeError."""
        if self._targets is None:
            network = self._network or NetworkInfo.read()
            self._targets = plan_targets(
                network,
                interfaces=self.options.interfaces,
                cidrs=self.options.cidrs,
                allow_wide=self.options.allow_wide,
            )
        return self._targets

    def cancel(self) -> None:
        """Stop as soon as possible (any thread); ``run`` returns what it has, cancelled=True."""
        self._cancelled = True
        self._stop.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def run(self) -> ScanResult:
        """Scan until every part is done (a few seconds) or cancelled; callbacks on this thread."""
        started = time.monotonic()
        targets = self.plan()
        problem = arp_unavailable() if self.options.use_arp else f"ARP was not used: {FALLBACK}"
        tally = _Tally(total=total_addresses(targets), warnings=[problem] if problem else [])
        threads = [self._sweep_thread(t, use_arp=not problem) for t in targets]
        threads.append(self._zeroconf_thread(targets))
        names = NameLookups(
            timeout=self.options.dns_timeout,
            named=lambda ip, name, seen: self._put(
                "seen", Observation(ip, DNS, name=name, seen_at=seen)
            ),
            cancel=self._stop,
        )
        try:
            for thread in threads:
                thread.start()
            while not self._stop.is_set():
                if self._cancel_request is not None and self._cancel_request.is_set():
                    self.cancel()
                elif not self._next_event(tally, names):
                    idle = not any(t.is_alive() for t in threads) and not names.busy()
                    if idle and self._events.empty():
                        break
        finally:
            self._stop.set()  # also on an exception in a callback: no thread may outlive run()
            for thread in threads:
                thread.join()
            names.close()
        return ScanResult(
            sightings=tuple(tally.book.sightings()),
            warnings=tuple(tally.warnings),
            ranges=tuple(t.describe() for t in targets),
            cancelled=self._cancelled,
            seconds=time.monotonic() - started,
            probed=tally.probed,
            total=tally.total,
        )

    def _next_event(self, tally: _Tally, names: NameLookups) -> bool:
        """Handle one worker event, waiting briefly for it; False when none came."""
        try:
            kind, value = self._events.get(timeout=POLL)
        except queue.Empty:
            return False
        if kind == "seen":
            changed = tally.book.add(value)
            if changed is not None:
                names.lookup(changed.ip)
                if self._on_sighting:
                    self._on_sighting(changed)
        elif kind == "probed":
            tally.probed += value
        elif kind == "warning" and value not in tally.warnings:
            tally.warnings.append(value)
        if self._on_progress:
            self._on_progress(len(tally.book), tally.probed, tally.total)
        return True

    # -- workers: they only post events; run() owns every piece of state ----------------

    def _put(self, kind: str, value: Any) -> None:
        self._events.put((kind, value))

    def _found(self, ip: str, mac: str, source: str, seen_at: float) -> None:
        self._put("seen", Observation(ip, source, mac=mac, seen_at=seen_at))

    def _probed(self, count: int) -> None:
        self._put("probed", count)

    def _sweep_thread(self, target: SweepTarget, *, use_arp: bool) -> threading.Thread:
        def sweep() -> None:
            counted = _Counted(self._probed)
            if use_arp:
                try:
                    ArpSweep(
                        target,
                        found=lambda ip, mac, seen: self._found(ip, mac, ARP, seen),
                        probed=counted.report,
                        cancel=self._stop,
                        wait=self.options.arp_wait,
                    ).run()
                    return
                except RawSocketDeniedError:
                    self._put("warning", NO_PRIVILEGES)
                except OSError as error:  # the link went down, a driver refused a frame...
                    reason = (error.strerror or str(error)).rstrip(".").lower()
                    self._put(
                        "warning",
                        f"The ARP sweep of {target.describe()} failed ({reason}), so {FALLBACK}",
                    )
            TcpProbe(
                target,
                found=self._found,
                probed=counted.again,
                cancel=self._stop,
                timeout=self.options.tcp_timeout,
            ).run()

        what = "ARP sweep" if use_arp else "TCP probe"
        return self._thread(
            sweep, f"afpools-scan-{target.interface}", f"The {what} of {target.describe()}"
        )

    def _zeroconf_thread(self, targets: list[SweepTarget]) -> threading.Thread:
        browse = ZeroconfBrowse(
            source_ips=sorted({t.source_ip for t in targets}),
            networks=[t.network for t in targets],
            seconds=self.options.zeroconf_seconds,
            found=lambda ip, host, seen: self._put(
                "seen", Observation(ip, ZEROCONF, name=host, seen_at=seen)
            ),
            cancel=self._stop,
        )
        return self._thread(browse.run, "afpools-scan-zeroconf", "The zeroconf browse")

    def _thread(self, work: Callable[[], None], name: str, what: str) -> threading.Thread:
        def guarded() -> None:
            try:
                work()
            except Exception as error:  # one sentence for the user; the scan goes on
                detail = str(error).rstrip(".") or type(error).__name__
                self._put("warning", f"{what} failed: {detail}.")

        return threading.Thread(target=guarded, name=name, daemon=True)


class _Counted:
    """Progress of one range: what the TCP probe redoes after a failed sweep counts once."""

    def __init__(self, probed: Callable[[int], None]) -> None:
        self._probed = probed
        self._credit = 0  # addresses the sweep reported before it failed

    def report(self, count: int) -> None:
        self._credit += count
        self._probed(count)

    def again(self, count: int) -> None:
        repeated = min(self._credit, count)
        self._credit -= repeated
        if count > repeated:
            self._probed(count - repeated)


def run_scan(
    options: ScanOptions | None = None,
    *,
    on_progress: ProgressCallback | None = None,
    on_sighting: SightingCallback | None = None,
    cancel: threading.Event | None = None,
) -> ScanResult:
    """Run a scan on this thread; setting ``cancel`` (from any thread) stops it early."""
    scan = NetworkScan(options, on_progress=on_progress, on_sighting=on_sighting, cancel=cancel)
    return scan.run()
