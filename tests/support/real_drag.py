"""A real mouse drag on a real X server: ``python -m tests.support.real_drag --mongodb-uri URI``.

Runs in its own process on the display named by DISPLAY (an Xvfb the test started), with
Qt's xcb platform. xdotool moves the pointer through the X server while Qt runs its own
drag loop (QDrag.exec), exactly as a hand on a mouse would. Exit code 0 when the host
landed in the pool, in the database.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Callable


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mongodb-uri", required=True)
    parser.add_argument("--copy", action="store_true", help="hold Ctrl: copy between pools")
    args = parser.parse_args()

    from PyQt5.QtCore import QPoint
    from PyQt5.QtWidgets import QApplication

    from config.settings import load_settings
    from manager.theme import apply_theme
    from manager.window import MainWindow
    from storage.connection import mongo_client
    from storage.store import PoolStore
    from tests.support.fake_afserver import FakeAfserver
    from tests.support.xdotool_drag import settle, start_drag, wait_until

    database = f"drag_{uuid.uuid4().hex[:8]}"
    client = mongo_client(args.mongodb_uri, 10)
    store = PoolStore(client[database], user="admin")
    store.ensure_schema()
    store.create("gpu", hosts=["gpu-01"])
    store.create("lighting", hosts=["rnd-a01"])
    server = FakeAfserver().start()
    settings = load_settings(
        overrides={
            "mongodb_uri": args.mongodb_uri,
            "mongodb_database": database,
            "afserver_port": server.port,
        }
    )
    app = QApplication(sys.argv[:1])
    apply_theme(app)
    window = MainWindow(settings)
    window.resize(1200, 700)
    window.move(0, 0)
    window.show()
    window.session.start()

    def wait_for(condition: Callable[[], object]) -> bool:
        return wait_until(app, condition)

    ready = wait_for(
        lambda: window.session.farm_session.afserver_ok and "gpu" in window.board.columns
    )
    if not ready:
        print("board did not load")
        return 2
    settle(app)
    source_name, source_pool, target_pool = (
        ("rnd-a01", "lighting", "gpu") if args.copy else ("rnd-a03", None, "gpu")
    )
    source = window.board.farm_column if source_pool is None else window.board.columns[source_pool]
    target = window.board.columns[target_pool]
    model = source.model
    rect = source.view.visualRect(model.index(model.row_of(source_name) or 0))
    start = source.view.viewport().mapToGlobal(rect.center())
    end = target.view.viewport().mapToGlobal(QPoint(target.view.viewport().width() // 2, 200))
    mouse = start_drag(start, end, ctrl=args.copy)
    landed = wait_for(lambda: source_name in store.pool(target_pool).hostnames)
    mouse.join(timeout=30)
    still_in_source = source_pool is not None and source_name in store.pool(source_pool).hostnames
    wait_for(lambda: source_name in target.model.names())
    shown = source_name in target.model.names()
    window.close()
    server.stop()
    client.drop_database(database)
    client.close()
    print(f"landed={landed} shown={shown} still_in_source={still_in_source}")
    return 0 if landed and shown and (still_in_source or source_pool is None) else 1


if __name__ == "__main__":
    sys.exit(main())
