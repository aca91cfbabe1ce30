"""Whether a label's text fits it: for the tests of what headers and dialogs show."""

from __future__ import annotations

from PyQt5.QtCore import QRect, Qt
from PyQt5.QtWidgets import QLabel


def lines_fit(label: QLabel) -> bool:
    """The label's text fits inside the label, nothing cut off: line by line as given, or
    as the label wraps it when it wraps words."""
    room = label.contentsRect()
    wrap = Qt.TextFlag.TextWordWrap if label.wordWrap() else 0
    needed = label.fontMetrics().boundingRect(
        QRect(0, 0, room.width() if wrap else 10**6, 10**6), int(wrap), label.text()
    )
    return needed.width() <= room.width() and needed.height() <= room.height()
