"""How the board starts: the first poll first, the jobs and usage readers after it, and the
board that ``main.py`` opens leaves what it then holds out of the collector's full passes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

import manager.app
from manager.app import open_board
from manager.window import MainWindow
from tests.gui.conftest import WAIT_MS, BoardFactory, board_settings
from tests.support.fake_afserver import FakeAfserver

pytestmark = pytest.mark.gui


def readers_running(window: MainWindow) -> list[bool]:
    return [thread.qthread.isRunning() for thread in window.session._readers]


def test_the_jobs_and_usage_readers_start_once_the_first_poll_is_shown(
    make_board: BoardFactory, afserver: FakeAfserver, qtbot: QtBot
) -> None:
    afserver.reply_delay = 0.5  # a big farm's first poll: the readers must not compete
    window = make_board(wait=False)
    assert readers_running(window) == [False, False]

    qtbot.waitUntil(lambda: window.session.farm_session.afserver_ok is True, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: readers_running(window) == [True, True], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.session.jobs.last is not None, timeout=WAIT_MS)


def test_the_readers_start_when_afserver_cannot_be_reached_too(
    make_board: BoardFactory, qtbot: QtBot
) -> None:
    window = make_board(wait=False, afserver_port=9)  # nothing listens there
    qtbot.waitUntil(lambda: window.session.farm_session.afserver_ok is False, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: readers_running(window) == [True, True], timeout=WAIT_MS)


class Collector:
    """Stands in for ``gc`` in ``manager.app``: the test process's heap is left alone."""

    def __init__(self) -> None:
        self.frozen = 0

    def freeze(self) -> None:
        self.frozen += 1


@pytest.fixture
def collector(monkeypatch: pytest.MonkeyPatch) -> Collector:
    fake = Collector()
    monkeypatch.setattr(manager.app, "gc", fake)
    return fake


@pytest.fixture
def opened(qtbot: QtBot) -> Iterator[list[MainWindow]]:
    windows: list[MainWindow] = []
    yield windows
    for window in windows:
        window.close()


def open_as_main(qtbot: QtBot, opened: list[MainWindow], *args: Any) -> MainWindow:
    window = open_board(board_settings(*args))
    qtbot.addWidget(window)
    opened.append(window)
    return window


def test_the_board_main_opens_freezes_its_heap_once_the_first_poll_is_shown(
    qtbot: QtBot,
    nx_server: str,
    database_name: str,
    afserver: FakeAfserver,
    collector: Collector,
    opened: list[MainWindow],
) -> None:
    afserver.reply_delay = 0.3
    window = open_as_main(qtbot, opened, nx_server, database_name, afserver.port)
    assert collector.frozen == 0

    qtbot.waitUntil(lambda: window.session.farm_session.afserver_ok is True, timeout=WAIT_MS)
    assert collector.frozen == 1
    seen = window.session.farm_session.last_poll
    qtbot.waitUntil(lambda: window.session.farm_session.last_poll > seen, timeout=WAIT_MS)
    assert collector.frozen == 1  # once: later polls leave the collector alone


def test_a_board_whose_afserver_is_down_freezes_nothing_until_a_poll_is_shown(
    qtbot: QtBot,
    nx_server: str,
    database_name: str,
    collector: Collector,
    opened: list[MainWindow],
) -> None:
    window = open_as_main(qtbot, opened, nx_server, database_name, 9)
    qtbot.waitUntil(lambda: window.session.farm_session.afserver_ok is False, timeout=WAIT_MS)
    assert collector.frozen == 0
