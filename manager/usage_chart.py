"""The usage chart: a pool's hosts (busy, idle, held, offline) stacked over time, and the
tasks that waited for them below, drawn with pyqtgraph.

Each step is a bar as wide as the step (a minute, ten minutes or half an hour), so the
stack reads as an area that shows exactly what was recorded: a step with nothing recorded
is a gap, never a line drawn through it. Hosts that are online but neither busy nor idle
(paused or in nimby) get a layer of their own, so the layers add up to the pool's hosts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyqtgraph as pg
from PyQt5.QtGui import QColor
from PyQt5.QtWidgets import QWidget

from manager import theme
from pools.model import HostState
from pools.usage_charts import Chart

BACKGROUND = "#1f2326"
AXIS = "#9aa5ad"
TITLE = "#dfe3e6"
WAITING = "#e06c75"
AXIS_WIDTH = 56
SPAN_WORDS = {"24h": "last 24 hours", "7d": "last 7 days", "30d": "last 30 days"}


@dataclass(frozen=True)
class Layer:
    label: str
    color: str
    values: list[float]


def host_layers(chart: Chart) -> list[Layer]:
    """Bottom to top: busy, idle, online but held (paused or nimby), offline."""
    held = [
        math.nan if math.isnan(on) else max(0.0, on - busy - idle)
        for on, busy, idle in zip(chart.online, chart.busy, chart.idle, strict=True)
    ]
    colors = theme.STATE_COLORS
    return [
        Layer("busy", colors[HostState.BUSY], chart.busy),
        Layer("idle", colors[HostState.ONLINE], chart.idle),
        Layer("paused or nimby", colors[HostState.NIMBY], held),
        Layer("offline", colors[HostState.OFFLINE], chart.offline),
    ]


def recorded(values: list[float]) -> list[int]:
    return [i for i, v in enumerate(values) if not math.isnan(v)]


class UsageChart(pg.GraphicsLayoutWidget):
    """Two plots sharing a time axis: hosts stacked above, waiting tasks below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground(BACKGROUND)
        self.setMinimumSize(480, 300)
        self.title = self.addLabel("", row=0, col=0, color=TITLE, size="11pt")
        self.legend = pg.LegendItem(colCount=5, labelTextColor=AXIS, labelTextSize="9pt")
        self.addItem(self.legend, row=1, col=0)
        self.hosts = self.addPlot(row=2, col=0, axisItems={"bottom": pg.DateAxisItem()})
        self.tasks = self.addPlot(row=3, col=0, axisItems={"bottom": pg.DateAxisItem()})
        self.ci.layout.setRowStretchFactor(2, 5)
        self.ci.layout.setRowStretchFactor(3, 2)
        self.tasks.setXLink(self.hosts)
        for plot, label in ((self.hosts, "hosts"), (self.tasks, "tasks")):
            plot.setLabel("left", label, color=AXIS)
            plot.setMouseEnabled(x=True, y=False)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.showGrid(x=True, y=True, alpha=0.15)
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                axis.setPen(pg.mkPen(AXIS))
                axis.setTextPen(pg.mkPen(AXIS))
            plot.getAxis("left").setWidth(AXIS_WIDTH)  # both plots' times line up
        self.hosts.getAxis("bottom").setStyle(showValues=False)
        self._items: list[tuple[pg.PlotItem, pg.BarGraphItem]] = []
        self.chart: Chart | None = None

    def show_chart(self, chart: Chart) -> None:
        """Draw ``chart`` in place of the one shown."""
        self.chart = chart
        for plot, item in self._items:
            plot.removeItem(item)
        self._items.clear()
        self.legend.clear()
        times = chart.times
        step = chart.span.step
        below = [0.0] * len(times)
        for layer in host_layers(chart):
            shown = recorded(layer.values)
            bars = pg.BarGraphItem(
                x0=[times[i] for i in shown],
                width=step,
                y0=[below[i] for i in shown],
                height=[layer.values[i] for i in shown],
                brush=QColor(layer.color),
                pen=None,
            )
            for i in shown:
                below[i] += layer.values[i]
            self.hosts.addItem(bars)
            self._items.append((self.hosts, bars))
            self.legend.addItem(bars, layer.label)
        waiting = recorded(chart.waiting_tasks)
        tasks = pg.BarGraphItem(
            x0=[times[i] for i in waiting],
            width=step,
            height=[chart.waiting_tasks[i] for i in waiting],
            brush=QColor(WAITING),
            pen=None,
        )
        self.tasks.addItem(tasks)
        self._items.append((self.tasks, tasks))
        self.legend.addItem(tasks, "waiting tasks")
        end = chart.start + chart.span.seconds
        self.hosts.setXRange(chart.start, end, padding=0)
        top = max((v for v in below if v > 0), default=1.0)
        self.hosts.setYRange(0, top * 1.05, padding=0)
        most = max((chart.waiting_tasks[i] for i in waiting), default=0.0)
        self.tasks.setYRange(0, max(1.0, most) * 1.1, padding=0)
        span = SPAN_WORDS.get(chart.span.name, chart.span.name)
        self.title.setText(f"{chart.name} — {span}")
        self.ci.layout.activate()  # the legend's new size now, not at the next event
