"""The embedded default: a private nx-27017 (MongoDB wire protocol on SQLite) per user.

With no MongoDB configured, every copy of afpools on this machine shares one server whose
data lives in the user's data folder. A lock file serialises start and stop; each running
copy leaves a ticket (host and pid) in ``users/``; the copy that leaves last stops the server.
A second copy therefore reuses the running server instead of opening the same files twice.
A copy that ends without leaving (killed, or Qt ends the board when its display goes) cannot
stop it: the server watches the tickets and stops itself when the last user is gone
(``storage.embedded_watchdog``).

Nobody else can use it. nx-27017 has no authentication, so ``storage.embedded_launcher`` serves
it on a Unix socket in the data folder, the folder is 0700 and every file in it 0600
(``storage.embedded_access``); ``acquire`` also takes the other users' rights away from what an
older afpools left readable, and stops an older afpools' server that listens on a port.

Any copy may find the server dead: ``ensure`` starts it again, or follows the one another copy
started meanwhile, wherever that one listens (a new port, where there are no Unix sockets).

The state file names the machine the server runs on: with a home folder shared over the
network, a board on a second machine refuses clearly instead of opening the same SQLite
files from there (sharing pools between machines is what a real MongoDB is for). A process
is only ever stopped after checking that it is this folder's nx-27017.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pools.errors import StoreUnavailableError
from storage.embedded_access import (
    SOCKET_NAME,
    Address,
    answers,
    describe,
    is_private,
    make_private,
    make_private_folder,
    new_address,
    uri_for,
    write_private,
)
from storage.embedded_process import (
    address_in_command,
    command_line,
    locked,
    pid_alive,
    start_nx,
    stop_process,
    wait_until_serving,
)
from storage.embedded_users import (
    HOST,
    LOCK_FILE,
    STATE_FILE,
    USERS,
    live_users,
    new_ticket,
    write_ticket,
)

PID_FILE = "nx-27017.pid"
LOG_FILE = "nx-27017.log"
# What afpools keeps in the data folder: made private on every acquire.
OWN_NAMES = ("db", USERS, STATE_FILE, LOCK_FILE, LOG_FILE, PID_FILE, SOCKET_NAME)
# The servers this process joined, for an exit that skips the usual closing (``leave_all``).
_JOINED: set[EmbeddedServer] = set()


class EmbeddedServer:
    """The shared private nx-27017 of one data folder; ``acquire`` / ``release`` it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._state_file = folder / STATE_FILE
        self._lock_file = folder / LOCK_FILE
        self._pid_file = folder / PID_FILE
        self._users = folder / USERS
        self._ticket = new_ticket(self._users)
        self._serving: dict[str, Any] | None = None  # the state of the server last joined
        self._joined = False  # a ticket of ours is in users/

    @property
    def address(self) -> Address:
        if self._serving is None:
            raise StoreUnavailableError("The embedded database has not been started.")
        return _address(self._serving)

    @property
    def uri(self) -> str:
        return uri_for(self.address)

    @property
    def pid(self) -> int | None:
        return int(self._serving["pid"]) if self._serving is not None else None

    def acquire(self) -> str:
        """Start the server, or join the one another copy started; returns its URI."""
        make_private_folder(self.folder)
        with locked(self._lock_file):
            make_private(self.folder, OWN_NAMES)
            state = self._running_state() or self._start()
            write_ticket(self._ticket)  # before the lock goes: the server counts it from now
            self._serving, self._joined = state, True
            _JOINED.add(self)
        return self.uri

    def ensure(self, on_lost: Callable[[str], None] | None = None) -> str:
        """Make sure the server runs, and return its URI now.

        Cheap while the server joined last still runs (a small file read and a pid check).
        When it died, this starts it again (``on_lost`` hears of it first, so a face can say
        so), or joins the one another copy started meanwhile, wherever that one listens.
        """
        known = self._serving
        if known is not None:
            current = self._read_state()
            if current is not None and _same(current, known) and pid_alive(known["pid"]):
                return self.uri
            if on_lost is not None and (current is None or not pid_alive(current["pid"])):
                where = describe(_address(known))
                on_lost(f"The embedded database at {where} stopped; starting it again.")
            self._serving = None  # a start that fails is not reported as a loss again
        return self.acquire()

    def release(self) -> None:
        """Leave; the last copy to leave stops the server."""
        if not self._joined:
            return
        with locked(self._lock_file):
            self._ticket.unlink(missing_ok=True)
            self._serving, self._joined = None, False
            _JOINED.discard(self)
            if live_users(self._users):
                return
            state = self._read_state()
            if state is not None and state.get("host", HOST) == HOST:
                if self._is_ours(int(state["pid"])):
                    stop_process(int(state["pid"]))
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
        if not isinstance(state, dict) or not isinstance(state.get("pid"), int):
            return None
        if isinstance(state.get("socket"), str) or isinstance(state.get("port"), int):
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
        pid, address = int(state["pid"]), _address(state)
        if not pid_alive(pid):
            return None
        if not is_private(address):  # an older afpools' server, open to every local user
            if self._is_ours(pid):
                stop_process(pid)
            return None
        return state if answers(address) else None

    def _is_ours(self, pid: int) -> bool:
        """True for this folder's nx-27017; a reused pid is somebody else's process."""
        args = command_line(pid)
        if args is None:  # no /proc (Windows, macOS): trust the pid file nx-27017 keeps
            return pid_alive(pid) and self._pid_file.is_file()
        return str(self.folder / "db") in args

    def _orphan(self) -> dict[str, Any] | None:
        """An nx-27017 of this folder that a crashed copy left running without a state file.

        The pid file would make a second server of this folder refuse to start: adopt the
        orphan when it still serves where only this user can reach it, else stop it.
        """
        try:
            pid = int(self._pid_file.read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            return None
        if not pid_alive(pid):
            self._pid_file.unlink(missing_ok=True)
            return None
        args = command_line(pid)
        if args is None or str(self.folder / "db") not in args:
            raise StoreUnavailableError(
                f"The embedded database cannot start: {self._pid_file} names process {pid}, "
                "which may still use it; stop it or remove that file."
            )
        address = address_in_command(args)
        if address is not None and is_private(address) and answers(address):
            state = {"pid": pid, "host": HOST, "started_at": time.time(), **_fields(address)}
            write_private(self._state_file, json.dumps(state))
            return state
        stop_process(pid)
        self._pid_file.unlink(missing_ok=True)
        return None

    def _start(self) -> dict[str, Any]:
        adopted = self._orphan()
        if adopted is not None:
            return adopted
        log_file = self.folder / LOG_FILE
        for _attempt in range(3):  # a free port may be taken between probe and bind
            address = new_address(self.folder)
            process = start_nx(address, self.folder, log_file, self._pid_file)
            if wait_until_serving(process, address):
                state = {
                    "pid": process.pid,
                    "host": HOST,
                    "started_at": time.time(),
                    **_fields(address),
                }
                write_private(self._state_file, json.dumps(state))
                return state
            stop_process(process.pid)
        raise StoreUnavailableError(
            f"The embedded database could not be started; see {log_file} for the reason."
        )


def leave_all() -> None:
    """Release every embedded server this process joined, for an exit that skips the usual
    closing: Qt ends the board at once when its X display goes away."""
    for server in list(_JOINED):
        server.release()


def _address(state: dict[str, Any]) -> Address:
    return Path(state["socket"]) if isinstance(state.get("socket"), str) else int(state["port"])


def _fields(address: Address) -> dict[str, Any]:
    return {"socket": str(address)} if isinstance(address, Path) else {"port": address}


def _same(one: dict[str, Any], other: dict[str, Any]) -> bool:
    """The same server: the same process at the same address on the same machine."""
    keys = ("pid", "host", "socket", "port")
    return all(one.get(key) == other.get(key) for key in keys)
