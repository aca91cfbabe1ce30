"""Start the board: ``python main.py`` (and the Keeper menu entry)."""

from __future__ import annotations

import logging
import signal
import sys
import traceback
from types import TracebackType

from config.settings import Settings

log = logging.getLogger("afpools")


def _log_uncaught(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    """PyQt aborts on an exception in a slot unless a hook is set: log it and carry on.

    Ctrl+C in the terminal arrives the same way and means: close the board properly.
    """
    if issubclass(kind, KeyboardInterrupt):
        _close_windows()
        return
    log.error("".join(traceback.format_exception(kind, error, tb)))


def install_excepthook() -> None:
    """Log an exception raised in a Qt slot instead of letting PyQt abort the process."""
    sys.excepthook = _log_uncaught


def _close_windows(*_: object) -> None:
    """Close like the window's close button: workers stop, the embedded server is released."""
    from PyQt5.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        widget.close()
    QApplication.quit()


def run_board(settings: Settings) -> int:
    from PyQt5.QtCore import QTimer
    from PyQt5.QtWidgets import QApplication

    from manager.display_loss import leave_when_qt_ends_the_board
    from manager.theme import apply_theme, enable_high_dpi
    from manager.window import MainWindow

    install_excepthook()
    leave_when_qt_ends_the_board()  # the X display gone: Qt exits without Python's closing
    signal.signal(signal.SIGINT, _close_windows)
    signal.signal(signal.SIGTERM, _close_windows)  # logout or kill: still release nx-27017
    if hasattr(signal, "SIGHUP"):  # the terminal it was started from closed
        signal.signal(signal.SIGHUP, _close_windows)
    enable_high_dpi()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("afpools")
    app.setOrganizationName("afpools")
    apply_theme(app)
    window = MainWindow(settings)
    window.show()
    window.controller.start()
    # Python runs signal handlers only between bytecodes: wake it now and then.
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(250)
    return int(app.exec())
