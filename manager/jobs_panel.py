"""The jobs panel: the current pool's jobs beside the jobs waiting for a pool, under the board.

It lives in a dock at the bottom of the window, because the board needs the width: at
1,024 px the Farm column and two pool columns fill it, and a panel at the side would leave
one. A strip of eight rows under the columns costs them a few cards, not a column; the two
lists sit side by side in it so that both show at once without taking more height. The dock
can be resized, moved to the top, floated or closed (View ▸ Jobs panel, Ctrl+J), and the
board remembers whether it was open and how tall.

The list on the left follows the current pool (the column last clicked); with none it shows
every job the agent looks after. Both follow afserver like the rest of the board.
"""

from __future__ import annotations

import time

from PyQt5.QtCore import QSettings, Qt
from PyQt5.QtGui import QColor, QPainter, QPaintEvent, QResizeEvent
from PyQt5.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from manager.banners import Banner
from manager.job_model import BOUND_COLUMNS, WAITING_COLUMNS, JobTableModel
from manager.jobs_session import JobsSession
from pools.tokens import pool_token, untypeable_reason
from pools.wording import plural

ROWS_SHOWN = 6  # rows a new panel has room for, under its titles and column headers
HEIGHT_KEY, OPEN_KEY = "jobs/height", "jobs/open"


class JobTableView(QTableView):
    """A compact table of jobs that says in a sentence why it is empty."""

    def __init__(self, model: JobTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.empty_text = ""
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setCornerButtonEnabled(False)
        self.setTabKeyNavigation(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        metrics = self.fontMetrics()
        for section, column in enumerate(model.columns):
            if column.sample:
                header.setSectionResizeMode(section, QHeaderView.ResizeMode.Interactive)
                wide = max(column.sample, column.title, key=metrics.horizontalAdvance)
                header.resizeSection(section, metrics.horizontalAdvance(wide) + 16)
            else:
                header.setSectionResizeMode(section, QHeaderView.ResizeMode.Stretch)

    def set_empty_text(self, text: str) -> None:
        if text != self.empty_text:
            self.empty_text = text
            self.viewport().update()

    def paintEvent(self, event: QPaintEvent | None) -> None:
        super().paintEvent(event)
        if self.model().rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(QColor("#7d878f"))
            area = self.viewport().rect().adjusted(12, 8, -12, -8)
            painter.drawText(
                area,
                Qt.AlignmentFlag.AlignHCenter
                | Qt.AlignmentFlag.AlignTop
                | Qt.TextFlag.TextWordWrap,
                self.empty_text,
            )


def _titled(title: QLabel, view: JobTableView) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(3)
    layout.addWidget(title)
    layout.addWidget(view, 1)
    return box


def empty_pool_text(pool: str | None) -> str:
    """What the list of a pool's jobs says while no job is bound to it: how one gets there."""
    if pool is None:
        return (
            "No job holds a pool token. Artists type @pool into a job's hosts mask; "
            "each pool's header shows its token."
        )
    token = pool_token(pool)
    if token is None:
        return (
            f"No job is bound to {pool}. Its name cannot be typed as a token "
            f"({untypeable_reason(pool)}); 'main.py apply' binds jobs to it."
        )
    return f"No job is bound to {pool}. Artists type {token} into a job's hosts mask."


class JobsPanel(QWidget):
    """The current pool's jobs (or every bound job) and the jobs waiting for a pool."""

    def __init__(self, jobs: JobsSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self.pool: str | None = None
        self.bound_model = JobTableModel(BOUND_COLUMNS, self)
        self.waiting_model = JobTableModel(WAITING_COLUMNS, self)
        self.bound_view = JobTableView(self.bound_model)
        self.waiting_view = JobTableView(self.waiting_model)
        self.bound_title = QLabel()
        self.waiting_title = QLabel()
        for title in (self.bound_title, self.waiting_title):
            title.setObjectName("JobsTitle")
            title.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.state_label = QLabel()
        self.state_label.setObjectName("JobsState")
        self.state_label.setWordWrap(True)
        self.state_label.hide()

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(_titled(self.bound_title, self.bound_view))
        self.splitter.addWidget(_titled(self.waiting_title, self.waiting_view))
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addWidget(self.state_label)
        layout.addWidget(self.splitter, 1)
        jobs.changed.connect(self.refresh)
        self.refresh()

    def set_pool(self, pool: str | None) -> None:
        """Follow the current pool (None: the Farm column, every bound job)."""
        self.pool = pool
        self.refresh()

    def refresh(self) -> None:
        jobs = self.jobs
        bound, waiting = jobs.jobs_of(self.pool), jobs.waiting()
        self.bound_model.set_jobs(bound)
        self.waiting_model.set_jobs(waiting)
        if self.pool is None:
            self.bound_title.setText(f"Jobs bound to pools ({len(bound)})")
            self.bound_title.setToolTip("Click a pool's column to list only its jobs.")
        else:
            self.bound_title.setText(f"Jobs bound to {self.pool} ({len(bound)})")
            self.bound_title.setToolTip(f"The jobs that run on pool {self.pool}.")
        self.waiting_title.setText(f"Waiting for a pool ({len(waiting)})")
        self.waiting_title.setToolTip(
            "Jobs whose hosts mask names a pool that does not exist: they run only where the "
            "rest of their mask admits until a pool of that name is made or the mask is fixed."
        )
        known = jobs.last is not None
        reading = jobs.error or "Reading afserver's jobs…"
        self.bound_view.set_empty_text(empty_pool_text(self.pool) if known else reading)
        self.waiting_view.set_empty_text("No job waits for a pool." if known else "")
        self._show_state()

    def _show_state(self) -> None:
        """A line over the lists only when something is wrong: a failed read, odd jobs."""
        jobs, label = self.jobs, self.state_label
        text, tip = "", ""
        if jobs.error and jobs.last is not None:
            stamp = time.strftime("%H:%M:%S", time.localtime(jobs.last.at))
            text = f"{jobs.error} The lists are as of {stamp}."
        elif jobs.last is not None and jobs.last.problems:
            count = len(jobs.last.problems)
            text = f"{plural(count, 'job or binding', 'jobs or bindings')} could not be read."
            tip = "\n".join(sentence for _, sentence in jobs.last.problems[:20])
        label.setText(text)
        label.setToolTip(tip)
        label.setVisible(bool(text))


class JobsBanner(Banner):
    """Says so while jobs with pool tokens wait and no agent holds the lease to bind them."""

    def __init__(self, jobs: JobsSession, parent: QWidget | None = None) -> None:
        super().__init__("warning", parent=parent)
        self.jobs = jobs
        jobs.changed.connect(self.follow)

    def follow(self) -> None:
        sentence = self.jobs.unattended()
        if sentence:
            self.show_message(sentence)
        else:
            self.hide()


class JobsDock(QDockWidget):
    """The jobs panel in a dock under the board; its title names the current pool."""

    def __init__(self, jobs: JobsSession, parent: QWidget | None = None) -> None:
        super().__init__("Jobs", parent)
        self.setObjectName("JobsDock")
        self.panel = JobsPanel(jobs)
        self.setWidget(self.panel)
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.setAllowedAreas(
            Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.TopDockWidgetArea
        )
        toggle = self.toggleViewAction()
        toggle.setText("&Jobs panel")
        toggle.setShortcut("Ctrl+J")
        toggle.setToolTip("The current pool's jobs and the jobs waiting for a pool (Ctrl+J)")
        self._prefs: QSettings | None = None

    def set_pool(self, pool: str | None) -> None:
        self.panel.set_pool(pool)
        self.setWindowTitle(f"Jobs — {pool}" if pool is not None else "Jobs")

    def default_height(self) -> int:
        """Titles, column headers and ``ROWS_SHOWN`` rows, in the panel's font."""
        line = self.fontMetrics().height()
        return (ROWS_SHOWN + 2) * (line + 6) + 2 * line + 16

    def place(self, window: QMainWindow, prefs: QSettings) -> None:
        """Under the board, open or closed and as tall as the user left it."""
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self)
        self._prefs = prefs
        height = int(prefs.value(HEIGHT_KEY, 0) or 0) or self.default_height()
        window.resizeDocks([self], [height], Qt.Orientation.Vertical)
        self.setVisible(str(prefs.value(OPEN_KEY, "true")).lower() != "false")
        self.toggleViewAction().toggled.connect(self._on_toggled)

    def _on_toggled(self, shown: bool) -> None:
        if self._prefs is not None:
            self._prefs.setValue(OPEN_KEY, "true" if shown else "false")

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        if self._prefs is not None and self.isVisible() and not self.isFloating():
            self._prefs.setValue(HEIGHT_KEY, self.height())
