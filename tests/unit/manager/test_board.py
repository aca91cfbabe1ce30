"""The board's columns follow the farm's pools, built over a plain farm without any server."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from manager.board import Board
from manager.evented_farm import EventedFarm
from pools.model import Pool
from tests.unit.manager.farm_data import render, rows


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
