"""The plain ``Farm`` with Qt signals: every update goes through here and is announced once.

As napari's Qt models follow their evented lists, the board's models, columns and sessions
follow this object: each takes from a ``FarmChange`` what concerns it. ``pools.farm`` stays
plain Python; this is its only Qt face.
"""

from __future__ import annotations

from collections.abc import Iterable

from PyQt5.QtCore import QObject, pyqtSignal

from pools.farm import Farm, FarmChange, HostFilter
from pools.model import Host, KnownHost, Pool


class EventedFarm(QObject):
    """Owns a ``Farm``; read it through ``farm``, change it only through these methods."""

    changed = pyqtSignal(object)  # FarmChange, after the farm took it in
    filtered = pyqtSignal()  # the filter changed which hosts show
    stale_changed = pyqtSignal(bool)  # afserver is unreachable: states are the last known

    def __init__(self, farm: Farm | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.farm = farm if farm is not None else Farm()
        self.stale = False

    def apply_renders(self, changed: Iterable[Host], removed: Iterable[str] = ()) -> FarmChange:
        return self._announce(self.farm.apply_renders(changed, removed))

    def apply_store(self, pools: Iterable[Pool], known: Iterable[KnownHost]) -> FarmChange:
        return self._announce(self.farm.apply_store(pools, known))

    def set_filter(self, spec: HostFilter) -> bool:
        changed = self.farm.set_filter(spec)
        if changed:
            self.filtered.emit()
        return changed

    def set_stale(self, stale: bool) -> None:
        if stale != self.stale:
            self.stale = stale
            self.stale_changed.emit(stale)

    def set_waking(self, name: str, waking: bool) -> None:
        """A Wake-on-LAN packet went out to ``name`` (or it came up, or gave up)."""
        if waking == (name in self.farm.waking):
            return
        (self.farm.waking.add if waking else self.farm.waking.discard)(name)
        if name in self.farm.hosts:
            self._announce(FarmChange(hosts_changed={name}))

    def _announce(self, change: FarmChange) -> FarmChange:
        if change:
            self.changed.emit(change)
        return change
