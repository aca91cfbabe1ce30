"""A column's list of host cards: rows of one height, dragged from and dropped into."""

from __future__ import annotations

from PyQt5.QtCore import QEvent, QModelIndex, Qt, pyqtSignal
from PyQt5.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QFocusEvent,
    QPainter,
    QPaintEvent,
)
from PyQt5.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from manager import theme
from manager.host_card import HostCardDelegate
from manager.host_model import HostListModel


class HostListView(QTableView):
    """A list of cards that drags hostnames out and takes them in.

    One column of rows of one height, so that the view finds the cards in sight by
    arithmetic: a list view lays out every row again after each change (and asks the model
    about each), which took 35 ms for the 20,000 of the Farm column, or left it blank while
    it did so in batches. It takes its model when its column first shows (``attach``).
    """

    focused = pyqtSignal()

    def __init__(
        self, model: HostListModel, delegate: HostCardDelegate, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._host_model = model
        self._delegate = delegate  # the view does not own it
        self.setItemDelegate(delegate)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setTabKeyNavigation(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._fit_rows()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragDropOverwriteMode(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setMouseTracking(True)

    def _fit_rows(self) -> None:
        """Every row as tall as a card in the view's font (200 % scaling included)."""
        option = QStyleOptionViewItem()
        option.font = self.font()
        height = self._delegate.sizeHint(option, QModelIndex()).height()
        self.verticalHeader().setMinimumSectionSize(1)
        self.verticalHeader().setDefaultSectionSize(height)

    def changeEvent(self, event: QEvent | None) -> None:
        super().changeEvent(event)
        fonts = (QEvent.Type.FontChange, QEvent.Type.StyleChange)
        if event is not None and event.type() in fonts and self.model() is not None:
            self._fit_rows()

    def attach(self) -> None:
        """Follow the model from now on; a column far off screen never needs to."""
        if self.model() is None:
            self.setModel(self._host_model)
            self._fit_rows()

    def host_model(self) -> HostListModel:
        return self._host_model

    def selected_names(self) -> list[str]:
        model, selection = self.host_model(), self.selectionModel()
        rows = sorted(i.row() for i in selection.selectedIndexes()) if selection else []
        return [model.name_at(r) for r in rows]

    def empty_hint(self) -> str:
        """What an empty column says, so that a first start is not a blank wall."""
        model = self.host_model()
        if model.member_count():
            return "No host matches the filter."
        if model.pool is not None:
            return "Drag machines here from the Farm, or use Add hosts by name…"
        return (
            "No machines yet. Scan network… finds machines on the LAN; "
            "Add hosts by name… takes machines that are off."
        )

    def paintEvent(self, event: QPaintEvent | None) -> None:
        super().paintEvent(event)
        if self.model() is not None and self.model().rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(QColor("#7d878f"))
            area = self.viewport().rect().adjusted(12, 24, -12, -12)
            painter.drawText(
                area,
                Qt.AlignmentFlag.AlignHCenter
                | Qt.AlignmentFlag.AlignTop
                | Qt.TextFlag.TextWordWrap,
                self.empty_hint(),
            )

    def focusInEvent(self, event: QFocusEvent | None) -> None:
        super().focusInEvent(event)
        # The keyboard coming back when a popup closes is not the user choosing this column:
        # a column's ⋮ menu made its own pool current, and its item must act on that pool.
        if event is None or event.reason() != Qt.FocusReason.PopupFocusReason:
            self.focused.emit()

    def dragEnterEvent(self, event: QDragEnterEvent | None) -> None:
        if event is None:
            return
        # Qt accepts an enter on the MIME type alone; the model also refuses a drag
        # back into the column it came from, which is not an edit.
        model = self.host_model()
        if not model.canDropMimeData(event.mimeData(), event.dropAction(), -1, -1, QModelIndex()):
            event.ignore()
            return
        super().dragEnterEvent(event)
        theme.show_drop_target(self, event.isAccepted())

    def dragLeaveEvent(self, event: QDragLeaveEvent | None) -> None:
        super().dragLeaveEvent(event)
        theme.show_drop_target(self, False)

    def dropEvent(self, event: QDropEvent | None) -> None:
        theme.show_drop_target(self, False)
        super().dropEvent(event)
