"""An nx-27017 the test owns outright, on a port it keeps, to stop and start at will."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pools.embedded import EmbeddedServer, _free_port, nx_command, uri_for_port


class PrivateNx:
    """One nx-27017 on a fixed port and folder; restarting keeps both (and the data)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.uri = uri_for_port(self.port)
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> PrivateNx:
        (self.folder / "db").mkdir(parents=True, exist_ok=True)
        process = subprocess.Popen(
            nx_command(
                self.port, self.folder / "db", self.folder / "nx.log", self.folder / "nx.pid"
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not EmbeddedServer._wait_until_serving(process, self.port):
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
