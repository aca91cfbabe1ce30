"""The style sheet draws what it names: every icon it uses is a file that exists."""

from __future__ import annotations

import re
from pathlib import Path

from manager.theme import style_sheet


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
