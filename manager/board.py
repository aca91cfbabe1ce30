"""The board: the Farm column pinned on the left, pool columns side by side, scrolling.

Once the board shows, only the columns on screen follow the farm: the board tells each
column whether it is in sight whenever it scrolls, resizes or lays its columns out again,
so a farm of 200 pools costs a keystroke or a poll what the few visible columns cost. A
column that was never in sight is only its frame, keeping its place in the row, until it
is scrolled to (or moved into view, unfolded, made current, reached by Tab): its header and
list are made then. What the columns ask for (menus, the keyboard, folding) the board
passes on through one signal each, so a window listens once, whenever columns are made.
"""

from __future__ import annotations

from collections.abc import Iterable

from PyQt5.QtCore import QEvent, QObject, QPoint, Qt, pyqtSignal
from PyQt5.QtGui import QColor, QShowEvent
from PyQt5.QtWidgets import QHBoxLayout, QLabel, QLayout, QScrollArea, QWidget

from manager import theme
from manager.column import ColumnSignals, PoolColumn
from manager.evented_farm import EventedFarm
from manager.host_model import HostListModel
from pools.farm import FarmChange
from pools.model import in_creation_order


class Board(QWidget):
    """Columns by pool name, following the farm's pools as they come, go and change."""

    drop_requested = pyqtSignal(list, object, object, bool)  # hosts, from, to pool, copy
    column_added = pyqtSignal(object)  # PoolColumn
    column_collapsed = pyqtSignal(object, bool)  # PoolColumn, whether collapsed now
    pool_menu_requested = pyqtSignal(object, QPoint)  # PoolColumn, where (global)
    host_menu_requested = pyqtSignal(object, QPoint)  # HostListView, where in it
    column_renamed = pyqtSignal(str, str)  # old name, new name
    columns_changed = pyqtSignal()  # pools came, went or changed (after their columns did)
    order_changed = pyqtSignal(list)
    current_changed = pyqtSignal(object)  # the current pool's name, or None

    def __init__(self, source: EventedFarm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.farm = source.farm
        # Every column asks through these; the board listens once and passes them on.
        self.column_signals = signals = ColumnSignals(self)
        signals.drop_requested.connect(self.drop_requested)
        signals.collapsed_changed.connect(self.column_collapsed)
        signals.menu_requested.connect(self.pool_menu_requested)
        signals.host_menu_requested.connect(self.host_menu_requested)
        signals.focused.connect(self._on_column_focused)
        self.farm_column = PoolColumn(source, None, self.pool_color, signals)
        self.farm_model = self.farm_column.model
        self.columns: dict[str, PoolColumn] = {}
        self._order: list[str] = []
        self._current: str | None = None
        self._wanted: str | None = None  # made current once its column comes (a new pool)
        self._tracking = False  # whether columns follow the farm only in sight (once shown)
        self._adding = False  # columns are being added: their places are not known yet

        self.container = QWidget()
        self.container.setObjectName("BoardContainer")
        self.row = QHBoxLayout(self.container)
        # The scroll area honours an explicit minimum size: let the layout set it, so columns
        # never overlap and the board scrolls instead.
        self.row.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.row.setContentsMargins(4, 6, 6, 6)
        self.row.setSpacing(6)
        self.no_pools = QLabel(
            "No pools yet.\n\nNew pool… (Ctrl+N) creates one; then drag machines\n"
            "from the Farm column into it. Ctrl+drag copies, Del removes."
        )
        self.no_pools.setObjectName("NoPools")
        self.no_pools.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.row.addWidget(self.no_pools, 1)
        self.row.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(self.container)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        # Lists scroll themselves; the row scrolls only when banners leave less height than
        # a header and a card need (else the headers slid out of sight, out of reach).
        self.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.setSpacing(0)
        farm_holder = QWidget()
        farm_layout = QHBoxLayout(farm_holder)
        farm_layout.setContentsMargins(0, 6, 0, 6)
        farm_layout.addWidget(self.farm_column)
        layout.addWidget(farm_holder)
        layout.addWidget(self.scroll_area, 1)
        source.changed.connect(self._on_farm_changed)
        self.scroll_area.horizontalScrollBar().valueChanged.connect(self._update_sight)
        self.scroll_area.viewport().installEventFilter(self)
        self.container.installEventFilter(self)

    @property
    def current_pool(self) -> str | None:
        """The pool of the column that last had the keyboard (None: the Farm, or none)."""
        return self._current

    def set_current_pool(self, pool: str | None) -> None:
        """The pool the Pool menu acts on; its column scrolls into view (a new pool's column
        joins the end of the row, often past the edge of the window). A pool with no column
        yet (one just asked for) becomes current when its column comes; if the store refuses
        it, the current pool stays what it was."""
        if pool is not None and pool not in self.columns:
            self._wanted = pool
            return
        self._wanted = None
        if pool != self._current:
            self._current = pool
            self.current_changed.emit(pool)
        if pool is not None:
            self.scroll_to(pool)

    def _on_column_focused(self, column: PoolColumn) -> None:
        self.set_current_pool(column.pool)

    # -- what is in sight ---------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._tracking:  # until now every column followed the farm: it had no screen
            self._tracking = True
            self._update_sight()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The row was laid out again (a column came, went, moved, folded or unfolded: a
        # container's filter sees this after its layout placed the columns), or the
        # scrolled part of the row changed size.
        kind = event.type()
        if (watched is self.container and kind == QEvent.Type.LayoutRequest) or (
            watched is self.scroll_area.viewport() and kind == QEvent.Type.Resize
        ):
            self._update_sight()
        return super().eventFilter(watched, event)

    def _update_sight(self) -> None:
        """Which pool columns overlap the scrolled part of the row; the Farm column is
        pinned and always in sight. A column coming into sight catches up before it paints."""
        if not self._tracking or self._adding:
            return
        left = self.scroll_area.horizontalScrollBar().value()
        right = left + self.scroll_area.viewport().width()
        self.farm_column.set_in_sight(True)
        for column in self.columns.values():
            geometry = column.geometry()
            column.set_in_sight(geometry.right() >= left and geometry.left() < right)

    def pool_color(self, name: str) -> QColor:
        pool = self.farm.pools.get(name)
        return theme.pool_color(name, pool.color if pool else "")

    # -- columns ------------------------------------------------------------------------

    def _on_farm_changed(self, change: FarmChange) -> None:
        """Renamed columns keep their place and state; gone ones go; new ones join the end,
        oldest first (a first load lays out every pool in the order they were created)."""
        if not (change.pools_added or change.pools_removed or change.pools_changed):
            return
        for old, new in change.pools_renamed.items():
            self.rename_pool(old, new)
            self.column_renamed.emit(old, new)
            if self._current == old:
                self.set_current_pool(new)
        for name in sorted(change.pools_removed):
            self.remove_pool(name)
        added = in_creation_order(self.farm.pools[n] for n in change.pools_added)
        self._add_pools([pool.name for pool in added])
        for name in change.pools_added | change.pools_changed:
            pool = self.farm.pools[name]
            self.columns[name].set_pool_looks(self.pool_color(name), pool.description)
        if self._wanted is not None and self._wanted in self.columns:
            self.set_current_pool(self._wanted)
        if self._current is not None and self._current not in self.columns:
            self.set_current_pool(None)
        self.columns_changed.emit()

    def models(self) -> list[HostListModel]:
        """The models of the columns that have one (a column never in sight has none yet)."""
        return [c.model for c in self.all_columns() if c.has_model]

    def all_columns(self) -> list[PoolColumn]:
        return [self.farm_column, *(self.columns[n] for n in self._order)]

    def _add_pools(self, names: list[str]) -> None:
        """New columns, laid out at once; then it is known which are in sight."""
        if not names:
            return
        self._adding = True
        try:
            for name in names:
                self.add_pool(name)
        finally:
            self._adding = False
        self.row.activate()
        self._update_sight()

    def add_pool(self, name: str) -> PoolColumn:
        # On a board that shows, a new column is only a hidden frame that keeps its place
        # until it is known to be in sight: 200 columns' lists and headers are not made,
        # polished and laid out at the start, only the few on screen.
        column = PoolColumn(
            self.source,
            name,
            self.pool_color,
            self.column_signals,
            self.container,
            in_sight=not self._tracking,
        )
        self.columns[name] = column
        self._order.append(name)
        self.row.insertWidget(len(self._order) - 1, column)
        self.no_pools.hide()
        self.column_added.emit(column)
        return column

    def remove_pool(self, name: str) -> None:
        column = self.columns.pop(name, None)
        if column is None:
            return
        self._order.remove(name)
        self.row.removeWidget(column)
        self.no_pools.setVisible(not self.columns)
        column.discard()

    def rename_pool(self, old: str, new: str) -> None:
        column = self.columns.pop(old)
        self.columns[new] = column
        self._order[self._order.index(old)] = new
        column.rename(new)
        self.order_changed.emit(list(self._order))

    def order(self) -> list[str]:
        return list(self._order)

    def set_order(self, names: Iterable[str]) -> None:
        """Saved order first (names that still exist), then the rest as they are."""
        wanted = [n for n in dict.fromkeys(names) if n in self.columns]
        wanted += [n for n in self._order if n not in wanted]
        if wanted == self._order:
            return
        self._order = wanted
        for index, name in enumerate(wanted):
            self.row.removeWidget(self.columns[name])
            self.row.insertWidget(index, self.columns[name])
        self.row.activate()  # the columns in their new places: which are in sight now
        self._update_sight()
        self.order_changed.emit(list(self._order))

    def move_column(self, name: str, delta: int) -> None:
        if name not in self._order:
            return
        order = list(self._order)
        index = order.index(name)
        target = max(0, min(len(order) - 1, index + delta))
        order.insert(target, order.pop(index))
        self.set_order(order)

    def scroll_to(self, name: str) -> None:
        """Scroll the pool's column into view; it catches up with the farm as it comes."""
        column = self.columns.get(name)
        if column is not None:
            self.scroll_area.ensureWidgetVisible(column, 20, 0)
