"""What a column shows besides its list: the header (colour, name, buttons; the pool's token,
the counts folded to fit, the usage sparkline, the description) and, collapsed, a strip with
its name written upwards. A column makes them when it first comes into sight."""

from __future__ import annotations

from collections.abc import Callable

from PyQt5.QtCore import QEvent, QModelIndex, QPoint, QRect, QRectF, QSize, Qt, pyqtSignal
from PyQt5.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFocusEvent,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShowEvent,
)
from PyQt5.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from manager import theme
from manager.host_model import HostListModel
from manager.sparkline import SparklineWidget
from manager.token_label import TokenLabel
from pools.usage_charts import Sparkline

COUNTS_SEPARATOR = " · "


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


class CountsLabel(QLabel):
    """A column's numbers, as wide as the column: broken between their parts onto more lines
    when they do not fit, so that "1 shown" is never cut to "1 shov". They are folded again
    whenever the room or the font changes (a style sheet's font arrives only when the label
    is first polished), so the text always fits the label it is painted in."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("ColumnCounts")
        # As wide as the column, not as its text: the text is broken into lines to fit.
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self._parts: list[str] = []

    def set_parts(self, parts: list[str]) -> None:
        self._parts = parts
        self._fold()

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        self._fold()

    def showEvent(self, event: QShowEvent | None) -> None:
        super().showEvent(event)
        self._fold()

    def changeEvent(self, event: QEvent | None) -> None:
        super().changeEvent(event)
        if event is not None and event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fold()

    def _fold(self) -> None:
        width = self.contentsRect().width() if self.isVisible() else 0  # hidden: not laid out
        text = fold_parts(self._parts, self.fontMetrics(), width)
        if text != self.text():
            self.setText(text)


class ColumnHeader(QWidget):
    """What sits above a column's list. A pool's header (``tip`` given) shows the pool's
    token, its host mask when hovered, and a ⋮ button for the pool's menu."""

    collapse_requested = pyqtSignal()
    menu_requested = pyqtSignal(QPoint)  # where (global) the pool's menu opens

    def __init__(self, title: str, tip: Callable[[], str] | None = None) -> None:
        super().__init__()
        self.setObjectName("ColumnHeader")
        self._tip = tip
        self.swatch = QLabel()
        self.swatch.setFixedSize(QSize(10, 22))
        self.title_label = QLabel(title)
        self.title_label.setObjectName("ColumnTitle")
        self.token_label = TokenLabel()
        self.counts_label = CountsLabel()
        self.sparkline = SparklineWidget()  # hidden until there is a line to show
        self.description_label = QLabel()
        self.description_label.setObjectName("ColumnDescription")
        self.description_label.setWordWrap(True)
        self.description_label.hide()
        self.collapse_button = tool_button("collapse", "Collapse this column")
        self.collapse_button.clicked.connect(self.collapse_requested)
        self.menu_button = tool_button("menu", "Pool actions")
        self.menu_button.clicked.connect(self._on_menu_button_clicked)
        if tip is None:  # the Farm: no colour, no token, no pool menu
            self.swatch.hide()
            self.menu_button.hide()
            self.token_label.hide()
        else:
            self.token_label.set_pool(title)

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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 6, 2)
        layout.setSpacing(1)
        layout.addLayout(title_row)
        for widget in (
            self.token_label,
            self.counts_label,
            self.sparkline,
            self.description_label,
        ):
            layout.addWidget(widget)

    def buttons(self) -> list[QWidget]:
        """What the keyboard reaches in the header, in the order Tab does."""
        return [self.menu_button, self.collapse_button]

    def set_title(self, title: str) -> None:
        self.title_label.setText(title)
        if self._tip is not None:
            self.token_label.set_pool(title)

    def set_looks(self, color: QColor, description: str) -> None:
        self.swatch.setStyleSheet(f"background: {color.name()}; border-radius: 3px;")
        self.description_label.setText(description)
        self.description_label.setVisible(bool(description))

    def show_usage(self, line: Sparkline | None) -> None:
        self.sparkline.set_line(line)

    def _on_menu_button_clicked(self) -> None:
        self.menu_requested.emit(self.menu_button.mapToGlobal(QPoint(0, self.menu_button.height())))

    def event(self, event: QEvent | None) -> bool:
        if event is not None and event.type() == QEvent.Type.ToolTip and self._tip is not None:
            assert isinstance(event, QHelpEvent)
            QToolTip.showText(event.globalPos(), self._tip(), self, QRect())
            return True
        return bool(super().event(event))


UNFOLD_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)


class CollapsedStrip(QWidget):
    """A collapsed column: the name written upwards, the count, and still a drop target.
    It takes the keyboard as the column's list did (its column stays the current one), and
    Enter, Space or the fold shortcut unfold it."""

    expand_requested = pyqtSignal()
    focused = pyqtSignal()

    def __init__(self, model: HostListModel, title: str) -> None:
        super().__init__()
        self.model = model
        self.title = title
        self.setAcceptDrops(True)
        self.setObjectName("CollapsedTitle")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def focusInEvent(self, event: QFocusEvent | None) -> None:
        super().focusInEvent(event)
        self.focused.emit()
        self.update()

    def focusOutEvent(self, event: QFocusEvent | None) -> None:
        super().focusOutEvent(event)
        self.update()

    def keyPressEvent(self, event: QKeyEvent | None) -> None:
        if event is not None and event.key() in UNFOLD_KEYS:
            self.expand_requested.emit()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent | None) -> None:
        painter = QPainter(self)
        painter.setPen(QColor("#dfe3e6"))
        painter.translate(
            self.width() / 2 + QFontMetrics(self.font()).ascent() / 2 - 2, self.height() - 8
        )
        painter.rotate(-90)
        painter.drawText(QPoint(0, 0), f"{self.title}  ({self.model.member_count()})")
        if self.hasFocus():  # where the keyboard is, as a focused list shows it
            painter.resetTransform()
            painter.setPen(QColor(theme.FOCUS_COLOR))
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5), 4, 4)

    def mouseReleaseEvent(self, event: QMouseEvent | None) -> None:
        self.expand_requested.emit()

    def dragEnterEvent(self, event: QDragEnterEvent | None) -> None:
        if event is not None and self.model.canDropMimeData(
            event.mimeData(), event.proposedAction(), -1, 0, QModelIndex()
        ):
            event.acceptProposedAction()
            theme.show_drop_target(self, True)

    def dragMoveEvent(self, event: QDragMoveEvent | None) -> None:
        if event is not None:
            event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent | None) -> None:
        theme.show_drop_target(self, False)

    def dropEvent(self, event: QDropEvent | None) -> None:
        theme.show_drop_target(self, False)
        if event is not None and self.model.dropMimeData(
            event.mimeData(), event.dropAction(), -1, 0, QModelIndex()
        ):
            event.acceptProposedAction()


def show_instead(
    column: QWidget, shown: list[QWidget], hidden: list[QWidget], keyboard_to: QWidget
) -> None:
    """A column's parts swapped (its list for its folded strip, or back). The keyboard, if
    it was in the column, goes to ``keyboard_to`` before the others hide: hidden with them,
    it would jump to another column (and make that pool the current one)."""
    focused = QApplication.focusWidget()
    keyboard = focused is not None and column.isAncestorOf(focused)
    for part in shown:
        part.setVisible(True)
    if keyboard:
        keyboard_to.setFocus(Qt.FocusReason.OtherFocusReason)
    for part in hidden:
        part.setVisible(False)


def tool_button(icon_name: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setIcon(theme.icon(icon_name))
    button.setToolTip(tip)
    button.setAutoRaise(True)
    return button
