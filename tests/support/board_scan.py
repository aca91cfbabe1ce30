"""The board's *Scan network* and *Wake*, driven inside a namespace of the test LAN.

    ip netns exec <scan-ns> python tests/support/board_scan.py '{"render": "h-name", ...}'

Everything runs in that namespace: a private nx-27017 and the afserver stand-in on its own
loopback, the board offscreen. Prints one JSON object: what the Farm column showed after the
scan, what the status bar did while it ran, and what a cancelled scan and a wake reported.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str]) -> int:
    options: dict[str, Any] = json.loads(argv[0]) if argv else {}
    home = Path(tempfile.mkdtemp(prefix="board-scan-"))
    os.environ.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))

    from PyQt5.QtCore import QThread, QTimer
    from PyQt5.QtWidgets import QApplication, QDialog

    from config.settings import load_settings
    from manager.host_model import HOST_ROLE, WAKING_ROLE
    from manager.window import MainWindow
    from tests.support.fake_afserver import FakeAfserver
    from tests.support.fake_farm import FakeFarm
    from tests.support.fake_nodes import make_render

    render = options.get("render", "")
    render_ip = options.get("render_ip", "127.0.0.1")
    farm = FakeFarm([make_render(render, 1, st=0, ip=render_ip)] if render else [])
    server = FakeAfserver(farm).start()
    overrides = {"data_dir": str(home / "data"), "afserver_port": server.port, "poll_interval": 0.3}
    settings = load_settings(overrides=overrides)
    app = QApplication(sys.argv[:1])
    window = MainWindow(settings)
    window.gestures.confirm = lambda _title, _question: True
    window.show()
    session, network = window.session, window.session.network
    messages: list[tuple[str, str]] = []
    session.message.connect(lambda level, text: messages.append((level, text)))
    progress: list[tuple[int, int, int]] = []
    network.scan_progress.connect(lambda f, p, t: progress.append((f, p, t)))
    seen_status: list[bool] = []
    network.scan_progress.connect(lambda *_: seen_status.append(window.scan_status.isVisible()))
    session.start()

    def wait(condition: Callable[[], object], seconds: float = 40) -> bool:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                return False
            app.processEvents()
            QThread.msleep(10)
        return True

    def scan_as_offered() -> None:
        """Scan network…, and Scan in its dialog with what it offers (the default route's)."""

        def accept() -> None:
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, QDialog):
                offered.append(dialog.windowTitle())
                dialog.accept()
            else:
                QTimer.singleShot(10, accept)

        QTimer.singleShot(0, accept)
        window.scan_action.trigger()

    offered: list[str] = []
    wait(lambda: session.edits.store_ok and session.farm_session.afserver_ok)
    scan_as_offered()
    finished = wait(lambda: not network.scanning)
    recorded = wait(lambda: any("seen by scan" in text for _, text in messages))
    model = window.board.farm_model
    wait(lambda: len(model.names()) >= options.get("expect", 0))  # the store's reload

    def card(name: str) -> dict[str, Any]:
        row = model.row_of(name)
        if row is None:
            return {}
        host = model.data(model.index(row), HOST_ROLE)
        waking = model.data(model.index(row), WAKING_ROLE)
        return {"state": host.state.value, "ip": host.ip, "mac": host.mac, "waking": waking,
                "sources": sorted(host.sources)}  # fmt: skip

    cards = {name: card(name) for name in model.names()}
    wake_target = options.get("wake", "")
    if wake_target:
        network.wake([wake_target])
        sent = f"Wake-on-LAN sent to {wake_target}"
        wait(lambda: any(text.startswith(sent) for _, text in messages))
        cards_after_wake = {wake_target: card(wake_target)}
    else:
        cards_after_wake = {}

    scan_as_offered()
    wait(lambda: network.scanning and window.scan_status.isVisible())
    window.scan_status.cancel.click()
    cancel_finished = wait(lambda: not network.scanning, seconds=10)
    print(
        json.dumps(
            {
                "finished": finished,
                "recorded": recorded,
                "cards": cards,
                "progress": progress[-1] if progress else None,
                "status_visible_while_scanning": bool(seen_status) and all(seen_status),
                "status_visible_after": window.scan_status.isVisible(),
                "messages": messages,
                "cards_after_wake": cards_after_wake,
                "cancel_finished": cancel_finished,
                "dialogs": offered,
            }
        )
    )
    window.close()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
