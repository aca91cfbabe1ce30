"""Announce one workstation with zeroconf from inside a namespace of the test LAN.

Usage: ``mdns_announcer.py IP HOSTNAME [TYPE,...]``: registers ``HOSTNAME.<TYPE>`` for each
service type (default ``_workstation._tcp`` and ``_ssh._tcp``) on the server
``HOSTNAME.local.`` at IP, prints ``ready`` once the announcement is out, and unregisters
when stdin closes or on SIGTERM.
"""

from __future__ import annotations

import signal
import socket
import sys

from zeroconf import ServiceInfo, Zeroconf

DEFAULT_TYPES = "_workstation._tcp,_ssh._tcp"
PORTS = {"_workstation._tcp": 9, "_ssh._tcp": 22, "_smb._tcp": 445, "_device-info._tcp": 0}


def main(argv: list[str]) -> int:
    ip, hostname = argv[:2]
    kinds = (argv[2] if len(argv) > 2 else DEFAULT_TYPES).split(",")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    zc = Zeroconf(interfaces=[ip])
    infos = [
        ServiceInfo(
            f"{kind}.local.",
            f"{hostname}.{kind}.local.",
            addresses=[socket.inet_aton(ip)],
            port=PORTS.get(kind, 1),
            server=f"{hostname}.local.",
        )
        for kind in kinds
    ]
    try:
        for info in infos:
            zc.register_service(info)
        print("ready", flush=True)
        sys.stdin.read()
    finally:
        zc.unregister_all_services()
        zc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
