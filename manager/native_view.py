"""The Native pools view: one column per afserver pool, in tree order, cards as on the board.

Each column is a header (the path as breadcrumbs, ``/cpu/`` dim and ``big`` bold; its own
renders and afserver's counters of its subtree; a tooltip with the pool's farm settings,
read-only) over the pools view's own list and card delegate. Parents come before their
children, so a subtree sits together in the row.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PyQt5.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer, pyqtSignal
from PyQt5.QtGui import QColor, QFont, QFontMetrics, QHelpEvent
from PyQt5.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QScrollArea,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from manager.column import set_column_width
from manager.column_parts import (
    COUNTS_SEPARATOR,
    CollapsedStrip,
    CountsLabel,
    show_instead,
    tool_button,
)
from manager.evented_farm import EventedFarm
from manager.host_card import HostCardDelegate
from manager.host_view import HostListView
from manager.native_model import NativeHostModel
from manager.native_session import NativeSession
from pools.farm_counts import StateTally
from pools.native import NativePool, settings_lines
from pools.native_paths import ROOT, leaf_name, parent_path
from pools.wording import counts_text, plural

ELLIPSIS = "…"


def breadcrumbs(path: str, fit: Callable[[str, str], tuple[str, str]] | None = None) -> str:
    """``/cpu/`` dim and ``big`` bold, as rich text; the root is ``/``. ``fit`` shortens the
    two parts to the room there is."""
    if path == ROOT:
        return "<b>/</b>"
    parent = parent_path(path)
    lead, leaf = ("/" if parent == ROOT else parent + "/"), leaf_name(path)
    if fit is not None:
        lead, leaf = fit(lead, leaf)
    lead, leaf = html.escape(lead, quote=False), html.escape(leaf, quote=False)
    return f"<span style='color:#7d878f'>{lead}</span><b>{leaf}</b>"


def fit_crumbs(
    lead: str, leaf: str, lead_metrics: QFontMetrics, leaf_metrics: QFontMetrics, width: int
) -> tuple[str, str]:
    """A deep path in a narrow header: the outer parents give way first, whole (``…/x/`` for
    ``/cpu/big/x/``), so the pool's own name stays whole; only a name wider than the header
    is shortened itself, in its middle. The header's tooltip has the whole path."""
    room = width - leaf_metrics.horizontalAdvance(leaf)
    parts = lead.strip("/").split("/")
    for shorter in [lead] + [f"{ELLIPSIS}/{'/'.join(parts[k:])}/" for k in range(1, len(parts))]:
        if lead_metrics.horizontalAdvance(shorter) <= room:
            return shorter, leaf
    least = ELLIPSIS + "/"
    rest = max(width - lead_metrics.horizontalAdvance(least), 0)
    if leaf_metrics.horizontalAdvance(leaf) <= rest:
        return least, leaf
    return least, leaf_metrics.elidedText(leaf, Qt.TextElideMode.ElideMiddle, rest)


def settings_tip(pool: NativePool, own: int) -> str:
    """A header's tooltip: the path, its counters and its farm settings (read-only)."""
    counts = pool.counters
    lines = [
        f"<b>{html.escape(pool.path, quote=False)}</b> — afserver's native pool",
        f"{plural(own, 'render')} of its own",
        f"with its subtree: {plural(counts.renders_total, 'render')}, "
        f"{counts.renders_online} online, {counts.renders_busy} busy, "
        f"{plural(counts.pools_total, 'pool')} below",
    ]
    settings = settings_lines(pool.settings)
    lines.append("<br><b>Farm settings</b> (read-only; AfWatch edits them):")
    lines += [f"• {html.escape(line, quote=False)}" for line in settings] or [
        "• none of its own (from its parent)"
    ]
    return "<br>".join(line for line in lines if line)


class NativeListView(HostListView):
    """The pools view's list, taking native drags from the other native columns."""

    def native_model(self) -> NativeHostModel:
        model = self.host_model()
        assert isinstance(model, NativeHostModel)
        return model

    def empty_hint(self) -> str:
        if self.native_model().member_count():
            return "No render matches the filter."
        return "No renders of its own. Drag renders here from another native pool."


class NativeColumn(QFrame):
    """One native pool: breadcrumbs, counts, fold and ⋮ over its renders' cards; folded, a
    strip with its name and count that still takes drops, as a pool's column does."""

    menu_requested = pyqtSignal(str, QPoint)  # path, where
    collapsed_changed = pyqtSignal(str, bool)  # path, whether folded now

    def __init__(
        self,
        model: NativeHostModel,
        delegate: HostCardDelegate,
        parent: QWidget | None = None,
        *,
        in_sight: bool,
        collapsed: bool = False,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.path = model.path
        self.pool: NativePool | None = None
        self.setObjectName("PoolColumn")  # looks as the pools view's columns do
        self.setProperty("native", True)
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Expanding)
        self.view = NativeListView(model, delegate, self)
        self.view.attach()
        self.collapsed = collapsed
        self.in_sight = in_sight  # whether its board shows; folded, its list waits anyway
        self.header = self._make_header()
        self.header.installEventFilter(self)  # its tooltip: the pool's farm settings
        self.title_label.installEventFilter(self)  # the path is fitted to its width
        self.strip = CollapsedStrip(model, self.path)  # whole: /cpu/big and /gpu/big differ
        self.strip.setToolTip(self.path)
        self.strip.expand_requested.connect(lambda: self.set_collapsed(False))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.strip, 1)
        self.header.setVisible(not collapsed)  # each in its place first: not a window of its own
        self.view.setVisible(not collapsed)
        self.strip.setVisible(collapsed)
        self._apply_width()
        self._counts_due = False
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self.schedule_counts)
        model.counts_changed.connect(self.schedule_counts)
        self.refresh_counts()

    def _make_header(self) -> QWidget:
        """The breadcrumbs, ⋮ and fold over the counts; hovering shows the pool's settings."""
        self.title_label = QLabel(breadcrumbs(self.path))
        self.title_label.setObjectName("ColumnTitle")
        self.title_label.setTextFormat(Qt.TextFormat.RichText)
        self.title_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.counts_label = CountsLabel()
        self.menu_button = tool_button("menu", "Native pool actions")
        self.menu_button.clicked.connect(
            lambda: self.menu_requested.emit(
                self.path, self.menu_button.mapToGlobal(QPoint(0, self.menu_button.height()))
            )
        )
        self.collapse_button = tool_button("collapse", "Collapse this column")
        self.collapse_button.clicked.connect(lambda: self.set_collapsed(True))
        header = QWidget()
        header.setObjectName("ColumnHeader")
        title_row = QHBoxLayout()
        title_row.setContentsMargins(0, 0, 0, 0)
        title_row.addWidget(self.title_label, 1)
        title_row.addWidget(self.menu_button)  # in the pools header's order
        title_row.addWidget(self.collapse_button)
        header_layout = QVBoxLayout(header)
        header_layout.setContentsMargins(8, 6, 6, 2)
        header_layout.setSpacing(1)
        header_layout.addLayout(title_row)
        header_layout.addWidget(self.counts_label)
        return header

    def set_pool(self, pool: NativePool) -> None:
        self.pool = pool
        self.schedule_counts()

    def set_in_sight(self, in_sight: bool) -> None:
        """Its board shows or hides; folded, its list waits either way."""
        self.in_sight = in_sight
        self.model.set_in_sight(in_sight and not self.collapsed)
        if in_sight:
            self.refresh_counts()

    def set_collapsed(self, collapsed: bool) -> None:
        if collapsed == self.collapsed:
            return
        self.collapsed = collapsed
        if collapsed:
            show_instead(self, [self.strip], [self.header, self.view], self.strip)
        else:
            show_instead(self, [self.header, self.view], [self.strip], self.view)
        self._apply_width()
        self.set_in_sight(self.in_sight)  # unfolded: the list catches up with the farm
        self.collapsed_changed.emit(self.path, collapsed)

    def _apply_width(self) -> None:
        set_column_width(self, collapsed=self.collapsed)

    def schedule_counts(self, *_: object) -> None:
        if not self._counts_due:
            self._counts_due = True
            QTimer.singleShot(0, self.refresh_counts)

    def refresh_counts(self) -> None:
        """Its own renders (as shown, moves under way included), and its subtree's; a
        column out of sight waits for its board to show (``NativeBoard.set_in_sight``)."""
        self._counts_due = False
        if not self.model.in_sight:
            if self.collapsed and self.in_sight:
                self.strip.update()  # its count: the members, read as it paints
            return
        hosts = self.model.farm.hosts
        members = self.model.native.members.members(self.path)
        tally = StateTally()  # the pools view's rule of what counts as online
        states = [hosts[n].state for n in members if n in hosts]
        tally.recount(None, states)
        counts = tally.counts(None, len(states))
        text = counts_text(counts.total, counts.online, counts.busy, "render")
        shown = self.model.rowCount()
        if shown != len(states):
            text += f"{COUNTS_SEPARATOR}{shown} shown"
        if self.pool is not None and self.pool.counters.pools_total:
            below = self.pool.counters
            text += (
                f"{COUNTS_SEPARATOR}subtree: {plural(below.renders_total, 'render')}, "
                f"{plural(below.pools_total, 'pool')}"
            )
        self.counts_label.set_parts(text.split(COUNTS_SEPARATOR))

    def discard(self) -> None:
        """The pool is gone from afserver: stop following the farm, and go, as a pool's
        column does (``PoolColumn.discard``)."""
        self.model.detach()
        self.hide()
        self.deleteLater()
        self.model.deleteLater()

    def fit_title(self) -> None:
        """The breadcrumbs shortened to the title's width, the pool's own name kept whole."""
        label = self.title_label
        width = label.contentsRect().width() - 2  # rich text's rounding
        if width <= 0:
            return
        lead_font = label.font()
        leaf_font = QFont(lead_font)
        leaf_font.setBold(True)
        lead_metrics, leaf_metrics = QFontMetrics(lead_font), QFontMetrics(leaf_font)
        label.setText(
            breadcrumbs(
                self.path,
                lambda lead, leaf: fit_crumbs(lead, leaf, lead_metrics, leaf_metrics, width),
            )
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.title_label and event.type() == QEvent.Type.Resize:
            self.fit_title()
        if watched is self.header and event.type() == QEvent.Type.ToolTip and self.pool:
            assert isinstance(event, QHelpEvent)
            tip = settings_tip(self.pool, self.model.member_count())
            QToolTip.showText(event.globalPos(), tip, self.header, QRect())
            return True
        return super().eventFilter(watched, event)


class NativeBoard(QWidget):
    """Every native pool's column side by side, in tree order, following the session."""

    menu_requested = pyqtSignal(str, QPoint)  # a column's ⋮: path, where
    host_menu_requested = pyqtSignal(object, QPoint)  # NativeListView, position in it
    column_collapsed = pyqtSignal(str, bool)  # path, whether folded now

    def __init__(
        self,
        source: EventedFarm,
        native: NativeSession,
        color_of: Callable[[str], QColor],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.source = source
        self.native = native
        self.delegate = HostCardDelegate(color_of)  # our pools' badges, as on the board
        self.columns: dict[str, NativeColumn] = {}
        self.folded: set[str] = set()  # paths whose columns come folded (remembered)
        self.in_sight = False  # whether the view shows: hidden, its columns wait
        self._built = False  # columns are made when the tab is first shown
        self.container = QWidget()
        self.container.setObjectName("BoardContainer")
        self.row = QHBoxLayout(self.container)
        self.row.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.row.setContentsMargins(6, 6, 6, 6)
        self.row.setSpacing(6)
        self.row.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(self.container)
        self.scroll_area.setWidgetResizable(True)
        # Lists scroll themselves; the row scrolls only when banners leave less height than
        # a header and a card need (else the headers slid out of sight, out of reach).
        self.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area, 1)
        native.pools_changed.connect(self._on_native_pools_changed)
        self._on_native_pools_changed()

    def order(self) -> list[str]:
        return list(self.columns)

    def set_in_sight(self, in_sight: bool) -> None:
        """Shown or hidden with its tab: while hidden, its lists do not follow the farm, and
        until first shown it has no columns at all (a board that never opens the tab does
        not pay for them)."""
        self.in_sight = in_sight
        if in_sight and not self._built:
            self._built = True
            self._on_native_pools_changed()
        for column in self.columns.values():
            column.set_in_sight(in_sight)

    def _on_native_pools_changed(self) -> None:
        """Columns for new pools in their tree place, gone ones removed, headers updated."""
        if not self._built:
            return
        pools = self.native.pools
        for path in [p for p in self.columns if p not in pools]:
            self._remove(path)
        for index, (path, pool) in enumerate(pools.items()):
            column = self.columns.get(path) or self._add(path)
            column.set_pool(pool)
            if self.row.indexOf(column) != index:
                self.row.removeWidget(column)
                self.row.insertWidget(index, column)
        self.columns = {path: self.columns[path] for path in pools}

    def _add(self, path: str) -> NativeColumn:
        folded = path in self.folded
        model = NativeHostModel(
            self.source, self.native, path, self, in_sight=self.in_sight and not folded
        )
        model.renders_dropped.connect(self._on_model_renders_dropped)
        column = NativeColumn(
            model, self.delegate, self.container, in_sight=self.in_sight, collapsed=folded
        )
        column.menu_requested.connect(self.menu_requested)
        column.collapsed_changed.connect(self._on_column_collapsed_changed)
        view = column.view
        view.customContextMenuRequested.connect(
            lambda pos, v=view: self.host_menu_requested.emit(v, pos)
        )
        self.columns[path] = column
        self.row.insertWidget(self.row.count() - 1, column)
        return column

    def _on_column_collapsed_changed(self, path: str, collapsed: bool) -> None:
        (self.folded.add if collapsed else self.folded.discard)(path)
        self.column_collapsed.emit(path, collapsed)

    def _on_model_renders_dropped(self, names: list[str], path: str) -> None:
        self.native.move(names, path)

    def _remove(self, path: str) -> None:
        column = self.columns.pop(path)
        self.row.removeWidget(column)
        column.discard()

    def scroll_to(self, path: str) -> None:
        column = self.columns.get(path)
        if column is not None:
            self.scroll_area.ensureWidgetVisible(column, 20, 0)
