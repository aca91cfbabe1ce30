"""The style sheet draws what it names: every icon it uses is a file that exists."""

from __future__ import annotations

import re
from pathlib import Path

from PyQt5.QtCore import QRect
from PyQt5.QtGui import QColor, QImage
from PyQt5.QtWidgets import QApplication, QMenu

from manager.theme import apply_theme, style_sheet


def test_drop_downs_get_an_arrow_from_an_icon_that_exists() -> None:
    sheet = style_sheet()
    used = [Path(found) for found in re.findall(r"url\(([^)]+)\)", sheet)]

    assert re.search(r"QComboBox::down-arrow \{[^}]*image: url\([^)]*drop-down\.svg\)", sheet)
    assert used and all(path.is_absolute() and path.is_file() for path in used), used


def test_a_field_that_cannot_be_edited_is_greyed() -> None:
    """The rename dialog shows the description it does not change: greyed, like the buttons."""
    greyed = re.search(r"QLineEdit:disabled \{ color: (#[0-9a-f]{6}); \}", style_sheet())
    buttons = re.search(r"QPushButton:disabled \{ color: (#[0-9a-f]{6}); \}", style_sheet())

    assert greyed and buttons and greyed.group(1) == buttons.group(1)


def brightest(image: QImage, rect: QRect) -> int:
    return max(
        QColor(image.pixel(x, y)).lightness()
        for x in range(rect.left(), rect.right())
        for y in range(rect.top(), rect.bottom())
    )


def test_a_menu_item_that_cannot_be_used_now_looks_greyed(qapp: QApplication) -> None:
    """Pool ▸ Rename with no pool looked as usable as any other item."""
    palette, sheet = qapp.palette(), qapp.styleSheet()
    try:
        apply_theme(qapp)
        menu = QMenu()
        usable = menu.addAction("Rename pool…")
        greyed = menu.addAction("Rename pool…")
        greyed.setEnabled(False)
        menu.ensurePolished()
        menu.adjustSize()
        image = menu.grab().toImage()

        lit, dim = (brightest(image, menu.actionGeometry(a)) for a in (usable, greyed))
        assert dim < lit * 0.7, (lit, dim)
    finally:
        qapp.setPalette(palette)
        qapp.setStyleSheet(sheet)
