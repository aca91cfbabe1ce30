"""A real board on a real nx-27017 and the afserver stand-in, driven with pytest-qt."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PyQt5.QtCore import QTimer
from PyQt5.QtWidgets import QApplication, QDialog, QDialogButtonBox, QPushButton
from pytestqt.qtbot import QtBot

from config.settings import Settings, load_settings
from manager.column import PoolColumn
from manager.host_view import HostListView
from manager.window import MainWindow
from storage.store import PoolStore
from tests.support.fake_afserver import FakeAfserver

pytestmark = pytest.mark.gui

WAIT_MS = 10_000


@pytest.fixture
def afserver() -> Iterator[FakeAfserver]:
    with FakeAfserver() as server:
        yield server


def board_settings(uri: str, database: str, afserver_port: int, **more: Any) -> Settings:
    return load_settings(
        overrides={
            "mongodb_uri": uri,
            "mongodb_database": database,
            "afserver_port": afserver_port,
            "poll_interval": 0.3,
            "afserver_timeout": 2.0,
            **more,
        }
    )


BoardFactory = Callable[..., MainWindow]


@pytest.fixture
def make_board(
    qtbot: QtBot, nx_server: str, database_name: str, afserver: FakeAfserver
) -> Iterator[BoardFactory]:
    """Open boards (started, shown, first load done); all are closed after the test."""
    windows: list[MainWindow] = []

    def make(*, wait: bool = True, **more: Any) -> MainWindow:
        port = more.pop("afserver_port", afserver.port)
        settings = board_settings(nx_server, database_name, port, **more)
        window = MainWindow(settings)
        window.gestures.confirm = lambda _title, _question: True
        qtbot.addWidget(window)
        window.show()
        window.session.start()
        windows.append(window)
        if wait:
            qtbot.waitUntil(lambda: window.session.edits.store_ok is True, timeout=WAIT_MS)
        return window

    yield make
    for window in windows:
        window.close()


@pytest.fixture
def board(make_board: BoardFactory, qtbot: QtBot) -> MainWindow:
    """One board, after afserver's first poll arrived."""
    window = make_board()
    qtbot.waitUntil(lambda: window.session.farm_session.afserver_ok is True, timeout=WAIT_MS)
    return window


def focus(window: MainWindow, pool: str | None) -> HostListView:
    """Give a column's list the keyboard, as a click would (offscreen has no window manager)."""
    QApplication.setActiveWindow(window)
    view = column(window, pool).view
    view.setFocus()
    return view


def column(window: MainWindow, pool: str | None) -> PoolColumn:
    return window.board.farm_column if pool is None else window.board.columns[pool]


def shown(window: MainWindow, pool: str | None) -> list[str]:
    """The hostnames a column shows, top to bottom, once it is scrolled into view (a column out
    of sight does not follow the farm until it is looked at)."""
    if pool is not None and pool in window.board.columns:
        window.board.scroll_to(pool)
    return column(window, pool).model.names()


def wait_members(qtbot: QtBot, window: MainWindow, pool: str, hosts: list[str]) -> None:
    qtbot.waitUntil(
        lambda: pool in window.board.columns and shown(window, pool) == hosts, timeout=WAIT_MS
    )


@pytest.fixture
def seeded(store: PoolStore) -> PoolStore:
    """Two pools on the recorded farm: lighting (rnd-a01, rnd-a02) and gpu (gpu-01)."""
    store.create("lighting")
    store.add_hosts("lighting", ["rnd-a01", "rnd-a02"])
    store.create("gpu")
    store.add_hosts("gpu", ["gpu-01"])
    return store


def answer_dialog(fill: Callable[[QDialog], None]) -> None:
    """Fill in the next modal dialog from inside its own event loop, as a user would."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, act)
            return
        assert isinstance(dialog, QDialog)
        fill(dialog)

    QTimer.singleShot(0, act)


def ok_button(dialog: QDialog) -> QPushButton:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    return box.button(QDialogButtonBox.Ok)


MENU_REMARKS = pytest.mark.qt_log_ignore(  # the offscreen platform's remarks on a popup menu
    "This plugin does not support raise", "This plugin does not support grabbing the keyboard"
)


@pytest.fixture
def native_board(board: MainWindow, qtbot: QtBot) -> MainWindow:
    """The board with its Native pools tab open, every pool's column in place."""
    from manager.native_face import NATIVE_TAB

    qtbot.waitUntil(lambda: board.session.native.supported is True, timeout=WAIT_MS)
    board.native.tabs.setCurrentIndex(NATIVE_TAB)
    tree = ["/", "/cpu", "/cpu/big", "/gpu"]
    qtbot.waitUntil(lambda: board.native.view.order() == tree, timeout=WAIT_MS)
    return board
