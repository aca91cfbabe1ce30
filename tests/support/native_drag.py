"""A real mouse drag between two native pool columns on a real X server (Xvfb):
``python -m tests.support.native_drag --mongodb-uri URI``.

Runs in its own process on the display named by DISPLAY, with Qt's xcb platform; xdotool
moves the pointer while Qt runs its own drag loop. Exit code 0 when the render is in the
target pool on the afserver stand-in, moved by exactly one ``set_pool`` action, and the
board shows it there.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Callable


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mongodb-uri", required=True)
    args = parser.parse_args()

    from PyQt5.QtCore import QPoint
    from PyQt5.QtWidgets import QApplication

    from config.settings import load_settings
    from manager.native_face import NATIVE_TAB
    from manager.theme import apply_theme
    from manager.window import MainWindow
    from storage.connection import mongo_client
    from tests.support.fake_afserver import FakeAfserver
    from tests.support.xdotool_drag import settle, start_drag, wait_until

    database = f"native_drag_{uuid.uuid4().hex[:8]}"
    client = mongo_client(args.mongodb_uri, 10)
    server = FakeAfserver().start()
    settings = load_settings(
        overrides={
            "mongodb_uri": args.mongodb_uri,
            "mongodb_database": database,
            "afserver_port": server.port,
            "poll_interval": 0.3,
        }
    )
    app = QApplication(sys.argv[:1])
    apply_theme(app)
    window = MainWindow(settings)
    window.resize(1400, 700)
    window.move(0, 0)
    window.show()
    window.session.start()

    def wait_for(condition: Callable[[], object]) -> bool:
        return wait_until(app, condition)

    if not wait_for(lambda: window.session.native.supported):
        print("the native view did not come")
        return 2
    window.native.tabs.setCurrentIndex(NATIVE_TAB)
    columns = window.native.view.columns
    if not wait_for(lambda: "gpu-01" in columns["/gpu"].model.names() and "/cpu" in columns):
        print("the native columns did not fill")
        return 2
    settle(app)
    source, target = columns["/gpu"], columns["/cpu"]
    rect = source.view.visualRect(source.model.index(source.model.row_of("gpu-01") or 0))
    start = source.view.viewport().mapToGlobal(rect.center())
    end = target.view.viewport().mapToGlobal(QPoint(target.view.viewport().width() // 2, 200))
    mouse = start_drag(start, end)
    landed = wait_for(lambda: server.farm.render("gpu-01")["pool"] == "/cpu")
    mouse.join(timeout=30)
    shown = wait_for(lambda: "gpu-01" in target.model.names() and not source.model.names())
    actions = server.actions("set_pool")
    window.close()
    server.stop()
    client.drop_database(database)
    client.close()
    print(f"landed={landed} shown={shown} set_pool_actions={len(actions)}")
    return 0 if landed and shown and len(actions) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
