"""The board's toolbar: short labels, and the find field and Scan always in sight.

Qt's toolbar hides what does not fit behind an overflow button, and the first to go are the
last items: the find field and Scan. Here the buttons give up their labels instead, a group at
a time (the least needed first), and the window cannot be made narrower than the toolbar with
every button shown as its icon alone. The labels stay in each button's tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence

from PyQt5.QtCore import Qt
from PyQt5.QtGui import QResizeEvent
from PyQt5.QtWidgets import QAction, QToolBar, QToolButton, QWidget

from manager import theme

TEXT = Qt.ToolButtonStyle.ToolButtonTextBesideIcon
ICON = Qt.ToolButtonStyle.ToolButtonIconOnly


class BoardToolbar(QToolBar):
    """A toolbar whose buttons lose their labels, group by group, before anything is hidden.

    ``compact_first`` lists groups of actions in the order their buttons drop their labels
    when the toolbar is too narrow for every label.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Board", parent)
        self.setObjectName("BoardToolbar")
        self.setMovable(False)
        self.setToolButtonStyle(TEXT)
        self._groups: list[list[QAction]] = []
        self._widths: dict[QToolButton, tuple[int, int]] = {}  # with label, icon alone
        extension = self.findChild(QToolButton, "qt_toolbar_ext_button")
        if extension is not None:  # never shown at the window's minimum width; just in case
            extension.setIcon(theme.icon("more"))

    def compact_first(self, groups: Sequence[Sequence[QAction]]) -> None:
        self._groups = [list(group) for group in groups]
        self.fit()

    def button(self, action: QAction) -> QToolButton:
        button = self.widgetForAction(action)
        assert isinstance(button, QToolButton)
        return button

    def _button_widths(self, button: QToolButton) -> tuple[int, int]:
        """Its width with its label and with its icon alone, measured once (the board does
        not follow a change of the system font while it runs)."""
        if button not in self._widths:
            style = button.toolButtonStyle()
            button.setToolButtonStyle(TEXT)
            text = button.sizeHint().width()
            button.setToolButtonStyle(ICON)
            icon = button.sizeHint().width()
            button.setToolButtonStyle(style)
            self._widths[button] = (text, icon)
        return self._widths[button]

    def _item_width(self, widget: QWidget) -> int:
        """What an item takes at least: a stretching field its minimum, the rest their hint."""
        return widget.sizeHint().expandedTo(widget.minimumSize()).width()

    def fit(self) -> None:
        """Labels for as many groups as the width allows; the minimum width with none."""
        compactable = {a: self.button(a) for group in self._groups for a in group}
        items = [
            w
            for a in self.actions()
            if a.isVisible() and (w := self.widgetForAction(a)) is not None
        ]
        if not compactable or not items:
            return
        used = sum(self._item_width(w) for w in items)
        overhead = self.sizeHint().width() - used  # margins and spacing
        fixed = overhead + sum(self._item_width(w) for w in items if w not in compactable.values())
        widths = {a: self._button_widths(b) for a, b in compactable.items()}
        need = fixed + sum(text for text, _ in widths.values())
        icon_only: set[QAction] = set()
        for group in self._groups:
            if need <= self.width():
                break
            for action in group:
                text, icon = widths[action]
                need -= text - icon
                icon_only.add(action)
        changed = False
        for action, button in compactable.items():
            style = ICON if action in icon_only else TEXT
            if button.toolButtonStyle() != style:
                button.setToolButtonStyle(style)
                changed = True
        layout = self.layout()
        if changed and layout is not None:
            layout.activate()  # laid out again now, not one turn of the event loop later
        smallest = fixed + sum(icon for _, icon in widths.values())
        if self.minimumWidth() != smallest:
            self.setMinimumWidth(smallest)

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        self.fit()
