"""Banners over the board: what is wrong right now, in one sentence, and what still works."""

from __future__ import annotations

from PyQt5.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class Banner(QFrame):
    """A coloured strip with a message; ``dismissable`` ones have a button to hide them."""

    def __init__(
        self, kind: str, *, dismissable: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("Banner")
        self.setProperty("kind", kind)
        self.label = QLabel()
        self.label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        if dismissable:
            close = QPushButton("Dismiss")
            close.clicked.connect(self.hide)
            layout.addWidget(close)
        self.hide()

    def set_kind(self, kind: str) -> None:
        """warning (amber) or error (red); the style sheet keys on this property."""
        if self.property("kind") != kind:
            self.setProperty("kind", kind)
            self.style().unpolish(self)
            self.style().polish(self)

    def show_message(self, text: str) -> None:
        self.label.setText(text)
        self.show()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
