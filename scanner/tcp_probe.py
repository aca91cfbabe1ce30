"""The unprivileged probe: TCP connects to a few common ports, then the kernel's ARP cache.

Without CAP_NET_RAW there is no ARP sweep, but a connect() to a neighbour makes the kernel
ARP for it: a machine that accepts *or refuses* the connection is alive, and any machine
that answered the kernel's ARP shows up in the neighbour cache with its MAC even when its
firewall drops every port. This is what the 2019 tool did (without the cache).

Connections run non-blocking, a bounded number at a time (file descriptors are limited), and
each address gets ``timeout`` seconds before it counts as silent.
"""

from __future__ import annotations

import errno
import resource
import selectors
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from scanner.network import CONFIRMED_STATES, KNOWN_MAC_STATES, read_neighbours
from scanner.sighting import ARP, TCP
from scanner.targets import SweepTarget

COMMON_PORTS = (22, 80, 445, 3389)  # ssh, http, smb, rdp: what studio machines listen on
ALIVE_ERRORS = {0, errno.ECONNREFUSED, errno.ECONNRESET}
POLL = 0.05
ABORT_ON_CLOSE = struct.pack("ii", 1, 0)  # SO_LINGER 0: a reset, no FIN/TIME_WAIT per probe

Found = Callable[[str, str, str, float], None]  # ip, mac ('' if unknown), source, seen_at


def socket_budget() -> int:
    """How many connections may be open at once, leaving room for the rest of the process."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 1024
    return max(16, min(1024, soft - 128))


@dataclass
class _Address:
    ip: str
    deadline: float
    sockets: list[socket.socket] = field(default_factory=list)


class TcpProbe:
    """Probe one range; :meth:`run` blocks until every address answered or timed out."""

    def __init__(
        self,
        target: SweepTarget,
        *,
        found: Found,
        probed: Callable[[int], None],
        cancel: threading.Event,
        timeout: float = 0.8,
        ports: tuple[int, ...] = COMMON_PORTS,
    ) -> None:
        self.target = target
        self._found = found
        self._probed = probed
        self._cancel = cancel
        self._timeout = timeout
        self._ports = ports
        self.alive: set[str] = set()

    def run(self) -> None:
        selector = selectors.DefaultSelector()
        budget = max(1, socket_budget() // len(self._ports))
        waiting = list(reversed(self.target.addresses))
        active: dict[str, _Address] = {}
        try:
            while (waiting or active) and not self._cancel.is_set():
                started = 0
                while waiting and len(active) < budget:
                    address = self._start(waiting.pop(), selector)
                    active[address.ip] = address
                    started += 1
                if started:
                    self._probed(started)
                self._collect(selector, active)
        finally:
            for address in active.values():
                self._close(address, selector)
            selector.close()
        if not self._cancel.is_set():
            self._read_cache()

    def _start(self, ip: str, selector: selectors.BaseSelector) -> _Address:
        address = _Address(ip, time.monotonic() + self._timeout)
        for port in self._ports:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, ABORT_ON_CLOSE)
            code = sock.connect_ex((ip, port))
            if code in (errno.EINPROGRESS, errno.EWOULDBLOCK, *ALIVE_ERRORS):
                selector.register(sock, selectors.EVENT_WRITE, address)
                address.sockets.append(sock)
            else:
                sock.close()
        return address

    def _collect(self, selector: selectors.BaseSelector, active: dict[str, _Address]) -> None:
        for key, _ in selector.select(POLL):
            address: _Address = key.data
            sock: socket.socket = key.fileobj  # type: ignore[assignment]
            if address.ip not in active:
                continue
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code in ALIVE_ERRORS:
                self._report(address.ip)
                self._close(address, selector)
                del active[address.ip]
            else:
                selector.unregister(sock)
                sock.close()
                address.sockets.remove(sock)
        now = time.monotonic()
        for ip in [ip for ip, a in active.items() if not a.sockets or a.deadline <= now]:
            self._close(active.pop(ip), selector)

    def _report(self, ip: str) -> None:
        if ip not in self.alive:
            self.alive.add(ip)
            self._found(ip, "", TCP, time.time())

    @staticmethod
    def _close(address: _Address, selector: selectors.BaseSelector) -> None:
        for sock in address.sockets:
            selector.unregister(sock)
            sock.close()
        address.sockets.clear()

    def _read_cache(self) -> None:
        """MACs of the machines that answered, and machines that answered only the kernel's ARP.

        A cache entry the kernel has not confirmed lately may belong to a machine switched
        off since: it names the MAC of a machine known to be alive, and proves nothing else.
        """
        wanted = set(self.target.addresses)
        for neighbour in read_neighbours(self.target.interface):
            if neighbour.ip not in wanted:
                continue
            if neighbour.state in CONFIRMED_STATES or (
                neighbour.ip in self.alive and neighbour.state in KNOWN_MAC_STATES
            ):
                self.alive.add(neighbour.ip)
                self._found(neighbour.ip, neighbour.mac, ARP, time.time())


def host_answers(ip: str, *, timeout: float = 0.5, ports: tuple[int, ...] = COMMON_PORTS) -> bool:
    """True when ``ip`` accepts or refuses a connection on any common port within ``timeout``.

    Cheap and unprivileged: after a *Wake*, the board asks this every few seconds to show
    the moment a machine that is no afserver render comes up.
    """
    selector = selectors.DefaultSelector()
    sockets = []
    try:
        for port in ports:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setblocking(False)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, ABORT_ON_CLOSE)
            if sock.connect_ex((ip, port)) in ALIVE_ERRORS:
                return True
            selector.register(sock, selectors.EVENT_WRITE)
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            for key, _ in selector.select(remaining):
                sock = key.fileobj  # type: ignore[assignment]
                if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) in ALIVE_ERRORS:
                    return True
                selector.unregister(sock)
            if not selector.get_map():
                return False
        return False
    finally:
        selector.close()
        for sock in sockets:
            sock.close()
