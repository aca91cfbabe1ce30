"""A pool header's sparkline: busy out of online hosts over the last 24 hours.

A board shows up to 200 headers and repaints them on every poll and keystroke, so the line
is drawn once into a pixmap when its data or its size changes, and a paint is one copy of
that pixmap. Ten-minute steps where nothing was recorded are gaps, not a line through them.
"""

from __future__ import annotations

import math

from PyQt5.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PyQt5.QtGui import (
    QColor,
    QFontMetrics,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
)
from PyQt5.QtWidgets import QSizePolicy, QToolTip, QWidget

from manager import theme
from pools.model import HostState
from pools.usage_charts import Sparkline

LINE = QColor(theme.STATE_COLORS[HostState.BUSY])
FILL = QColor(LINE.red(), LINE.green(), LINE.blue(), 70)
BASELINE = QColor("#434b53")
PERCENT_SAMPLE = "100 %"  # the widest figure at the right end


def finite_runs(values: list[float]) -> list[tuple[int, int]]:
    """(first, last) indices of each run of values that are not ``nan``."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for index, value in enumerate(values):
        if math.isnan(value):
            if start is not None:
                runs.append((start, index - 1))
                start = None
        elif start is None:
            start = index
    if start is not None:
        runs.append((start, len(values) - 1))
    return runs


def latest(values: list[float]) -> float | None:
    return next((v for v in reversed(values) if not math.isnan(v)), None)


def percent(ratio: float) -> str:
    return f"{round(ratio * 100)} %"


def now_ratio(line: Sparkline) -> float | None:
    """Busy out of online in the latest step recorded; None when none was online then."""
    index = next(
        (i for i in reversed(range(len(line.online))) if not math.isnan(line.online[i])), None
    )
    if index is None or line.online[index] <= 0:
        return None
    return line.busy[index] / line.online[index]


def amount(value: float) -> str:
    """A mean of hosts: 6, or 5.5."""
    return str(round(value)) if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def summary(line: Sparkline) -> str:
    """The tooltip: what the line is, and its figures in words."""
    ratios = [v for v in line.ratio if not math.isnan(v)]
    busy, online = latest(line.busy), latest(line.online)
    if busy is None or online is None:
        return "No usage recorded in the last 24 hours."
    now = (
        f"lately {amount(busy)} of {amount(online)} online hosts busy"
        if online > 0
        else "lately no host online"
    )
    text = f"<b>Busy out of online hosts</b>, last 24 hours (ten-minute means):<br>{now}"
    if ratios:
        mean = sum(ratios) / len(ratios)
        text += f"; mean {percent(mean)}, peak {percent(max(ratios))}"
    return text + ".<br>Pool ▸ Usage… shows the whole chart."


class SparklineWidget(QWidget):
    """Hidden until it has something to show; then as wide as the header, one line high."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Sparkline")
        self._line: Sparkline | None = None
        self._pixmap: QPixmap | None = None
        self._drawn_for: tuple[int, int, float] = (0, 0, 0.0)  # width, height, pixel ratio
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self.setFixedHeight(self._height())
        self.hide()

    def _height(self) -> int:
        return max(14, QFontMetrics(self.font()).height())

    def sizeHint(self) -> QSize:
        return QSize(120, self._height())

    @property
    def line(self) -> Sparkline | None:
        return self._line

    def set_line(self, line: Sparkline | None) -> None:
        """New data (None: none); the pixmap is made again at the next paint, if any: a
        read hands out 200 lines, of which only the few in sight are ever painted."""
        if line is not None and all(math.isnan(v) for v in line.online):
            line = None  # nothing recorded in 24 hours: no empty strip in every header
        self._line, self._pixmap = line, None
        self.setVisible(line is not None)
        self.update()

    def tooltip(self) -> str:
        """Made when asked for (hovered), not for each of 200 headers on every read."""
        return summary(self._line) if self._line is not None else ""

    def event(self, event: QEvent | None) -> bool:
        if event is not None and event.type() == QEvent.Type.ToolTip and self._line is not None:
            assert isinstance(event, QHelpEvent)
            QToolTip.showText(event.globalPos(), self.tooltip(), self)
            return True
        return bool(super().event(event))

    def paintEvent(self, event: QPaintEvent | None) -> None:
        line = self._line
        if line is None:
            return
        key = (self.width(), self.height(), self.devicePixelRatioF())
        pixmap = self._pixmap
        if pixmap is None or key != self._drawn_for:
            pixmap = self._pixmap = self._draw(line, self.size(), key[2])
            self._drawn_for = key
        QPainter(self).drawPixmap(0, 0, pixmap)

    def _draw(self, line: Sparkline, size: QSize, ratio: float) -> QPixmap:
        pixmap = QPixmap(max(1, round(size.width() * ratio)), max(1, round(size.height() * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        text_width = QFontMetrics(self.font()).horizontalAdvance(PERCENT_SAMPLE) + 6
        area = QRectF(0, 2, max(10, size.width() - text_width), size.height() - 4)
        painter.setPen(QPen(BASELINE, 1))
        painter.drawLine(QPointF(area.left(), area.bottom()), QPointF(area.right(), area.bottom()))
        values = line.ratio
        step = area.width() / max(1, len(values))
        left, bottom, height = area.left() + step / 2, area.bottom(), area.height()
        painter.setBrush(FILL)
        pen = QPen(LINE, 1)
        pen.setCosmetic(True)  # a wider or scaled pen costs ten times the paint
        for first, last in finite_runs(values):
            points = [
                QPointF(left + i * step, bottom - min(1.0, max(0.0, values[i])) * height)
                for i in range(first, last + 1)
            ]
            if first == last:  # one step alone: as wide as a step, not a dot
                y = points[0].y()
                points = [
                    QPointF(points[0].x() - step / 2, y),
                    QPointF(points[0].x() + step / 2, y),
                ]
            edge = [QPointF(points[0].x(), bottom), *points, QPointF(points[-1].x(), bottom)]
            painter.setRenderHint(QPainter.Antialiasing, False)  # the outline covers its edge
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawPolygon(QPolygonF(edge))
            painter.setRenderHint(QPainter.Antialiasing, True)
            painter.setPen(pen)
            painter.drawPolyline(QPolygonF(points))
        now = now_ratio(line)
        painter.setPen(theme.TEXT_DIM)
        painter.setFont(self.font())
        text_area = QRectF(area.right() + 4, 0, text_width - 4, size.height())
        flags = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
        painter.drawText(text_area, int(flags), percent(now) if now is not None else "-")
        painter.end()
        return pixmap
