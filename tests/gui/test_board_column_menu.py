"""A column's ⋮ menu acts on that column's pool, wherever the keyboard was before."""

from __future__ import annotations

from PyQt5.QtCore import Qt, QTimer
from PyQt5.QtTest import QTest
from PyQt5.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from manager.window import MainWindow
from storage.store import PoolStore
from tests.gui.conftest import MENU_REMARKS, WAIT_MS, focus


def choose_in_next_menu(label: str) -> None:
    """Pick an item of the next popup menu with the keyboard, as a user would: Qt closes
    the menu (the keyboard goes back where it was) before the item acts."""

    def pick() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, pick)
            return
        item = next(a for a in menu.actions() if a.text().replace("&", "") == label)
        menu.setActiveAction(item)
        QTest.keyClick(menu, Qt.Key.Key_Return)

    QTimer.singleShot(0, pick)


@MENU_REMARKS
def test_delete_from_a_columns_menu_deletes_that_columns_pool(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    qtbot.waitUntil(lambda: {"lighting", "gpu"} <= set(board.board.columns), timeout=WAIT_MS)
    asked: list[str] = []
    board.gestures.confirm = lambda _title, question: asked.append(question) or True
    focus(board, "lighting")  # the keyboard is in lighting's list

    choose_in_next_menu("Delete pool…")
    board.board.columns["gpu"].header.menu_button.click()

    qtbot.waitUntil(lambda: "gpu" not in board.board.columns, timeout=WAIT_MS)
    assert "gpu" in asked[0] and "lighting" not in asked[0]
    assert [pool.name for pool in seeded.pools()] == ["lighting"]


def test_the_fold_shortcut_folds_and_unfolds_the_current_column_and_keeps_it_current(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    """The keyboard once left with the folded list: another pool became current, the next
    Ctrl+Shift+C folded that one, and nothing could be unfolded from the keyboard."""
    qtbot.waitUntil(lambda: "lighting" in board.board.columns, timeout=WAIT_MS)
    view = focus(board, "gpu")
    gpu = board.board.columns["gpu"]

    QTest.keyClick(
        view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )

    assert gpu.collapsed and board.board.current_pool == "gpu"
    strip = QApplication.focusWidget()
    assert strip is not None and gpu.isAncestorOf(strip)
    QTest.keyClick(
        strip, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert not gpu.collapsed and QApplication.focusWidget() is gpu.view

    gpu.set_collapsed(True)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Enter on the strip
    assert not gpu.collapsed and board.board.current_pool == "gpu"
