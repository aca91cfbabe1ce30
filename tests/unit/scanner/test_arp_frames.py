"""ARP frames as they go on the wire, and which replies count (no socket, no traffic)."""

from __future__ import annotations

import ipaddress

from scapy.layers.l2 import ARP, Ether

from scanner.arp import parse_reply, request_frames
from scanner.targets import SweepTarget

OURS = "02:77:00:00:00:00"


def target(*addresses: str) -> SweepTarget:
    return SweepTarget("eth0", OURS, "10.77.0.1", ipaddress.IPv4Network("10.77.0.0/24"), addresses)


def test_each_address_gets_a_broadcast_who_has_from_our_address() -> None:
    frames = request_frames(target("10.77.0.2", "10.77.0.254"))

    assert list(frames) == ["10.77.0.2", "10.77.0.254"]
    for ip, frame in frames.items():
        packet = Ether(frame)
        assert packet.dst == "ff:ff:ff:ff:ff:ff"
        assert packet.src == OURS
        arp = packet[ARP]
        assert (arp.op, arp.hwsrc, arp.psrc, arp.pdst) == (1, OURS, "10.77.0.1", ip)


def reply(sender: str, mac: str, to: str = "10.77.0.1", op: int = 2) -> bytes:
    return bytes(Ether(dst=OURS, src=mac) / ARP(op=op, hwsrc=mac, psrc=sender, hwdst=OURS, pdst=to))


def test_a_reply_to_us_names_the_sender_and_its_mac() -> None:
    assert parse_reply(reply("10.77.0.9", "02:77:00:00:00:0A"), "10.77.0.1") == (
        "10.77.0.9",
        "02:77:00:00:00:0a",
    )


def test_requests_and_replies_to_someone_else_do_not_count() -> None:
    assert parse_reply(reply("10.77.0.9", "02:77:00:00:00:0a", op=1), "10.77.0.1") is None
    assert parse_reply(reply("10.77.0.9", "02:77:00:00:00:0a", to="10.77.0.5"), "10.77.0.1") is None
    assert parse_reply(bytes(Ether(dst=OURS) / b"not arp"), "10.77.0.1") is None
