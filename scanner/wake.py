"""Wake-on-LAN: the magic packet (6 x 0xff, then the MAC 16 times) as a UDP broadcast.

Sent to the broadcast address of the network the host was last seen on, so that on a
machine with several interfaces the packet leaves through the right one (the limited
broadcast 255.255.255.255 would follow the default route). Needs no privileges.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence

from scanner.errors import ScanError, WakeError
from scanner.network import Interface, NetworkInfo
from scanner.sighting import normalize_mac

DEFAULT_PORT = 9
LIMITED_BROADCAST = "255.255.255.255"


def magic_packet(mac: str) -> bytes:
    """The 102-byte payload that a NIC with Wake-on-LAN armed is listening for."""
    normalized = normalize_mac(mac)
    if not normalized:
        raise WakeError(f"'{mac}' is not a MAC address such as 00:1a:2b:3c:4d:5e.")
    return b"\xff" * 6 + bytes.fromhex(normalized.replace(":", "")) * 16


def broadcast_for(ip: str, interfaces: Sequence[Interface]) -> str:
    """The directed broadcast of the local network that holds ``ip``, else the limited one."""
    try:
        address = ipaddress.IPv4Address(ip)
    except ValueError:
        return LIMITED_BROADCAST
    for interface in interfaces:
        for own in interface.addresses:
            if address in own.network and own.network.prefixlen < 31:
                return str(own.network.broadcast_address)
    return LIMITED_BROADCAST


def send_wake(mac: str, *, broadcast: str = LIMITED_BROADCAST, port: int = DEFAULT_PORT) -> str:
    """Send one magic packet for ``mac``; returns where it went (``address:port``)."""
    payload = magic_packet(mac)
    try:
        ipaddress.IPv4Address(broadcast)
    except ValueError:
        raise WakeError(f"'{broadcast}' is not an IPv4 broadcast address.") from None
    if not 0 < port < 65536:
        raise WakeError(f"{port} is not a UDP port.")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        try:
            sock.sendto(payload, (broadcast, port))
        except OSError as error:
            raise WakeError(
                f"The Wake-on-LAN packet could not be sent to {broadcast}: {error.strerror}."
            ) from None
    return f"{broadcast}:{port}"


def wake(mac: str, *, ip: str = "", broadcast: str = "", port: int = DEFAULT_PORT) -> str:
    """Wake one machine; without ``broadcast``, aim at the network ``ip`` was last seen on.

    What the board's *Wake* and ``main.py wake`` call; returns where the packet went.
    """
    if not broadcast:
        try:
            interfaces: Sequence[Interface] = NetworkInfo.read().interfaces
        except ScanError:
            interfaces = ()
        broadcast = broadcast_for(ip, interfaces)
    return send_wake(mac, broadcast=broadcast, port=port)
