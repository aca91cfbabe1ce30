"""Whether a label's text fits it: for the tests of what headers show."""

from __future__ import annotations

from PyQt5.QtCore import QRect
from PyQt5.QtWidgets import QLabel


def lines_fit(label: QLabel) -> bool:
    """The label's text, line by line, fits inside the label: nothing is cut off."""
    needed = label.fontMetrics().boundingRect(QRect(0, 0, 10**6, 10**6), 0, label.text())
    room = label.contentsRect()
    return needed.width() <= room.width() and needed.height() <= room.height()
