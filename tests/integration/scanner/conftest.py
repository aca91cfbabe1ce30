"""The namespace LAN for scanner tests (layout: tests/support/netns_lan.py) and scan helpers.

Scans run as subprocesses inside the LAN's scanner namespace, never in the root namespace:
the pytest process itself sends no packet anywhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support import netns_lan
from tests.support.netns_lan import Lan

RUNNER = "tests/support/scan_runner.py"
SCAN_TIMEOUT = 60.0  # a scan takes ~1.5 s; this only stops a hung test


@pytest.fixture(scope="session")
def netns_ready() -> None:
    """Skip (with the reason) where namespaces cannot be made: not root, no iproute2."""
    reason = netns_lan.netns_unavailable()
    if reason:
        pytest.skip(f"the namespace LAN cannot be built here: {reason}")


@pytest.fixture(scope="package")
def lan(netns_ready: None) -> Iterator[Lan]:
    """Eight live hosts: two named by DNS, two by the hosts file, three by zeroconf, one not.

    One LAN for the package: every test leaves it as it found it (CLI runs keep their store
    in their own tmp_path), and building it costs a few seconds.
    """
    with netns_lan.lan(8, named=(2, 2, 3)) as built:
        yield built
    assert netns_lan.leftovers(built.prefix) == [], "the LAN was not torn down"


@dataclass
class ScanRun:
    """What one scan_runner.py run printed."""

    events: list[dict[str, Any]] = field(default_factory=list)
    stderr: str = ""

    @property
    def result(self) -> dict[str, Any]:
        return next(e for e in self.events if e["event"] == "result")

    @property
    def sightings(self) -> dict[str, dict[str, Any]]:
        """The final merged sightings by IP."""
        return {s["ip"]: s for s in self.result["sightings"]}

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event"] == kind]


def runner_argv(options: dict[str, Any], *, drop_raw: bool = False) -> list[str]:
    argv = [sys.executable, RUNNER, json.dumps(options)]
    if drop_raw:  # the scanning process (and only it) loses CAP_NET_RAW, root or not
        return ["setpriv", "--bounding-set=-net_raw", "--", *argv]
    return argv


def parse_lines(stdout: str, stderr: str) -> ScanRun:
    run = ScanRun(stderr=stderr)
    for line in stdout.splitlines():
        if line.startswith("{"):
            run.events.append(json.loads(line))
    assert any(e["event"] == "result" for e in run.events), f"no result; stderr: {stderr}"
    return run


def scan_in(lan: Lan, options: dict[str, Any] | None = None, *, drop_raw: bool = False) -> ScanRun:
    """Run one whole scan inside the LAN's scanner namespace."""
    done = lan.run(
        lan.scanner_ns, runner_argv(options or {}, drop_raw=drop_raw), timeout=SCAN_TIMEOUT
    )
    assert done.returncode == 0, done.stderr
    return parse_lines(done.stdout, done.stderr)


def cli_in(
    lan: Lan, home: Path, *args: str, stderr_tty: bool = False
) -> subprocess.CompletedProcess[str]:
    """``main.py ARGS`` inside the scanner namespace, with its own embedded store in ``home``."""
    argv = [sys.executable, "main.py", *args]
    env_args = [
        "env",
        f"HOME={home}",
        f"XDG_CONFIG_HOME={home / '.config'}",
        f"XDG_DATA_HOME={home / '.local' / 'share'}",
    ]
    if not stderr_tty:
        return lan.run(lan.scanner_ns, [*env_args, *argv], timeout=SCAN_TIMEOUT)
    return _run_with_tty_stderr(lan, [*env_args, *argv])


def _run_with_tty_stderr(lan: Lan, argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run with stderr on a pseudo-terminal, as when an admin watches the scan."""
    controller, terminal = os.openpty()
    try:
        process = subprocess.Popen(
            lan.exec_argv(lan.scanner_ns, argv),
            stdout=subprocess.PIPE,
            stderr=terminal,
            text=True,
            cwd=netns_lan.ROOT,
        )
        os.close(terminal)
        terminal = -1
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # EIO: the terminal's last writer is gone
                break
            if not chunk:
                break
            chunks.append(chunk)
        stdout, _ = process.communicate(timeout=SCAN_TIMEOUT)
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)
    return subprocess.CompletedProcess(
        process.args, process.returncode, stdout, b"".join(chunks).decode(errors="replace")
    )
