"""Save a PNG of the board on a studio-like farm: ``python -m tests.support.screenshot OUT.png``.

Run in its own process so that the scale factor (``--scale 2`` for a 200 % screen) can be set
before Qt starts. Needs a MongoDB URI (``--mongodb-uri``); the afserver stand-in runs inside.
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--mongodb-uri", required=True)
    parser.add_argument("--hosts", type=int, default=0, help="0: the small recorded farm")
    parser.add_argument("--pools", type=int, default=12)
    parser.add_argument("--scale", default="1")
    parser.add_argument("--size", default="1440x860")
    parser.add_argument("--filter", default="")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["QT_SCALE_FACTOR"] = args.scale

    from PyQt5.QtCore import QThread
    from PyQt5.QtWidgets import QApplication

    from config.settings import load_settings
    from manager.theme import apply_theme, enable_high_dpi
    from manager.window import MainWindow
    from storage.connection import mongo_client
    from storage.store import PoolStore
    from tests.support.fake_afserver import FakeAfserver
    from tests.support.studio_farm import studio_farm

    database = f"shot_{uuid.uuid4().hex[:8]}"
    client = mongo_client(args.mongodb_uri, 10)
    store = PoolStore(client[database], user="admin")
    store.ensure_schema()
    if args.hosts:
        studio = studio_farm(args.hosts, args.pools)
        server = FakeAfserver(studio.farm)
        for name, members in studio.pools.items():
            store.create(
                name, hosts=members + ([f"{name}-spare-01"] if name.startswith("a") else [])
            )
        store.record_host("ws-night-0042", source="arp", ip="10.9.0.42", mac="aa:bb:cc:00:00:42")
    else:
        server = FakeAfserver()
        store.create("lighting", description="Lighting renders for sequence 040")
        store.add_hosts("lighting", ["rnd-a01", "rnd-a02", "rnd-a03", "rnd-old-07"])
        store.create("gpu", color="#c27ad6")
        store.add_hosts("gpu", ["gpu-01", "ws-anna"])
        store.create("comp-nodes")
        store.add_hosts("comp-nodes", ["rnd-b01", "rnd-b02", "rnd-a01"])
        store.record_host("ws-night-03", source="arp", ip="10.0.3.17", mac="aa:bb:cc:dd:ee:03")
    server.start()
    settings = load_settings(
        overrides={
            "mongodb_uri": args.mongodb_uri,
            "mongodb_database": database,
            "afserver_port": server.port,
        }
    )
    enable_high_dpi()
    app = QApplication(sys.argv[:1])
    apply_theme(app)
    window = MainWindow(settings)
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.show()
    window.session.start()
    expected_pools = len(store.pools())
    deadline = 30_000
    while deadline > 0 and not (
        window.session.farm_session.afserver_ok and len(window.board.columns) == expected_pools
    ):
        app.processEvents()
        QThread.msleep(20)
        deadline -= 20
    window.filter_edit.setText(args.filter)
    for _ in range(5):  # queued layout work (scroll bars appear one event loop turn later)
        app.processEvents()
    window.grab().save(str(args.out))
    columns = len(window.board.columns)
    window.close()
    server.stop()
    client.drop_database(database)
    client.close()
    print(f"{args.out} {columns} pool columns")
    return 0 if columns == expected_pools else 1


if __name__ == "__main__":
    sys.exit(main())
