"""The toolbar, the status bar and the window's size: what a new admin sees at 1,024 px and
on a small screen."""

from __future__ import annotations

import pytest
from PyQt5.QtCore import QRect, Qt
from PyQt5.QtTest import QTest
from PyQt5.QtWidgets import QAction, QApplication, QLabel, QStatusBar, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from manager import theme
from manager.window import MainWindow
from storage.store import PoolStore
from tests.gui.conftest import WAIT_MS, BoardFactory, wait_members

pytestmark = pytest.mark.gui

LONG = "compositing-overnight-a.*(b)-sequence-040"


def in_sight(window: MainWindow, widget: QWidget) -> bool:
    """Shown, whole, inside the window, and not hidden under another widget."""
    where = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
    return (
        widget.isVisible()
        and window.rect().contains(where)
        and widget.visibleRegion().boundingRect() == widget.rect()
    )


def button(window: MainWindow, action: QAction) -> QToolButton:
    widget = window.toolbar.widgetForAction(action)
    assert isinstance(widget, QToolButton)
    return widget


def set_width(qtbot: QtBot, window: MainWindow, width: int) -> None:
    window.resize(width, 700)
    qtbot.waitUntil(lambda: window.toolbar.width() == window.width(), timeout=WAIT_MS)


def long_undo_and_redo(qtbot: QtBot, store: PoolStore, window: MainWindow) -> None:
    """Two moves into a pool with a long name, one of them undone: both buttons name a step."""
    store.create(LONG)
    wait_members(qtbot, window, LONG, [])
    window.session.edits.drop(["rnd-a01"], "lighting", LONG, False)
    wait_members(qtbot, window, LONG, ["rnd-a01"])
    qtbot.waitUntil(window.undo_action.isEnabled, timeout=WAIT_MS)
    window.session.edits.drop(["gpu-01"], "gpu", LONG, False)
    wait_members(qtbot, window, LONG, ["gpu-01", "rnd-a01"])
    qtbot.waitUntil(window.undo_action.isEnabled, timeout=WAIT_MS)
    window.undo_action.trigger()
    wait_members(qtbot, window, LONG, ["rnd-a01"])
    qtbot.waitUntil(
        lambda: window.undo_action.isEnabled() and window.redo_action.isEnabled(),
        timeout=WAIT_MS,
    )


def test_after_undo_and_redo_the_filter_and_scan_stay_in_sight_at_1024_px(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    wait_members(qtbot, board, "gpu", ["gpu-01"])
    long_undo_and_redo(qtbot, seeded, board)
    set_width(qtbot, board, 1024)

    toolbar = board.toolbar
    for widget in (board.filter_edit, board.state_box, button(board, board.scan_action)):
        assert in_sight(board, widget), widget
    extension = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert extension is not None and not extension.isVisible()
    assert extension.icon().cacheKey() == theme.icon("more").cacheKey()  # were it ever shown

    undo = button(board, board.undo_action)
    step = f"Undo move rnd-a01 from lighting to {LONG}"
    assert undo.text() == "Undo"
    assert undo.toolTip() == f"{step} (Ctrl+Z)"
    assert undo.statusTip() == step
    redo = button(board, board.redo_action)
    assert (redo.text(), redo.statusTip()) == ("Redo", f"Redo move gpu-01 from gpu to {LONG}")

    QApplication.setActiveWindow(board)
    board.board.farm_column.view.setFocus()
    QTest.keyClick(board.board.farm_column.view, Qt.Key_F, Qt.ControlModifier)
    assert QApplication.focusWidget() is board.filter_edit


def test_a_narrow_window_shows_icons_and_hides_nothing(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    wait_members(qtbot, board, "gpu", ["gpu-01"])
    long_undo_and_redo(qtbot, seeded, board)
    toolbar = board.toolbar

    set_width(qtbot, board, 1280)
    labelled = [a for a in toolbar.actions() if isinstance(toolbar.widgetForAction(a), QToolButton)]
    assert all(button(board, a).toolButtonStyle() == Qt.ToolButtonTextBesideIcon for a in labelled)

    board.resize(400, 700)  # narrower than it may be: it stops where every icon still fits
    qtbot.waitUntil(lambda: board.width() == board.minimumWidth(), timeout=WAIT_MS)
    assert board.width() < 1024
    for action in toolbar.actions():
        widget = toolbar.widgetForAction(action)
        assert in_sight(board, widget), action.toolTip() or widget
    assert in_sight(board, board.filter_edit)
    assert button(board, board.new_pool_action).toolButtonStyle() == Qt.ToolButtonIconOnly


def test_at_1024_px_the_status_bar_leaves_room_for_a_message(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    """The embedded database's address is a long socket path: it is shortened, not the message."""
    wait_members(qtbot, board, "gpu", ["gpu-01"])
    set_width(qtbot, board, 1024)
    status, label = board.statusBar(), board.store_label
    sentence = "Move rnd-a01 from lighting to gpu."

    lasting = [w for w in status.findChildren(QLabel) if w.parent() is status and w.isVisible()]
    room = min(w.geometry().left() for w in lasting) - status.contentsRect().left()
    assert room >= status.fontMetrics().horizontalAdvance(sentence) + 20, room
    whole = label.toolTip()  # the test database listens on a socket in a long temporary path
    assert whole.endswith("nx-27017.sock") and "…" in label.text()
    head, tail = label.text().split("…")
    assert whole.startswith(head) and whole.endswith(tail)


def test_a_message_longer_than_its_room_ends_in_an_ellipsis_and_is_whole_in_the_tooltip(
    qtbot: QtBot, board: MainWindow
) -> None:
    """Qt's own status bar cuts a long message off mid-letter ("…until 18:00: rn")."""
    status = board.status
    sentence = "Lent 6 hosts to lighting until 18:00: " + ", ".join(
        f"rnd-a{n:02}" for n in range(1, 7)
    )
    set_width(qtbot, board, 1024)

    status.showMessage(sentence, 60_000)
    shown = QStatusBar.currentMessage(status)  # what Qt paints
    assert shown.endswith("…") and sentence.startswith(shown[:-1])
    assert status.fontMetrics().horizontalAdvance(shown) <= status.message_room()
    assert status.toolTip() == sentence
    assert status.currentMessage() == sentence  # what was said, whole

    set_width(qtbot, board, 1900)  # room enough: the whole sentence, no tooltip
    qtbot.waitUntil(lambda: QStatusBar.currentMessage(status) == sentence, timeout=WAIT_MS)
    assert status.toolTip() == ""

    status.clearMessage()
    assert status.currentMessage() == QStatusBar.currentMessage(status) == ""

    set_width(qtbot, board, 1024)
    QStatusBar.showMessage(status, sentence)  # as Qt shows an action's status tip itself
    assert QStatusBar.currentMessage(status).endswith("…")
    assert status.currentMessage() == status.toolTip() == sentence
    QStatusBar.clearMessage(status)  # the pointer left the action
    assert status.currentMessage() == status.toolTip() == ""

    status.showMessage(sentence, 50)  # a message goes by itself after its time
    qtbot.waitUntil(lambda: QStatusBar.currentMessage(status) == "", timeout=WAIT_MS)
    assert status.currentMessage() == status.toolTip() == ""


def test_a_first_window_fits_the_screen(qtbot: QtBot, make_board: BoardFactory) -> None:
    window = make_board(afserver_port=9)

    screen = window.screen().availableGeometry()
    assert screen.contains(window.frameGeometry()), (window.frameGeometry(), screen)


def test_a_window_saved_on_a_larger_screen_opens_inside_this_one(
    qtbot: QtBot, make_board: BoardFactory
) -> None:
    first = make_board(afserver_port=9)
    first.resize(1700, 1100)
    first.move(300, 200)
    first.close()

    second = make_board(afserver_port=9)

    screen = second.screen().availableGeometry()
    assert screen.contains(second.frameGeometry()), (second.frameGeometry(), screen)
