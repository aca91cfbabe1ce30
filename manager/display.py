"""Whether there is a screen to open a window on: asked before Qt is imported at all.

Qt aborts the whole process when it finds no display, and importing it can fail on a server
without its system libraries; the command line asks here first and says so in one sentence.
"""

from __future__ import annotations

import os
import sys


def display_problem() -> str:
    """A sentence when there is no screen to open a window on, else ''."""
    if sys.platform.startswith(("win", "darwin")):
        return ""
    if (
        os.environ.get("QT_QPA_PLATFORM")
        or os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
    ):
        return ""
    return (
        "There is no display to open the board on: run it in a desktop session, "
        "or set DISPLAY (QT_QPA_PLATFORM=offscreen checks it without a screen)."
    )
