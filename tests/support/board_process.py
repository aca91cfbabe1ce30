"""The board as a process of its own on the embedded database of a data folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from storage.embedded_users import HOST, USERS
from tests.support.poolservice import wait_until

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60.0  # Qt, the first connection and a loaded machine


class BoardProcess:
    """``with BoardProcess(folder) as board:`` a board that has joined the embedded server.

    Offscreen, or on the X display ``display`` (an Xvfb of the test's own). It is killed on
    the way out if it still runs.
    """

    def __init__(self, folder: Path, display: str | None = None) -> None:
        self.folder = folder
        self.display = display
        self._process: subprocess.Popen[str] | None = None

    @property
    def process(self) -> subprocess.Popen[str]:
        if self._process is None:
            raise RuntimeError("the board has not been started")
        return self._process

    def ticket(self) -> Path | None:
        """The ticket the board left in ``users/`` while it uses the server."""
        found = sorted((self.folder / USERS).glob(f"{HOST}@{self.process.pid}-*"))
        return found[0] if found else None

    def __enter__(self) -> BoardProcess:
        env = {**os.environ, "AFPOOLS_DATA_DIR": str(self.folder)}
        if self.display is None:
            env["QT_QPA_PLATFORM"] = "offscreen"
        else:
            env.update(DISPLAY=self.display, QT_QPA_PLATFORM="xcb")
        self._process = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "--afserver", "127.0.0.1:9"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_until(self._joined, "the board to join the embedded server", START_SECONDS)
        return self

    def _joined(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the board ended early: {self.process.communicate()}")
        return self.ticket() is not None

    def kill(self) -> None:
        """SIGKILL, as the OOM killer or ``kill -9`` would: no closing of any kind."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def __exit__(self, *exc: object) -> None:
        if self._process is not None and self._process.poll() is None:
            self.kill()
        if self._process is not None:
            self._process.communicate()
