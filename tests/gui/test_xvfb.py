"""The tests' own X server cleans up after itself, however it ends.

A killed Xvfb leaves its socket behind. Left there run after run, such sockets once used up
every display number the suite tried, and the real-drag tests failed on a machine that had
run the suite a few dozen times.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.xvfb import Xvfb


def socket_of(display: str) -> Path:
    return Path(f"/tmp/.X11-unix/X{display.lstrip(':')}")


@pytest.mark.xvfb
@pytest.mark.parametrize("ending", ["killed", "stopped"])
def test_a_display_leaves_no_socket_behind(ending: str) -> None:
    xvfb = Xvfb()
    with xvfb as display:
        assert socket_of(display).exists()
        if ending == "killed":
            xvfb.kill()
    assert not socket_of(display).exists()


@pytest.mark.xvfb
def test_two_displays_at_once_get_their_own_numbers() -> None:
    with Xvfb() as first, Xvfb() as second:
        assert first != second
        assert socket_of(first).exists() and socket_of(second).exists()
