"""The ARP sweep: who-has for every address of a range, replies collected as they come.

Every live IPv4 machine on the segment answers ARP, firewall or not, so this is the one probe
that finds machines with no open port. Requests go out in batches with a short gap (a /24 in
about 40 ms; switches and old NICs are spared a burst of thousands), replies are read between
batches and afterwards, the addresses that stayed silent get one more request, and the whole
sweep ends a fixed time after the last request: bounded, and cancelled within ~50 ms.

scapy builds the frames, dissects the replies and owns the packet socket. The socket is bound
to the ARP ethertype, so the kernel hands us ARP frames only: no BPF filter, no libpcap.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from scanner.targets import SweepTarget

if TYPE_CHECKING:
    from scapy.arch.linux import L2Socket

BATCH = 64  # requests sent back to back
BATCH_GAP = 0.01  # seconds between batches, spent reading replies
POLL = 0.05  # the longest a wait goes without looking at the cancel flag
RECEIVE_BUFFER = 4 * 1024 * 1024  # replies of a /16 burst must not be dropped
SOL_PACKET = 263
PACKET_IGNORE_OUTGOING = 23  # Linux >= 4.20: our own requests are not looped back to us
ETH_P_ARP = 0x0806
SO_RCVBUFFORCE = 33  # root may exceed net.core.rmem_max
ARP_REPLY = 2
BROADCAST = "ff:ff:ff:ff:ff:ff"

Found = Callable[[str, str, float], None]  # ip, mac, seen_at


class RawSocketDeniedError(PermissionError):
    """No CAP_NET_RAW: the caller falls back to probes that need no privileges."""


def _open(interface: str) -> L2Socket:
    from scapy.arch.linux import L2Socket

    try:
        sock = L2Socket(iface=interface, type=ETH_P_ARP, promisc=False)
    except PermissionError as error:
        raise RawSocketDeniedError(str(error)) from None
    raw: socket.socket = sock.ins
    with contextlib.suppress(OSError):  # an older kernel: scapy drops outgoing frames itself
        raw.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
    try:
        raw.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RECEIVE_BUFFER)
    except OSError:
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
    return sock


def request_frames(target: SweepTarget) -> dict[str, bytes]:
    """One broadcast who-has frame per address, as bytes ready for the socket.

    scapy builds a single template; the target address is patched into a copy per address,
    because dissecting and building 65 000 scapy packets would take seconds on its own.
    """
    from scapy.layers.l2 import ARP, Ether

    template = bytes(
        Ether(dst=BROADCAST, src=target.mac)
        / ARP(op=1, hwsrc=target.mac, psrc=target.source_ip, pdst="0.0.0.0")
    )
    offset = len(template) - 4  # pdst is the last field of the ARP header
    head = template[:offset]
    return {ip: head + socket.inet_aton(ip) for ip in target.addresses}


def parse_reply(frame: bytes, source_ip: str) -> tuple[str, str] | None:
    """(ip, mac) of an ARP reply addressed to us, else None."""
    from scapy.layers.l2 import ARP, Ether

    packet = Ether(frame)
    arp = packet.getlayer(ARP)
    if arp is None or arp.op != ARP_REPLY or arp.pdst != source_ip:
        return None
    return str(arp.psrc), str(arp.hwsrc).lower()


class ArpSweep:
    """One sweep of one range; :meth:`run` blocks until done or cancelled."""

    def __init__(
        self,
        target: SweepTarget,
        *,
        found: Found,
        probed: Callable[[int], None],
        cancel: threading.Event,
        wait: float = 0.5,
    ) -> None:
        self.target = target
        self._found = found
        self._probed = probed
        self._cancel = cancel
        self._wait = wait
        self._wanted = set(target.addresses)
        self.answered: dict[str, str] = {}

    def run(self) -> None:
        frames = request_frames(self.target)
        sock = _open(self.target.interface)
        try:
            pending = list(self.target.addresses)
            for attempt in (1, 2):
                self._send(sock, [frames[ip] for ip in pending], count=attempt == 1)
                self._read_until(sock, time.monotonic() + self._wait)
                pending = [ip for ip in pending if ip not in self.answered]
                if not pending or self._cancel.is_set():
                    return
        finally:
            sock.close()

    def _send(self, sock: L2Socket, frames: list[bytes], *, count: bool) -> None:
        raw: socket.socket = sock.outs
        for start in range(0, len(frames), BATCH):
            if self._cancel.is_set():
                return
            batch = frames[start : start + BATCH]
            for frame in batch:
                try:
                    raw.send(frame)
                except BlockingIOError:
                    self._read_until(sock, time.monotonic() + BATCH_GAP)
                    raw.send(frame)
            if count:
                self._probed(len(batch))
            self._read_until(sock, time.monotonic() + BATCH_GAP)

    def _read_until(self, sock: L2Socket, deadline: float) -> None:
        """Read replies until ``deadline`` or a cancel, also while frames keep coming.

        An ARP storm (a loop, a flooding device) can keep the socket readable for ever: the
        deadline and the cancel flag are looked at between frames, not only between waits.
        """
        raw: socket.socket = sock.ins
        while not self._cancel.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            readable, _, _ = select.select([raw], [], [], min(POLL, remaining))
            while readable:
                self._receive(sock)
                if self._cancel.is_set() or time.monotonic() >= deadline:
                    return
                readable, _, _ = select.select([raw], [], [], 0)

    def _receive(self, sock: L2Socket) -> None:
        _cls, frame, _ts = sock.recv_raw()
        if not frame:
            return
        reply = parse_reply(frame, self.target.source_ip)
        if reply is None:
            return
        ip, mac = reply
        if ip in self._wanted and ip not in self.answered:
            self.answered[ip] = mac
            self._found(ip, mac, time.time())
