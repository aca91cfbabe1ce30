"""zeroconf browse: workstations that announce themselves, named the way they name themselves.

Runs beside the ARP sweep for a fixed time. A machine found here counts even when ARP could
not be used (no privileges), and its announced host name (``ws-anna.local.``) is often the
only name a desktop has. ``_device-info._tcp`` carries no address record of its own, so its
instance name is resolved as a ``.local`` host name instead.
"""

from __future__ import annotations

import ipaddress
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

SERVICE_TYPES = (
    "_workstation._tcp.local.",
    "_ssh._tcp.local.",
    "_smb._tcp.local.",
    "_device-info._tcp.local.",
    "_afpools._tcp.local.",
)
DEVICE_INFO = "_device-info._tcp.local."
REQUEST_SLICE = 0.2  # seconds one resolution may block before the cancel flag is looked at
POLL = 0.05

Found = Callable[[str, str, float], None]  # ip, announced host name, seen_at


class ZeroconfBrowse:
    """Browse the common workstation services for ``seconds``; :meth:`run` blocks."""

    def __init__(
        self,
        *,
        source_ips: Sequence[str],
        networks: Sequence[ipaddress.IPv4Network],
        seconds: float,
        found: Found,
        cancel: threading.Event,
    ) -> None:
        self._source_ips = list(source_ips)
        self._networks = list(networks)
        self._seconds = seconds
        self._found = found
        self._cancel = cancel
        self._names: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
        self.reported: set[tuple[str, str]] = set()

    def run(self) -> None:
        from zeroconf import IPVersion, ServiceBrowser, ServiceStateChange, Zeroconf

        deadline = time.monotonic() + self._seconds

        def on_change(
            zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange
        ) -> None:
            del zeroconf  # (the browser's thread: only hand the name over)
            if state_change is not ServiceStateChange.Removed:
                self._names.put((service_type, name))

        zc = Zeroconf(interfaces=self._source_ips, ip_version=IPVersion.V4Only)
        try:
            browser = ServiceBrowser(zc, list(SERVICE_TYPES), handlers=[on_change])
            try:
                self._resolve_until(zc, deadline)
            finally:
                browser.cancel()
        finally:
            zc.close()

    def _resolve_until(self, zc: Any, deadline: float) -> None:
        done: set[str] = set()
        while not self._cancel.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            try:
                service_type, name = self._names.get(timeout=min(POLL, remaining))
            except queue.Empty:
                continue
            if name in done:
                continue
            if self._resolve(zc, service_type, name, min(REQUEST_SLICE, remaining)):
                done.add(name)
            else:
                self._names.put((service_type, name))  # try again while time is left

    def _resolve(self, zc: Any, service_type: str, name: str, timeout: float) -> bool:
        from zeroconf import IPVersion, ServiceInfo
        from zeroconf._services.info import AddressResolverIPv4  # public, but not in __all__

        if service_type == DEVICE_INFO:
            instance = name[: -len(service_type)].rstrip(".")
            info: ServiceInfo = AddressResolverIPv4(f"{instance}.local.")
        else:
            info = ServiceInfo(service_type, name)
        if not info.load_from_cache(zc) and not info.request(zc, timeout * 1000):
            return False
        host = info.server or ""
        for ip in info.parsed_addresses(IPVersion.V4Only):
            if self._wanted(ip) and (ip, host) not in self.reported:
                self.reported.add((ip, host))
                self._found(ip, host, time.time())
        return True

    def _wanted(self, ip: str) -> bool:
        """Only addresses of the scanned ranges: a laptop's VPN address is no farm machine."""
        try:
            address = ipaddress.IPv4Address(ip)
        except ValueError:
            return False
        return str(address) not in self._source_ips and any(
            address in network for network in self._networks
        )
