"""A pool header's token: what artists type, selectable and copyable; none for a name that
afserver would split."""

from __future__ import annotations

from PyQt5.QtCore import QPoint, Qt
from PyQt5.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from manager.board import Board
from manager.evented_farm import EventedFarm
from pools.model import Pool


def test_each_pool_header_shows_its_token_and_a_name_with_a_space_has_none(
    qtbot: QtBot, evented: EventedFarm
) -> None:
    board = Board(evented)
    qtbot.addWidget(board)
    evented.apply_store([Pool("comp-nodes", created="01"), Pool("night farm", created="02")], [])
    typed, untyped = (
        board.columns["comp-nodes"].token_label,
        board.columns["night farm"].token_label,
    )

    assert typed.text() == "@comp-nodes"
    assert "@comp-nodes into a job's hosts mask" in typed.toolTip()
    assert untyped.text() == "no token"
    assert "its name holds a space" in untyped.toolTip()
    assert not untyped.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse

    evented.apply_store([Pool("comp-nodes", created="01"), Pool("night-farm", created="02")], [])

    assert board.columns["night-farm"].token_label.text() == "@night-farm"


def test_a_double_click_selects_the_whole_token(qtbot: QtBot, evented: EventedFarm) -> None:
    board = Board(evented)
    qtbot.addWidget(board)
    evented.apply_store([Pool("comp-nodes")], [])
    label = board.columns["comp-nodes"].token_label
    board.show()
    board.scroll_to("comp-nodes")

    qtbot.mouseDClick(label, Qt.MouseButton.LeftButton, pos=QPoint(4, label.height() // 2))

    assert label.selectedText() == "@comp-nodes"
    label.copy_token()
    assert QApplication.clipboard().text() == "@comp-nodes"
