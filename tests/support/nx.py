"""An nx-27017 the test owns outright, at an address it keeps, to stop and start at will."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
from pathlib import Path

from storage.embedded import LOG_FILE, PID_FILE
from storage.embedded_access import Address, make_private_folder, new_address, uri_for
from storage.embedded_process import (
    command_line,
    nx_command,
    pid_alive,
    stop_process,
    wait_until_serving,
)
from storage.embedded_users import HOST, STATE_FILE
from tests.support.poolservice import wait_until
from tests.support.ports import unused_port


class PrivateNx:
    """One nx-27017 on a fixed socket (or port) and folder; restarting keeps both, and the data.

    It is started as the embedded server is (a private Unix socket where there are any), so
    tests that stop it talk to the server the way afpools does.
    """

    def __init__(self, folder: Path, *, tcp: bool = False) -> None:
        """``tcp``: on a loopback port, as a MongoDB named by host and port (the 2019 tool's)."""
        self.folder = folder
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.address: Address = unused_port() if tcp else new_address(folder)
        self.uri = uri_for(self.address)
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def port(self) -> int:
        if isinstance(self.address, Path):
            raise AttributeError("this nx-27017 listens on a Unix socket; make it with tcp=True")
        return self.address

    def start(self) -> PrivateNx:
        (self.folder / "db").mkdir(parents=True, exist_ok=True)
        process = subprocess.Popen(
            nx_command(
                self.address, self.folder / "db", self.folder / "nx.log", self.folder / "nx.pid"
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_until_serving(process, self.address):
            process.kill()
            raise RuntimeError(f"nx-27017 did not start; see {self.folder / 'nx.log'}")
        self._process = process
        return self

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: no chance to finish anything."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=15)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def crash(pid: int) -> None:
    """Kill an nx-27017 as a crash would (SIGKILL); returns once the process is gone."""
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not pid_alive(pid), f"process {pid} to die")


def start_unwatched_embedded(folder: Path) -> subprocess.Popen[bytes]:
    """The embedded server of ``folder`` as an older afpools started it: it never looks at
    its users, so it serves until somebody stops it. Its state file says where, so every
    copy of afpools joins it. The caller stops it when a copy did not."""
    make_private_folder(folder)
    (folder / "db").mkdir(mode=0o700, exist_ok=True)
    address = new_address(folder)
    process = subprocess.Popen(
        nx_command(address, folder / "db", folder / LOG_FILE, folder / PID_FILE),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if not wait_until_serving(process, address):
        process.kill()
        raise RuntimeError(f"nx-27017 did not start; see {folder / LOG_FILE}")
    where = {"socket": str(address)} if isinstance(address, Path) else {"port": address}
    state = {"pid": process.pid, "host": HOST, **where}
    (folder / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    return process


def stop_leftover_embedded(folder: Path) -> None:
    """Stop the embedded server of ``folder`` if it still runs, so a failed test leaves none."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        pid = int(json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))["pid"])
        if str(folder / "db") in (command_line(pid) or []):
            stop_process(pid)
