"""One column's hosts as a Qt list model: the Farm (every machine) or one pool's members.

A thin adapter over ``pools.farm.Farm``: it keeps the sorted names this column shows (after
the shared filter), follows the farm's announced changes (``EventedFarm``) and takes from
each what concerns its column, with fine-grained row signals, so a poll keeps selection and
scroll position. A column out of sight (scrolled away or collapsed) only notes that it is
behind, and catches up when it comes into sight: a farm of 200 pools costs what the few
columns on screen cost. Drags carry hostnames under our own MIME type; a drop only asks for
the edit (``drop_requested``) — the store writes on a worker.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from PyQt5.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QObject,
    Qt,
    pyqtSignal,
)

from manager.evented_farm import EventedFarm
from pools.farm import FarmChange
from pools.model import Host
from pools.wording import cores_text, memory_text, state_text

MIME_TYPE = "application/x-afpools-hosts"
_USER = Qt.ItemDataRole.UserRole
HOST_ROLE = _USER + 1  # the merged Host
STALE_ROLE = _USER + 3  # afserver is unreachable: the state shown is the last known
WAKING_ROLE = _USER + 4  # a Wake-on-LAN packet went out, the machine is not up yet
NOTE_ROLE = _USER + 5  # what a card shows instead of its details (a refused move): sentences
# from the fullest to the shortest (the card shows the first that fits), or None
CARD_ROLE = _USER + 6  # all a card paints, in one call (Card)
HOST_FLAGS = (
    Qt.ItemFlags(Qt.ItemFlag.ItemIsEnabled)
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsDragEnabled
)
MOVE_OR_COPY = Qt.DropActions(Qt.DropAction.MoveAction) | Qt.DropAction.CopyAction


class Card(NamedTuple):
    """What one card paints: the roles above in one ``data()`` call (each call crosses from
    C++ to Python and back; five of them were a quarter of a card's paint)."""

    host: Host
    pools: tuple[str, ...]  # the pools it is in
    stale: bool
    waking: bool
    notes: tuple[str, ...]  # NOTE_ROLE's sentences, () for none


RESET_ABOVE = 64  # more separate row ranges than this: one reset is cheaper than the signals


@dataclass(frozen=True)
class DragPayload:
    """Names dragged out of a column and the column they come from, under a MIME type of
    their own (the pools view's hosts, a native view's renders), so a drag lands only
    where its kind belongs. Other programs get the names as plain text, one per line."""

    mime_type: str
    names_key: str
    origin_key: str

    def encode(self, names: Sequence[str], origin: str | None) -> QMimeData:
        data = QMimeData()
        payload = {self.names_key: list(names), self.origin_key: origin}
        data.setData(self.mime_type, json.dumps(payload).encode())
        data.setText("\n".join(names))
        return data

    def decode(self, data: QMimeData | None) -> tuple[list[str], str | None] | None:
        """The names and their origin (None: none was given); None if not this kind of drag."""
        if data is None or not data.hasFormat(self.mime_type):
            return None
        try:
            payload = json.loads(bytes(data.data(self.mime_type)).decode())
            listed = payload[self.names_key]
            if not isinstance(listed, list):  # a string is no list of names
                return None
            names = [str(name) for name in listed]
            origin = payload.get(self.origin_key)
        except (ValueError, KeyError, TypeError):
            return None
        return names, (str(origin) if origin is not None else None)


HOSTS_DRAG = DragPayload(MIME_TYPE, "hosts", "from_pool")


def encode_hosts(hosts: Sequence[str], from_pool: str | None) -> QMimeData:
    return HOSTS_DRAG.encode(hosts, from_pool)


def decode_hosts(data: QMimeData | None) -> tuple[list[str], str | None] | None:
    """The hosts of a drag and the pool they come from (None: the Farm); None if not ours."""
    return HOSTS_DRAG.decode(data)


def _ranges(indexes: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted indexes as (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for i in sorted(indexes):
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


class HostListModel(QAbstractListModel):
    """Hosts of the Farm column (``pool=None``) or of one pool, sorted, filtered."""

    drop_requested = pyqtSignal(list, object, object, bool)  # hosts, from_pool, to_pool, copy
    counts_changed = pyqtSignal()  # members came, went or changed state (shown or not)

    def __init__(
        self,
        source: EventedFarm,
        pool: str | None,
        parent: QObject | None = None,
        *,
        in_sight: bool = True,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self.farm = source.farm
        self.pool = pool
        self.stale = source.stale
        self.in_sight = in_sight
        self._behind = not in_sight  # the farm changed while out of sight: catch up
        self._members: set[str] = set()
        self._ordered: list[str] = []  # the members, sorted once per membership change
        self._rows: list[str] = []
        self._row_of_cache: dict[str, int] | None = {}
        if in_sight:
            self.set_members(self._farm_members())
        source.changed.connect(self._on_farm_changed)
        source.filtered.connect(self.refilter)
        source.stale_changed.connect(self.set_stale)

    # -- reading ------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        name = self._rows[index.row()]
        if role == CARD_ROLE:
            return self.card(name)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return name
        if role == HOST_ROLE:
            return self.farm.hosts.get(name)
        if role == STALE_ROLE:
            return self.stale
        if role == WAKING_ROLE:
            return name in self.farm.waking
        if role == NOTE_ROLE:
            return self.card_notes(name) or None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(name)
        return None

    def card(self, name: str) -> Card | None:
        host = self.farm.hosts.get(name)
        if host is None:
            return None
        farm = self.farm
        return Card(
            host, farm.pools_of(name), self.stale, name in farm.waking, self.card_notes(name)
        )

    def card_notes(self, name: str) -> tuple[str, ...]:
        """What a card says instead of its details; nothing, but in the native view."""
        return ()

    def _tooltip(self, name: str) -> str:
        host = self.farm.hosts.get(name)
        if host is None:
            return name
        lines = [f"<b>{name}</b> — {state_text(host)}{' (last known)' if self.stale else ''}"]
        if host.ip:
            lines.append(f"IP {host.ip}" + (f", MAC {host.mac}" if host.mac else ""))
        sizes = ", ".join(
            t for t in (cores_text(host.cpu_num), memory_text(host.mem_total_mb)) if t
        )
        if sizes:
            lines.append(sizes)
        if host.native_pool:
            lines.append(f"afserver pool {host.native_pool}")
        pools = self.farm.pools_of(name)
        lines.append("pools: " + (", ".join(pools) if pools else "none"))
        seen = ", ".join(sorted(host.sources))
        lines.append(f"seen by {seen}" if seen else "")
        return "<br>".join(line for line in lines if line)

    def name_at(self, row: int) -> str:
        return self._rows[row]

    def names(self) -> list[str]:
        return list(self._rows)

    def row_of(self, name: str) -> int | None:
        return self._row_of.get(name)

    @property
    def _row_of(self) -> dict[str, int]:
        """Row by name, made when first asked after the rows changed: a keystroke that
        changes 20,000 rows does not also index them before anyone asks."""
        if self._row_of_cache is None:
            self._row_of_cache = {n: i for i, n in enumerate(self._rows)}
        return self._row_of_cache

    def member_count(self) -> int:
        """The column's hosts, shown or not; right even while the column is out of sight."""
        return len(self.farm.hosts) if self.pool is None else len(self.farm.members(self.pool))

    # -- updates (fine-grained) ---------------------------------------------------------

    def detach(self) -> None:
        """Stop following the farm: the column is going away."""
        self._source.changed.disconnect(self._on_farm_changed)
        self._source.filtered.disconnect(self.refilter)
        self._source.stale_changed.disconnect(self.set_stale)

    def _farm_members(self) -> Iterable[str]:
        return self.farm.hosts if self.pool is None else self.farm.members(self.pool)

    def set_in_sight(self, in_sight: bool) -> None:
        """Out of sight, the column only notes that the farm changed; back in sight, it
        catches up with members, filter and states at once, before it is painted."""
        if in_sight == self.in_sight:
            return
        self.in_sight = in_sight
        if in_sight and self._behind:
            self._behind = False
            self.stale = self._source.stale
            self.set_members(self._farm_members())
            if self._rows:  # states may have changed meanwhile
                self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    def _on_farm_changed(self, change: FarmChange) -> None:
        """What of a farm change concerns this column: its pool's name and members, and the
        hosts among them that changed. Work in proportion to the change, not to the farm."""
        self.pool = change.pools_renamed.get(self.pool, self.pool) if self.pool else None
        if self.pool is None:
            membership = bool(change.hosts_added or change.hosts_removed)
        else:
            membership = self.pool in change.pools_added or self.pool in change.pools_changed
        if not self.in_sight:
            self._behind = True
            if membership:  # a collapsed column still shows how many hosts it has
                self.counts_changed.emit()
            return
        if membership:
            self.set_members(self._farm_members())
        mine = change.hosts_changed & self._members  # set & set walks the smaller one
        if mine:
            self.hosts_changed(mine)
        came_or_went = (change.hosts_added, change.hosts_removed)
        if membership or mine or any(not s.isdisjoint(self._members) for s in came_or_went):
            self.counts_changed.emit()

    def set_members(self, names: Iterable[str]) -> None:
        """The hosts this column holds; rows appear and vanish one range at a time."""
        members = set(names)
        if members != self._members:
            # The order so far is one sorted run: the sort merges the newcomers into it.
            kept = [n for n in self._ordered if n in members]
            self._ordered = self.farm.sorted_names([*kept, *(members - self._members)])
            self._members = members
        self._sync()

    def refilter(self) -> None:
        if self.in_sight:
            self._sync()
        else:
            self._behind = True

    def hosts_changed(self, names: Iterable[str]) -> None:
        """Hosts whose state, address or pools changed: repaint, or show/hide under a filter."""
        names = [n for n in names if n in self._members]
        if not names:
            return
        if self.farm.filter.active:
            self._show_and_hide(names)
        for first, last in _ranges(self._row_of[n] for n in names if n in self._row_of):
            self.dataChanged.emit(self.index(first), self.index(last))

    def set_stale(self, stale: bool) -> None:
        if stale == self.stale:
            return
        self.stale = stale
        if not self.in_sight:
            self._behind = True
        elif self._rows:
            last = self.index(len(self._rows) - 1)
            self.dataChanged.emit(self.index(0), last, [STALE_ROLE, CARD_ROLE])

    def _wanted(self) -> list[str]:
        """The members the filter shows, in order: a walk down the column, or when the filter
        shows few hosts, those few sorted."""
        shown = self.farm.shown
        if shown is None:
            return list(self._ordered)
        if 4 * len(shown) < len(self._ordered):
            return self.farm.sorted_names(shown & self._members)
        return [n for n in self._ordered if n in shown]

    def _sync(self) -> None:
        wanted = self._wanted()
        wanted_set = set(wanted)
        gone = [i for i, n in enumerate(self._rows) if n not in wanted_set]
        present = set(self._rows)
        new = [n for n in wanted if n not in present]
        self._change_rows(gone, new, lambda: wanted)

    def _show_and_hide(self, names: list[str]) -> None:
        """Members whose state changed under a filter: only they can come or go."""
        visible = self.farm.visible
        gone = sorted(self._row_of[n] for n in names if n in self._row_of and not visible(n))
        new = self.farm.sorted_names(n for n in names if n not in self._row_of and visible(n))
        self._change_rows(gone, new, self._wanted)

    def _change_rows(
        self, gone: list[int], new: list[str], wanted: Callable[[], list[str]]
    ) -> None:
        """Remove the rows ``gone`` (sorted) and insert the ``new`` names where they sort."""
        if not gone and not new:
            return
        emptying = len(gone) == len(self._rows) and not new
        if not self._rows or emptying:  # filling or emptying: one range, no reset
            self._replace_all([] if emptying else wanted())
            return
        if len(_ranges(gone)) + len(new) > RESET_ABOVE:
            self.beginResetModel()
            self._rows = wanted()
            self._reindex()
            self.endResetModel()
            return
        for first, last in reversed(_ranges(gone)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            self.endRemoveRows()
        sort_key = self.farm.sort_key
        for name in new:
            row = bisect.bisect_left(self._rows, sort_key(name), key=sort_key)
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.insert(row, name)
            self.endInsertRows()
        self._reindex()

    def _replace_all(self, wanted: list[str]) -> None:
        if self._rows:
            self.beginRemoveRows(QModelIndex(), 0, len(self._rows) - 1)
            self._rows = []
            self._reindex()
            self.endRemoveRows()
        if wanted:
            self.beginInsertRows(QModelIndex(), 0, len(wanted) - 1)
            self._rows = list(wanted)
            self._reindex()
            self.endInsertRows()

    def _reindex(self) -> None:
        self._row_of_cache = None

    # -- drag and drop ------------------------------------------------------------------

    def flags(self, index: QModelIndex) -> Qt.ItemFlags:
        if not index.isValid():
            return Qt.ItemFlags(Qt.ItemFlag.ItemIsDropEnabled)
        return HOST_FLAGS

    def supportedDragActions(self) -> Qt.DropActions:
        return MOVE_OR_COPY

    def supportedDropActions(self) -> Qt.DropActions:
        return MOVE_OR_COPY

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Iterable[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        return encode_hosts([self._rows[r] for r in rows], self.pool)

    def canDropMimeData(
        self,
        data: QMimeData | None,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex,
    ) -> bool:
        decoded = decode_hosts(data)
        return decoded is not None and decoded[1] != self.pool

    def dropMimeData(
        self,
        data: QMimeData | None,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex,
    ) -> bool:
        """Ask for the edit and return: the rows change when the store says so.

        Nothing is removed from the source by Qt afterwards: this model has no removeRows.
        """
        decoded = decode_hosts(data)
        if decoded is None or action not in (Qt.DropAction.MoveAction, Qt.DropAction.CopyAction):
            return False
        hosts, from_pool = decoded
        if from_pool == self.pool:
            return False
        self.drop_requested.emit(hosts, from_pool, self.pool, action == Qt.DropAction.CopyAction)
        return True
