"""The jobs panel: the current pool's jobs beside the jobs waiting for a pool, under the board.

It lives in a dock under the board, because the board needs the width: at 1,024 px the Farm
column and two pool columns fill it, and a panel at the side would leave one. A strip of
five rows under the columns costs them a few cards, not a column; the two lists sit side by
side in it so that both show at once without taking more height. Its edge with the board
resizes it, its button or Ctrl+J (View ▸ Jobs panel) hides and shows it, and the board
remembers whether it was open and how tall.

The list on the left follows the current pool (the column last clicked); with none it shows
every job the agent looks after. Both follow afserver like the rest of the board.
"""

from __future__ import annotations

import time

from PyQt5.QtCore import QSettings, Qt
from PyQt5.QtGui import QResizeEvent
from PyQt5.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from manager import theme
from manager.banners import Banner
from manager.job_model import BOUND_COLUMNS, POOLS, WAITING_COLUMNS, JobTableModel
from manager.job_table import JobTableView
from manager.jobs_session import JobsSession
from pools.tokens import pool_token, untypeable_reason
from pools.wording import plural

ROWS_SHOWN = 5  # rows a new panel has room for, under its titles and column headers
HEIGHT_KEY, OPEN_KEY = "jobs/height", "jobs/open"


def _titled(title: QLabel, view: JobTableView, *extra: QWidget) -> QWidget:
    """A list under its title; ``extra`` widgets end the title's row."""
    box = QWidget()
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(title, 1)
    for widget in extra:
        row.addWidget(widget)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addLayout(row)
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
        self.hide_button = QToolButton()
        self.hide_button.setIcon(theme.icon("drop-down"))
        self.hide_button.setAutoRaise(True)
        self.hide_button.setToolTip("Hide the jobs panel (Ctrl+J, or View ▸ Jobs panel)")
        for title in (self.bound_title, self.waiting_title):  # both lists start level
            title.setFixedHeight(self.hide_button.sizeHint().height())
        self.waiting_title.setToolTip(
            "Jobs whose hosts mask names a pool that does not exist: they run only where the "
            "rest of their mask admits until a pool of that name is made or the mask is fixed."
        )

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(_titled(self.bound_title, self.bound_view))
        self.splitter.addWidget(_titled(self.waiting_title, self.waiting_view, self.hide_button))
        self.splitter.setStretchFactor(0, 2)  # the bound jobs have more to say
        self.splitter.setStretchFactor(1, 1)
        self._split_by_hand = False  # once the user drags the splitter, it stays theirs
        self.splitter.splitterMoved.connect(self._on_splitter_moved)
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
        # One pool's list needs no Pools column: its title names the pool, and a job's
        # tooltip every pool it runs on. The room goes to the job's name.
        pools_hidden = self.pool is not None
        if self.bound_view.isColumnHidden(BOUND_COLUMNS.index(POOLS)) != pools_hidden:
            self.bound_view.setColumnHidden(BOUND_COLUMNS.index(POOLS), pools_hidden)
            self.balance()
            self.bound_view.fit_columns()
        if self.pool is None:
            self.bound_title.setText(f"Jobs bound to pools ({len(bound)})")
            self.bound_title.setToolTip("Click a pool's column to list only its jobs.")
        else:
            self.bound_title.setText(f"Jobs bound to {self.pool} ({len(bound)})")
            self.bound_title.setToolTip(f"The jobs that run on pool {self.pool}.")
        self.waiting_title.setText(f"Waiting for a pool ({len(waiting)})")
        known = jobs.last is not None
        reading = jobs.error or "Reading afserver's jobs…"
        self.bound_view.set_empty_text(empty_pool_text(self.pool) if known else reading)
        self.waiting_view.set_empty_text("No job waits for a pool." if known else "")
        self._show_state()

    def balance(self) -> None:
        """Each list its least room first (no sideways scrolling while the panel is wide
        enough for both), then what is left two to one; a split the user made stays. The
        panel sets no minimum width: a board tiled to half a screen scrolls its lists."""
        total = self.splitter.width() - self.splitter.handleWidth()
        if self._split_by_hand or total <= 0:
            return
        bound, waiting = self.bound_view.least_width(), self.waiting_view.least_width()
        extra = total - bound - waiting
        split = bound + 2 * extra // 3 if extra >= 0 else total * bound // (bound + waiting)
        self.splitter.setSizes([split, total - split])

    def _on_splitter_moved(self, _pos: int, _index: int) -> None:
        self._split_by_hand = True

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        self.balance()

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
    """The jobs panel in a dock under the board, without a title bar of its own."""

    def __init__(self, jobs: JobsSession, parent: QWidget | None = None) -> None:
        super().__init__("Jobs", parent)
        self.setObjectName("JobsDock")
        self.panel = JobsPanel(jobs)
        self.setWidget(self.panel)
        # No title bar: the lists' own titles say what they show, and a line of the board's
        # height is a third of a card at 768 px. The panel's button and Ctrl+J hide it; the
        # edge between it and the board resizes it.
        self.setTitleBarWidget(QWidget())
        self.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.setAllowedAreas(Qt.DockWidgetArea.BottomDockWidgetArea)
        self.panel.hide_button.clicked.connect(self.hide)
        toggle = self.toggleViewAction()
        toggle.setText("&Jobs panel")
        toggle.setShortcut("Ctrl+J")
        toggle.setToolTip("The current pool's jobs and the jobs waiting for a pool (Ctrl+J)")
        self._prefs: QSettings | None = None

    def set_pool(self, pool: str | None) -> None:
        self.panel.set_pool(pool)

    def default_height(self) -> int:
        """Titles, column headers and ``ROWS_SHOWN`` rows, in the panel's font."""
        line = self.fontMetrics().height()
        return (ROWS_SHOWN + 1) * (line + 6) + 2 * line + 14

    def place(self, window: QMainWindow, prefs: QSettings) -> None:
        """Under the board, open or closed and as tall as the user left it."""
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self)
        self._prefs = prefs
        height = int(prefs.value(HEIGHT_KEY, 0) or 0) or self.default_height()
        window.resizeDocks([self], [height], Qt.Orientation.Vertical)
        self.setVisible(str(prefs.value(OPEN_KEY, "true")).lower() != "false")
        # The user's own gestures only: the dock also hides while the window closes.
        self.toggleViewAction().triggered.connect(self._remember_open)
        self.panel.hide_button.clicked.connect(lambda: self._remember_open(False))

    def _remember_open(self, shown: bool) -> None:
        if self._prefs is not None:
            self._prefs.setValue(OPEN_KEY, "true" if shown else "false")

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        if self._prefs is not None and self.isVisible() and not self.isFloating():
            self._prefs.setValue(HEIGHT_KEY, self.height())
