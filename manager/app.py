"""Start the board: ``python main.py`` (and the Keeper menu entry)."""

from __future__ import annotations

import signal
import sys

from config.settings import Settings
from manager.process import close_windows, install_excepthook


def run_board(settings: Settings) -> int:
    from PyQt5.QtCore import QTimer
    from PyQt5.QtWidgets import QApplication

    from manager.display_loss import leave_when_qt_ends_the_board
    from manager.theme import apply_theme, enable_high_dpi
    from manager.window import MainWindow

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
    window = MainWindow(settings)
    window.show()
    window.session.start()
    # Python runs signal handlers only between bytecodes: wake it now and then.
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(250)
    return int(app.exec())
