"""The board's columns follow the farm's pools, built over a plain farm without any server."""

from __future__ import annotations

from PyQt5.QtCore import QMimeData, QPoint, Qt
from PyQt5.QtGui import QDragEnterEvent, QDragLeaveEvent
from pytestqt.qtbot import QtBot

from manager.board import Board
from manager.evented_farm import EventedFarm
from manager.host_model import HOST_ROLE, encode_hosts
from pools.farm import HostFilter
from pools.model import HostState, Pool
from tests.unit.manager.conftest import Watch
from tests.unit.manager.farm_data import BUSY, RowSignals, render, rows


def test_columns_come_go_and_keep_their_place_when_renamed(
    qtbot: QtBot, evented: EventedFarm
) -> None:
    board = Board(evented)
    qtbot.addWidget(board)
    evented.apply_renders([render("gpu-01"), render("rnd-01")])
    renamed: list[tuple[str, str]] = []
    board.column_renamed.connect(lambda old, new: renamed.append((old, new)))

    evented.apply_store(
        [
            Pool("lighting", ("rnd-01",), created="01"),
            Pool("GPU", ("gpu-01",), created="02"),
            Pool("comp", created="03"),
        ],
        [],
    )
    assert board.order() == ["lighting", "GPU", "comp"]  # new pools: oldest first
    board.columns["GPU"].set_collapsed(True)
    board.set_current_pool("GPU")

    evented.apply_store(
        [Pool("lighting", ("rnd-01",), created="01"), Pool("gpu-a100", ("gpu-01",), created="02")],
        [],
    )

    assert renamed == [("GPU", "gpu-a100")]
    assert board.order() == ["lighting", "gpu-a100"]
    assert board.columns["gpu-a100"].collapsed
    assert board.columns["gpu-a100"].title_label.text() == "gpu-a100"
    assert rows(board.columns["gpu-a100"].model) == ["gpu-01"]
    assert board.current_pool == "gpu-a100"


def test_the_current_pool_goes_with_its_column(qtbot: QtBot, evented: EventedFarm) -> None:
    board = Board(evented)
    qtbot.addWidget(board)
    evented.apply_store([Pool("gpu"), Pool("comp")], [])
    board.set_current_pool("gpu")

    with qtbot.waitSignal(board.current_changed) as current:
        evented.apply_store([Pool("comp", description="Nuke farm")], [])

    assert current.args == [None]
    assert board.current_pool is None
    assert board.columns["comp"].description_label.text() == "Nuke farm"
    assert not board.no_pools.isVisibleTo(board)


def test_pools_of_unknown_age_join_after_the_others_by_name(
    qtbot: QtBot, evented: EventedFarm
) -> None:
    board = Board(evented)
    qtbot.addWidget(board)

    evented.apply_store(
        [
            Pool("zz", created="5f0000000000000000000002"),
            Pool("b"),
            Pool("A"),
            Pool("yy", created="5f0000000000000000000001"),
        ],
        [],
    )

    assert board.order() == ["yy", "zz", "A", "b"]


def shown_board(qtbot: QtBot, evented: EventedFarm, pools: int) -> Board:
    """A board on screen, as wide as the Farm column and about two pool columns."""
    board = Board(evented)
    qtbot.addWidget(board)
    board.resize(3 * board.farm_column.width() + 40, 400)
    board.show()
    qtbot.waitExposed(board)
    evented.apply_renders([render(f"rnd-{i:02d}") for i in range(1, 9)])
    evented.apply_store(
        [Pool(f"pool-{p:02d}", (f"rnd-{p:02d}", f"rnd-{p + 1:02d}")) for p in range(1, pools + 1)],
        [],
    )
    return board


def in_sight(board: Board) -> list[str]:
    return [name for name in board.order() if board.columns[name].model.in_sight]


def test_only_the_columns_on_screen_fill_and_one_scrolled_to_catches_up(
    qtbot: QtBot, evented: EventedFarm, watch: Watch
) -> None:
    board = shown_board(qtbot, evented, pools=6)
    for column in board.all_columns():
        watch(column.model)
    assert in_sight(board) == ["pool-01", "pool-02", "pool-03"]
    assert rows(board.columns["pool-02"].model) == ["rnd-02", "rnd-03"]
    assert rows(board.columns["pool-06"].model) == []  # off screen: nothing sorted yet

    evented.set_filter(HostFilter("rnd-07"))
    evented.apply_store(
        [Pool(f"pool-{p:02d}", (f"rnd-{p:02d}", f"rnd-{p + 1:02d}")) for p in range(1, 6)]
        + [Pool("pool-06", ("rnd-06", "rnd-07", "rnd-08"))],
        [],
    )
    assert rows(board.columns["pool-02"].model) == []  # on screen: follows at once

    board.scroll_to("pool-06")

    assert "pool-06" in in_sight(board)
    assert "pool-01" not in in_sight(board)
    assert rows(board.columns["pool-06"].model) == ["rnd-07"]
    assert board.columns["pool-06"].counts_label.text().endswith("1 shown")


def test_a_collapsed_column_waits_and_catches_up_when_expanded(
    qtbot: QtBot, evented: EventedFarm, watch: Watch
) -> None:
    board = shown_board(qtbot, evented, pools=2)
    column = board.columns["pool-01"]
    watch(column.model)
    column.set_collapsed(True)
    assert not column.model.in_sight

    evented.apply_store([Pool("pool-01", ("rnd-01", "rnd-05")), Pool("pool-02")], [])
    evented.set_filter(HostFilter("", "online"))
    evented.apply_renders([render("rnd-01", BUSY), render("rnd-05", 0)])
    assert rows(column.model) == ["rnd-01", "rnd-02"]  # as it was when collapsed

    column.set_collapsed(False)

    assert rows(column.model) == ["rnd-01"]
    assert column.model.data(column.model.index(0), HOST_ROLE).state is HostState.BUSY
    assert column.counts_label.text().startswith("2 hosts · 1 online · 1 busy")


def test_columns_scrolled_away_stop_following_the_farm(qtbot: QtBot, evented: EventedFarm) -> None:
    board = shown_board(qtbot, evented, pools=6)
    first = board.columns["pool-01"].model
    signals = RowSignals().follow(first)

    board.scroll_to("pool-06")
    evented.set_filter(HostFilter("rnd-08"))
    evented.apply_renders([render("rnd-01", BUSY)])

    assert signals.seen == []
    assert "pool-06" in in_sight(board)


def test_a_column_moved_into_view_is_filled_at_once(qtbot: QtBot, evented: EventedFarm) -> None:
    board = shown_board(qtbot, evented, pools=6)

    board.set_order(["pool-06", "pool-01"])  # as a remembered order is put back

    assert in_sight(board)[0] == "pool-06"
    assert rows(board.columns["pool-06"].model) == ["rnd-06", "rnd-07"]


def test_the_current_pool_s_column_scrolls_into_view_and_fills(
    qtbot: QtBot, evented: EventedFarm
) -> None:
    """A new pool joins the end of the row, often past the window's edge: it is the one the
    Pool menu acts on, so it is brought into view (as a click on a half-hidden column is)."""
    board = shown_board(qtbot, evented, pools=6)
    assert "pool-06" not in in_sight(board)

    board.set_current_pool("pool-06")

    assert "pool-06" in in_sight(board)
    assert rows(board.columns["pool-06"].model) == ["rnd-06", "rnd-07"]


def test_a_column_is_framed_while_a_drag_it_would_take_is_over_it(
    qtbot: QtBot, evented: EventedFarm
) -> None:
    """The walk found no sign of where a drag would land."""
    board = Board(evented)
    qtbot.addWidget(board)
    evented.apply_renders([render("rnd-01"), render("rnd-02")])
    evented.apply_store([Pool("gpu", ("rnd-01",))], [])
    board.show()
    gpu = board.columns["gpu"]
    qtbot.waitUntil(lambda: gpu.is_built)

    def enter(data: QMimeData) -> bool:
        event = QDragEnterEvent(
            QPoint(5, 5), Qt.DropAction.MoveAction, data, Qt.LeftButton, Qt.NoModifier
        )
        gpu.view.dragEnterEvent(event)
        return bool(gpu.property("dropTarget"))

    assert not enter(encode_hosts(["rnd-01"], "gpu"))  # from itself: no edit, no frame
    assert enter(encode_hosts(["rnd-02"], None))  # from the Farm: framed
    gpu.view.dragLeaveEvent(QDragLeaveEvent())
    assert not gpu.property("dropTarget")
