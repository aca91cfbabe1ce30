"""The database goes away and comes back: a banner, refused edits, automatic reconnection."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from manager.window import MainWindow
from pools.edits import Edit
from tests.gui.conftest import WAIT_MS, board_settings, wait_members
from tests.support.fake_afserver import FakeAfserver
from tests.support.nx import PrivateNx

pytestmark = [pytest.mark.gui, pytest.mark.integration]


@pytest.fixture
def private_nx(tmp_path: Path) -> Iterator[PrivateNx]:
    server = PrivateNx(tmp_path / "nx").start()
    yield server
    server.stop()


def test_database_down_banner_refused_edits_and_reconnection(
    qtbot: QtBot, private_nx: PrivateNx, afserver: FakeAfserver
) -> None:
    settings = board_settings(private_nx.uri, "afpools", afserver.port, mongodb_timeout=1.0)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    window.controller.start()
    window.controller.request("create pool gpu", [Edit("create", "gpu")])
    wait_members(qtbot, window, "gpu", [])

    private_nx.stop()
    qtbot.waitUntil(window.store_banner.isVisible, timeout=WAIT_MS)
    refused = window.controller.add_to_pool(["gpu-01"], "gpu")

    assert "cannot be reached" in window.store_banner.text()
    assert "Edits are refused until it is back" in window.store_banner.text()
    assert window.message_banner.text() == (
        "Not saved: add gpu-01 to gpu — the database cannot be reached right now."
    )
    assert refused is False
    assert window.board.columns["gpu"].model.names() == []  # the board never pretends

    private_nx.start()
    qtbot.waitUntil(lambda: not window.store_banner.isVisible(), timeout=WAIT_MS)
    window.controller.add_to_pool(["gpu-01"], "gpu")
    wait_members(qtbot, window, "gpu", ["gpu-01"])
    window.close()


def test_the_embedded_database_is_started_again_when_it_dies(
    qtbot: QtBot, tmp_path: Path, afserver: FakeAfserver
) -> None:
    settings = board_settings(
        "", "afpools", afserver.port, data_dir=str(tmp_path), mongodb_timeout=1.0
    )
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    window.controller.start()
    qtbot.waitUntil(lambda: window.controller.store_ok is True, timeout=WAIT_MS)
    first = json.loads((tmp_path / "server.json").read_text())
    states: list[bool] = []
    window.controller.store_state.connect(lambda ok, _sentence: states.append(ok))

    os.kill(first["pid"], signal.SIGKILL)
    qtbot.waitUntil(lambda: False in states and states[-1] is True, timeout=WAIT_MS)
    window.controller.request("create pool gpu", [Edit("create", "gpu")])

    wait_members(qtbot, window, "gpu", [])
    assert not window.store_banner.isVisible()
    assert json.loads((tmp_path / "server.json").read_text())["pid"] != first["pid"]
    window.close()
