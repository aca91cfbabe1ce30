"""Renders, pools and a record of a model's row signals, for the model tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from PyQt5.QtCore import QAbstractItemModel, QModelIndex

from pools.model import Host, HostState, RenderFlags

ONLINE, BUSY = 1, 9  # afserver's st: on; on and running a task


def render(name: str, st: int = ONLINE, **more: object) -> Host:
    flags = RenderFlags(st)
    return Host(
        name,
        state=HostState.from_flags(flags),
        flags=flags,
        sources=frozenset({"afserver"}),
        **more,
    )  # type: ignore[arg-type]


def names(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-{i:03d}" for i in range(1, count + 1)]


@dataclass
class RowSignals:
    """What a model told its views, in order: ("inserted", first, last), ("removed", ...),
    ("changed", first, last) and ("reset",)."""

    seen: list[tuple[object, ...]] = field(default_factory=list)

    def follow(self, model: QAbstractItemModel) -> RowSignals:
        model.rowsInserted.connect(lambda _p, a, b: self.seen.append(("inserted", a, b)))
        model.rowsRemoved.connect(lambda _p, a, b: self.seen.append(("removed", a, b)))
        model.dataChanged.connect(lambda a, b, *_: self.seen.append(("changed", a.row(), b.row())))
        model.modelReset.connect(lambda: self.seen.append(("reset",)))
        return self

    def kinds(self) -> set[object]:
        return {entry[0] for entry in self.seen}

    def clear(self) -> None:
        self.seen.clear()


def rows(model: QAbstractItemModel) -> list[str]:
    return [model.data(model.index(r, 0, QModelIndex())) for r in range(model.rowCount())]
