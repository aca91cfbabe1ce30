"""A loopback port for a test server, that no outgoing connection can take meanwhile.

Binding port 0, closing and binding the number again later races with the kernel, which
hands the same numbers out as source ports of outgoing connections (the ephemeral range):
a busy suite then finds its "free" port taken. Ports below that range are never handed out
that way, so a port found free there stays free until the test binds it.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

_FIRST = 20_000


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768


def unused_port() -> int:
    """A free loopback TCP port outside the kernel's range for outgoing connections."""
    last = _ephemeral_start() - 1
    for _ in range(200):
        port = random.randint(_FIRST, last)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError(f"no free loopback port between {_FIRST} and {last}")
