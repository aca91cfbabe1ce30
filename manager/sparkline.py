"""A pool header's sparkline: busy out of online hosts over the last 24 hours.

A board shows up to 200 headers and repaints them on every poll and keystroke, so the line
is drawn once into a pixmap when its data or its size changes, and a paint is one copy of
that pixmap. Ten-minute steps where nothing was recorded are gaps, not a line through them.
"""

from __future__ import annotations

import math

from PyQt5.QtCore import QPointF, QRectF, QSize, Qt
from PyQt5.QtGui import QColor, QFontMetrics, QPainter, QPainterPath, QPaintEvent, QPen, QPixmap
from PyQt5.QtWidgets import QSizePolicy, QWidget

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
        """New data (None: none); the pixmap is made again at the next paint, if any."""
        if line is not None and latest(line.online) is None and not finite_runs(line.ratio):
            line = None  # nothing recorded in 24 hours: no empty strip in every header
        self._line, self._pixmap = line, None
        self.setToolTip(summary(line) if line is not None else "")
        self.setVisible(line is not None)
        self.update()

    def paintEvent(self, event: QPaintEvent | None) -> None:
        if self._line is None:
            return
        ratio = self.devicePixelRatioF()
        size = self.size()
        pixmap = self._pixmap
        if pixmap is None or pixmap.devicePixelRatioF() != ratio or _size(pixmap) != size:
            pixmap = self._pixmap = self._draw(self._line, size, ratio)
        QPainter(self).drawPixmap(0, 0, pixmap)

    def _draw(self, line: Sparkline, size: QSize, ratio: float) -> QPixmap:
        pixmap = QPixmap(max(1, round(size.width() * ratio)), max(1, round(size.height() * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.Antialiasing)
        metrics = QFontMetrics(self.font())
        text_width = metrics.horizontalAdvance(PERCENT_SAMPLE) + 6
        area = QRectF(0, 2, max(10, size.width() - text_width), size.height() - 4)
        painter.setPen(QPen(BASELINE, 1))
        painter.drawLine(QPointF(area.left(), area.bottom()), QPointF(area.right(), area.bottom()))
        values = line.ratio
        step = area.width() / max(1, len(values))

        def point(index: int) -> QPointF:
            value = min(1.0, max(0.0, values[index]))
            return QPointF(
                area.left() + (index + 0.5) * step, area.bottom() - value * area.height()
            )

        fill, outline = QPainterPath(), QPainterPath()
        for first, last in finite_runs(values):
            left, right = point(first), point(last)
            if first == last:  # one step alone: as wide as a step, not a dot
                left.setX(left.x() - step / 2)
                right.setX(right.x() + step / 2)
            outline.moveTo(left)
            fill.moveTo(left.x(), area.bottom())
            fill.lineTo(left)
            for index in range(first + 1, last + 1):
                outline.lineTo(point(index))
                fill.lineTo(point(index))
            outline.lineTo(right)
            fill.lineTo(right)
            fill.lineTo(right.x(), area.bottom())
            fill.closeSubpath()
        painter.fillPath(fill, FILL)
        painter.setPen(QPen(LINE, 1.2))
        painter.drawPath(outline)
        now = now_ratio(line)
        painter.setPen(theme.TEXT_DIM)
        painter.setFont(self.font())
        text_area = QRectF(area.right() + 4, 0, text_width - 4, size.height())
        flags = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
        painter.drawText(text_area, int(flags), percent(now) if now is not None else "-")
        painter.end()
        return pixmap


def _size(pixmap: QPixmap) -> QSize:
    ratio = pixmap.devicePixelRatioF()
    return QSize(round(pixmap.width() / ratio), round(pixmap.height() / ratio))
