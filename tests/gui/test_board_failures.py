"""The database goes away and comes back: a banner, refused edits, automatic reconnection."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from config.settings import load_settings
from manager.window import MainWindow
from pools.edits import Edit
from storage import embedded_access
from storage.connection import open_store
from tests.gui.conftest import WAIT_MS, answer_dialog, board_settings, ok_button, wait_members
from tests.support.fake_afserver import FakeAfserver
from tests.support.nx import PrivateNx, crash

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
    window.session.start()
    window.session.edits.request("create pool gpu", [Edit("create", "gpu")])
    wait_members(qtbot, window, "gpu", [])

    private_nx.stop()
    qtbot.waitUntil(window.store_banner.isVisible, timeout=WAIT_MS)
    refused = window.session.edits.add_to_pool(["gpu-01"], "gpu")

    assert "cannot be reached" in window.store_banner.text()
    assert "Edits are refused until it is back" in window.store_banner.text()
    assert window.message_banner.text() == (
        "Not saved: add gpu-01 to gpu — the database cannot be reached right now."
    )
    assert refused is False
    assert window.board.columns["gpu"].model.names() == []  # the board never pretends

    window.board.set_current_pool("gpu")
    answer_dialog(lambda form: (form.name_edit.setText("dbdown"), ok_button(form).click()))
    window.gestures.new_pool()  # refused: no pool, so not the current one either
    assert window.board.current_pool == "gpu"

    private_nx.start()
    qtbot.waitUntil(lambda: not window.store_banner.isVisible(), timeout=WAIT_MS)
    window.session.edits.add_to_pool(["gpu-01"], "gpu")
    wait_members(qtbot, window, "gpu", ["gpu-01"])
    answer_dialog(lambda form: (form.name_edit.setText("dbback"), ok_button(form).click()))
    window.gestures.new_pool()  # saved: current once its column comes
    qtbot.waitUntil(lambda: window.board.current_pool == "dbback", timeout=WAIT_MS)
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
    window.session.start()
    qtbot.waitUntil(lambda: window.session.edits.store_ok is True, timeout=WAIT_MS)
    first = json.loads((tmp_path / "server.json").read_text())
    states: list[bool] = []
    window.session.edits.store_state.connect(lambda ok, _sentence: states.append(ok))

    os.kill(first["pid"], signal.SIGKILL)
    qtbot.waitUntil(lambda: False in states and states[-1] is True, timeout=WAIT_MS)
    window.session.edits.request("create pool gpu", [Edit("create", "gpu")])

    wait_members(qtbot, window, "gpu", [])
    assert not window.store_banner.isVisible()
    assert json.loads((tmp_path / "server.json").read_text())["pid"] != first["pid"]
    window.close()


def embedded_board(qtbot: QtBot, folder: Path, afserver: FakeAfserver) -> MainWindow:
    """A board on the embedded database in ``folder``, after its first load.

    ``mongodb_timeout`` is long: a board that only learned of a dead database from a read
    that timed out would show it as fine for that long.
    """
    settings = board_settings(
        "", "afpools", afserver.port, data_dir=str(folder), mongodb_timeout=30.0
    )
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.session.store_worker.loaded, timeout=WAIT_MS):
        window.session.start()
    return window


def server_state(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "server.json").read_text(encoding="utf-8"))


def test_the_status_bar_shows_at_once_that_the_embedded_database_died_and_is_back(
    qtbot: QtBot, tmp_path: Path, afserver: FakeAfserver
) -> None:
    window = embedded_board(qtbot, tmp_path, afserver)
    first = server_state(tmp_path)
    shown: list[tuple[bool, str, str]] = []  # each state, with the status bar and the banner
    window.session.edits.store_state.connect(
        lambda ok, _sentence: shown.append(
            (ok, window.store_label.toolTip(), window.store_banner.text())
        )
    )

    crash(first["pid"])
    qtbot.waitUntil(lambda: [ok for ok, *_ in shown][-2:] == [False, True], timeout=WAIT_MS)
    window.session.edits.request("create pool gpu", [Edit("create", "gpu")])
    wait_members(qtbot, window, "gpu", [])

    down, back = shown[-2], shown[-1]
    second = server_state(tmp_path)
    assert down[1] == "● database unreachable"
    assert "stopped; starting it again" in down[2]
    assert back[1] == f"● embedded nx-27017 at {second['socket']}"  # whole; shortened in sight
    assert second["pid"] != first["pid"]
    window.close()


def test_the_board_follows_the_database_another_command_started_on_a_new_port(
    qtbot: QtBot, tmp_path: Path, afserver: FakeAfserver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without Unix sockets (Windows) every start of the database takes a new port."""
    monkeypatch.setattr(embedded_access, "UNIX_SOCKETS", False)
    window = embedded_board(qtbot, tmp_path, afserver)
    first = server_state(tmp_path)

    crash(first["pid"])
    with open_store(load_settings(overrides={"data_dir": str(tmp_path)})) as store:
        store.create("gpu")  # another afpools command, which starts the database again
    wait_members(qtbot, window, "gpu", [])

    second = server_state(tmp_path)
    assert second["port"] != first["port"]
    assert window.store_label.text() == f"● embedded nx-27017 at 127.0.0.1:{second['port']}"
    window.close()


def test_a_warning_that_no_longer_holds_leaves_the_banner(board: MainWindow) -> None:
    """The usage reader's "cannot be reached" stayed up long after the database was back."""
    said = board.session.message
    down = "Usage: MongoDB at db:27017 cannot be reached (Connection refused)."

    said.emit("warning", down)
    assert board.message_banner.isVisible() and board.message_banner.text() == down
    said.emit("resolved", down)
    assert not board.message_banner.isVisible()

    said.emit("error", "Not saved: add gpu-01 to gpu — the database cannot be reached.")
    said.emit("resolved", down)  # another message shows now: it stays
    assert board.message_banner.isVisible()
