"""What the board remembers between runs: the order of its columns, the collapsed ones (of
the native pools tab too), the window's size and place, and the last scan's interface and
ranges (``board.ini`` in the user's configuration folder)."""

from __future__ import annotations

from PyQt5.QtCore import QPoint, QRect, QSettings, QSize
from PyQt5.QtWidgets import QWidget

from config.settings import user_config_dir
from manager.board import Board
from manager.column import PoolColumn
from manager.native_view import NativeBoard

DEFAULT_SIZE = (1280, 800)
FRAME_ROOM = (16, 48)  # what the window manager adds around the window: borders, title bar


class BoardMemory:
    """Follows the board's columns as they come, move, collapse and get renamed."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self._prefs = QSettings(str(user_config_dir() / "board.ini"), QSettings.Format.IniFormat)
        self._collapsed: set[str] = set(self._prefs.value("columns/collapsed", [], list) or [])
        board.column_added.connect(self._on_board_column_added)
        board.column_collapsed.connect(self._on_board_column_collapsed)
        board.column_renamed.connect(self._on_board_column_renamed)
        board.columns_changed.connect(self._on_board_columns_changed)
        board.order_changed.connect(lambda order: self._prefs.setValue("columns/order", order))

    @property
    def prefs(self) -> QSettings:
        """The board's own settings file, for a part that remembers something of its own."""
        return self._prefs

    def _saved_order(self) -> list[str]:
        return list(self._prefs.value("columns/order", [], list) or [])

    def _on_board_columns_changed(self) -> None:
        self.board.set_order(self._saved_order())

    def _on_board_column_added(self, column: PoolColumn) -> None:
        """A column folded last time is folded again (before it is ever made, when it is out
        of sight: it is made as a strip once it comes into sight)."""
        if column.pool in self._collapsed:
            column.set_collapsed(True)

    def _on_board_column_renamed(self, old: str, new: str) -> None:
        if old in self._collapsed:
            self._collapsed.discard(old)
            self._collapsed.add(new)
            self._save_collapsed()

    def _on_board_column_collapsed(self, column: PoolColumn, collapsed: bool) -> None:
        name = column.pool
        if name is None:
            return
        (self._collapsed.add if collapsed else self._collapsed.discard)(name)
        self._save_collapsed()

    def _save_collapsed(self) -> None:
        self._prefs.setValue("columns/collapsed", sorted(self._collapsed))

    def follow_native(self, view: NativeBoard) -> None:
        """The Native pools tab's folded columns (by path), before its columns are made."""
        view.folded = set(self._prefs.value("native/collapsed", [], list) or [])
        view.column_collapsed.connect(
            lambda *_: self._prefs.setValue("native/collapsed", sorted(view.folded))
        )

    def scan_choice(self) -> tuple[str, str]:
        """The interface and ranges of the last scan ("" for what was not chosen)."""
        return (
            str(self._prefs.value("scan/interface", "") or ""),
            str(self._prefs.value("scan/ranges", "") or ""),
        )

    def remember_scan(self, interface: str, ranges: str) -> None:
        self._prefs.setValue("scan/interface", interface)
        self._prefs.setValue("scan/ranges", ranges)

    def restore_geometry(self, window: QWidget) -> None:
        """The size and place it had, or the default size; either way inside the screen
        (a window saved on a large monitor, opened on a laptop, fits the laptop)."""
        geometry = self._prefs.value("window/geometry")
        if geometry is None or not window.restoreGeometry(geometry):
            window.resize(*DEFAULT_SIZE)
            window.move(0, 0)  # centred below, once its size fits
        screen = window.screen().availableGeometry()
        size = window.size().boundedTo(
            QSize(screen.width() - FRAME_ROOM[0], screen.height() - FRAME_ROOM[1])
        )
        window.resize(size.expandedTo(window.minimumSizeHint()))
        if geometry is None or not screen.contains(window.geometry()):
            place = QRect(QPoint(0, 0), window.size())
            place.moveCenter(screen.center())
            window.move(place.topLeft())

    def save(self, window: QWidget) -> None:
        self._prefs.setValue("window/geometry", window.saveGeometry())
        self._prefs.setValue("columns/order", self.board.order())
        self._prefs.sync()
