"""Scan network… on the board: the dialog that chooses where, and what it remembers.

The made-up interface does not exist on the machine running the tests, so the scan the board
starts ends at its plan, before anything is sent.
"""

from __future__ import annotations

import ipaddress

import pytest
from PyQt5.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from manager.scan_dialog import ScanDialog
from manager.window import MainWindow
from scanner.network import Interface, NetworkInfo
from tests.gui.conftest import WAIT_MS, BoardFactory, answer_dialog

pytestmark = pytest.mark.gui

NOWHERE = Interface(
    "afp-nowhere0", "02:00:00:00:00:07", (ipaddress.IPv4Interface("10.66.0.5/20"),), True, True
)


def without_default_route(window: MainWindow) -> MainWindow:
    window.gestures.read_network = lambda: NetworkInfo((NOWHERE,), "")
    return window


def scan_requests(window: MainWindow) -> list[tuple[object, ...]]:
    seen: list[tuple[object, ...]] = []
    window.session.network.scan_requested.connect(lambda *args: seen.append(args))
    return seen


def test_without_a_default_route_the_dialog_offers_an_interface_and_remembers_the_choice(
    qtbot: QtBot, make_board: BoardFactory
) -> None:
    first = without_default_route(make_board(afserver_port=9))
    requests = scan_requests(first)
    offered: list[tuple[str, str]] = []

    def choose(dialog: QDialog) -> None:
        assert isinstance(dialog, ScanDialog)
        offered.append((dialog.interface, dialog.range_text))
        dialog.range_edit.setText("10.66.1.0/24")
        dialog.accept()

    answer_dialog(choose)
    first.scan_action.trigger()

    assert offered == [("afp-nowhere0", "10.66.0.0/20")]
    assert requests == [(("afp-nowhere0",), ("10.66.1.0/24",), False)]
    qtbot.waitUntil(lambda: not first.session.network.scanning, timeout=WAIT_MS)
    first.close()

    second = without_default_route(make_board(afserver_port=9))

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, ScanDialog)
        offered.append((dialog.interface, dialog.range_text))
        dialog.reject()

    answer_dialog(look)
    second.scan_action.trigger()
    assert offered[-1] == ("afp-nowhere0", "10.66.1.0/24")


def test_a_wide_range_is_scanned_once_confirmed_in_the_dialog(
    qtbot: QtBot, make_board: BoardFactory
) -> None:
    window = without_default_route(make_board(afserver_port=9))
    requests = scan_requests(window)

    def confirm(dialog: QDialog) -> None:
        assert isinstance(dialog, ScanDialog)
        dialog.wide_box.setChecked(True)
        dialog.accept()

    answer_dialog(confirm)
    window.scan_action.trigger()

    assert requests == [(("afp-nowhere0",), ("10.66.0.0/20",), True)]
    qtbot.waitUntil(lambda: not window.session.network.scanning, timeout=WAIT_MS)
