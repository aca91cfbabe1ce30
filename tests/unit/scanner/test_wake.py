"""Wake-on-LAN packets: their bytes, where they go, and the sentences when they cannot go."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator

import pytest

from scanner.errors import WakeError
from scanner.network import Interface
from scanner.wake import broadcast_for, magic_packet, send_wake


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(5)
        yield sock


def test_the_magic_packet_is_six_ff_then_the_mac_sixteen_times() -> None:
    packet = magic_packet("02-77-00-00-00-0A")

    assert len(packet) == 102
    assert packet[:6] == b"\xff" * 6
    assert packet[6:] == bytes.fromhex("02770000000a") * 16


def test_send_wake_delivers_the_packet_and_says_where(listener: socket.socket) -> None:
    port = listener.getsockname()[1]

    where = send_wake("02:77:00:00:00:0a", broadcast="127.0.0.1", port=port)
    payload, _ = listener.recvfrom(4096)

    assert where == f"127.0.0.1:{port}"
    assert payload == magic_packet("02:77:00:00:00:0a")


def test_the_packet_goes_to_the_broadcast_of_the_network_the_host_was_seen_on() -> None:
    interfaces = (
        Interface("eth0", "", (ipaddress.IPv4Interface("10.5.0.7/24"),), True, True),
        Interface("eth1", "", (ipaddress.IPv4Interface("192.168.10.20/23"),), True, True),
    )

    assert broadcast_for("192.168.11.40", interfaces) == "192.168.11.255"
    assert broadcast_for("10.5.0.99", interfaces) == "10.5.0.255"
    assert broadcast_for("10.9.0.1", interfaces) == "255.255.255.255"
    assert broadcast_for("", interfaces) == "255.255.255.255"


@pytest.mark.parametrize(
    ("mac", "broadcast", "port", "sentence"),
    [
        ("02:77:00:00:0a", "127.0.0.1", 9, "'02:77:00:00:0a' is not a MAC address such as"),
        ("02:77:00:00:00:0a", "everyone", 9, "'everyone' is not an IPv4 broadcast address."),
        ("02:77:00:00:00:0a", "127.0.0.1", 70000, "70000 is not a UDP port."),
    ],
)
def test_impossible_wakes_are_one_sentence(
    mac: str, broadcast: str, port: int, sentence: str
) -> None:
    with pytest.raises(WakeError) as refused:
        send_wake(mac, broadcast=broadcast, port=port)

    assert str(refused.value).startswith(sentence)
