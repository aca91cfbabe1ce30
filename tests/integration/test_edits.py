"""Board edits as steps through the real store: applied, undone, redone, never half-done."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from pools.edits import Edit, StepPartlyAppliedError, UndoHistory, apply_step
from pools.errors import PoolNotFoundError, StoreUnavailableError
from pools.model import Pool
from storage.store import PoolStore

pytestmark = pytest.mark.integration


def members(store: PoolStore) -> dict[str, tuple[str, ...]]:
    return {p.name: p.hostnames for p in store.pools()}


def test_a_move_and_its_undo_and_redo(store: PoolStore) -> None:
    store.create("a", hosts=["h1", "h2"])
    store.create("b")
    history = UndoHistory()
    move = [Edit("add", "b", ("h1",)), Edit("remove", "a", ("h1",))]

    step = apply_step(store, "move h1", move)
    assert step is not None
    history.record(step)
    moved = members(store)
    undo = history.take_undo()
    assert undo is not None
    history.undone(apply_step(store, undo.label, undo.inverse))
    undone = members(store)
    redo = history.take_redo()
    assert redo is not None
    history.redone(apply_step(store, redo.label, redo.inverse))

    assert moved == {"a": ("h2",), "b": ("h1",)}
    assert undone == {"a": ("h2", "h1"), "b": ()}
    assert members(store) == moved
    assert history.can_undo() and not history.can_redo()


def test_undoing_a_delete_brings_the_pool_back_with_its_looks(store: PoolStore) -> None:
    store.create("temp", description="for a week", color="#123456", hosts=["h1"])

    step = apply_step(store, "delete temp", [Edit("delete", "temp")])
    assert step is not None
    apply_step(store, step.label, step.inverse)

    back = store.pool("temp")
    assert (back.hostnames, back.description, back.color) == (("h1",), "for a week", "#123456")


def test_a_failing_second_edit_takes_the_first_back(store: PoolStore) -> None:
    store.create("a", hosts=["h1"])
    store.create("b")

    with pytest.raises(PoolNotFoundError):
        apply_step(store, "move", [Edit("add", "b", ("h1",)), Edit("remove", "ghost", ("h1",))])

    assert members(store) == {"a": ("h1",), "b": ()}


class RemovalsFail(PoolStore):
    """The database goes away after the first half of a move."""

    def remove_hosts(self, name: str, hostnames: Iterable[str]) -> tuple[Pool, tuple[str, ...]]:
        raise StoreUnavailableError("MongoDB at the test cannot be reached (gone).")


def test_when_taking_back_fails_too_the_standing_part_can_still_be_undone(
    store: PoolStore,
) -> None:
    store.create("a", hosts=["h1"])
    store.create("b")
    failing = RemovalsFail(store._db, user="tester")

    with pytest.raises(StepPartlyAppliedError) as caught:
        apply_step(failing, "move h1", [Edit("add", "b", ("h1",)), Edit("remove", "a", ("h1",))])

    assert "Part of it was saved" in str(caught.value)
    assert caught.value.step.applied == (Edit("add", "b", ("h1",)),)
    assert caught.value.step.inverse == (Edit("remove", "b", ("h1",)),)
    apply_step(store, "undo", caught.value.step.inverse)
    assert members(store) == {"a": ("h1",), "b": ()}


def test_a_new_edit_clears_what_could_be_redone(store: PoolStore) -> None:
    store.create("a")
    history = UndoHistory()
    for host in ("h1", "h2"):
        step = apply_step(store, f"add {host}", [Edit("add", "a", (host,))])
        assert step is not None
        history.record(step)
    undo = history.take_undo()
    assert undo is not None
    history.undone(apply_step(store, undo.label, undo.inverse))

    step = apply_step(store, "add h3", [Edit("add", "a", ("h3",))])
    assert step is not None
    history.record(step)

    assert not history.can_redo()
    assert history.undo_label() == "add h3"


def test_an_edit_that_changes_nothing_is_not_a_step(store: PoolStore) -> None:
    store.create("a", hosts=["h1"])

    assert apply_step(store, "add h1 again", [Edit("add", "a", ("h1",))]) is None
