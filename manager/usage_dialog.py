"""Pool ▸ Usage…: one pool's chart, or all pools', over 24 hours, 7 days or 30 days, saved
as PNG or CSV.

The chart is read on the usage worker's thread; the dialog asks for it whenever the pool or
the span changes and draws the answer to its latest question only (a slow 30-day read that
arrives after the user went back to 24 hours is dropped).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

from PyQt5.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from manager.usage_chart import SPAN_WORDS, UsageChart
from manager.usage_session import UsageSession
from manager.usage_worker import ChartRequest
from pools.usage_charts import SPANS, Chart, chart_csv

ALL_POOLS = "All pools"

AskPath = Callable[[str, str, str], str]  # title, suggested path, filter -> path ('' cancels)


def file_stem(chart: Chart) -> str:
    """usage-lighting-24h: a name that is a file name on every system."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", chart.name).strip("-.") or "pool"
    return f"usage-{name}-{chart.span.name}"


def describe(chart: Chart) -> str:
    """A sentence under the chart: what it shows in numbers, or that there is nothing yet."""
    span = SPAN_WORDS.get(chart.span.name, chart.span.name)
    if chart.empty:
        return (
            f"No usage recorded for {chart.name} in the {span}. The pool service's agent "
            "('main.py serve') records it once a minute."
        )
    online = [v for v in chart.online if not math.isnan(v)]
    busy = [v for v in chart.busy if not math.isnan(v)]
    waiting = [v for v in chart.waiting_tasks if not math.isnan(v)]
    share = sum(busy) / sum(online) if sum(online) else 0.0
    return (
        f"{chart.name}, {span}: on average {sum(busy) / len(busy):.1f} of "
        f"{sum(online) / len(online):.1f} online hosts busy ({round(share * 100)} %); "
        f"at most {max(waiting):.0f} tasks waiting."
    )


def _ask_path(parent: QWidget) -> AskPath:
    def ask(title: str, suggested: str, pattern: str) -> str:
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, pattern)
        return str(path)

    return ask


class UsageDialog(QDialog):
    """Not modal: the board stays usable while a chart is open."""

    def __init__(
        self,
        usage: UsageSession,
        pools: list[str],
        pool: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Usage — afpools")
        self.usage = usage
        self.ask_path: AskPath = _ask_path(self)  # tests answer for the user
        self.folder = Path.home()
        self.chart_shown: Chart | None = None
        self._asked: ChartRequest | None = None

        self.pool_box = QComboBox()
        self.set_pools(pools)
        self.pool_box.setCurrentIndex(max(0, self.pool_box.findData(pool)) if pool else 0)
        self.span_box = QComboBox()
        for key in SPANS:
            self.span_box.addItem(SPAN_WORDS.get(key, key).capitalize(), key)
        self.chart = UsageChart()
        self.status = QLabel("Reading…")
        self.status.setWordWrap(True)
        self.png_button = QPushButton("Save PNG…")
        self.csv_button = QPushButton("Save CSV…")
        close = QPushButton("Close")
        close.clicked.connect(self.reject)

        choice = QHBoxLayout()
        choice.addWidget(QLabel("Pool:"))
        choice.addWidget(self.pool_box, 1)
        choice.addSpacing(12)
        choice.addWidget(QLabel("Span:"))
        choice.addWidget(self.span_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.png_button)
        buttons.addWidget(self.csv_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(choice)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(900, 560)

        self.pool_box.currentIndexChanged.connect(self.ask_again)
        self.span_box.currentIndexChanged.connect(self.ask_again)
        self.png_button.clicked.connect(self._on_png_clicked)
        self.csv_button.clicked.connect(self._on_csv_clicked)
        usage.chart_ready.connect(self._on_usage_chart_ready)
        usage.chart_failed.connect(self._on_usage_chart_failed)
        self._enable_saving(False)
        self.ask_again()

    def set_pools(self, pools: list[str]) -> None:
        """The pools to choose from, as they are now (made, renamed or deleted since the
        dialog was first opened); the chosen one stays chosen while it is there."""
        chosen = self.pool_box.currentData()
        self.pool_box.blockSignals(True)
        self.pool_box.clear()
        self.pool_box.addItem(ALL_POOLS, None)
        for name in pools:
            self.pool_box.addItem(name, name)
        self.pool_box.setCurrentIndex(max(0, self.pool_box.findData(chosen)))
        self.pool_box.blockSignals(False)

    def choose(self, pool: str | None, span: str = "") -> None:
        """Show another pool's chart (None: all pools), over another span if given."""
        index = self.pool_box.findData(pool)
        if index < 0:  # a pool made after the dialog opened
            self.pool_box.addItem(str(pool), pool)
            index = self.pool_box.count() - 1
        self.pool_box.blockSignals(True)
        self.pool_box.setCurrentIndex(index)
        self.pool_box.blockSignals(False)
        if span:
            self.span_box.blockSignals(True)
            self.span_box.setCurrentIndex(self.span_box.findData(span))
            self.span_box.blockSignals(False)
        self.ask_again()

    def ask_again(self) -> None:
        pool, span = self.pool_box.currentData(), str(self.span_box.currentData())
        self._asked = self.usage.request_chart(pool, span)
        self.status.setText("Reading…")

    def _on_usage_chart_ready(self, request: ChartRequest, chart: Chart) -> None:
        if request != self._asked:
            return
        self.chart_shown = chart
        self.chart.show_chart(chart)
        self.status.setText(describe(chart))
        self._enable_saving(True)

    def _on_usage_chart_failed(self, request: ChartRequest, sentence: str) -> None:
        if request == self._asked:
            self.status.setText(sentence)

    def _enable_saving(self, enabled: bool) -> None:
        self.png_button.setEnabled(enabled)
        self.csv_button.setEnabled(enabled)

    # -- saving -------------------------------------------------------------------------

    def _path(self, title: str, suffix: str, pattern: str) -> Path | None:
        if self.chart_shown is None:
            return None
        suggested = self.folder / f"{file_stem(self.chart_shown)}{suffix}"
        answer = self.ask_path(title, str(suggested), pattern)
        if not answer:
            return None
        path = Path(answer)
        if not path.suffix:
            path = path.with_suffix(suffix)
        self.folder = path.parent
        return path

    def _on_png_clicked(self) -> None:
        self.save_png()

    def _on_csv_clicked(self) -> None:
        self.save_csv()

    def save_png(self) -> Path | None:
        """The chart as shown (its title says which pool and span), as a PNG picture."""
        path = self._path("Save the chart as PNG", ".png", "PNG pictures (*.png)")
        if path is None:
            return None
        if not self.chart.grab().save(str(path), "PNG"):
            self.status.setText(f"Not saved: {path} could not be written.")
            return None
        self.status.setText(f"Saved {path}.")
        return path

    def save_csv(self) -> Path | None:
        """The chart's numbers: a row per step, local times, empty where none was recorded."""
        chart = self.chart_shown
        path = self._path("Save the chart as CSV", ".csv", "CSV files (*.csv)")
        if path is None or chart is None:
            return None
        try:
            path.write_text(chart_csv(chart), encoding="utf-8")
        except OSError as error:
            self.status.setText(f"Not saved: {path} could not be written ({error.strerror}).")
            return None
        self.status.setText(f"Saved {path}.")
        return path
