"""The Native pools view's part of ``bench/board.py``: a drop of 100 renders.

``native_drop_ms``: the UI-thread time from dropping 100 renders on a native pool column
(5,000 renders in 50 native pools) until the UI thread is free again: the drop, the two
columns' rows and counts, every event the drop posted (the set_pool action itself runs on
the native worker's thread). ``native_drop_repaint_ms``: the repaint after it, apart.
``native_actions_per_drop``: set_pool actions the stand-in received per drop (must be 1).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

DROPPED = 100


def native_drops(bench: Any, runs: int) -> dict[str, float]:
    """Drops of 100 renders back and forth between the two fullest native columns."""
    from PyQt5.QtCore import QModelIndex, Qt

    from manager.native_face import NATIVE_TAB

    window = bench.window
    native = window.session.native
    view = window.native.view
    window.native.tabs.setCurrentIndex(NATIVE_TAB)
    bench.wait_for(lambda: native.supported and len(view.columns) == len(native.pools) > 1)
    bench.settle()
    fullest = sorted(view.columns.values(), key=lambda c: -c.model.rowCount())
    source, target = fullest[0], fullest[1]
    drop_ms, repaint_ms, actions = [], [], []
    for _ in range(runs):
        names = source.model.names()[:DROPPED]
        data = source.model.mimeData([source.model.index(r) for r in range(len(names))])
        before = bench.afserver.actions("set_pool")
        started = time.perf_counter()
        target.model.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, QModelIndex())
        bench.app.processEvents()  # what the drop posted: counts, layouts
        drop_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        view.repaint()
        repaint_ms.append((time.perf_counter() - started) * 1000)
        bench.wait_for(lambda: native.moves_under_way == 0)
        actions.append(bench.afserver.actions("set_pool") - before)
        source, target = target, source
    return {
        "native_drop_ms": round(statistics.median(drop_ms), 2),
        "native_drop_ms_max": round(max(drop_ms), 2),
        "native_drop_repaint_ms": round(statistics.median(repaint_ms), 1),
        "native_actions_per_drop": max(actions),
    }
