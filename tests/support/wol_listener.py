"""Catch one Wake-on-LAN packet inside a namespace of the test LAN.

Usage: ``wol_listener.py PORT``: binds UDP 0.0.0.0:PORT (broadcasts included), prints
``ready``, then one JSON line ``{"source": ..., "payload": HEX}`` for the first datagram and
exits. Gives up after 60 s so that a broken test cannot leave it behind.
"""

from __future__ import annotations

import json
import socket
import sys

GIVE_UP = 60.0


def main(argv: list[str]) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sock.bind(("0.0.0.0", int(argv[0])))
        sock.settimeout(GIVE_UP)
        print("ready", flush=True)
        payload, (source, _port) = sock.recvfrom(4096)
    print(json.dumps({"source": source, "payload": payload.hex()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
