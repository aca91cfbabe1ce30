"""Colours, icons and the style sheet of the board, all from resources/."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from PyQt5.QtCore import Qt
from PyQt5.QtGui import QColor, QIcon, QPalette
from PyQt5.QtWidgets import QApplication, QWidget

from pools.model import HostState

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
ICONS = RESOURCES / "icons"

STATE_COLORS: dict[HostState, str] = {
    HostState.ONLINE: "#4caf50",
    HostState.BUSY: "#ff9800",
    HostState.NIMBY: "#42a5f5",
    HostState.PAUSED: "#b39ddb",
    HostState.SICK: "#ef5350",
    HostState.OFFLINE: "#757575",
    HostState.UNKNOWN: "#80cbc4",
}

# Pools without a colour of their own take one of these, by name, so that a pool keeps its
# colour on every board.
POOL_PALETTE = (
    "#5c9ded",
    "#e0a33a",
    "#5fbf8f",
    "#c27ad6",
    "#e06c75",
    "#4fc1c9",
    "#c9b04f",
    "#8f9cf0",
)

CARD_BACKGROUND = QColor("#363c42")
CARD_SELECTED = QColor("#3d5a78")
CARD_BORDER = QColor("#434b53")
TEXT = QColor("#e6eaed")
TEXT_DIM = QColor("#9aa5ad")
TEXT_STALE = QColor("#7d868d")


@cache
def icon(name: str) -> QIcon:
    """An icon of resources/icons by file stem, e.g. ``icon("state-busy")``."""
    return QIcon(str(ICONS / f"{name}.svg"))


def state_icon(state: HostState) -> QIcon:
    return icon(f"state-{state.value}")


def pool_color(name: str, color: str) -> QColor:
    """A pool's own colour, or else one picked by its name (the same on every board)."""
    if color:
        return QColor(color)
    return QColor(POOL_PALETTE[sum(name.encode()) % len(POOL_PALETTE)])


def distinct_color(used: Iterable[QColor]) -> str:
    """A colour for a new pool that no pool shows yet: the palette first, then the hue
    furthest from every hue in use, at the palette's brightness."""
    used = list(used)
    taken = {color.name() for color in used}
    for candidate in POOL_PALETTE:
        if candidate not in taken:
            return candidate
    hues = sorted({color.hslHue() for color in used if color.hslHue() >= 0})

    def distance(hue: int) -> int:
        return min(min(abs(hue - h), 360 - abs(hue - h)) for h in hues) if hues else 360

    best = max(range(0, 360, 5), key=distance)
    return QColor.fromHsl(best, 140, 140).name()


def style_sheet() -> str:
    """resources/theme.qss with the icons it draws (a drop-down's arrow) found wherever the
    checkout is: a style sheet's url() is read from the working folder, not from the file."""
    sheet = (RESOURCES / "theme.qss").read_text(encoding="utf-8")
    return sheet.replace("@ICONS@", ICONS.as_posix())


DISABLED_TEXT = "#6b747c"  # what cannot be used now: menu items, buttons, fields
FOCUS_COLOR = "#5b8fc0"  # the frame of what has the keyboard (the style sheet's too)


def apply_theme(app: QApplication) -> None:
    """The dark palette for native parts, the style sheet for the rest."""
    app.setStyle("Fusion")
    palette = QPalette()
    for role, value in (
        (QPalette.Window, "#262a2e"),
        (QPalette.WindowText, "#dfe3e6"),
        (QPalette.Base, "#1b1e21"),
        (QPalette.AlternateBase, "#2d3237"),
        (QPalette.Text, "#dfe3e6"),
        (QPalette.Button, "#333b42"),
        (QPalette.ButtonText, "#dfe3e6"),
        (QPalette.Highlight, "#3d6f9e"),
        (QPalette.HighlightedText, "#ffffff"),
        (QPalette.ToolTipBase, "#1c1f22"),
        (QPalette.ToolTipText, "#e8ecef"),
        (QPalette.PlaceholderText, "#77818a"),
    ):
        palette.setColor(role, QColor(value))
    for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):  # menus use the first
        palette.setColor(QPalette.Disabled, role, QColor(DISABLED_TEXT))
    palette.setColor(QPalette.Disabled, QPalette.Light, QColor("#262a2e"))  # no etched shadow
    app.setPalette(palette)
    app.setStyleSheet(style_sheet())
    app.setWindowIcon(icon("afpools"))


def enable_high_dpi() -> None:
    """Must run before the QApplication exists: crisp at 100 % and 200 % scaling."""
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_EnableHighDpiScaling, True)
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_UseHighDpiPixmaps, True)


def show_drop_target(widget: QWidget, on: bool) -> None:
    """The column around ``widget`` framed while a drag it would take is over it (the
    style sheet's ``#PoolColumn[dropTarget="true"]``), unframed when it leaves or lands."""
    column: QWidget | None = widget
    while column is not None and column.objectName() != "PoolColumn":
        column = column.parentWidget()
    if column is None or bool(column.property("dropTarget")) == on:
        return
    column.setProperty("dropTarget", on)
    column.style().unpolish(column)
    column.style().polish(column)
