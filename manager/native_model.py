"""One native pool's renders as a Qt list model, on the pools view's own model.

It is the pools view's ``HostListModel`` (same rows, same roles, same cards, the same
filter), with the members of a native pool instead of one of ours: ``NativeSession`` says
which renders a pool holds, and when that changes. Drags carry render names under a MIME
type of their own, so a native drop can never land on one of our pools, nor ours here; a
drop only asks the session for the move.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PyQt5.QtCore import QMimeData, QModelIndex, QObject, Qt, pyqtSignal

from manager.evented_farm import EventedFarm
from manager.host_model import DragPayload, HostListModel
from manager.native_session import NativeSession
from pools.farm import FarmChange

NATIVE_MIME_TYPE = "application/x-afpools-native-renders"


NATIVE_DRAG = DragPayload(NATIVE_MIME_TYPE, "renders", "from_path")


def decode_native_drag(data: QMimeData | None) -> tuple[list[str], str] | None:
    """The renders of a native drag and the pool they come from; None if not one."""
    decoded = NATIVE_DRAG.decode(data)
    if decoded is None or decoded[1] is None:
        return None
    return decoded[0], decoded[1]


class NativeHostModel(HostListModel):
    """The renders of one native pool, sorted and filtered as every column is."""

    renders_dropped = pyqtSignal(list, str)  # names, the path they were dropped on

    def __init__(
        self,
        source: EventedFarm,
        native: NativeSession,
        path: str,
        parent: QObject | None = None,
        *,
        in_sight: bool = True,
    ) -> None:
        self.path = path
        self.native = native
        super().__init__(source, None, parent, in_sight=in_sight)
        native.members_changed.connect(self._on_native_members_changed)
        native.notes_changed.connect(self._on_native_notes_changed)

    def detach(self) -> None:
        super().detach()
        self.native.members_changed.disconnect(self._on_native_members_changed)
        self.native.notes_changed.disconnect(self._on_native_notes_changed)

    def _farm_members(self) -> Iterable[str]:
        return self.native.members.members(self.path)

    def member_count(self) -> int:
        return len(self.native.members.members(self.path))

    def card_notes(self, name: str) -> tuple[str, ...]:
        return self.native.card_notes(name)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().data(index, role)
        if role == Qt.ItemDataRole.ToolTipRole and value:
            note = self.native.note(self.name_at(index.row()))
            if note:
                value = f"{value}<br><br><b>Not moved:</b> {note}"
        return value

    # -- following the session -----------------------------------------------------------

    def _on_farm_changed(self, change: FarmChange) -> None:
        """States and addresses; who is in the pool comes from the session."""
        if not self.in_sight:
            self._behind = True
            return
        mine = change.hosts_changed & self._members
        if mine:
            self.hosts_changed(mine)
            self.counts_changed.emit()

    def _on_native_members_changed(self, paths: set[str]) -> None:
        if self.path not in paths:
            return
        if self.in_sight:
            self.set_members(self._farm_members())
        else:
            self._behind = True
        self.counts_changed.emit()

    def _on_native_notes_changed(self, names: set[str]) -> None:
        if self.in_sight:
            self.hosts_changed(names)  # repaint those of this column
        else:
            self._behind = True

    # -- drag and drop -------------------------------------------------------------------

    def supportedDragActions(self) -> Qt.DropActions:
        return Qt.DropActions(Qt.DropAction.MoveAction)

    def supportedDropActions(self) -> Qt.DropActions:
        return Qt.DropActions(Qt.DropAction.MoveAction)

    def mimeTypes(self) -> list[str]:
        return [NATIVE_MIME_TYPE]

    def mimeData(self, indexes: Iterable[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        return NATIVE_DRAG.encode([self.name_at(r) for r in rows], self.path)

    def canDropMimeData(
        self,
        data: QMimeData | None,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex,
    ) -> bool:
        return self._incoming(data) is not None

    def dropMimeData(
        self,
        data: QMimeData | None,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex,
    ) -> bool:
        """Ask for the move and return: the session shows it, the worker makes it."""
        names = self._incoming(data)
        if names is None:
            return False
        self.renders_dropped.emit(names, self.path)
        return True

    def _incoming(self, data: QMimeData | None) -> list[str] | None:
        """The renders a drag would bring here; None if not a native drag or from this pool."""
        decoded = decode_native_drag(data)
        if decoded is None or decoded[1] == self.path:
            return None
        return decoded[0]
