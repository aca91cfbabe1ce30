"""The database goes away and comes back: a banner, refused edits, automatic reconnection."""

from __future__ import annotations

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
