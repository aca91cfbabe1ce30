"""The embedded server's process: how it is started, found, waited for and stopped.

Every check that decides whether a process may be stopped lives here, so that afpools never
stops a process that is not its own nx-27017 (pids are reused).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from storage.embedded_access import Address, answers, open_private

START_TIMEOUT = 20.0  # nx-27017 needs about 0.6 s; a loaded CI machine, more
STOP_TIMEOUT = 10.0
PROJECT_ROOT = Path(__file__).resolve().parents[1]
# The launcher is started by module name from the project's folder, whatever the caller's
# working folder: running its file instead would put pools/ first on sys.path.
_LAUNCH = (
    "import sys; sys.path.insert(0, sys.argv.pop(1)); "
    "from storage.embedded_launcher import main; sys.exit(main())"
)


def nx_command(
    address: Address,
    data_dir: Path,
    log_file: Path,
    pid_file: Path,
    users_of: Path | None = None,
) -> list[str]:
    """How to start nx-27017 at ``address`` with this Python (it is a dependency of afpools).

    ``users_of``: the data folder whose users' tickets the server watches, to stop itself
    when the last user is gone (``storage.embedded_watchdog``); None serves until stopped.
    """
    where = ["--socket", str(address)] if isinstance(address, Path) else ["--port", str(address)]
    watch = ["--watch-users", str(users_of)] if users_of is not None else []
    return [
        sys.executable,
        "-c",
        _LAUNCH,
        str(PROJECT_ROOT),
        *where,
        "--data-dir",
        str(data_dir),
        "--log-file",
        str(log_file),
        "--pid-file",
        str(pid_file),
        *watch,
    ]


def address_in_command(args: list[str]) -> Address | None:
    """Where the nx-27017 with these arguments listens (an older afpools passed ``-p PORT``)."""
    for flag in ("--socket", "--port", "-p"):
        if flag in args[:-1]:
            value = args[args.index(flag) + 1]
            if flag == "--socket":
                return Path(value)
            return int(value) if value.isdigit() else None
    return None


def start_nx(
    address: Address, folder: Path, log_file: Path, pid_file: Path
) -> subprocess.Popen[bytes]:
    """Start nx-27017 for ``folder`` (SQLite files in ``folder/db``) with a private log.

    It watches the tickets in ``folder/users`` and stops itself when no user is left.
    """
    data_dir = folder / "db"
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    log = open_private(log_file, os.O_WRONLY | os.O_APPEND)
    try:
        return subprocess.Popen(
            nx_command(address, data_dir, log_file, pid_file, users_of=folder),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives the copy that started it
        )
    finally:
        os.close(log)


def wait_until_serving(process: subprocess.Popen[bytes], address: Address) -> bool:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if answers(address, timeout=0.2):
            return True
        time.sleep(0.05)  # product code polling a child's listener, not a test
    return False


def pid_alive(pid: int) -> bool:
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


def command_line(pid: int) -> list[str] | None:
    """The arguments of a process where the system tells them (Linux), else None."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock between processes, held for the start or stop of the server."""
    descriptor = open_private(path, os.O_RDWR)
    with os.fdopen(descriptor, "r+b") as handle:
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


def try_lock(path: Path) -> int | None:
    """The lock of ``locked`` when nobody holds it now, else None; ``unlock`` gives it back.

    For the server's own check of its users, which must never wait for a copy that starts it.
    """
    descriptor = open_private(path, os.O_RDWR)
    try:
        if sys.platform.startswith("win"):
            import msvcrt

            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)  # a new descriptor is at byte 0
        else:
            import fcntl

            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        return None
    return descriptor


def unlock(descriptor: int) -> None:
    if sys.platform.startswith("win"):
        import msvcrt

        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)
    os.close(descriptor)  # flock's lock goes with the last descriptor


def stop_process(pid: int) -> None:
    """SIGTERM, then SIGKILL after ``STOP_TIMEOUT``; the caller checked it is our nx-27017."""
    if not pid_alive(pid):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        if not pid_alive(pid):
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
