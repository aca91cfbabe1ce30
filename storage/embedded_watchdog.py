"""The embedded server stops itself once the last copy of afpools that used it is gone.

Every copy leaves a ticket in ``users/`` and the last to ``release()`` stops the server. A copy
that dies without releasing (``kill -9``, the OOM killer, the X display gone under the board)
leaves its ticket, and nobody would stop the server. So the server looks at the tickets every
``CHECK_SECONDS``: a ticket whose process is gone (its pid is dead, or now belongs to a process
that started later) is removed (``storage.embedded_users``). When none is left, the server
tries ``server.lock``, the lock that ``acquire`` and ``release`` hold, looks once more, and if
still nobody uses it, keeps the lock while it stops listening, closes SQLite and removes its
pid file and its state file; only then does it let go.

Why a copy never joins a server that is about to exit: ``acquire`` holds the lock from reading
the state file until its ticket is written. The server decides only with the lock in hand, so a
joining copy is either seen (its ticket is there) or finds no state file once it has the lock
and starts a new server. That is the grace a joining copy needs; nothing is timed. The server
never waits for the lock: while a copy holds it (a start can take seconds), it looks again at
the next check, so the copy that started it has written its ticket before the server counts.

Why polling, and not a signal on death: the users are many and come and go. A parent-death
signal (``PR_SET_PDEATHSIG``) covers only the copy that started the server, which may leave
first while others stay. A pidfd (or kqueue) covers the processes known when it is opened, so
``users/`` must still be read for new ones, and neither exists on Windows. inotify on ``users/``
sees tickets come and go, never a process die. A look per second at a few small files costs
about 0.3 ms of CPU with three users (``bench/embedded_watchdog.py``), works the same on every
system, and counts the tickets of an older afpools too.

On Windows the same check runs (the pid check asks the kernel, the lock is ``msvcrt``'s), but
no start time is read: a pid that Windows gives to another program keeps the server until that
program ends. There the check is also the server's one clean exit, because ``release()`` can
only terminate it (Windows has no SIGTERM); SQLite's journal keeps the data whole either way.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path

from storage.embedded_process import try_lock, unlock
from storage.embedded_users import HOST, LOCK_FILE, STATE_FILE, USERS, live_users

CHECK_SECONDS = 1.0

log = logging.getLogger("afpools.embedded")


class LastUserWatch:
    """The users of one data folder's server, seen from inside the server process."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._users = folder / USERS
        self._lock_file = folder / LOCK_FILE
        self._state_file = folder / STATE_FILE
        self._lock: int | None = None  # held from the decision to exit until ``leave``

    def nobody_left(self) -> bool:
        """True when no copy uses the server any more; the folder's lock is then held."""
        if not self._folder.is_dir():
            return True  # the data folder was removed: nobody can join
        if live_users(self._users):
            return False
        lock = try_lock(self._lock_file)
        if lock is None:
            log.info("No user is left, but a copy is starting or leaving; looking again.")
            return False
        if live_users(self._users):  # a copy joined between the two looks
            unlock(lock)
            return False
        self._lock = lock
        log.info("The last user is gone; stopping.")
        return True

    def leave(self) -> None:
        """After the server stopped: remove the state file if it names this server, unlock."""
        if self._lock is None:
            return  # stopped by a signal: whoever sent it looks after the state file
        with contextlib.suppress(OSError, ValueError):
            state = json.loads(self._state_file.read_text(encoding="utf-8"))
            named = state if isinstance(state, dict) else {}
            if named.get("pid") == os.getpid() and named.get("host", HOST) == HOST:
                self._state_file.unlink()
        unlock(self._lock)
        self._lock = None
