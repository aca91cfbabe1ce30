"""One column of the board: a header (name, colour, counts) over a list of host cards."""

from __future__ import annotations

from PyQt5.QtCore import QEvent, QModelIndex, QObject, QPoint, QRect, QSize, Qt, QTimer, pyqtSignal
from PyQt5.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFocusEvent,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
)
from PyQt5.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from manager import theme
from manager.host_card import HostCardDelegate
from manager.host_model import HostListModel, decode_hosts
from manager.sparkline import SparklineWidget
from manager.token_label import TokenLabel
from pools.farm import Farm
from pools.masks import include_mask
from pools.usage_charts import Sparkline
from pools.wording import counts_text, plural

COLUMN_WIDTH_EM = 17  # in font heights: "busy · 2 tasks · 192.168.100.200 · 64 cores" fits
COLLAPSED_WIDTH_EM = 2.6
MASK_PREVIEW_CHARS = 400
COUNTS_SEPARATOR = " · "


def mask_preview(farm: Farm, pool: str) -> str:
    """A pool header's tooltip: its size and the host mask jobs will get from it."""
    members = farm.members(pool)
    mask = include_mask(members)
    if len(mask) > MASK_PREVIEW_CHARS:
        mask = mask[:MASK_PREVIEW_CHARS] + "…"
    return (
        f"<b>{pool}</b> — {plural(len(members), 'host')}<br>"
        f"hosts_mask (regex): <code>{_html(mask)}</code>"
    )


def fold_parts(parts: list[str], metrics: QFontMetrics, width: int) -> str:
    """Parts joined by " · ", or by a new line where the next part would not fit ``width``
    (0: one line); a part too wide on its own ends in "…"."""
    whole = COUNTS_SEPARATOR.join(parts)
    if width <= 0 or metrics.horizontalAdvance(whole) <= width:
        return whole
    lines: list[str] = []
    for part in parts:
        joined = f"{lines[-1]}{COUNTS_SEPARATOR}{part}" if lines else part
        if lines and metrics.horizontalAdvance(joined) <= width:
            lines[-1] = joined
        else:
            lines.append(part)
    return "\n".join(metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
        self.focused.emit()

    def dragEnterEvent(self, event: QDragEnterEvent | None) -> None:
        if event is None:
            return
        # Dropping back into the column a drag came from is not an edit.
        decoded = decode_hosts(event.mimeData())
        if decoded is None or decoded[1] == self.host_model().pool:
            event.ignore()
            return
        super().dragEnterEvent(event)


class CollapsedStrip(QWidget):
    """A collapsed column: the name written upwards, the count, and still a drop target."""

    expand_requested = pyqtSignal()

    def __init__(self, column: PoolColumn) -> None:
        super().__init__()
        self.column = column
        self.setAcceptDrops(True)
        self.setObjectName("CollapsedTitle")
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(QColor("#dfe3e6"))
        painter.translate(
            self.width() / 2 + QFontMetrics(self.font()).ascent() / 2 - 2, self.height() - 8
        )
        painter.rotate(-90)
        painter.drawText(QPoint(0, 0), f"{self.column.title}  ({self.column.model.member_count()})")

    def mouseReleaseEvent(self, event: QMouseEvent | None) -> None:
        self.expand_requested.emit()

    def dragEnterEvent(self, event: QDragEnterEvent | None) -> None:
        if event is not None and self.column.model.canDropMimeData(
            event.mimeData(), event.proposedAction(), -1, 0, QModelIndex()
        ):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent | None) -> None:
        if event is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent | None) -> None:
        if event is not None and self.column.model.dropMimeData(
            event.mimeData(), event.dropAction(), -1, 0, QModelIndex()
        ):
            event.acceptProposedAction()


class PoolColumn(QFrame):
    """The Farm column (``model.pool is None``) or one pool's column."""

    collapsed_changed = pyqtSignal(bool)
    menu_requested = pyqtSignal(QPoint)

    def __init__(
        self, model: HostListModel, delegate: HostCardDelegate, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)  # made where it goes: no moving a whole tree of widgets
        self.model = model
        self.title = model.pool or "Farm"
        self.color = QColor("#607d8b")
        self.description = ""
        self.collapsed = False
        self.in_sight = model.in_sight  # the board says; its list follows the farm only then
        self.setObjectName("PoolColumn")
        self.setProperty("farm", model.pool is None)
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Expanding)

        self.view = HostListView(model, delegate, self)
        self.strip = CollapsedStrip(self)
        self.strip.expand_requested.connect(lambda: self.set_collapsed(False))
        self._build_header(is_pool=model.pool is not None)
        self._parts_shown = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.strip, 1)
        self._show_parts()
        self._apply_width()
        self._counts_due = False
        for signal in (
            model.rowsInserted,
            model.rowsRemoved,
            model.modelReset,
            model.counts_changed,
        ):
            signal.connect(self.schedule_counts)
        self.refresh_counts()

    def _build_header(self, *, is_pool: bool) -> None:
        """Colour, name and buttons; counts below; the description below them."""
        self.swatch = QLabel()
        self.swatch.setFixedSize(QSize(10, 22))
        if not is_pool:  # (showing a widget that has no parent yet would open a window)
            self.swatch.hide()
        self.title_label = QLabel(self.title)
        self.title_label.setObjectName("ColumnTitle")
        self.counts_label = QLabel()
        self.counts_label.setObjectName("ColumnCounts")
        # As wide as the column, not as its text: the text is broken into lines to fit.
        self.counts_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.counts_label.installEventFilter(self)
        self._counts_parts: list[str] = []
        self.description_label = QLabel()
        self.description_label.setObjectName("ColumnDescription")
        self.description_label.setWordWrap(True)
        self.description_label.hide()
        self.collapse_button = self._tool_button("collapse", "Collapse this column")
        self.collapse_button.clicked.connect(lambda: self.set_collapsed(True))
        self.menu_button = self._tool_button("menu", "Pool actions")
        self.menu_button.clicked.connect(
            lambda: self.menu_requested.emit(
                self.menu_button.mapToGlobal(QPoint(0, self.menu_button.height()))
            )
        )
        if not is_pool:
            self.menu_button.hide()

        self.header = header = QWidget()
        header.setObjectName("ColumnHeader")
        header.installEventFilter(self)
        title_row = QHBoxLayout()
        title_row.setContentsMargins(0, 0, 0, 0)
        title_row.setSpacing(6)
        for widget, stretch in (
            (self.swatch, 0),
            (self.title_label, 1),
            (self.menu_button, 0),
            (self.collapse_button, 0),
        ):
            title_row.addWidget(widget, stretch)
        header_layout = QVBoxLayout(header)
        header_layout.setContentsMargins(8, 6, 6, 2)
        header_layout.setSpacing(1)
        header_layout.addLayout(title_row)
        self._add_token_line(header_layout, is_pool=is_pool)
        header_layout.addWidget(self.counts_label)
        self._add_usage_line(header_layout)
        header_layout.addWidget(self.description_label)

    def _add_token_line(self, layout: QVBoxLayout, *, is_pool: bool) -> None:
        """Under a pool's name, the token artists type into a hosts mask (``@lighting``)."""
        self.token_label = TokenLabel()
        if is_pool:
            self.token_label.set_pool(self.title)
            layout.addWidget(self.token_label)

    def _add_usage_line(self, layout: QVBoxLayout) -> None:
        """Under the counts, the pool's busy hosts over 24 hours (hidden until known)."""
        self.sparkline = SparklineWidget()
        layout.addWidget(self.sparkline)

    def show_usage(self, line: Sparkline | None) -> None:
        self.sparkline.set_line(line)

    @staticmethod
    def _tool_button(icon_name: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setIcon(theme.icon(icon_name))
        button.setToolTip(tip)
        button.setAutoRaise(True)
        return button

    def _apply_width(self) -> None:
        em = QFontMetrics(self.font()).height()
        width = COLLAPSED_WIDTH_EM if self.collapsed else COLUMN_WIDTH_EM
        self.setFixedWidth(int(width * em))

    def rename(self, name: str) -> None:
        """The pool's new name; its model has followed the farm's rename by itself."""
        self.title = name
        self.title_label.setText(name)
        self.token_label.set_pool(name)
        delegate = self.view.itemDelegate()
        if isinstance(delegate, HostCardDelegate):
            delegate.own_pool = name
        self.strip.update()

    # -- looks --------------------------------------------------------------------------

    def set_pool_looks(self, color: QColor, description: str) -> None:
        self.color = color
        self.description = description
        self.swatch.setStyleSheet(f"background: {color.name()}; border-radius: 3px;")
        self.description_label.setText(description)
        self.description_label.setVisible(bool(description) and not self.collapsed)
        self.strip.update()

    def set_collapsed(self, collapsed: bool) -> None:
        if collapsed == self.collapsed:
            return
        self.collapsed = collapsed
        self.model.set_in_sight(self.in_sight and not collapsed)
        if not collapsed:  # states changed unseen while it was folded
            self.refresh_counts()
        self._show_parts()
        self.description_label.setVisible(bool(self.description) and not collapsed)
        self._apply_width()
        self.collapsed_changed.emit(collapsed)

    def set_in_sight(self, in_sight: bool) -> None:
        """Whether the column is on screen; out of sight (or collapsed) its list waits."""
        if in_sight == self.in_sight:
            return
        self.in_sight = in_sight
        self.model.set_in_sight(in_sight and not self.collapsed)
        if in_sight:  # polls changed states unseen: the header catches up with the list
            self.refresh_counts()
            self._show_parts()

    def _show_parts(self) -> None:
        """The header and the list, or the strip when collapsed. A column that was never in
        sight shows neither: it is polished, laid out and painted once it comes into view."""
        self._parts_shown = shown = self._parts_shown or self.in_sight
        if shown:
            self.view.attach()
        self.header.setVisible(shown and not self.collapsed)
        self.view.setVisible(shown and not self.collapsed)
        self.strip.setVisible(shown and self.collapsed)

    def schedule_counts(self, *_: object) -> None:
        """Many row signals in one update cost one recount, when the event loop is free."""
        if not self._counts_due:
            self._counts_due = True
            QTimer.singleShot(0, self.refresh_counts)

    def refresh_counts(self, *_: object) -> None:
        """Members, and how many of them are online and busy, from the merged farm."""
        self._counts_due = False
        counts = self.model.farm.counts(self.model.pool)
        noun = "machine" if self.model.pool is None else "host"
        text = counts_text(counts.total, counts.online, counts.busy, noun)
        shown = self.model.rowCount()
        if shown != counts.total:
            text += f" · {shown} shown"
        self._counts_parts = text.split(COUNTS_SEPARATOR)
        self._show_counts()
        if self.collapsed:
            self.strip.update()

    def _show_counts(self) -> None:
        """On one line when it fits the column; else on more, broken between the parts, so
        that "1 shown" is never cut to "1 shov"."""
        label = self.counts_label
        width = label.contentsRect().width() if label.isVisible() else 0
        label.setText(fold_parts(self._counts_parts, label.fontMetrics(), width))

    # -- hover: the mask ----------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.counts_label and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._show_counts()
            return False
        is_pool = self.model.pool is not None
        if watched is self.header and event.type() == QEvent.Type.ToolTip and is_pool:
            tip = mask_preview(self.model.farm, self.title)
            assert isinstance(event, QHelpEvent)
            QToolTip.showText(event.globalPos(), tip, self.header, QRect())
            return True
        return super().eventFilter(watched, event)
