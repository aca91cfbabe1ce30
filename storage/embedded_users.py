"""Who uses the embedded server: one ticket per copy of afpools in the data folder's ``users/``.

A ticket is named ``<machine>@<pid>-<random>`` and holds the start time of the process that
wrote it where the system tells it (Linux). A pid alone is not enough: after a crash the kernel
may give it to another program, which must not keep the server running. Where no start time
can be read (macOS, Windows, a ticket of an older afpools), a live pid counts.

``EmbeddedServer`` writes and removes its tickets with the folder's lock held; the server
itself reads them to stop once the last user is gone (``storage.embedded_watchdog``).
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from pathlib import Path

from storage.embedded_access import write_private
from storage.embedded_process import pid_alive

HOST = socket.gethostname()
# The data folder's names that the copies and the server agree on.
USERS = "users"
STATE_FILE = "server.json"
LOCK_FILE = "server.lock"


def new_ticket(users: Path) -> Path:
    """A ticket of this process's own; one per server object, so two in a process are two."""
    return users / f"{HOST}@{os.getpid()}-{uuid.uuid4().hex[:8]}"


def write_ticket(ticket: Path) -> None:
    ticket.parent.mkdir(mode=0o700, exist_ok=True)
    started = process_started(os.getpid())
    write_private(ticket, json.dumps({"process_started": started, "joined_at": time.time()}))


def live_users(users: Path) -> list[int]:
    """Pids of this machine's copies still using the server; tickets of gone ones are removed.

    A gone copy never comes back under its ticket, so removing one needs no lock.
    """
    alive: list[int] = []
    for ticket in users.glob(f"{HOST}@*") if users.is_dir() else []:
        head = ticket.name.split("@", 1)[1].split("-", 1)[0]
        pid = int(head) if head.isdigit() else -1
        if _still_running(pid, _started(ticket)):
            alive.append(pid)
        else:
            ticket.unlink(missing_ok=True)
    return alive


def process_started(pid: int) -> int | None:
    """When the process started (clock ticks after boot, Linux), else None.

    With the pid it names one process for good: a reused pid comes with a later start.
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[19])  # field 22, counted from the state (field 3)
    except (OSError, IndexError, ValueError):
        return None


def _started(ticket: Path) -> int | None:
    try:
        content = json.loads(ticket.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # removed meanwhile
    # An older afpools wrote a bare timestamp: its pid alone tells.
    started = content.get("process_started") if isinstance(content, dict) else None
    return started if isinstance(started, int) else None


def _still_running(pid: int, started: int | None) -> bool:
    if not pid_alive(pid):
        return False
    if started is None:
        return True
    now = process_started(pid)
    return now is None or now == started
