"""Can this process sweep with ARP? Asked once, answered with the sentence the user sees."""

from __future__ import annotations

import socket

ETH_P_ARP = 0x0806
FALLBACK = "only zeroconf and a TCP probe of common ports were used."
NO_PRIVILEGES = f"Scanning without raw-socket privileges (root or CAP_NET_RAW): {FALLBACK}"


def arp_unavailable() -> str:
    """'' when an ARP sweep can run here, else one sentence saying why and what was done."""
    try:
        from scapy.arch.linux import L2Socket  # noqa: F401  (the sweep's socket)
    except Exception as error:  # scapy fails on import in many ways on odd systems
        return f"scapy cannot be loaded ({type(error).__name__}), so {FALLBACK}"
    family = getattr(socket, "AF_PACKET", None)
    if family is None:
        return f"This system has no packet sockets for an ARP sweep, so {FALLBACK}"
    try:
        probe = socket.socket(family, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
    except PermissionError:
        return NO_PRIVILEGES
    except OSError as error:
        return f"Packet sockets cannot be opened ({error.strerror}), so {FALLBACK}"
    probe.close()
    return ""
