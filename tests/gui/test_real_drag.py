"""Real mouse drags between columns on a real X server (Xvfb), with xdotool's pointer.

Each drag runs in a process of its own (``tests/support/real_drag.py``,
``tests/support/native_drag.py``) on Qt's xcb platform, and says in its exit code whether
what was dragged landed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.xvfb import Xvfb

pytestmark = [pytest.mark.gui, pytest.mark.xvfb]

ROOT = Path(__file__).resolve().parents[2]


def drag_on_xvfb(script: str, nx_server: str, *flags: str) -> None:
    with Xvfb() as display:
        done = subprocess.run(
            [sys.executable, "-m", script, "--mongodb-uri", nx_server, *flags],
            cwd=ROOT,
            env={**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("copy", [False, True], ids=["farm-to-pool", "ctrl-copy-between-pools"])
def test_a_real_drag_lands_the_host_in_the_pool(nx_server: str, copy: bool) -> None:
    drag_on_xvfb("tests.support.real_drag", nx_server, *(["--copy"] if copy else []))


def test_a_real_drag_moves_a_render_between_native_pools(nx_server: str) -> None:
    drag_on_xvfb("tests.support.native_drag", nx_server)
