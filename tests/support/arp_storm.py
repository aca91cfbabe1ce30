"""Flood one machine of the test LAN with ARP frames, as a switching loop or a broken NIC does.

Usage: ``arp_storm.py INTERFACE OUR_MAC OUR_IP TARGET_MAC SECONDS``: sends ARP replies from
OUR_MAC/OUR_IP to TARGET_MAC, as fast as Python can, about an address nobody has (so the
target's kernel and the scanner both ignore them, after reading them). Prints ``ready`` once
the flood runs; stops after SECONDS, on SIGTERM, or when stdin closes. Run it only inside a
namespace of the test LAN (tests/support/netns_lan.py): the frames never leave it.
"""

from __future__ import annotations

import contextlib
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ARP = 0x0806
NOBODY = "10.77.0.255"  # the LAN's broadcast address: no machine has it
BURST = 2000  # frames between two looks at the clock and stdin


def mac_bytes(mac: str) -> bytes:
    return bytes(int(part, 16) for part in mac.split(":"))


def reply_frame(our_mac: str, our_ip: str, target_mac: str) -> bytes:
    ours, theirs = mac_bytes(our_mac), mac_bytes(target_mac)
    ethernet = theirs + ours + struct.pack("!H", ETH_P_ARP)
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2)  # Ethernet/IPv4, op 2: reply
    arp += ours + socket.inet_aton(our_ip) + theirs + socket.inet_aton(NOBODY)
    return ethernet + arp


def main(argv: list[str]) -> int:
    interface, our_mac, our_ip, target_mac, seconds = argv[:5]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    frame = reply_frame(our_mac, our_ip, target_mac)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
    sock.bind((interface, 0))
    end = time.monotonic() + float(seconds)
    send = sock.send
    ready = False
    while time.monotonic() < end:
        with contextlib.suppress(OSError):  # a full queue drops frames: a storm does
            for _ in range(BURST):
                send(frame)
        if not ready:
            print("ready", flush=True)
            ready = True
        if select.select([sys.stdin], [], [], 0)[0] and not sys.stdin.readline():
            break
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
