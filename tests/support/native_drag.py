"""A real mouse drag between two native pool columns on a real X server (Xvfb):
``python -m tests.support.native_drag --mongodb-uri URI``.

Runs in its own process on the display named by DISPLAY, with Qt's xcb platform; xdotool
moves the pointer while Qt runs its own drag loop. Exit code 0 when the render is in the
target pool on the afserver stand-in, moved by exactly one ``set_pool`` action, and the
board shows it there.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import uuid


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mongodb-uri", required=True)
    args = parser.parse_args()

    from PyQt5.QtCore import QPoint, QThread
    from PyQt5.QtWidgets import QApplication

    from config.settings import load_settings
    from manager.native_face import NATIVE_TAB
    from manager.theme import apply_theme
    from manager.window import MainWindow
    from storage.connection import mongo_client
    from tests.support.fake_afserver import FakeAfserver

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

    def wait_for(condition: object, ms: int = 20_000) -> bool:
        while ms > 0:
            app.processEvents()
            if condition():  # type: ignore[operator]
                return True
            QThread.msleep(20)
            ms -= 20
        return False

    if not wait_for(lambda: window.session.native.supported):
        print("the native view did not come")
        return 2
    window.native.tabs.setCurrentIndex(NATIVE_TAB)
    columns = window.native.view.columns
    if not wait_for(lambda: "gpu-01" in columns["/gpu"].model.names() and "/cpu" in columns):
        print("the native columns did not fill")
        return 2
    for _ in range(20):  # let the columns settle in their places before aiming at them
        app.processEvents()
        QThread.msleep(10)
    source, target = columns["/gpu"], columns["/cpu"]
    rect = source.view.visualRect(source.model.index(source.model.row_of("gpu-01") or 0))
    start = source.view.viewport().mapToGlobal(rect.center())
    end = target.view.viewport().mapToGlobal(QPoint(target.view.viewport().width() // 2, 200))
    dx, dy = end.x() - start.x(), end.y() - start.y()
    chain = ["xdotool", "mousemove", str(start.x()), str(start.y()), "sleep", "0.3"]
    chain += ["mousedown", "1", "sleep", "0.2"]
    for i in range(1, 13):
        chain += ["mousemove", str(start.x() + dx * i // 12), str(start.y() + dy * i // 12)]
        chain += ["sleep", "0.05"]
    chain += ["sleep", "0.3", "mouseup", "1"]
    mouse = threading.Thread(target=subprocess.run, args=(chain,), kwargs={"check": False})
    mouse.start()
    landed = wait_for(lambda: server.farm.render("gpu-01")["pool"] == "/cpu")
    mouse.join(timeout=30)
    shown = wait_for(lambda: "gpu-01" in target.model.names() and not source.model.names())
    actions = [
        r["action"]
        for r in server.requests
        if isinstance(r.get("action"), dict) and r["action"]["operation"]["type"] == "set_pool"
    ]
    window.close()
    server.stop()
    client.drop_database(database)
    client.close()
    print(f"landed={landed} shown={shown} set_pool_actions={len(actions)}")
    return 0 if landed and shown and len(actions) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
