"""Edits of pools as values, applied to the store, undone by applying their inverse.

Every board gesture becomes a step of one or more ``Edit`` values (a move is an add then a
remove: if the second fails, the host is in both pools, never in neither). Applying a step
returns what really changed and how to take it back; undo and redo are new steps through the
store, so they land in its history like any other change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from pools.errors import AfpoolsError, NothingChangedError
from pools.model import Pool
from pools.schedules import Window, schedule_window

Op = Literal[
    "add",
    "remove",
    "create",
    "delete",
    "rename",
    "describe",
    "recolor",
    "lend",
    "return",
    "schedule",
    "unschedule",
]


class PoolStore(Protocol):
    """What edits need of a store (``storage.store.PoolStore`` is one): the domain names the
    changes, the storage makes them."""

    def pool(self, name: str) -> Pool: ...
    def create(
        self, name: str, *, description: str = "", color: str = "", hosts: Iterable[str] = ()
    ) -> Pool: ...
    def delete(self, name: str) -> Pool: ...
    def rename(self, old: str, new: str) -> Pool: ...
    def set_description(self, name: str, description: str) -> Pool: ...
    def set_color(self, name: str, color: str) -> Pool: ...
    def add_hosts(self, name: str, hostnames: Iterable[str]) -> tuple[Pool, tuple[str, ...]]: ...
    def remove_hosts(self, name: str, hostnames: Iterable[str]) -> tuple[Pool, tuple[str, ...]]: ...
    def lend_hosts(
        self, lender: str, borrower: str, hostnames: Iterable[str], *, op: str = "lend"
    ) -> tuple[str, ...]: ...
    def add_schedule(
        self, name: str, hosts: Iterable[str], window: Window | None
    ) -> tuple[Pool, tuple[str, ...]]: ...
    def remove_schedule(
        self, name: str, hosts: Iterable[str], *, when: str | None = None
    ) -> tuple[Pool, tuple[str, ...]]: ...


@dataclass(frozen=True)
class Edit:
    op: Op
    pool: str
    hosts: tuple[str, ...] = ()
    value: str = ""  # the new name, description or colour; the lender of a loan (and of its
    # return); the schedule's text ("20:00-07:00 mon-fri", "while the user is away")
    description: str = ""  # for create: a whole pool comes back with its looks
    color: str = ""


@dataclass(frozen=True)
class Step:
    """One undoable gesture: the edits that were applied and the ones that take it back."""

    label: str
    applied: tuple[Edit, ...]
    inverse: tuple[Edit, ...]


def _add(store: PoolStore, edit: Edit) -> tuple[Edit, Edit]:
    _, added = store.add_hosts(edit.pool, edit.hosts)
    return Edit("add", edit.pool, added), Edit("remove", edit.pool, added)


def _remove(store: PoolStore, edit: Edit) -> tuple[Edit, Edit]:
    _, removed = store.remove_hosts(edit.pool, edit.hosts)
    return Edit("remove", edit.pool, removed), Edit("add", edit.pool, removed)


def _create(store: PoolStore, edit: Edit) -> tuple[Edit, Edit]:
    pool = store.create(edit.pool, description=edit.description, color=edit.color, hosts=edit.hosts)
    return Edit("create", pool.name, pool.hostnames), Edit("delete", pool.name)


def _delete(store: PoolStore, edit: Edit) -> tuple[Edit, Edit]:
    pool = store.delete(edit.pool)
    back = Edit("create", pool.name, pool.hostnames, description=pool.description, color=pool.color)
    return edit, back


def _rename(store: PoolStore, edit: Edit) -> tuple[Edit, Edit]:
    old = store.pool(edit.pool).name
    new = store.rename(old, edit.value).name
    return Edit("rename", old, value=new), Edit("rename", new, value=old)


def _describe(store: PoolStore, edit: Edit) -> tuple[Edit, Edit]:
    before = store.pool(edit.pool).description
    store.set_description(edit.pool, edit.value)
    return edit, Edit("describe", edit.pool, value=before)


def _recolor(store: PoolStore, edit: Edit) -> tuple[Edit, Edit]:
    before = store.pool(edit.pool).color
    store.set_color(edit.pool, edit.value)
    return edit, Edit("recolor", edit.pool, value=before)


def _lend(store: PoolStore, edit: Edit) -> tuple[Edit, Edit]:
    """A loan moves hosts from ``value`` to ``pool``; taking it back is a return."""
    moved = store.lend_hosts(edit.value, edit.pool, edit.hosts, op=edit.op)
    if not moved:
        raise NothingChangedError("No host was moved.")
    back: Op = "return" if edit.op == "lend" else "lend"
    return Edit(edit.op, edit.pool, moved, edit.value), Edit(back, edit.value, moved, edit.pool)


def _schedule(store: PoolStore, edit: Edit) -> tuple[Edit, Edit]:
    """Give members one more schedule; taking back removes exactly that one."""
    _, hosts = store.add_schedule(edit.pool, edit.hosts, schedule_window(edit.value))
    return Edit("schedule", edit.pool, hosts, edit.value), Edit(
        "unschedule", edit.pool, hosts, edit.value
    )


def _unschedule(store: PoolStore, edit: Edit) -> tuple[Edit, Edit]:
    """Take one schedule (``value``) of members away; taking back gives it again."""
    schedule_window(edit.value)  # a bad text is refused before anything is written
    _, hosts = store.remove_schedule(edit.pool, edit.hosts, when=edit.value)
    return Edit("unschedule", edit.pool, hosts, edit.value), Edit(
        "schedule", edit.pool, hosts, edit.value
    )


_APPLY: dict[str, Callable[[PoolStore, Edit], tuple[Edit, Edit]]] = {
    "add": _add,
    "remove": _remove,
    "create": _create,
    "delete": _delete,
    "rename": _rename,
    "describe": _describe,
    "recolor": _recolor,
    "lend": _lend,
    "return": _lend,
    "schedule": _schedule,
    "unschedule": _unschedule,
}


def apply_edit(store: PoolStore, edit: Edit) -> tuple[Edit, Edit] | None:
    """Apply one edit; returns (what was done, its inverse), or None if nothing changed."""
    try:
        return _APPLY[edit.op](store, edit)
    except NothingChangedError:
        return None


class StepPartlyAppliedError(AfpoolsError):
    """A step failed midway and could not be taken back: ``step`` is the part that stands."""

    def __init__(self, sentence: str, step: Step) -> None:
        super().__init__(sentence)
        self.step = step


def apply_step(store: PoolStore, label: str, edits: Sequence[Edit]) -> Step | None:
    """Apply edits in order; a failure stops the step and takes back what it had done.

    Returns None when no edit changed anything (nothing to undo). If the taking back fails
    too (the database went away in between), StepPartlyAppliedError carries what stands,
    so that it can still be undone later: nothing is ever changed without a way back.
    """
    applied: list[Edit] = []
    inverse: list[Edit] = []
    try:
        for edit in edits:
            result = apply_edit(store, edit)
            if result is not None:
                applied.append(result[0])
                inverse.insert(0, result[1])
    except Exception as error:
        for undone, undo in enumerate(inverse):
            try:
                apply_edit(store, undo)
            except Exception:
                stands = Step(
                    label, tuple(applied[: len(applied) - undone]), tuple(inverse[undone:])
                )
                raise StepPartlyAppliedError(
                    f"{error} Part of it was saved; Undo takes that part back.", stands
                ) from error
        raise
    if not applied:
        return None
    return Step(label, tuple(applied), tuple(inverse))


@dataclass
class UndoHistory:
    """Undo and redo stacks of steps; a new gesture clears what could be redone.

    Both stacks work alike: apply a step's ``inverse`` and push the resulting step onto the
    other stack.
    """

    limit: int = 200
    _undo: list[Step] = field(default_factory=list)
    _redo: list[Step] = field(default_factory=list)

    def record(self, step: Step) -> None:
        self._undo.append(step)
        del self._undo[: -self.limit]
        self._redo.clear()

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo_label(self) -> str:
        return self._undo[-1].label if self._undo else ""

    def redo_label(self) -> str:
        return self._redo[-1].label if self._redo else ""

    def take_undo(self) -> Step | None:
        return self._undo.pop() if self._undo else None

    def take_redo(self) -> Step | None:
        return self._redo.pop() if self._redo else None

    def undone(self, result: Step | None) -> None:
        """``result`` applied a step's inverse; applying its own inverse redoes the step."""
        if result is not None:
            self._redo.append(result)

    def redone(self, result: Step | None) -> None:
        if result is not None:
            self._undo.append(result)

    def give_back(self, step: Step, *, to_undo: bool) -> None:
        """An undo or redo failed: the step stays where it was."""
        (self._undo if to_undo else self._redo).append(step)
