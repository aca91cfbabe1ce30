"""Columns out of sight at the start are made when they come into view, and then show exactly
what a column made at the start shows: cards, counts, token, description, usage, folding;
what changed while they were away included, and the keyboard reaches them."""

from __future__ import annotations

import pytest
from PyQt5.QtCore import Qt
from PyQt5.QtTest import QTest
from PyQt5.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from manager.host_model import HOST_ROLE
from manager.window import MainWindow
from pools.model import HostState
from pools.usage import Point
from storage.store import PoolStore
from tests.gui.conftest import WAIT_MS, BoardFactory, column
from tests.gui.test_board_editing import drag
from tests.support.fake_afserver import FakeAfserver
from tests.support.usage_data import record_minutes, steady

pytestmark = pytest.mark.gui

NOW = 1_800_000_000 // 60 * 60
LATE = "render-late"
MEMBERS = ["rnd-a01", "rnd-a03", "gpu-01"]
POOLS = 10


@pytest.fixture
def wide_farm(store: PoolStore) -> PoolStore:
    """Nine pools, then ``render-late`` at the end of the row, past the window's edge; the
    first pool holds the same hosts, so the two columns must show the same."""
    store.create("pool-01", hosts=MEMBERS)
    for number in range(2, POOLS):
        store.create(f"pool-{number:02d}", hosts=["ws-anna"])
    store.create(LATE, description="Far right", hosts=MEMBERS)
    return store


def open_board(make_board: BoardFactory, qtbot: QtBot) -> MainWindow:
    window = make_board()
    qtbot.waitUntil(
        lambda: (
            window.session.farm_session.afserver_ok is True and len(window.board.columns) == POOLS
        ),
        timeout=WAIT_MS,
    )
    return window


def state_of(window: MainWindow, pool: str, name: str) -> HostState:
    model = column(window, pool).model
    row = model.row_of(name)
    assert row is not None, f"{name} is not shown in {pool}"
    return model.data(model.index(row), HOST_ROLE).state


def test_a_column_out_of_sight_shows_its_cards_and_header_once_scrolled_to(
    qtbot: QtBot, wide_farm: PoolStore, make_board: BoardFactory
) -> None:
    record_minutes(wide_farm, {LATE: steady(Point(3, 2, 1, 1, 0, 0, 0))}, NOW, 15)
    board = open_board(make_board, qtbot)
    late, first = column(board, LATE), column(board, "pool-01")
    assert not late.is_built  # nothing of it made while it is out of sight
    board.session.usage_worker.clock = lambda: NOW
    with qtbot.waitSignal(board.session.usage.news, timeout=WAIT_MS):
        board.session.usage.refresh()  # usage arrives while it is out of sight

    board.board.scroll_to(LATE)

    assert late.is_built and late.isVisible()
    assert late.model.names() == first.model.names() == sorted(MEMBERS)
    qtbot.waitUntil(
        lambda: late.counts_label.text() == first.counts_label.text() != "", timeout=WAIT_MS
    )
    assert late.token_label.text() == "@render-late"
    assert late.description_label.text() == "Far right"
    assert late.description_label.isVisibleTo(late)
    assert late.sparkline.isVisibleTo(late)
    assert late.sparkline.line is not None


def test_edits_polls_and_the_filter_made_while_out_of_sight_show_when_it_comes_into_view(
    qtbot: QtBot, wide_farm: PoolStore, make_board: BoardFactory, afserver: FakeAfserver
) -> None:
    board = open_board(make_board, qtbot)
    late = column(board, LATE)
    farm = board.session.farm

    wide_farm.add_hosts(LATE, ["rnd-b01"])  # another admin's edit
    afserver.set_render_state("rnd-a01", 9)  # a poll: busy now
    board.filter_edit.setText("rnd")
    qtbot.waitUntil(
        lambda: "rnd-b01" in farm.members(LATE) and farm.hosts["rnd-a01"].state is HostState.BUSY,
        timeout=WAIT_MS,
    )
    assert not late.in_sight

    board.board.scroll_to(LATE)

    assert late.model.names() == ["rnd-a01", "rnd-a03", "rnd-b01"]  # gpu-01: filtered out
    assert state_of(board, LATE, "rnd-a01") is HostState.BUSY
    qtbot.waitUntil(lambda: late.counts_label.text().endswith(" · 3 shown"), timeout=WAIT_MS)
    assert late.counts_label.text().startswith("4 hosts")


def test_a_drop_into_a_late_column_is_undone_while_it_is_out_of_sight(
    qtbot: QtBot, wide_farm: PoolStore, make_board: BoardFactory
) -> None:
    board = open_board(make_board, qtbot)
    farm = board.session.farm
    board.board.scroll_to(LATE)
    assert drag(board, None, ["rnd-b02"], LATE)
    qtbot.waitUntil(lambda: "rnd-b02" in column(board, LATE).model.names(), timeout=WAIT_MS)

    board.board.scroll_to("pool-01")
    assert not column(board, LATE).in_sight
    board.session.edits.undo()
    qtbot.waitUntil(lambda: "rnd-b02" not in farm.members(LATE), timeout=WAIT_MS)
    assert "rnd-b02" in column(board, LATE).model.names()  # out of sight: it waits

    board.board.scroll_to(LATE)

    assert column(board, LATE).model.names() == sorted(MEMBERS)


def test_tab_reaches_a_column_never_in_sight_which_becomes_the_current_pool(
    qtbot: QtBot, wide_farm: PoolStore, make_board: BoardFactory
) -> None:
    board = open_board(make_board, qtbot)
    order = [column(board, name) for name in board.board.order()]
    index = next(i for i, c in enumerate(order) if not c.is_built)
    before, after = order[index - 1], order[index]
    QApplication.setActiveWindow(board)
    before.header.collapse_button.setFocus()  # the last stop of the last column made

    QTest.keyClick(before.header.collapse_button, Qt.Key.Key_Tab)

    assert after.is_built and after.in_sight
    assert QApplication.focusWidget() is after.view
    assert board.board.current_pool == after.pool
    assert board.jobs_dock.panel.pool == after.pool  # the jobs panel follows it


def test_a_remembered_collapsed_column_out_of_sight_comes_back_collapsed(
    qtbot: QtBot, wide_farm: PoolStore, make_board: BoardFactory
) -> None:
    first = open_board(make_board, qtbot)
    column(first, LATE).set_collapsed(True)
    first.close()

    second = open_board(make_board, qtbot)
    late = column(second, LATE)
    assert late.collapsed and not late.is_built
    second.board.scroll_to(LATE)
    assert late.strip.isVisibleTo(late) and not late.view.isVisibleTo(late)
    assert late.model.member_count() == len(MEMBERS)  # what its strip says

    late.set_collapsed(False)

    assert late.model.names() == sorted(MEMBERS)
    assert late.view.isVisibleTo(late)
