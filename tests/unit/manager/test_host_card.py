"""A card painted from what it remembers looks exactly as one painted afresh."""

from __future__ import annotations

from PyQt5.QtCore import QRect
from PyQt5.QtGui import QColor, QFontMetrics, QImage, QPainter
from PyQt5.QtWidgets import QApplication, QStyle, QStyleOptionViewItem

from manager.column import COLUMN_WIDTH_EM
from manager.evented_farm import EventedFarm
from manager.host_card import HostCardDelegate
from manager.host_model import HostListModel
from pools.model import Pool
from tests.support.recording_painter import RecordingPainter
from tests.unit.manager.farm_data import BUSY, render


def paint(delegate: HostCardDelegate, model: HostListModel, row: int, **state: bool) -> QImage:
    image = QImage(320, 60, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#1b1e21"))
    option = QStyleOptionViewItem()
    option.font = QApplication.font()
    option.rect = QRect(0, 0, 300, 54)
    if state.get("selected"):
        option.state |= QStyle.StateFlag.State_Selected
    painter = QPainter(image)
    delegate.paint(painter, option, model.index(row))
    painter.end()
    return image


def test_a_card_follows_its_host_and_looks_the_same_when_painted_again(
    evented: EventedFarm,
) -> None:
    evented.apply_store([Pool("lighting", ("rnd-01",)), Pool("gpu", ("rnd-01",))], [])
    evented.apply_renders([render("rnd-01", ip="10.0.0.1")])
    model = HostListModel(evented, None)
    remembering = HostCardDelegate(lambda name: QColor("#5c9ded"))

    online = paint(remembering, model, 0)
    selected = paint(remembering, model, 0, selected=True)
    evented.apply_renders([render("rnd-01", BUSY, ip="10.0.0.1", tasks=2)])
    busy = paint(remembering, model, 0)
    evented.set_stale(True)
    stale = paint(remembering, model, 0)

    cards = [online, selected, busy, stale]
    assert all(a != b for i, a in enumerate(cards) for b in cards[i + 1 :])  # each change shows
    assert stale == paint(HostCardDelegate(lambda name: QColor("#5c9ded")), model, 0)
    evented.set_stale(False)
    evented.apply_renders([render("rnd-01", ip="10.0.0.1")])
    assert paint(remembering, model, 0) == online
    assert paint(remembering, model, 0, selected=True) == selected


def test_a_host_in_many_pools_keeps_its_name_whole(evented: EventedFarm) -> None:
    """The badges give way to the name (once they took the whole line: "r…1")."""
    pools = ("comp nodes", "comp-nodes", "gpu:big", "lighting")
    evented.apply_store([Pool(name, ("rnd-a01",)) for name in pools], [])
    evented.apply_renders([render("rnd-a01", ip="10.0.0.1")])
    model = HostListModel(evented, None)
    delegate = HostCardDelegate(lambda name: QColor("#5c9ded"))
    font = QApplication.font()
    width = int(COLUMN_WIDTH_EM * QFontMetrics(font).height()) - 24  # a column's card
    image = QImage(width, 60, QImage.Format.Format_ARGB32_Premultiplied)
    option = QStyleOptionViewItem()
    option.font = font
    option.rect = QRect(0, 0, width, 54)
    painter = RecordingPainter(image)
    delegate.paint(painter, option, model.index(0))
    painter.end()

    assert painter.texts[0] == "rnd-a01"
