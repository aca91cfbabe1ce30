"""Editing pools on the board: drops, menus, undo/redo — all through the real store."""

from __future__ import annotations

import pytest
from PyQt5.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, QTimer
from PyQt5.QtGui import QContextMenuEvent
from PyQt5.QtTest import QTest
from PyQt5.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from manager.host_model import HostListModel, decode_hosts
from manager.window import MainWindow
from storage.store import PoolStore
from tests.gui.conftest import WAIT_MS, column, focus, shown, wait_members
from tests.gui.native_support import pick_menu_item

pytestmark = pytest.mark.gui

RECORDED = ["gpu-01", "rnd-a01", "rnd-a02", "rnd-a03", "rnd-a04", "rnd-b01", "rnd-b02", "ws-anna"]


def drag(
    window: MainWindow,
    source: str | None,
    hosts: list[str],
    target: str | None,
    action: Qt.DropAction = Qt.MoveAction,
) -> bool:
    """What a mouse drag does, through the models' own mimeData/dropMimeData."""
    from_model = column(window, source).model
    rows = [from_model.row_of(h) for h in hosts]
    assert None not in rows, f"not all of {hosts} are shown"
    indexes = [from_model.index(row) for row in rows if row is not None]
    data = from_model.mimeData(indexes)
    to_model = column(window, target).model
    if not to_model.canDropMimeData(data, action, -1, 0, QModelIndex()):
        return False
    return to_model.dropMimeData(data, action, -1, 0, QModelIndex())


def test_the_farm_column_lists_every_machine_and_pools_their_members(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02"])

    assert shown(board, None) == RECORDED
    assert board.board.order() == ["lighting", "gpu"]  # as they were created
    assert shown(board, "gpu") == ["gpu-01"]
    # rnd-a02 is paused: its card says so, and the header does not count it online
    qtbot.waitUntil(
        lambda: column(board, "lighting").counts_label.text() == "2 hosts · 1 online · 0 busy",
        timeout=WAIT_MS,
    )


def test_drag_from_farm_adds_to_the_pool(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    wait_members(qtbot, board, "gpu", ["gpu-01"])

    assert drag(board, None, ["rnd-a03", "rnd-a04"], "gpu")

    wait_members(qtbot, board, "gpu", ["gpu-01", "rnd-a03", "rnd-a04"])
    assert seeded.pool("gpu").hostnames == ("gpu-01", "rnd-a03", "rnd-a04")


def test_drag_between_pools_moves_and_ctrl_copies(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02"])

    assert drag(board, "lighting", ["rnd-a01"], "gpu")
    wait_members(qtbot, board, "lighting", ["rnd-a02"])
    assert drag(board, "lighting", ["rnd-a02"], "gpu", Qt.CopyAction)
    wait_members(qtbot, board, "gpu", ["gpu-01", "rnd-a01", "rnd-a02"])

    assert shown(board, "lighting") == ["rnd-a02"]
    assert seeded.pool("lighting").hostnames == ("rnd-a02",)


def test_dropping_back_into_the_farm_removes_from_the_pool(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02"])

    assert drag(board, "lighting", ["rnd-a01", "rnd-a02"], None)

    wait_members(qtbot, board, "lighting", [])
    assert "rnd-a01" in shown(board, None)


def test_a_drop_on_its_own_column_is_not_an_edit(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    wait_members(qtbot, board, "gpu", ["gpu-01"])

    assert not drag(board, "gpu", ["gpu-01"], "gpu")


def test_drag_data_carries_names_under_our_own_type(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02"])
    model = column(board, "lighting").model

    data = model.mimeData([model.index(0), model.index(1)])

    assert decode_hosts(data) == (["rnd-a01", "rnd-a02"], "lighting")
    assert data.text() == "rnd-a01\nrnd-a02"


def test_delete_key_removes_the_selection_from_the_pool(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02"])
    view = focus(board, "lighting")
    view.selectionModel().select(view.model().index(1), view.selectionModel().ClearAndSelect)

    QTest.keyClick(view, Qt.Key_Delete)

    wait_members(qtbot, board, "lighting", ["rnd-a01"])


def test_undo_and_redo_go_through_the_store(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02"])
    assert drag(board, "lighting", ["rnd-a02"], "gpu")
    wait_members(qtbot, board, "gpu", ["gpu-01", "rnd-a02"])
    qtbot.waitUntil(board.undo_action.isEnabled, timeout=WAIT_MS)
    view = focus(board, "gpu")

    QTest.keyClick(view, Qt.Key_Z, Qt.ControlModifier)
    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02"])
    wait_members(qtbot, board, "gpu", ["gpu-01"])
    qtbot.waitUntil(board.redo_action.isEnabled, timeout=WAIT_MS)
    QTest.keyClick(view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)

    wait_members(qtbot, board, "gpu", ["gpu-01", "rnd-a02"])
    ops = [c.op for c in seeded.history(limit=6)]
    assert ops[:6] == ["remove", "add", "remove", "add", "remove", "add"]


def test_undo_brings_a_deleted_pool_back_whole(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    seeded.set_description("lighting", "Lighting renders")
    qtbot.waitUntil(
        lambda: (
            board.session.farm.pools.get("lighting") is not None
            and board.session.farm.pools["lighting"].description != ""
        ),
        timeout=WAIT_MS,
    )
    board.board.set_current_pool("lighting")

    board.delete_pool_action.trigger()
    qtbot.waitUntil(lambda: "lighting" not in board.board.columns, timeout=WAIT_MS)
    qtbot.waitUntil(board.undo_action.isEnabled, timeout=WAIT_MS)
    board.undo_action.trigger()

    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02"])
    assert seeded.pool("lighting").description == "Lighting renders"


@pytest.mark.qt_log_ignore(  # the offscreen platform's remarks on a popup menu
    "This plugin does not support raise", "This plugin does not support grabbing the keyboard"
)
def test_context_menu_adds_to_another_pool(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    wait_members(qtbot, board, "gpu", ["gpu-01"])
    view = focus(board, None)
    model = view.host_model()
    selection = QItemSelection()
    for name in ("rnd-b01", "rnd-b02"):
        row = model.index(model.row_of(name) or 0)
        selection.select(row, row)
    view.selectionModel().select(selection, QItemSelectionModel.ClearAndSelect)
    offered: list[list[str]] = []

    def choose_gpu() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, choose_gpu)
            return
        add = next(a for a in menu.actions() if a.text() == "Add to pool")
        offered.append([a.text() for a in add.menu().actions()])
        next(a for a in add.menu().actions() if a.text() == "gpu").trigger()
        menu.close()

    QTimer.singleShot(0, choose_gpu)
    where = view.visualRect(model.index(model.row_of("rnd-b02") or 0)).center()
    # What the window system sends on a right click (QTest's clicks do not make one):
    QApplication.sendEvent(view.viewport(), QContextMenuEvent(QContextMenuEvent.Mouse, where))

    assert offered == [["lighting", "gpu"]]  # every pool, as the columns: Farm is in none
    wait_members(qtbot, board, "gpu", ["gpu-01", "rnd-b01", "rnd-b02"])


def test_every_model_passes_the_model_tester(
    qtmodeltester, qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02"])

    for model in board.board.models():
        assert isinstance(model, HostListModel)
        qtmodeltester.check(model, force_py=True)


@pytest.mark.qt_log_ignore(  # the offscreen platform's remarks on a popup menu
    "This plugin does not support raise", "This plugin does not support grabbing the keyboard"
)
def test_a_mistyped_machine_can_be_forgotten_but_not_a_render_or_a_member(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    """A name typed wrong in Add hosts stayed in the Farm column for good, even undone."""
    board.session.edits.remember_hosts(["rnd-a0l", "rnd-old-07"])
    board.session.edits.add_to_pool(["rnd-old-07"], "lighting")
    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02", "rnd-old-07"])
    qtbot.waitUntil(lambda: "rnd-a0l" in shown(board, None), timeout=WAIT_MS)
    view = focus(board, None)
    model = view.host_model()
    selection = QItemSelection()
    for name in ("rnd-a0l", "rnd-a01", "rnd-old-07"):  # typed, a render, a pool's member
        row = model.index(model.row_of(name) or 0)
        selection.select(row, row)
    view.selectionModel().select(selection, QItemSelectionModel.ClearAndSelect)
    offered: list[str] = []

    pick_menu_item("Forget this machine", seen=offered)
    where = view.visualRect(model.index(model.row_of("rnd-a0l") or 0)).center()
    QApplication.sendEvent(view.viewport(), QContextMenuEvent(QContextMenuEvent.Mouse, where))

    assert [label for label in offered if label.startswith("Forget")] == ["Forget this machine"]
    qtbot.waitUntil(lambda: "rnd-a0l" not in shown(board, None), timeout=WAIT_MS)
    assert "rnd-a0l" not in [h.name for h in seeded.known_hosts()]
    assert {"rnd-a01", "rnd-old-07"} <= set(shown(board, None))
    assert "Forgot rnd-a0l." in board.status.currentMessage()
