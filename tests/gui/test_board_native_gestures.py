"""The Native pools tab as a farm admin uses it: a render's menu, bad names and paths typed
into its dialogs, moves to pools that are not there, and the tab beside the pools view.

A real board against the afserver stand-in and a real nx-27017.
"""

from __future__ import annotations

import pytest
from PyQt5.QtCore import QMimeData, QPoint, QPointF, Qt
from PyQt5.QtGui import QDragEnterEvent, QDropEvent, QFont
from PyQt5.QtTest import QTest
from PyQt5.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from afserver.client import AfserverClient
from afserver.native import NativePools
from manager.host_model import encode_hosts
from manager.native_view import NativeBoard
from manager.window import MainWindow
from storage.store import PoolStore
from tests.gui.conftest import MENU_REMARKS, WAIT_MS, BoardFactory, shown, wait_members
from tests.gui.native_support import (
    all_actions,
    fill_path,
    open_column_menu,
    open_render_menu,
    pick_menu_item,
    set_pool_actions,
    shown_in,
)
from tests.support.fake_afserver import FakeAfserver
from tests.support.label_fit import lines_fit

pytestmark = pytest.mark.gui


@MENU_REMARKS
def test_move_to_native_pool_from_a_renders_menu(
    qtbot: QtBot, native_board: MainWindow, afserver: FakeAfserver
) -> None:
    offered: list[str] = []
    pick = lambda: pick_menu_item("/cpu/big", submenu="Move to native pool", seen=offered)  # noqa: E731

    open_render_menu(native_board, "/", ["rnd-a01", "rnd-a04"], pick)

    assert offered == ["/cpu", "/cpu/big", "/gpu"]  # every pool but the one they are in
    assert "rnd-a04" in shown_in(native_board, "/cpu/big")  # shown there at once
    qtbot.waitUntil(lambda: afserver.farm.render("rnd-a04")["pool"] == "/cpu/big", timeout=WAIT_MS)
    assert afserver.farm.render("rnd-a01")["pool"] == "/cpu/big"
    assert afserver.farm.render("rnd-a02")["pool"] == "/"  # not selected: stays
    assert len(set_pool_actions(afserver)) == 1
    qtbot.waitUntil(lambda: not native_board.session.native.moves_under_way, timeout=WAIT_MS)
    assert "Moved 2 renders to '/cpu/big'" in native_board.status.currentMessage()
    assert shown_in(native_board, "/cpu/big") == ["rnd-a01", "rnd-a04", "rnd-b01", "rnd-b02"]


@MENU_REMARKS
def test_copy_names_and_path_from_the_native_menus_say_what_they_copied(
    native_board: MainWindow,
) -> None:
    open_render_menu(
        native_board, "/", ["rnd-a01", "rnd-a04"], lambda: pick_menu_item("Copy names")
    )
    assert QApplication.clipboard().text() == "rnd-a01\nrnd-a04"
    assert native_board.status.currentMessage() == "Copied 2 names."

    open_column_menu(native_board, "/cpu/big", "Copy path")
    assert QApplication.clipboard().text() == "/cpu/big"
    assert native_board.status.currentMessage() == "Copied '/cpu/big'."


# -- bad input ---------------------------------------------------------------------------


@MENU_REMARKS
@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("..", "The name '..' has '.' in it"),
        (".", "The name '.' has '.' in it"),
        ("a//b", "The name 'a//b' has '/' in it"),
        ("small/", "The name 'small/' has '/' in it"),
        ("/small", "The name '/small' has '/' in it"),  # not '/cpu//small'
        ("a/b", "The name 'a/b' has '/' in it"),  # one level, not two pools
        ("big.*", "The name 'big.*' has '.' in it"),
        ("x[1]", "The name 'x[1]' has '[' in it"),
        ("a b", "The name 'a b' has ' ' in it"),
    ],
)
def test_new_child_pool_refuses_a_bad_name_in_one_sentence(
    native_board: MainWindow, afserver: FakeAfserver, typed: str, said: str
) -> None:
    seen: list[str] = []
    ok: list[bool] = []
    fill_path(typed, seen=seen, ok=ok)

    open_column_menu(native_board, "/cpu", "New child pool…")

    assert ok == [False]
    assert seen[0].startswith(said)
    assert seen[0].endswith("afserver pool names keep only letters A-Z and a-z, digits and '_'.")
    assert not all_actions(afserver)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("/a/../b", "has '..' in it"),
        ("//a", "has '//' in it"),
        ("/a/", "ends with '/'"),
        ("/gpu.*", "has '.' in 'gpu.*'"),
        ("/x|y", "has '|' in 'x|y'"),
        ("gpu", "must start at the root '/'"),
    ],
)
@MENU_REMARKS
def test_make_native_pool_refuses_a_bad_path_in_one_sentence(
    qtbot: QtBot,
    store: PoolStore,
    make_board: BoardFactory,
    afserver: FakeAfserver,
    typed: str,
    said: str,
) -> None:
    store.create("comp-nodes", hosts=["rnd-a01"])
    window = make_board()
    qtbot.waitUntil(window.native.from_pool_action.isVisible, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "comp-nodes" in window.board.columns, timeout=WAIT_MS)
    window.board.set_current_pool("comp-nodes")
    seen: list[str] = []
    ok: list[bool] = []
    fill_path(typed, seen=seen, ok=ok)

    window.native.from_pool_action.trigger()

    assert ok == [False]
    assert seen[0].startswith(f"The native pool path '{typed}' {said}")
    assert not all_actions(afserver)
    assert afserver.farm.render("rnd-a01")["pool"] == "/"


def test_a_move_to_a_pool_that_is_gone_moves_nothing(
    qtbot: QtBot, native_board: MainWindow, afserver: FakeAfserver
) -> None:
    afserver.farm.add_pool("/spare")
    qtbot.waitUntil(lambda: "/spare" in native_board.native.view.columns, timeout=WAIT_MS)
    afserver.farm.delete_pool("/spare")  # by someone else; the board polls it away
    qtbot.waitUntil(lambda: "/spare" not in native_board.native.view.columns, timeout=WAIT_MS)

    # what a menu opened before that poll does when /spare is chosen
    assert not native_board.session.native.move(["rnd-a01"], "/spare")

    assert native_board.message_banner.text() == (
        "The native pool '/spare' is no longer on afserver; nothing moved."
    )
    assert "rnd-a01" in shown_in(native_board, "/")
    assert not all_actions(afserver)


# -- live: changes made by another client ------------------------------------------------


def test_pools_and_moves_made_by_another_client_show_within_a_poll(
    qtbot: QtBot, native_board: MainWindow, afserver: FakeAfserver
) -> None:
    other = NativePools(AfserverClient("127.0.0.1", afserver.port, user_name="cli", host_name="ws"))
    view = native_board.native.view

    other.create("/cpu/small")  # what 'main.py native create' does
    qtbot.waitUntil(lambda: "/cpu/small" in view.columns, timeout=WAIT_MS)
    assert native_board.native.view.order() == ["/", "/cpu", "/cpu/big", "/cpu/small", "/gpu"]

    other.move("/cpu/small", ["rnd-a02", "gpu-01"])
    qtbot.waitUntil(
        lambda: shown_in(native_board, "/cpu/small") == ["gpu-01", "rnd-a02"], timeout=WAIT_MS
    )
    assert "rnd-a02" not in shown_in(native_board, "/")
    assert shown_in(native_board, "/gpu") == []
    qtbot.waitUntil(
        lambda: view.columns["/cpu"].counts_label.text().endswith("subtree: 4 renders, 2 pools"),
        timeout=WAIT_MS,
    )

    other.move("/", ["rnd-a02", "gpu-01"])
    other.delete("/cpu/small")
    qtbot.waitUntil(lambda: "/cpu/small" not in view.columns, timeout=WAIT_MS)
    assert native_board.native.view.order() == ["/", "/cpu", "/cpu/big", "/gpu"]
    qtbot.waitUntil(lambda: "rnd-a02" in shown_in(native_board, "/"), timeout=WAIT_MS)
    assert not native_board.message_banner.isVisible()  # nothing of ours went wrong


# -- the two tabs ------------------------------------------------------------------------


def test_switching_tabs_keeps_the_filter_and_the_current_pool(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    window = board
    qtbot.waitUntil(window.native.tabs.isVisible, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "lighting" in window.board.columns, timeout=WAIT_MS)
    window.board.set_current_pool("lighting")
    assert window.delete_pool_action.isEnabled()
    window.filter_edit.setText("rnd-a0")

    window.native.toggle_action.trigger()  # Ctrl+Shift+A

    assert window.native.showing and not window.board.isVisible()
    view = window.native.view
    qtbot.waitUntil(lambda: "/gpu" in view.columns, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: shown_in(window, "/") == ["rnd-a01", "rnd-a02", "rnd-a03", "rnd-a04"],
        timeout=WAIT_MS,
    )  # the filter holds here too: ws-anna is not shown
    assert shown_in(window, "/gpu") == []
    # the pools view's current pool is out of sight: F2, Ctrl+Shift+Del... do not act on it
    for action in (
        window.rename_action,
        window.delete_pool_action,
        window.recolor_action,
        window.collapse_action,
        window.native.from_pool_action,
    ):
        assert not action.isEnabled(), action.text()
    assert window.jobs_dock.isVisible()

    window.filter_edit.setText("")
    qtbot.waitUntil(lambda: "ws-anna" in shown_in(window, "/"), timeout=WAIT_MS)
    window.filter_edit.setText("gpu")
    window.native.tabs.setCurrentIndex(0)  # back to the pools view

    assert window.board.isVisible() and not view.isVisible()
    assert not window.native.toggle_action.isChecked()
    assert window.board.current_pool == "lighting"
    assert window.delete_pool_action.isEnabled()
    assert window.filter_edit.text() == "gpu"
    qtbot.waitUntil(lambda: shown(window, "gpu") == ["gpu-01"], timeout=WAIT_MS)
    assert shown(window, "lighting") == []


def test_ctrl_z_over_the_native_tab_undoes_nothing_out_of_sight(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    window = board
    qtbot.waitUntil(window.native.tabs.isVisible, timeout=WAIT_MS)
    wait_members(qtbot, window, "gpu", ["gpu-01"])
    window.session.edits.drop(["rnd-a01"], "lighting", "gpu", False)
    wait_members(qtbot, window, "gpu", ["gpu-01", "rnd-a01"])
    qtbot.waitUntil(window.undo_action.isEnabled, timeout=WAIT_MS)

    window.native.toggle_action.trigger()
    assert not window.undo_action.isEnabled()
    assert "in the Pools tab" in window.undo_action.toolTip()
    qtbot.waitUntil(lambda: "/gpu" in window.native.view.columns, timeout=WAIT_MS)
    view = window.native.view.columns["/gpu"].view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.session.edits.pending, timeout=WAIT_MS)
    assert sorted(seeded.pool("gpu").hostnames) == ["gpu-01", "rnd-a01"]  # the move stands

    window.native.tabs.setCurrentIndex(0)
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    wait_members(qtbot, window, "gpu", ["gpu-01"])


# -- a deep tree -------------------------------------------------------------------------


def test_a_deep_pools_header_keeps_its_own_name_whole(
    qtbot: QtBot, native_board: MainWindow, afserver: FakeAfserver
) -> None:
    deep = "/cpu/big/x/lighting_sequence_040/y"
    for path in ("/cpu/big/x", "/cpu/big/x/lighting_sequence_040", deep):
        afserver.farm.add_pool(path)
    view = native_board.native.view
    qtbot.waitUntil(lambda: deep in view.columns, timeout=WAIT_MS)
    view.scroll_to(deep)
    title = view.columns[deep].title_label

    qtbot.waitUntil(lambda: title.text().endswith("<b>y</b>"), timeout=WAIT_MS)
    assert "…/" in title.text() and "lighting_sequence_040/" in title.text()
    assert title.sizeHint().width() <= title.width()  # nothing cut off at the right
    short = view.columns["/cpu/big/x"].title_label
    assert short.text().endswith("/cpu/big/</span><b>x</b>")  # room enough: the whole path


def test_a_native_columns_counts_fold_again_when_the_font_grows(
    qtbot: QtBot, native_board: MainWindow
) -> None:
    """As the pools view's headers do: broken between their parts, never cut off."""
    column = native_board.native.view.columns["/cpu"]
    label = column.counts_label
    qtbot.waitUntil(lambda: "subtree: 2 renders, 1 pool" in label.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: lines_fit(label), timeout=WAIT_MS)
    before = label.text()

    font = QFont(column.font())  # "0 renders · 0 online · 0 busy" no longer fits on one line
    font.setPointSizeF(font.pointSizeF() * 1.5)
    column.setFont(font)

    qtbot.waitUntil(lambda: label.text().count("\n") > before.count("\n"), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: lines_fit(label), timeout=WAIT_MS)
    assert label.text().replace("\n", " · ") == before.replace("\n", " · ")  # nothing cut


# -- folded columns ----------------------------------------------------------------------


def entered(strip: QWidget, data: QMimeData) -> bool:
    """Whether ``strip`` takes a drag of ``data`` that enters it."""
    enter = QDragEnterEvent(
        QPoint(5, 5), Qt.DropAction.MoveAction, data, Qt.LeftButton, Qt.NoModifier
    )
    enter.ignore()
    strip.dragEnterEvent(enter)  # type: ignore[attr-defined]
    return enter.isAccepted()


def test_a_folded_native_column_takes_drops_and_catches_up_when_unfolded(
    qtbot: QtBot, native_board: MainWindow, afserver: FakeAfserver
) -> None:
    view = native_board.native.view
    gpu = view.columns["/gpu"]
    gpu.collapse_button.click()
    assert gpu.collapsed and gpu.strip.isVisible() and not gpu.view.isVisible()
    assert gpu.width() * 3 < view.columns["/cpu"].width()

    root = view.columns["/"].model
    data = root.mimeData([root.index(root.row_of("rnd-a01") or 0)])
    ours = encode_hosts(["rnd-a02"], None)  # a drag of the pools view: not for this strip
    assert entered(gpu.strip, data) and not entered(gpu.strip, ours)
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.MoveAction, data, Qt.LeftButton, Qt.NoModifier)
    drop.ignore()  # an event starts accepted
    gpu.strip.dropEvent(drop)

    assert drop.isAccepted()
    qtbot.waitUntil(lambda: afserver.farm.render("rnd-a01")["pool"] == "/gpu", timeout=WAIT_MS)
    assert len(set_pool_actions(afserver)) == 1
    assert gpu.model.member_count() == 2  # what the strip says: gpu-01 and rnd-a01
    assert "rnd-a01" not in shown_in(native_board, "/")

    QTest.mouseClick(gpu.strip, Qt.MouseButton.LeftButton)

    assert not gpu.collapsed and gpu.view.isVisible()
    qtbot.waitUntil(
        lambda: shown_in(native_board, "/gpu") == ["gpu-01", "rnd-a01"], timeout=WAIT_MS
    )


def test_folded_native_columns_are_remembered(qtbot: QtBot, make_board: BoardFactory) -> None:
    def native_view_of(window: MainWindow) -> NativeBoard:
        qtbot.waitUntil(lambda: window.session.native.supported is True, timeout=WAIT_MS)
        window.native.toggle_action.trigger()
        view = window.native.view
        qtbot.waitUntil(lambda: "/gpu" in view.columns, timeout=WAIT_MS)
        return view

    first = native_view_of(make_board())
    first.columns["/gpu"].set_collapsed(True)
    first.columns["/cpu"].set_collapsed(True)
    first.columns["/cpu"].set_collapsed(False)
    first.window().close()

    second = native_view_of(make_board())

    assert [path for path, column in second.columns.items() if column.collapsed] == ["/gpu"]
    assert not second.columns["/gpu"].model.in_sight  # a folded list does not follow the farm
