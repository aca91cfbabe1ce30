"""A column header's counts fit the column: broken between its parts, never inside one."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from manager.board import Board
from manager.column import PoolColumn
from manager.evented_farm import EventedFarm
from pools.farm import HostFilter
from tests.support.label_fit import lines_fit
from tests.unit.manager.farm_data import names, render

WHOLE = "1200 machines · 1200 online · 0 busy · 1 shown"


def farm_column(qtbot: QtBot, evented: EventedFarm) -> PoolColumn:
    evented.apply_renders([render(n) for n in names("rnd", 1200)])
    evented.set_filter(HostFilter("rnd-007"))
    board = Board(evented)
    qtbot.addWidget(board)
    board.show()
    column = board.farm_column
    qtbot.waitUntil(lambda: column.counts_label.text().replace("\n", " · ") == WHOLE)
    return column


def test_a_narrow_column_breaks_its_counts_between_their_parts(
    qtbot: QtBot, evented: EventedFarm
) -> None:
    column = farm_column(qtbot, evented)
    label = column.counts_label

    column.setFixedWidth(label.fontMetrics().horizontalAdvance("1200 machines · 1200 o"))
    qtbot.waitUntil(lambda: lines_fit(label))  # once the header made room for the lines

    assert label.text().split("\n") == ["1200 machines", "1200 online · 0 busy", "1 shown"]


def test_a_column_wide_enough_keeps_its_counts_on_one_line(
    qtbot: QtBot, evented: EventedFarm
) -> None:
    column = farm_column(qtbot, evented)
    label = column.counts_label
    column.setFixedWidth(label.fontMetrics().horizontalAdvance(WHOLE) + 40)

    qtbot.waitUntil(lambda: label.text() == WHOLE and lines_fit(label))
