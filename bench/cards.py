"""What painting one host card costs the window, in microseconds.

The Farm column's model and card delegate on a farm of 2,000 renders (some busy, some paused,
every other one in two pools, so that cards carry badges), painting all cards of the first
200 rows onto an image, as a repaint of a column does: ``card_paint_us`` is the median over
15 rounds of the time per card, ``card_paint_us_stale`` the same while afserver is
unreachable (every card says "last known"). No afserver, no database: only the paint.

Run from the repository root: ``.venv/bin/python bench/cards.py [--json] [--rounds N]``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import bench_arguments, print_figures

RENDERS, PAINTED = 2000, 200


def card_costs(rounds: int) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt5.QtCore import QRect
    from PyQt5.QtGui import QColor, QImage, QPainter
    from PyQt5.QtWidgets import QApplication, QStyleOptionViewItem

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from manager.evented_farm import EventedFarm
    from manager.host_card import HostCardDelegate
    from manager.host_model import HostListModel
    from pools.model import Host, HostState, Pool, RenderFlags

    def render(number: int) -> Host:
        flags = RenderFlags((1, 9, 1, 17)[number % 4])  # online, busy, online, paused
        return Host(
            f"rnd-{number:04d}",
            state=HostState.from_flags(flags),
            flags=flags,
            sources=frozenset({"afserver"}),
            ip=f"10.0.{number // 250}.{number % 250 + 1}",
            cpu_num=32,
            mem_total_mb=131072,
        )  # type: ignore[arg-type]

    hosts = [render(n) for n in range(RENDERS)]
    evented = EventedFarm()
    evented.apply_renders(hosts)
    half = tuple(h.name for h in hosts[::2])
    evented.apply_store([Pool("lighting", half), Pool("comp-nodes", half)], [])
    model = HostListModel(evented, None)
    delegate = HostCardDelegate(lambda name: QColor("#5c9ded"))
    indexes = [model.index(row) for row in range(PAINTED)]
    option = QStyleOptionViewItem()
    option.font = app.font()
    option.rect = QRect(0, 0, 380, delegate.sizeHint(option, indexes[0]).height())
    image = QImage(option.rect.size(), QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)

    def per_card() -> float:
        started = time.perf_counter()
        for index in indexes:
            delegate.paint(painter, option, index)
        return (time.perf_counter() - started) / len(indexes) * 1e6

    figures = {}
    for key, stale in (("card_paint_us", False), ("card_paint_us_stale", True)):
        evented.set_stale(stale)
        per_card()  # the fonts, frames and texts each card keeps
        figures[key] = round(statistics.median(per_card() for _ in range(rounds)), 1)
    painter.end()
    return figures


def main() -> int:
    args = bench_arguments(__doc__, rounds=15)
    print_figures(card_costs(args.rounds), as_json=args.json, width=24)
    return 0


if __name__ == "__main__":
    sys.exit(main())
