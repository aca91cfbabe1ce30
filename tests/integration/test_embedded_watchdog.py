"""The embedded server stops itself when its last user is gone, however that user ended."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storage.embedded import EmbeddedServer
from storage.embedded_access import answers
from storage.embedded_process import locked, pid_alive
from storage.embedded_users import HOST, process_started
from tests.support.nx import stop_leftover_embedded
from tests.support.poolservice import wait_until

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
# A copy of afpools that joins the embedded server of a folder and stays until stdin closes.
USER = (
    "import sys; from pathlib import Path; from storage.embedded import EmbeddedServer;"
    "EmbeddedServer(Path(sys.argv[1])).acquire(); print('joined', flush=True); sys.stdin.read()"
)


@pytest.fixture(autouse=True)
def no_server_left(tmp_path: Path) -> Iterator[None]:
    yield
    stop_leftover_embedded(tmp_path)


def server_state(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "server.json").read_text(encoding="utf-8"))


def start_user(folder: Path) -> subprocess.Popen[str]:
    user = subprocess.Popen(
        [sys.executable, "-c", USER, str(folder)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert user.stdout is not None
    assert user.stdout.readline() == "joined\n"
    return user


@pytest.mark.skipif(sys.platform != "linux", reason="start times are read from /proc")
def test_a_pid_that_now_runs_another_program_is_no_user(tmp_path: Path) -> None:
    """A copy was killed and the kernel gave its pid to another program: that program does
    not keep the server running."""
    server = EmbeddedServer(tmp_path)
    server.acquire()
    nx_pid = server_state(tmp_path)["pid"]
    bystander = subprocess.Popen([sys.executable, "-c", "input()"], stdin=subprocess.PIPE)
    try:
        started = process_started(bystander.pid)
        assert started is not None
        ticket = tmp_path / "users" / f"{HOST}@{bystander.pid}-0ldc0py0"
        ticket.write_text(json.dumps({"process_started": started - 1}), encoding="utf-8")

        server.release()
        stopped = not pid_alive(nx_pid)
    finally:
        bystander.kill()
        bystander.communicate(timeout=10)

    assert stopped
    assert not ticket.exists()
    assert not (tmp_path / "server.json").exists()


def test_a_copy_that_is_joining_holds_the_server_back(tmp_path: Path) -> None:
    """The server decides with the lock that a joining copy holds: never while one joins."""
    user = start_user(tmp_path)
    state = server_state(tmp_path)
    log = tmp_path / "nx-27017.log"
    with locked(tmp_path / "server.lock"):  # as a copy does from reading the state to its ticket
        user.kill()
        user.communicate(timeout=10)
        wait_until(
            lambda: "a copy is starting or leaving" in log.read_text(encoding="utf-8"),
            "the server to find its last user gone while the lock is held",
            timeout=30,
        )
        held_back = answers(Path(state["socket"])) and (tmp_path / "server.json").exists()

    wait_until(lambda: not pid_alive(state["pid"]), "the server to stop once the lock is free", 30)
    assert held_back
    assert not (tmp_path / "server.json").exists()
