"""What the real-drag scripts share: waiting on a condition while Qt runs, and a hand on the
mouse (xdotool) dragging from one point of the screen to another in small steps."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable

from PyQt5.QtCore import QPoint, QThread
from PyQt5.QtWidgets import QApplication

STEPS = 12


def wait_until(app: QApplication, condition: Callable[[], object], ms: int = 20_000) -> bool:
    """Run Qt's events until ``condition`` holds; False if it did not within ``ms``."""
    while ms > 0:
        app.processEvents()
        if condition():
            return True
        QThread.msleep(20)
        ms -= 20
    return False


def settle(app: QApplication) -> None:
    """Let freshly shown columns take their places before aiming at them."""
    for _ in range(20):
        app.processEvents()
        QThread.msleep(10)


def start_drag(start: QPoint, end: QPoint, *, ctrl: bool = False) -> threading.Thread:
    """Press at ``start``, move to ``end`` and release (holding Ctrl if asked), in a thread
    of its own: Qt's drag loop must keep running here meanwhile. Join it when done."""
    dx, dy = end.x() - start.x(), end.y() - start.y()
    chain = ["xdotool", "mousemove", str(start.x()), str(start.y()), "sleep", "0.3"]
    if ctrl:
        chain += ["keydown", "ctrl"]
    chain += ["mousedown", "1", "sleep", "0.2"]
    for i in range(1, STEPS + 1):
        x, y = start.x() + dx * i // STEPS, start.y() + dy * i // STEPS
        chain += ["mousemove", str(x), str(y), "sleep", "0.05"]
    chain += ["sleep", "0.3", "mouseup", "1"]
    if ctrl:
        chain += ["keyup", "ctrl"]
    mouse = threading.Thread(target=subprocess.run, args=(chain,), kwargs={"check": False})
    mouse.start()
    return mouse
