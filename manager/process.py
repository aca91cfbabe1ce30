"""How the board's process meets trouble: an exception in a slot, Ctrl+C, a logout.

Shared by the board and the stand-alone service dialog, below both: neither imports the other.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

log = logging.getLogger("afpools")


def _log_uncaught(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    """PyQt aborts on an exception in a slot unless a hook is set: log it and carry on.

    Ctrl+C in the terminal arrives the same way and means: close the board properly.
    """
    if issubclass(kind, KeyboardInterrupt):
        close_windows()
        return
    log.error("".join(traceback.format_exception(kind, error, tb)))


def install_excepthook() -> None:
    """Log an exception raised in a Qt slot instead of letting PyQt abort the process."""
    sys.excepthook = _log_uncaught


def close_windows(*_: object) -> None:
    """Close like the window's close button: workers stop, the embedded server is released."""
    from PyQt5.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        widget.close()
    QApplication.quit()
