"""Leave the embedded database when Qt ends the board on its own.

When the X display goes away, Qt prints "The X11 connection broke ..." and calls ``exit(1)``
at once; on a fatal message it aborts. Neither runs Python's closing (the window's close, the
workers' stop, ``atexit``), so the board would leave its ticket and the embedded server would
wait for its own check to notice (``storage.embedded_watchdog``). Qt hands every message to
the message handler first: that is the last moment to leave, so the server stops at once when
the board was its last user.
"""

from __future__ import annotations

import contextlib
import sys

from PyQt5.QtCore import QMessageLogContext, QtMsgType, qFormatLogMessage, qInstallMessageHandler

from storage.embedded import leave_all

DISPLAY_GONE = "The X11 connection broke"  # Qt's xcb plugin, right before exit(1)


def _on_qt_message(kind: QtMsgType, context: QMessageLogContext, message: str | None) -> None:
    text = message or ""
    sys.stderr.write(qFormatLogMessage(kind, context, text) + "\n")  # as Qt's own handler
    if kind == QtMsgType.QtFatalMsg or text.startswith(DISPLAY_GONE):
        with contextlib.suppress(OSError):  # the exit goes on; the server's check remains
            leave_all()


def leave_when_qt_ends_the_board() -> None:
    qInstallMessageHandler(_on_qt_message)
