"""What the real-drag scripts share: a board of their own on the display named by DISPLAY
(a fresh database on the test's nx-27017, the afserver stand-in), waiting on a condition
while Qt runs, and a hand on the mouse (xdotool) dragging from one card to another column
in small steps, while Qt runs its own drag loop (QDrag.exec) as it would under a real hand.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from PyQt5.QtCore import QEventLoop, QPoint, QTimer
from PyQt5.QtWidgets import QApplication, QListView

STEPS = 12
WAIT_MS = 20_000


@dataclass
class DragBoard:
    app: QApplication
    window: Any  # manager.window.MainWindow, imported once QApplication exists
    server: Any  # tests.support.fake_afserver.FakeAfserver
    database: Any  # pymongo Database of this board alone

    def wait_for(self, condition: Callable[[], object], ms: int = WAIT_MS) -> bool:
        """Run Qt's events until ``condition`` holds; False if it did not within ``ms``."""
        loop = QEventLoop()
        for _ in range(max(1, ms // 20)):
            if condition():
                return True
            QTimer.singleShot(20, loop.quit)
            loop.exec()
        return bool(condition())

    def drag(
        self, source: QListView, name: str, target: QListView, *, ctrl: bool = False
    ) -> threading.Thread:
        """Press on ``name``'s card in ``source``, move into ``target`` and release (holding
        Ctrl if asked), in a thread of its own: Qt's drag loop must keep running here
        meanwhile. Join it when done. Aims once the card is laid out where it shows."""
        model = source.model()
        viewport = source.viewport()
        target_viewport = target.viewport()
        assert viewport is not None and target_viewport is not None

        def card_center() -> QPoint | None:  # its row now: polls may insert rows above it
            row = model.row_of(name)  # type: ignore[attr-defined]
            if row is None:
                return None
            center = source.visualRect(model.index(row, 0)).center()
            return center if viewport.rect().contains(center) else None

        laid_out = self.wait_for(lambda: target_viewport.isVisible() and card_center())
        center = card_center()
        assert laid_out and center is not None, f"{name} never showed in its column"
        start = viewport.mapToGlobal(center)
        end = target_viewport.mapToGlobal(QPoint(target_viewport.width() // 2, 200))
        return _xdotool_drag(start, end, ctrl)


@contextmanager
def drag_board(
    mongodb_uri: str,
    size: tuple[int, int],
    pools: dict[str, list[str]] | None = None,
    **overrides: object,
) -> Iterator[DragBoard]:
    """The board on this display, with ``pools`` stored before it starts, shown at ``size``
    in the screen's corner and polling; its database and stand-in go when the block ends."""
    from config.settings import load_settings
    from manager.theme import apply_theme
    from manager.window import MainWindow
    from storage.connection import mongo_client
    from storage.store import PoolStore
    from tests.support.fake_afserver import FakeAfserver

    client = mongo_client(mongodb_uri, 10)
    name = f"drag_{uuid.uuid4().hex[:8]}"
    server = FakeAfserver()
    app = QApplication(sys.argv[:1])
    apply_theme(app)
    window: MainWindow | None = None
    try:
        server.start()
        if pools:
            store = PoolStore(client[name], user="admin")
            store.ensure_schema()
            for pool, hosts in pools.items():
                store.create(pool, hosts=hosts)
        settings = load_settings(
            overrides={
                "mongodb_uri": mongodb_uri,
                "mongodb_database": name,
                "afserver_port": server.port,
                **overrides,
            }
        )
        window = MainWindow(settings)
        window.resize(*size)
        window.move(0, 0)
        window.show()
        window.session.start()
        yield DragBoard(app, window, server, client[name])
    finally:
        if window is not None:
            window.close()
        server.stop()
        client.drop_database(name)
        client.close()


def _xdotool_drag(start: QPoint, end: QPoint, ctrl: bool) -> threading.Thread:
    dx, dy = end.x() - start.x(), end.y() - start.y()
    chain = ["xdotool", "mousemove", str(start.x()), str(start.y()), "sleep", "0.3"]
    if ctrl:
        chain += ["keydown", "ctrl"]
    chain += ["mousedown", "1", "sleep", "0.2"]
    for i in range(1, STEPS + 1):
        x, y = start.x() + dx * i // STEPS, start.y() + dy * i // STEPS
        chain += ["mousemove", str(x), str(y), "sleep", "0.05"]
    chain += ["sleep", "0.3", "mouseup", "1"]
    if ctrl:
        chain += ["keyup", "ctrl"]
    mouse = threading.Thread(target=subprocess.run, args=(chain,), kwargs={"check": False})
    mouse.start()
    return mouse
