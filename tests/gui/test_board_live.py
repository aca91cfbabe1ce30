"""The board stays live: polls change single rows, other boards' edits appear, it never blocks."""

from __future__ import annotations

import pytest
from PyQt5.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from manager.host_model import HOST_ROLE, STALE_ROLE
from manager.window import MainWindow
from pools.edits import Edit
from pools.model import HostState
from storage.store import PoolStore
from tests.gui.conftest import WAIT_MS, BoardFactory, column, shown, wait_members
from tests.support.fake_afserver import FakeAfserver

pytestmark = pytest.mark.gui


def host_state(window: MainWindow, pool: str | None, name: str) -> HostState:
    model = column(window, pool).model
    row = model.row_of(name)
    assert row is not None
    return model.data(model.index(row), HOST_ROLE).state


def test_a_poll_changes_only_the_rows_that_changed_and_keeps_the_selection(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow, afserver: FakeAfserver
) -> None:
    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02"])
    view = column(board, None).view
    model = column(board, None).model
    view.selectionModel().select(
        model.index(model.row_of("rnd-b01") or 0), QItemSelectionModel.ClearAndSelect
    )
    changed_rows: list[int] = []
    model.dataChanged.connect(
        lambda first, last, *_: changed_rows.extend(range(first.row(), last.row() + 1))
    )

    with qtbot.assertNotEmitted(model.modelReset), qtbot.assertNotEmitted(model.rowsRemoved):
        afserver.set_render_state("rnd-a04", 9)  # nimby -> busy
        qtbot.waitUntil(
            lambda: host_state(board, None, "rnd-a04") is HostState.BUSY, timeout=WAIT_MS
        )

    assert set(changed_rows) == {model.row_of("rnd-a04")}
    assert view.selected_names() == ["rnd-b01"]


def test_a_render_that_disappears_leaves_the_farm_and_stays_in_its_pool(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow, afserver: FakeAfserver
) -> None:
    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02"])

    afserver.remove_render("rnd-a02")

    qtbot.waitUntil(
        lambda: host_state(board, "lighting", "rnd-a02") is HostState.UNKNOWN, timeout=WAIT_MS
    )
    assert "rnd-a02" in shown(board, None)  # still a pool member: still a machine of the farm
    assert shown(board, "lighting") == ["rnd-a01", "rnd-a02"]


def test_an_edit_on_one_board_appears_on_the_other(
    qtbot: QtBot, seeded: PoolStore, make_board: BoardFactory
) -> None:
    first, second = make_board(), make_board()
    wait_members(qtbot, second, "gpu", ["gpu-01"])

    first.session.edits.add_to_pool(["rnd-b01"], "gpu")
    first.session.edits.request("create pool comp", [Edit("create", "comp")])

    wait_members(qtbot, second, "gpu", ["gpu-01", "rnd-b01"])
    qtbot.waitUntil(lambda: "comp" in second.board.columns, timeout=WAIT_MS)


def test_a_rename_from_the_command_line_keeps_the_column_in_its_place(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    wait_members(qtbot, board, "gpu", ["gpu-01"])
    board.board.columns["gpu"].set_collapsed(True)
    order = board.board.order()

    seeded.rename("gpu", "gpu-a100")

    qtbot.waitUntil(lambda: "gpu-a100" in board.board.columns, timeout=WAIT_MS)
    assert board.board.order() == [("gpu-a100" if n == "gpu" else n) for n in order]
    assert board.board.columns["gpu-a100"].collapsed
    assert shown(board, "gpu-a100") == ["gpu-01"]
    assert column(board, "gpu-a100").model.pool == "gpu-a100"


def test_filter_narrows_every_column_by_name_ip_state_or_pool(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02"])

    board.filter_edit.setText("a0")
    assert shown(board, None) == ["rnd-a01", "rnd-a02", "rnd-a03", "rnd-a04"]
    assert shown(board, "gpu") == []
    board.filter_edit.setText("paused")
    assert shown(board, None) == ["rnd-a02"]
    assert shown(board, "lighting") == ["rnd-a02"]
    board.filter_edit.setText("gpu")  # a pool's name finds its members too
    assert shown(board, None) == ["gpu-01"]
    board.filter_edit.setText("")
    board.state_box.setCurrentIndex(board.state_box.findData("offline"))
    assert shown(board, None) == ["ws-anna"]
    board.state_box.setCurrentIndex(board.state_box.findData("busy"))
    assert shown(board, None) == ["rnd-a03"]
    qtbot.waitUntil(
        lambda: column(board, None).counts_label.text().endswith(" · 1 shown"), timeout=WAIT_MS
    )


def test_a_filtered_column_follows_state_changes(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow, afserver: FakeAfserver
) -> None:
    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02"])
    board.state_box.setCurrentIndex(board.state_box.findData("busy"))

    afserver.set_render_state("rnd-a01", 9)

    qtbot.waitUntil(lambda: shown(board, "lighting") == ["rnd-a01"], timeout=WAIT_MS)
    assert shown(board, None) == ["rnd-a01", "rnd-a03"]


def test_the_board_stays_responsive_while_afserver_takes_five_seconds(
    qtbot: QtBot, seeded: PoolStore, make_board: BoardFactory, afserver: FakeAfserver
) -> None:
    afserver.reply_delay = 5.0
    window = make_board(afserver_timeout=10.0)
    afserver.wait_for_requests(1, timeout=WAIT_MS / 1000)

    # While the first poll is still waiting for its answer, the window does its work:
    window.filter_edit.setText("gpu")
    window.session.edits.add_to_pool(["rnd-b01"], "gpu")
    wait_members(qtbot, window, "gpu", ["gpu-01", "rnd-b01"])
    window.filter_edit.setText("")

    assert window.session.farm_session.afserver_ok is None  # the reply has not come yet
    assert afserver.connections == []  # ...and the poll's connection is still open
    qtbot.waitUntil(lambda: window.session.farm_session.afserver_ok is True, timeout=15_000)


def test_afserver_down_shows_a_banner_marks_cards_stale_and_pools_stay_editable(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow, afserver: FakeAfserver
) -> None:
    wait_members(qtbot, board, "gpu", ["gpu-01"])

    afserver.stop()

    qtbot.waitUntil(board.afserver_banner.isVisible, timeout=WAIT_MS)
    model = column(board, "gpu").model
    assert model.data(model.index(0), STALE_ROLE) is True
    assert "refused the connection" in board.afserver_banner.text()
    assert "pools stay editable" in board.afserver_banner.text()
    assert board.afserver_label.text() == "● afserver unreachable"
    board.session.edits.add_to_pool(["ws-anna"], "gpu")
    wait_members(qtbot, board, "gpu", ["gpu-01", "ws-anna"])
