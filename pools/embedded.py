"""The embedded default: a private nx-27017 (MongoDB wire protocol on SQLite) per user.

With no MongoDB configured, every copy of afpools on this machine shares one server whose
data lives in the user's data folder. A lock file serialises start and stop; each running
copy leaves a ticket (host and pid) in ``users/``; the copy that leaves last stops the server.
A second copy therefore reuses the running server instead of opening the same files twice.

The state file names the machine the server runs on: with a home folder shared over the
network, a board on a second machine refuses clearly instead of opening the same SQLite
files from there (sharing pools between machines is what a real MongoDB is for). A process
is only ever stopped after checking that it is this folder's nx-27017.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pools.errors import StoreUnavailableError

HOST = socket.gethostname()
START_TIMEOUT = 20.0  # nx-27017 needs about 0.6 s; a loaded CI machine, more
STOP_TIMEOUT = 10.0


def _pid_alive(pid: int) -> bool:
    """True for a running process; a dead child of ours (a zombie) is reaped and counts dead."""
    if pid <= 0:
        return False
    if sys.platform.startswith("win"):
        return _windows_pid_alive(pid)
    with contextlib.suppress(ChildProcessError, OSError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def _windows_pid_alive(pid: int) -> bool:
    """``os.kill(pid, 0)`` would terminate the process on Windows; ask the kernel instead."""
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    code = ctypes.c_ulong()
    kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
    kernel32.CloseHandle(handle)
    return code.value == 259  # STILL_ACTIVE


def _command_line(pid: int) -> list[str] | None:
    """The arguments of a process where the system tells them (Linux), else None."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _port_answers(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock between processes, held for the start or stop of the server."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        if sys.platform.startswith("win"):
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def nx_command(port: int, data_dir: Path, log_file: Path, pid_file: Path) -> list[str]:
    """How to start nx-27017 with this Python (it is a dependency of afpools)."""
    code = "import sys; from nx_27017.nx_27017 import main; sys.exit(main())"
    return [
        sys.executable,
        "-c",
        code,
        "--host",
        "127.0.0.1",
        "-p",
        str(port),
        "--data-dir",
        str(data_dir),
        "--log-file",
        str(log_file),
        "--pid-file",
        str(pid_file),
    ]


def uri_for_port(port: int) -> str:
    return f"mongodb://127.0.0.1:{port}/?directConnection=true"


class EmbeddedServer:
    """The shared private nx-27017 of one data folder; ``acquire`` / ``release`` it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._state_file = folder / "server.json"
        self._lock_file = folder / "server.lock"
        self._users = folder / "users"
        # One ticket per object: two server objects in one process are two users.
        self._ticket = self._users / f"{HOST}@{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.port: int | None = None

    @property
    def uri(self) -> str:
        if self.port is None:
            raise StoreUnavailableError("The embedded database has not been started.")
        return uri_for_port(self.port)

    def acquire(self) -> str:
        """Start the server, or join the one another copy started; returns its URI."""
        with _locked(self._lock_file):
            state = self._running_state()
            if state is None:
                state = self._start()
            self._users.mkdir(parents=True, exist_ok=True)
            self._ticket.write_text(str(time.time()), encoding="utf-8")
            self.port = int(state["port"])
        return self.uri

    def release(self) -> None:
        """Leave; the last copy to leave stops the server."""
        if self.port is None:
            return
        with _locked(self._lock_file):
            self._ticket.unlink(missing_ok=True)
            self.port = None
            if self._live_users():
                return
            state = self._read_state()
            if state is not None and state.get("host", HOST) == HOST:
                if self._is_ours(int(state["pid"])):
                    self._stop(int(state["pid"]))
                self._state_file.unlink(missing_ok=True)

    def __enter__(self) -> str:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    # -- internals (called with the lock held) ------------------------------------------

    def _read_state(self) -> dict[str, Any] | None:
        try:
            state = json.loads(self._state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if (
            isinstance(state, dict)
            and isinstance(state.get("pid"), int)
            and isinstance(state.get("port"), int)
        ):
            return state
        return None

    def _running_state(self) -> dict[str, Any] | None:
        state = self._read_state()
        if state is None:
            return None
        host = state.get("host", HOST)
        if host != HOST:
            raise StoreUnavailableError(
                f"The embedded database in {self.folder} is in use on {host}; set a MongoDB URI "
                f"to share pools between machines, or remove {self._state_file} if no afpools "
                f"runs on {host}."
            )
        if _pid_alive(state["pid"]) and _port_answers(state["port"]):
            return state
        return None

    def _is_ours(self, pid: int) -> bool:
        """True for this folder's nx-27017; a reused pid is somebody else's process."""
        args = _command_line(pid)
        if args is None:  # no /proc (Windows, macOS): trust the pid file nx-27017 keeps
            return _pid_alive(pid) and (self.folder / "nx-27017.pid").is_file()
        return str(self.folder / "db") in args

    def _live_users(self) -> list[int]:
        """Pids of copies still using the server; tickets of crashed copies are dropped."""
        alive: list[int] = []
        for ticket in self._users.glob(f"{HOST}@*") if self._users.is_dir() else []:
            head = ticket.name.split("@", 1)[1].split("-", 1)[0]
            pid = int(head) if head.isdigit() else -1
            if _pid_alive(pid):
                alive.append(pid)
            else:
                ticket.unlink(missing_ok=True)
        return alive

    def _orphan(self) -> dict[str, Any] | None:
        """An nx-27017 of this folder that a crashed copy left running without a state file.

        nx-27017 refuses to start while its pid file names a live process: adopt the orphan
        when it still serves, stop it when it does not.
        """
        pid_file = self.folder / "nx-27017.pid"
        try:
            pid = int(pid_file.read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            return None
        if not _pid_alive(pid):
            pid_file.unlink(missing_ok=True)
            return None
        args = _command_line(pid)
        if args is None or str(self.folder / "db") not in args:
            raise StoreUnavailableError(
                f"The embedded database cannot start: {pid_file} names process {pid}, "
                "which may still use it; stop it or remove that file."
            )
        port = int(args[args.index("-p") + 1]) if "-p" in args else 0
        if port and _port_answers(port):
            state = {"pid": pid, "port": port, "host": HOST, "started_at": time.time()}
            self._state_file.write_text(json.dumps(state), encoding="utf-8")
            return state
        self._stop(pid)
        pid_file.unlink(missing_ok=True)
        return None

    def _start(self) -> dict[str, Any]:
        adopted = self._orphan()
        if adopted is not None:
            return adopted
        data_dir = self.folder / "db"
        data_dir.mkdir(parents=True, exist_ok=True)
        log_file = self.folder / "nx-27017.log"
        for _attempt in range(3):  # the free port may be taken between probe and bind
            port = _free_port()
            with log_file.open("ab") as log:
                process = subprocess.Popen(
                    nx_command(port, data_dir, log_file, self.folder / "nx-27017.pid"),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # outlives the copy that started it
                )
            if self._wait_until_serving(process, port):
                state = {"pid": process.pid, "port": port, "host": HOST, "started_at": time.time()}
                self._state_file.write_text(json.dumps(state), encoding="utf-8")
                return state
            self._stop(process.pid)
        raise StoreUnavailableError(
            f"The embedded database could not be started; see {log_file} for the reason."
        )

    @staticmethod
    def _wait_until_serving(process: subprocess.Popen[bytes], port: int) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return False
            if _port_answers(port, timeout=0.2):
                return True
            time.sleep(0.05)  # product code polling a child's port, not a test
        return False

    @staticmethod
    def _stop(pid: int) -> None:
        if not _pid_alive(pid):
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            if not _pid_alive(pid):
                return
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
