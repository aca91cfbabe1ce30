"""scan_runner.py, with an ARP sweep whose link goes down after its first batch of requests.

The kernel answers a send on an interface that went down with ENETDOWN; making that happen
at the right moment in a real namespace is a race, so the sweep's send fails here instead,
after its first batch went out for real. Usage as scan_runner.py.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scanner.arp import BATCH, ArpSweep
from tests.support import scan_runner

real_send = ArpSweep._send


def send_then_fail(self: ArpSweep, sock: Any, frames: list[bytes], *, count: bool) -> None:
    real_send(self, sock, frames[:BATCH], count=count)
    raise OSError(errno.ENETDOWN, os.strerror(errno.ENETDOWN))


ArpSweep._send = send_then_fail  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(scan_runner.main(sys.argv[1:]))
