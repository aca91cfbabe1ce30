"""Changes to afserver's native pools, off the UI thread: each waits for a server cycle.

afserver applies an action once per cycle (about a second) and the core reads back what
happened, so a drop of 100 renders is one action and a few reads here, while the window
stays free. Reports only through signals; a refusal is one sentence.
"""

from __future__ import annotations

from PyQt5.QtCore import pyqtSignal, pyqtSlot

from afserver.client import AfserverClient
from afserver.native import NativePools
from manager.workers import Worker
from pools.native_moves import FromPoolPlan, plan_from_pool


class NativeWorker(Worker):
    """One ``NativePools`` on a client of its own; every slot runs in this worker's thread."""

    moved = pyqtSignal(object)  # MoveResult
    move_failed = pyqtSignal(str, list, str)  # path, renders, one sentence: nothing moved
    created = pyqtSignal(str, tuple)  # path asked for, the paths created
    deleted = pyqtSignal(str)
    planned = pyqtSignal(object)  # FromPoolPlan, for the board to ask about
    made_from_pool = pyqtSignal(object, tuple, object)  # FromPoolPlan, created, MoveResult|None

    def __init__(self, client: AfserverClient) -> None:
        super().__init__()
        self.native = NativePools(client)

    @pyqtSlot(str, list)
    def move(self, path: str, renders: list[str]) -> None:
        """One ``set_pool`` action for every render dropped; a sentence when none could."""
        result = self.guarded(
            lambda: self.native.move(path, renders),
            lambda sentence: self.move_failed.emit(path, renders, sentence),
        )
        if result is not None:
            self.moved.emit(result)

    @pyqtSlot(str)
    def create(self, path: str) -> None:
        created = self.guarded(lambda: self.native.create(path))
        if created is not None:
            self.created.emit(path, created)

    @pyqtSlot(str)
    def delete(self, path: str) -> None:
        def delete() -> bool:
            self.native.delete(path)
            return True

        if self.guarded(delete):
            self.deleted.emit(path)

    @pyqtSlot(str, tuple, str)
    def plan_from_pool(self, pool: str, hostnames: tuple[str, ...], path: str) -> None:
        """What making ``path`` from our pool would move, from afserver's tree as it is."""
        plan = self.guarded(lambda: plan_from_pool(self.native.tree(), pool, hostnames, path))
        if plan is not None:
            self.planned.emit(plan)

    @pyqtSlot(object)
    def from_pool(self, plan: FromPoolPlan) -> None:
        """Create the pool (and parents) and move the members the plan moves, in one action."""

        def make() -> None:
            created = self.native.ensure(plan.path)
            result = self.native.move(plan.path, plan.move) if plan.move else None
            self.made_from_pool.emit(plan, created, result)

        self.guarded(make)
