"""One real mouse drag between columns on a real X server (Xvfb), with xdotool's pointer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.xvfb import Xvfb

pytestmark = [pytest.mark.gui, pytest.mark.xvfb]

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("copy", [False, True], ids=["farm-to-pool", "ctrl-copy-between-pools"])
def test_a_real_drag_lands_the_host_in_the_pool(nx_server: str, copy: bool) -> None:
    with Xvfb() as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        done = subprocess.run(
            [sys.executable, "-m", "tests.support.real_drag", "--mongodb-uri", nx_server]
            + (["--copy"] if copy else []),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert done.returncode == 0, done.stdout + done.stderr


def test_a_real_drag_moves_a_render_between_native_pools(nx_server: str) -> None:
    with Xvfb() as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        done = subprocess.run(
            [sys.executable, "-m", "tests.support.native_drag", "--mongodb-uri", nx_server],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert done.returncode == 0, done.stdout + done.stderr
