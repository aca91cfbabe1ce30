"""One column of the board: a header (name, colour, token, counts, usage) over a list of
host cards, made when the column first comes into sight."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import NamedTuple

from PyQt5.QtCore import QObject, QPoint, Qt, QTimer, pyqtSignal
from PyQt5.QtGui import (
    QColor,
    QFontMetrics,
)
from PyQt5.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from manager.column_parts import (
    COUNTS_SEPARATOR,
    CollapsedStrip,
    ColumnHeader,
    CountsLabel,
    show_instead,
)
from manager.evented_farm import EventedFarm
from manager.host_card import HostCardDelegate
from manager.host_model import HostListModel
from manager.host_view import HostListView
from manager.sparkline import SparklineWidget
from manager.token_label import TokenLabel
from pools.farm import Farm
from pools.masks import include_mask
from pools.usage_charts import Sparkline
from pools.wording import counts_text, plural

COLUMN_WIDTH_EM = 17  # in font heights: "busy · 2 tasks · 192.168.100.200 · 64 cores" fits
COLLAPSED_WIDTH_EM = 2.6


def set_column_width(column: QWidget, *, collapsed: bool) -> None:
    """A column's fixed width, in heights of its font: a pool's, or a native pool's."""
    em = QFontMetrics(column.font()).height()
    column.setFixedWidth(int((COLLAPSED_WIDTH_EM if collapsed else COLUMN_WIDTH_EM) * em))


MASK_PREVIEW_CHARS = 400


def mask_preview(farm: Farm, pool: str) -> str:
    """A pool header's tooltip: its size and the host mask jobs will get from it."""
    members = farm.members(pool)
    mask = include_mask(members)
    if len(mask) > MASK_PREVIEW_CHARS:
        mask = mask[:MASK_PREVIEW_CHARS] + "…"
    return (
        f"<b>{pool}</b> — {plural(len(members), 'host')}<br>"
        f"hosts_mask (regex): <code>{html.escape(mask, quote=False)}</code>"
    )


class ColumnSignals(QObject):
    """What the columns of one board ask for, in one place: each column emits here, naming
    itself, so that 200 columns are listened to once rather than column by column, and a
    column made late is heard like one made at the start."""

    collapsed_changed = pyqtSignal(object, bool)  # PoolColumn, whether collapsed now
    menu_requested = pyqtSignal(object, QPoint)  # PoolColumn, where (global) its menu opens
    host_menu_requested = pyqtSignal(object, QPoint)  # HostListView, where in it
    focused = pyqtSignal(object)  # PoolColumn whose list took the keyboard
    drop_requested = pyqtSignal(list, object, object, bool)  # hosts, from, to pool, copy


class _Parts(NamedTuple):
    view: HostListView
    header: ColumnHeader
    strip: CollapsedStrip


class PoolColumn(QFrame):
    """The Farm column (``pool`` None) or one pool's column.

    Until it first comes into sight a column is only a hidden frame that keeps its place and
    width in the row: no model, no header, no list. They are made when it comes into sight
    (scrolled to, moved into view, unfolded, made current, reached by Tab) or when someone
    asks for them, so a board of 200 pools makes, polishes and lays out the few that show.
    What it was told meanwhile (colour, description, usage, folding) it shows once made.
    """

    def __init__(
        self,
        source: EventedFarm,
        pool: str | None,
        color_of: Callable[[str], QColor],
        signals: ColumnSignals,
        parent: QWidget | None = None,
        *,
        in_sight: bool = True,
    ) -> None:
        super().__init__(parent)  # made where it goes: no moving a whole tree of widgets
        self.pool = pool
        self.title = pool or "Farm"
        self.color = QColor("#607d8b")
        self.description = ""
        self.collapsed = False
        self.in_sight = in_sight  # the board says; its list follows the farm only then
        self.signals = signals
        self.usage: Sparkline | None = None
        self._source = source
        self._color_of = color_of
        self._model: HostListModel | None = None
        self._parts: _Parts | None = None
        self._counts_due = False
        self.setObjectName("PoolColumn")
        self.setProperty("farm", pool is None)
        # Hidden, it is neither polished nor laid out inside, but keeps its place in the row.
        policy = QSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # until it is made: see focusNextPrevChild
        self._apply_width()
        if in_sight:
            self._build()
        elif parent is not None:
            self.hide()

    # -- what it is made of, made once --------------------------------------------------

    @property
    def model(self) -> HostListModel:
        """Its hosts; made when first needed, in sight or not (out of sight it waits)."""
        if self._model is None:
            self._model = model = HostListModel(
                self._source, self.pool, self, in_sight=self.in_sight and not self.collapsed
            )
            model.drop_requested.connect(self.signals.drop_requested)
        return self._model

    @property
    def has_model(self) -> bool:
        return self._model is not None

    @property
    def is_built(self) -> bool:
        """Whether its header and list exist (it has been in sight, or was asked for them)."""
        return self._parts is not None

    @property
    def view(self) -> HostListView:
        return self._build().view

    @property
    def header(self) -> ColumnHeader:
        return self._build().header

    @property
    def strip(self) -> CollapsedStrip:
        return self._build().strip

    @property
    def title_label(self) -> QLabel:
        return self.header.title_label

    @property
    def token_label(self) -> TokenLabel:
        return self.header.token_label

    @property
    def counts_label(self) -> CountsLabel:
        return self.header.counts_label

    @property
    def sparkline(self) -> SparklineWidget:
        return self.header.sparkline

    @property
    def description_label(self) -> QLabel:
        return self.header.description_label

    def _build(self) -> _Parts:
        if self._parts is not None:
            return self._parts
        model = self.model
        view = HostListView(model, HostCardDelegate(self._color_of, own_pool=self.pool), self)
        view.focused.connect(self._on_view_focused)
        view.customContextMenuRequested.connect(self._on_view_context_menu)
        header = ColumnHeader(self.title, None if self.pool is None else self._mask_tip)
        header.collapse_requested.connect(self._on_header_collapse_requested)
        header.menu_requested.connect(self._on_header_menu_requested)
        if self.pool is not None:
            header.set_looks(self.color, self.description)
        header.show_usage(self.usage)
        strip = CollapsedStrip(model, self.title)
        strip.expand_requested.connect(self._on_strip_expand_requested)
        strip.focused.connect(self._on_view_focused)  # the column stays the current one
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        layout.addWidget(header)
        layout.addWidget(view, 1)
        layout.addWidget(strip, 1)
        self._parts = parts = _Parts(view, header, strip)
        self._take_place_in_tab_order(parts)
        for signal in (
            model.rowsInserted,
            model.rowsRemoved,
            model.modelReset,
            model.counts_changed,
        ):
            signal.connect(self.schedule_counts)
        view.attach()
        self._show_parts()
        self.refresh_counts()
        if self.parentWidget() is not None and self.isHidden():
            self.show()
        return parts

    def _take_place_in_tab_order(self, parts: _Parts) -> None:
        """The list and the header's buttons where the column is in the window's Tab order
        rather than after everything made before them: Tab keeps going column by column."""
        previous: QWidget = self
        for widget in (parts.view, *parts.header.buttons()):
            QWidget.setTabOrder(previous, widget)
            previous = widget
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab from this column into one that was never in sight: Qt passes over its hidden
        frame, so it is made here and its list takes the keyboard (the board then scrolls
        to it, as to any column whose list does)."""
        focus = QApplication.focusWidget()
        target = _tab_target(focus, forward=next) if focus is not None else None
        if isinstance(target, PoolColumn) and not target.is_built:
            reason = Qt.FocusReason.TabFocusReason if next else Qt.FocusReason.BacktabFocusReason
            target.view.setFocus(reason)
            return True
        return bool(super().focusNextPrevChild(next))

    def _apply_width(self) -> None:
        set_column_width(self, collapsed=self.collapsed)

    def rename(self, name: str) -> None:
        """The pool's new name; its model has followed the farm's rename by itself."""
        self.pool = self.title = name
        if self._parts is not None:
            view, header, strip = self._parts
            delegate = view.itemDelegate()
            if isinstance(delegate, HostCardDelegate):
                delegate.own_pool = name
            header.set_title(name)
            strip.title = name
            strip.update()

    def discard(self) -> None:
        """The pool is gone: stop following the farm, and go."""
        if self._model is not None:
            self._model.detach()
        self.hide()
        self.deleteLater()

    # -- what it passes on --------------------------------------------------------------

    def _on_view_focused(self) -> None:
        self.signals.focused.emit(self)

    def _on_view_context_menu(self, where: QPoint) -> None:
        self.signals.host_menu_requested.emit(self.view, where)

    def _on_header_menu_requested(self, where: QPoint) -> None:
        self.signals.menu_requested.emit(self, where)

    def _on_header_collapse_requested(self) -> None:
        self.set_collapsed(True)

    def _on_strip_expand_requested(self) -> None:
        self.set_collapsed(False)

    def _mask_tip(self) -> str:
        return mask_preview(self._source.farm, self.title)

    # -- looks --------------------------------------------------------------------------

    def set_pool_looks(self, color: QColor, description: str) -> None:
        self.color = color
        self.description = description
        if self._parts is not None:
            self._parts.header.set_looks(color, description)
            self._parts.strip.update()

    def show_usage(self, line: Sparkline | None) -> None:
        """The pool's busy hosts over 24 hours under its counts (None: nothing recorded)."""
        self.usage = line
        if self._parts is not None:
            self._parts.header.show_usage(line)

    def set_collapsed(self, collapsed: bool) -> None:
        if collapsed == self.collapsed:
            return
        self.collapsed = collapsed
        if self._model is not None:
            self._model.set_in_sight(self.in_sight and not collapsed)
        if self._parts is not None:
            if not collapsed:  # states changed unseen while it was folded
                self.refresh_counts()
            self._show_parts()
        self._apply_width()
        self.signals.collapsed_changed.emit(self, collapsed)

    def set_in_sight(self, in_sight: bool) -> None:
        """Whether the column is on screen; out of sight (or collapsed) its list waits. A
        column that comes into sight for the first time is made, its list caught up."""
        if in_sight == self.in_sight:
            return
        self.in_sight = in_sight
        if self._model is not None:
            self._model.set_in_sight(in_sight and not self.collapsed)
        if in_sight:
            if self._parts is None:
                self._build()
            else:  # polls changed states unseen: the header catches up with the list
                self.refresh_counts()

    def _show_parts(self) -> None:
        """The header and the list, or the strip when collapsed (the keyboard follows)."""
        if self._parts is None:
            return
        view, header, strip = self._parts
        if self.collapsed:
            show_instead(self, [strip], [header, view], strip)
        else:
            show_instead(self, [header, view], [strip], view)

    def schedule_counts(self, *_: object) -> None:
        """Many row signals in one update cost one recount, when the event loop is free."""
        if not self._counts_due:
            self._counts_due = True
            QTimer.singleShot(0, self.refresh_counts)

    def refresh_counts(self, *_: object) -> None:
        """Members, and how many of them are online and busy, from the merged farm."""
        self._counts_due = False
        if self._parts is None:
            return
        model = self.model
        counts = model.farm.counts(self.pool)
        noun = "machine" if self.pool is None else "host"
        text = counts_text(counts.total, counts.online, counts.busy, noun)
        shown = model.rowCount()
        if shown != counts.total:
            text += f"{COUNTS_SEPARATOR}{shown} shown"
        self._parts.header.counts_label.set_parts(text.split(COUNTS_SEPARATOR))
        if self.collapsed:
            self._parts.strip.update()


def _tab_target(start: QWidget, *, forward: bool) -> QWidget | None:
    """Where Tab (or Shift+Tab) goes from ``start``, counting the hidden frames of columns not
    made yet as the stops they are about to be."""
    window = start.window()
    widget: QWidget | None = start
    while True:
        assert widget is not None
        widget = widget.nextInFocusChain() if forward else widget.previousInFocusChain()
        if widget is None or widget is start:
            return None
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus or not widget.isEnabled():
            continue
        if isinstance(widget, PoolColumn) and not widget.is_built:
            return widget
        if widget.isVisibleTo(window) and widget.focusProxy() is None:
            return widget
