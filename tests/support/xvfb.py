"""An Xvfb X server of the test's own, for the few tests that need a real display."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from pathlib import Path

START_SECONDS = 20


class Xvfb:
    """``with Xvfb() as display:`` gives ":N" of a fresh X server, stopped afterwards.

    Xvfb picks a free display number itself (``-displayfd``: it skips the numbers whose
    socket it cannot bind) and writes it to a pipe once clients can connect, so there is
    nothing to poll for and no lock file of an earlier run stands in the way. Whatever way
    the server ends, its socket goes with it: a killed server leaves it behind, and
    sockets left by killed servers would otherwise pile up run after run.
    """

    def __init__(self, size: str = "1600x1000x24") -> None:
        self.size = size
        self.display = ""
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> str:
        if shutil.which("Xvfb") is None:
            raise RuntimeError("Xvfb is not installed (make test installs the xvfb package).")
        read_end, write_end = os.pipe()
        try:
            self._process = subprocess.Popen(
                [
                    "Xvfb",
                    "-displayfd",
                    str(write_end),
                    "-screen",
                    "0",
                    self.size,
                    "-nolisten",
                    "tcp",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(write_end,),
            )
            os.close(write_end)
            write_end = -1
            self.display = f":{self._read_display(read_end)}"
        except BaseException:
            self._stop(kill=True)
            raise
        finally:
            os.close(read_end)
            if write_end >= 0:
                os.close(write_end)
        return self.display

    def _read_display(self, read_end: int) -> int:
        """The number Xvfb writes once it is ready; EOF means it ended first."""
        text = b""
        while not text.endswith(b"\n"):
            ready, _, _ = select.select([read_end], [], [], START_SECONDS)
            chunk = os.read(read_end, 64) if ready else b""
            if not chunk:
                raise RuntimeError("Xvfb did not start.")
            text += chunk
        return int(text)

    def kill(self) -> None:
        """The display goes away at once, as when the X server crashes or the session ends."""
        self._stop(kill=True)

    def __exit__(self, *exc: object) -> None:
        self._stop(kill=False)

    def _stop(self, kill: bool) -> None:
        """Once: by the time ``__exit__`` follows ``kill()``, another server may have the
        number, and its socket is not ours to remove."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill() if kill else process.terminate()
            process.wait(timeout=10)
        if self.display:
            self._forget_display(process.pid)

    def _forget_display(self, pid: int) -> None:
        """Removes the socket a killed server leaves, and its lock file if it wrote one (with
        ``-displayfd`` this Xvfb writes none; a server that did would have its pid in it)."""
        number = self.display.lstrip(":")
        Path(f"/tmp/.X11-unix/X{number}").unlink(missing_ok=True)
        lock = Path(f"/tmp/.X{number}-lock")
        try:
            owner = int(lock.read_text().strip())
        except (OSError, ValueError):
            return
        if owner == pid:
            lock.unlink(missing_ok=True)
