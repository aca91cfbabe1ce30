"""An nx-27017 the test owns outright, at an address it keeps, to stop and start at will."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from storage.embedded_access import Address, new_address, uri_for
from storage.embedded_process import nx_command, pid_alive, wait_until_serving
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
