"""Start the board: ``python main.py`` (and the Keeper menu entry)."""

from __future__ import annotations

import gc
import signal
import sys
from typing import TYPE_CHECKING

from config.settings import Settings
from manager.process import close_windows, install_excepthook

if TYPE_CHECKING:
    from manager.window import MainWindow


def run_board(settings: Settings) -> int:
    from PyQt5.QtCore import QTimer
    from PyQt5.QtWidgets import QApplication

    from manager.display_loss import leave_when_qt_ends_the_board
    from manager.theme import apply_theme, enable_high_dpi

    install_excepthook()
    leave_when_qt_ends_the_board()  # the X display gone: Qt exits without Python's closing
    signal.signal(signal.SIGINT, close_windows)
    signal.signal(signal.SIGTERM, close_windows)  # logout or kill: still release nx-27017
    if hasattr(signal, "SIGHUP"):  # the terminal it was started from closed
        signal.signal(signal.SIGHUP, close_windows)
    enable_high_dpi()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("afpools")
    app.setOrganizationName("afpools")
    apply_theme(app)
    window = open_board(settings)
    # Python runs signal handlers only between bytecodes: wake it now and then.
    heartbeat = QTimer(window)
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(250)
    return int(app.exec())


def open_board(settings: Settings, size: tuple[int, int] | None = None) -> MainWindow:
    """The board's window shown (at ``size``, else its own) and its session started; what
    ``main.py`` opens and ``bench/board.py`` measures."""
    from manager.window import MainWindow

    window = MainWindow(settings)
    if size is not None:
        window.resize(*size)
    window.show()
    session = window.session

    def freeze(reachable: bool, _sentence: str) -> None:
        """Once the first poll is shown, what the board holds from then on (the farm, its
        widgets, every module) is left out of the cycle collector's full passes: over a
        farm of 5,000 hosts such a pass took 40 ms wherever it fell, a keystroke in the
        find field too; without that heap, under a millisecond. Tests build windows
        without this, so that one test's objects are not kept for the next."""
        if reachable:
            session.farm_session.afserver_state.disconnect(freeze)
            gc.freeze()

    session.farm_session.afserver_state.connect(freeze)
    session.start()
    return window
