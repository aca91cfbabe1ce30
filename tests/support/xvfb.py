"""An Xvfb X server of the test's own, for the few tests that need a real display."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path


class Xvfb:
    """``with Xvfb() as display:`` gives ":N" of a fresh X server, stopped afterwards."""

    def __init__(self, size: str = "1600x1000x24") -> None:
        self.size = size
        self.display = ""
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> str:
        if shutil.which("Xvfb") is None:
            raise RuntimeError("Xvfb is not installed (make test installs the xvfb package).")
        number = next(
            n
            for n in range(90, 200)
            if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists()
        )
        self.display = f":{number}"
        self._process = subprocess.Popen(
            ["Xvfb", self.display, "-screen", "0", self.size, "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        socket = Path(f"/tmp/.X11-unix/X{number}")
        deadline = time.monotonic() + 20
        while not socket.exists():  # the server is up once its socket exists
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Xvfb {self.display} did not start.")
            time.sleep(0.02)
        return self.display

    def kill(self) -> None:
        """The display goes away at once, as when the X server crashes or the session ends."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)

    def __exit__(self, *exc: object) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)
