"""Start the board: ``python main.py`` (and the Keeper menu entry)."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from types import TracebackType

from pools.settings import Settings


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


log = logging.getLogger("afpools")


def _log_uncaught(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    """PyQt aborts on an exception in a slot unless a hook is set: log it and carry on."""
    log.error("".join(traceback.format_exception(kind, error, tb)))


def run_board(settings: Settings) -> int:
    from PyQt5.QtWidgets import QApplication

    from manager.theme import apply_theme, enable_high_dpi
    from manager.window import MainWindow

    sys.excepthook = _log_uncaught
    enable_high_dpi()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("afpools")
    app.setOrganizationName("afpools")
    apply_theme(app)
    window = MainWindow(settings)
    window.show()
    window.controller.start()
    return int(app.exec())
