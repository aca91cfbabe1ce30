"""afserver's native pools on the board: the tab, drops, refusals, and the menus.

A real board against the afserver stand-in (which keeps a native pool tree and applies
``set_pool``, ``add_pool`` and ``delete`` as afserver 3.4.1 does) and a real nx-27017.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PyQt5.QtCore import QEvent, QPoint, Qt, QTimer
from PyQt5.QtGui import QHelpEvent
from PyQt5.QtWidgets import QApplication, QMenu, QToolTip
from pytestqt.qtbot import QtBot

from manager.host_card import NOTE_COLOR
from manager.host_model import NOTE_ROLE
from manager.window import MainWindow
from storage.store import PoolStore
from tests.gui.conftest import MENU_REMARKS, WAIT_MS, BoardFactory
from tests.gui.native_support import (
    all_actions,
    card_texts,
    drop,
    fill_path,
    native_column,
    open_column_menu,
    pick_menu_item,
    set_pool_actions,
    shown_in,
)
from tests.support.afserver_fixtures import recorded_response
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm

pytestmark = pytest.mark.gui


def test_the_tab_shows_one_column_per_native_pool_in_tree_order(
    qtbot: QtBot, native_board: MainWindow
) -> None:
    assert native_board.native.tabs.isVisible()
    assert not native_board.board.isVisible()  # one view at a time
    assert shown_in(native_board, "/gpu") == ["gpu-01"]
    assert shown_in(native_board, "/cpu/big") == ["rnd-b01", "rnd-b02"]
    assert "rnd-b01" not in shown_in(native_board, "/")  # its own renders only
    big = native_column(native_board, "/cpu/big")
    assert big.title_label.text().endswith("<b>big</b>")  # breadcrumbs: /cpu/ then big
    assert "/cpu/" in big.title_label.text()
    qtbot.waitUntil(
        lambda: (
            native_column(native_board, "/")
            .counts_label.text()
            .startswith("5 renders · 2 online · 1 busy")
        ),
        timeout=WAIT_MS,
    )


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the tooltip's window
def test_a_header_tooltip_shows_the_farm_settings(native_board: MainWindow) -> None:
    root = native_column(native_board, "/")
    where = QPoint(5, 5)
    hover = QHelpEvent(QEvent.Type.ToolTip, where, root.header.mapToGlobal(where))
    QApplication.sendEvent(root.header, hover)  # what hovering the header does
    tip = QToolTip.text()
    assert "<b>/</b> — afserver's native pool" in tip
    assert "priority: 99" in tip
    assert "capacity per host: 1100" in tip
    assert "max tasks per host: 4" in tip


def test_a_drop_moves_the_renders_with_one_action(
    qtbot: QtBot, native_board: MainWindow, afserver: FakeAfserver
) -> None:
    assert drop(native_board, "/", ["rnd-a01", "rnd-a04"], "/gpu")

    # shown where they were dropped at once, while the worker asks afserver
    assert shown_in(native_board, "/gpu") == ["gpu-01", "rnd-a01", "rnd-a04"]
    qtbot.waitUntil(lambda: afserver.farm.render("rnd-a04")["pool"] == "/gpu", timeout=WAIT_MS)
    assert afserver.farm.render("rnd-a01")["pool"] == "/gpu"
    assert len(set_pool_actions(afserver)) == 1
    qtbot.waitUntil(lambda: not native_board.session.native.moves_under_way, timeout=WAIT_MS)
    assert "Moved 2 renders to '/gpu'" in native_board.status.currentMessage()
    assert shown_in(native_board, "/gpu") == ["gpu-01", "rnd-a01", "rnd-a04"]
    assert "rnd-a01" not in shown_in(native_board, "/")


def test_a_busy_render_snaps_back_with_afservers_reason(
    qtbot: QtBot, native_board: MainWindow, afserver: FakeAfserver
) -> None:
    assert drop(native_board, "/", ["rnd-a01", "rnd-a03"], "/gpu")  # rnd-a03 runs a task
    assert "rnd-a03" in shown_in(native_board, "/gpu")

    qtbot.waitUntil(lambda: "rnd-a03" in shown_in(native_board, "/"), timeout=WAIT_MS)
    assert "rnd-a03" not in shown_in(native_board, "/gpu")
    assert "rnd-a01" in shown_in(native_board, "/gpu")
    assert afserver.farm.render("rnd-a03")["pool"] == "/"
    model = native_column(native_board, "/").model
    index = model.index(model.row_of("rnd-a03") or 0)
    assert "is busy" in index.data(NOTE_ROLE)[0]
    assert "Not moved" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert "rnd-a03" in native_board.status.currentMessage()
    assert "is busy" in native_board.message_banner.text()
    # the card itself says it, in the note's colour
    view = native_column(native_board, "/").view
    card = view.visualRect(index)
    image = view.viewport().grab(card).toImage()
    note = NOTE_COLOR.rgb()
    pixels = sum(
        image.pixel(x, y) == note for x in range(image.width()) for y in range(image.height())
    )
    assert pixels > 20
    # ... whole: the reason when the column is wide enough, else a shorter one, never cut
    assert card_texts(view, "rnd-a03")[1] in index.data(NOTE_ROLE)


def test_a_pool_deleted_between_drag_and_drop_moves_nothing(
    qtbot: QtBot, native_board: MainWindow, afserver: FakeAfserver
) -> None:
    afserver.farm.add_pool("/spare")
    qtbot.waitUntil(lambda: "/spare" in native_board.native.view.columns, timeout=WAIT_MS)
    afserver.farm.delete_pool("/spare")  # by someone else, before the board polls again

    assert drop(native_board, "/", ["rnd-a01"], "/spare")

    qtbot.waitUntil(lambda: not native_board.session.native.moves_under_way, timeout=WAIT_MS)
    assert "no native pool '/spare'" in native_board.message_banner.text()
    assert "rnd-a01" in shown_in(native_board, "/")  # back where it was, nothing moved
    assert afserver.farm.render("rnd-a01")["pool"] == "/"
    assert set_pool_actions(afserver) == []


def test_renders_that_vanished_are_named_and_the_others_move(
    qtbot: QtBot, native_board: MainWindow, afserver: FakeAfserver
) -> None:
    afserver.farm.before_next_action(lambda: afserver.farm.remove_render("rnd-a04"))

    assert drop(native_board, "/", ["rnd-a01", "rnd-a04"], "/gpu")

    qtbot.waitUntil(lambda: not native_board.session.native.moves_under_way, timeout=WAIT_MS)
    assert "rnd-a04" in native_board.message_banner.text()
    assert afserver.farm.render("rnd-a01")["pool"] == "/gpu"
    assert len(set_pool_actions(afserver)) == 1


# -- menus -------------------------------------------------------------------------------


@MENU_REMARKS
def test_new_child_pool_from_the_column_menu(
    qtbot: QtBot, native_board: MainWindow, afserver: FakeAfserver
) -> None:
    seen: list[str] = []
    ok: list[bool] = []
    fill_path("bad-name", seen=seen, ok=ok)
    open_column_menu(native_board, "/cpu", "New child pool…")
    assert "'-'" in seen[0] and "keep only" in seen[0]  # one sentence, nothing sent
    assert ok == [False]  # OK waits for a name afserver keeps as it is
    assert not all_actions(afserver)

    fill_path("small")
    open_column_menu(native_board, "/cpu", "New child pool…")

    qtbot.waitUntil(lambda: "/cpu/small" in native_board.native.view.columns, timeout=WAIT_MS)
    assert native_board.native.view.order() == ["/", "/cpu", "/cpu/big", "/cpu/small", "/gpu"]
    assert "Created native pool '/cpu/small'" in native_board.status.currentMessage()


@MENU_REMARKS
def test_delete_an_empty_pool_and_a_refusal_in_one_sentence(
    qtbot: QtBot, native_board: MainWindow, afserver: FakeAfserver
) -> None:
    offered: list[tuple[bool, str]] = []

    def look() -> None:  # what the menu offers, without choosing
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, look)
            return
        menu.hide()
        delete = next(a for a in menu.actions() if a.text() == "Delete pool…")
        offered.append((delete.isEnabled(), delete.toolTip()))

    QTimer.singleShot(0, look)
    native_column(native_board, "/gpu").menu_button.click()  # it holds gpu-01

    assert offered == [
        (
            False,
            "The native pool '/gpu' still holds render gpu-01; afserver deletes only empty pools.",
        )
    ]
    assert not all_actions(afserver)

    afserver.farm.add_pool("/empty")
    qtbot.waitUntil(lambda: "/empty" in native_board.native.view.columns, timeout=WAIT_MS)
    open_column_menu(native_board, "/empty", "Delete pool…")
    qtbot.waitUntil(lambda: "/empty" not in native_board.native.view.columns, timeout=WAIT_MS)
    assert all(pool["name"] != "/empty" for pool in afserver.farm.pools())


@MENU_REMARKS
def test_make_native_pool_from_one_of_our_pools(
    qtbot: QtBot, store: PoolStore, make_board: BoardFactory, afserver: FakeAfserver
) -> None:
    store.create("comp-nodes", hosts=["rnd-a01", "rnd-a03", "rnd-b01", "rnd-old-07"])
    window = make_board()
    qtbot.waitUntil(window.native.from_pool_action.isVisible, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "comp-nodes" in window.board.columns, timeout=WAIT_MS)
    questions: list[str] = []
    window.gestures.confirm = lambda _title, question: questions.append(question) or True
    window.board.set_current_pool("comp-nodes")

    fill_path("/comp_nodes")
    pick_menu_item("Make native pool from this pool…")
    column = window.board.columns["comp-nodes"]
    column.header.menu_button.click()

    moved = lambda: afserver.farm.render("rnd-a01")["pool"] == "/comp_nodes"  # noqa: E731
    qtbot.waitUntil(moved, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "Created native pool" in window.message_banner.text(), timeout=WAIT_MS)
    # rnd-b01 leaves /cpu/big: asked first; rnd-a03 is busy, rnd-old-07 no render: reported
    assert len(questions) == 1 and "rnd-b01 (from /cpu/big)" in questions[0]
    assert afserver.farm.render("rnd-b01")["pool"] == "/comp_nodes"
    assert afserver.farm.render("rnd-a03")["pool"] == "/"
    text = window.message_banner.text()
    assert "busy: rnd-a03" in text
    assert "Not renders on afserver, so not moved: rnd-old-07." in text
    assert len(set_pool_actions(afserver)) == 1


# -- a server without native pools -------------------------------------------------------


@pytest.fixture
def old_afserver() -> Iterator[FakeAfserver]:
    farm = FakeFarm(recorded_response("01")["renders"], native_pools=False)
    with FakeAfserver(farm) as server:
        yield server


def test_the_view_is_hidden_on_a_server_without_native_pools(
    qtbot: QtBot, make_board: BoardFactory, old_afserver: FakeAfserver
) -> None:
    window = make_board(afserver_port=old_afserver.port)
    qtbot.waitUntil(lambda: window.session.native.supported is False, timeout=WAIT_MS)

    assert window.session.farm_session.afserver_ok is True
    assert not window.native.tabs.isVisible()
    assert not window.native.view.isVisible()
    assert not window.native.from_pool_action.isVisible()
    assert not window.native.toggle_action.isEnabled()
    assert "has no native pools" in window.session.native.problem
    assert window.board.isVisible()
