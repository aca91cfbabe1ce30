"""A compact table of afserver jobs: columns fitted to their usual text, the job's name
taking the rest, and a sentence when it is empty (why, and how a job gets there)."""

from __future__ import annotations

from PyQt5.QtCore import QEvent, Qt
from PyQt5.QtGui import QColor, QPainter, QPaintEvent, QResizeEvent
from PyQt5.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from manager.job_model import JobTableModel

COLUMN_ROOM = 18  # a cell's padding on both sides (theme.qss), and a little air


class JobTableView(QTableView):
    """A compact table of jobs that says in a sentence why it is empty."""

    def __init__(self, model: JobTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("JobTable")
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
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(
            Qt.Alignment(Qt.AlignmentFlag.AlignLeft) | Qt.AlignmentFlag.AlignVCenter
        )
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Every column at its least in the font the view has now (the style sheet's, once
        polished); then room goes to the name up to a usual name, then to the others up to
        their usual text (the status), and what is left to the name. A job is known by its
        name; a shortened status is whole in the tooltip."""
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        model = self.model()
        assert isinstance(model, JobTableModel)
        shown = [(i, c) for i, c in enumerate(model.columns) if not self.isColumnHidden(i)]
        widths = {i: self._width(c.least or c.sample, c.title) for i, c in shown}
        room = self.viewport().width() - sum(widths.values())
        for i, column in sorted(shown, key=lambda pair: not pair[1].rest):
            grow = max(0, min(room, self._width(column.sample, column.title) - widths[i]))
            widths[i] += grow
            room -= grow
        for i, column in shown:
            if column.rest and room > 0:
                widths[i] += room
                room = 0
        header = self.horizontalHeader()
        for section, size in widths.items():
            header.resizeSection(section, size)

    def _width(self, *texts: str) -> int:
        return max(self.fontMetrics().horizontalAdvance(t) for t in texts) + COLUMN_ROOM

    def least_width(self) -> int:
        """Room for every column at its least (the name and the status shortened)."""
        model = self.model()
        assert isinstance(model, JobTableModel)
        least = sum(
            self._width(c.least or c.sample, c.title)
            for i, c in enumerate(model.columns)
            if not self.isColumnHidden(i)
        )
        return least + 2 * self.frameWidth()

    def changeEvent(self, event: QEvent | None) -> None:
        super().changeEvent(event)
        if event is not None and event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.fit_columns()

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        self.fit_columns()

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
