"""Run one scan inside a namespace of the test LAN and report it as JSON lines on stdout.

Usage: ``scan_runner.py '{"use_arp": true, ...}'`` (ScanOptions fields as JSON). Prints
``{"event": "sighting"|"progress"|"result", ...}`` lines; a line ``cancel`` on stdin cancels
the scan. The result line also tells which threads were still running after ``run()`` and
how long the scan took from the cancel request, so tests can check both.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scanner.scan import NetworkScan, ScanOptions
from scanner.sighting import Sighting

STDIN_THREAD = "scan-runner-stdin"


def emit(event: str, **data: Any) -> None:
    sys.stdout.write(json.dumps({"event": event, **data}) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    started = time.monotonic()
    options = ScanOptions(**json.loads(argv[0] if argv else "{}"))
    cancelled_at: list[float] = []

    def on_sighting(sighting: Sighting) -> None:
        emit("sighting", at=time.monotonic() - started, **sighting.to_json())

    def on_progress(found: int, probed: int, total: int) -> None:
        emit("progress", found=found, probed=probed, total=total)

    scan = NetworkScan(options, on_sighting=on_sighting, on_progress=on_progress)

    def read_stdin() -> None:
        for line in sys.stdin:
            if line.strip() == "cancel":
                cancelled_at.append(time.monotonic())
                scan.cancel()
                return

    threading.Thread(target=read_stdin, name=STDIN_THREAD, daemon=True).start()
    result = scan.run()
    ended = time.monotonic()
    emit(
        "result",
        **result.to_json(),
        wall_seconds=ended - started,
        after_cancel=ended - cancelled_at[0] if cancelled_at else None,
        threads=[
            t.name for t in threading.enumerate() if t.name not in ("MainThread", STDIN_THREAD)
        ],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
