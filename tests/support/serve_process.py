"""A real ``main.py serve`` in a process of its own, on loopback, for plugins to ask."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]
SERVE_ARGS = ("--host", "127.0.0.1", "--port", "0", "--legacy-port", "0")


@dataclass
class ServeProcess:
    process: subprocess.Popen[str]
    url: str  # http://127.0.0.1:PORT
    startup: list[str]  # what it printed before "Stop it with Ctrl+C."

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        self.process.communicate(timeout=60)


def start_serve(uri: str, database: str, log: Path) -> ServeProcess:
    """``main.py serve`` on the given MongoDB, an ephemeral port, no 2019 port, no afserver;
    its access log goes to ``log`` (a pipe nobody reads would stop it once full)."""
    env = {
        **os.environ,
        "AFPOOLS_MONGODB_URI": uri,
        "AFPOOLS_MONGODB_DATABASE": database,
        "AFPOOLS_SERVICE_AFSERVER_INTERVAL": "0",
        "AFPOOLS_SERVICE_REFRESH_INTERVAL": "0.1",
    }
    with log.open("w") as log_file:
        process = _popen(env, log_file)
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith("Stop it"):
            break
    found = re.search(r"HTTP API:\s+(http://127\.0\.0\.1:\d+)/v1/", "\n".join(lines))
    if not found:
        process.kill()
        process.communicate(timeout=60)
        raise AssertionError(f"main.py serve did not start: {lines} {log.read_text()}")
    return ServeProcess(process, found.group(1), lines)


def _popen(env: dict[str, str], log: IO[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "serve", *SERVE_ARGS],
        stdout=subprocess.PIPE,
        stderr=log,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env=env,
    )
