"""The board as a process: a logout (SIGTERM), Ctrl+C or a closed terminal (SIGHUP) closes it
properly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage.embedded_process import pid_alive

pytestmark = [pytest.mark.gui, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]


def wait_for_file(path: Path, process: subprocess.Popen[str], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not path.is_file():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)  # polling a file another process writes, with a deadline


@pytest.mark.parametrize(
    "sent", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=["logout", "ctrl-c", "hang-up"]
)
def test_a_signal_closes_the_board_and_stops_its_embedded_database(
    tmp_path: Path, sent: signal.Signals
) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "AFPOOLS_DATA_DIR": str(tmp_path)}
    board = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--afserver", "127.0.0.1:9"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_file(tmp_path / "server.json", board)
    nx_pid = json.loads((tmp_path / "server.json").read_text())["pid"]

    board.send_signal(sent)
    code = board.wait(timeout=30)

    assert code == 0, board.communicate()
    assert not (tmp_path / "server.json").exists()
    assert not pid_alive(nx_pid)
