"""afserver's native pools on the board: the tree from the farm's poll, drops and edits.

The farm's poller reads ``get pools`` with the renders (one poll loop); here, on the UI
thread, the pools and each render's place are kept, and every change is asked of the native
worker, which talks to afserver. A drop shows the renders where they were dropped at once;
afserver's answer, read back render by render, puts each refused one back where afserver
says it is, with the reason on its card.
"""

from __future__ import annotations

from PyQt5.QtCore import QObject, pyqtSignal

from manager.afserver_worker import AfserverPoller, PollResult
from manager.evented_farm import EventedFarm
from manager.native_worker import NativeWorker
from pools.farm import FarmChange
from pools.native import NativePool, NativeTree, created_sentence, delete_problem
from pools.native_members import NativeMembers
from pools.native_moves import (
    FromPoolPlan,
    MoveResult,
    consent_question,
    from_pool_sentence,
    left_behind,
)
from pools.native_paths import child_path, name_problem, path_problem, tree_order
from pools.wording import plural

POLLS_TO_CONFIRM = 2  # polls after afserver's answer until the farm is the only word again
AGAIN = "make the native pool from it again once they are idle"


class NativeSession(QObject):
    """The native pool tree and where each render shows; requests go to ``NativeWorker``."""

    supported_changed = pyqtSignal(bool)
    pools_changed = pyqtSignal()  # pools came, went, or their counters or settings changed
    members_changed = pyqtSignal(object)  # set of paths whose renders changed
    notes_changed = pyqtSignal(object)  # set of renders whose note came or went
    consent_needed = pyqtSignal(object, str)  # FromPoolPlan, the question
    message = pyqtSignal(str, str)  # level, one sentence
    # to the worker (queued: another thread)
    move_requested = pyqtSignal(str, list)
    create_requested = pyqtSignal(str)
    delete_requested = pyqtSignal(str)
    plan_requested = pyqtSignal(str, tuple, str)
    from_pool_requested = pyqtSignal(object)

    def __init__(
        self,
        evented: EventedFarm,
        poller: AfserverPoller,
        worker: NativeWorker,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.evented = evented
        self.farm = evented.farm
        self.members = NativeMembers()
        self.pools: dict[str, NativePool] = {}
        self.supported: bool | None = None  # None until the first poll says
        self.problem = ""
        self.notes: dict[str, tuple[tuple[str, ...], str]] = {}  # render -> notes, its pool then
        self._confirming: dict[str, int] = {}  # moved renders -> polls left to wait
        self.moves_under_way = 0
        evented.changed.connect(self._on_farm_changed)
        poller.polled.connect(self._on_poller_polled)
        for request, slot in (
            (self.move_requested, worker.move),
            (self.create_requested, worker.create),
            (self.delete_requested, worker.delete),
            (self.plan_requested, worker.plan_from_pool),
            (self.from_pool_requested, worker.from_pool),
        ):
            request.connect(slot)
        worker.moved.connect(self._on_worker_moved)
        worker.move_failed.connect(self._on_worker_move_failed)
        worker.created.connect(self._on_worker_created)
        worker.deleted.connect(self._on_worker_deleted)
        worker.planned.connect(self._on_worker_planned)
        worker.made_from_pool.connect(self._on_worker_made_from_pool)
        worker.failed.connect(lambda sentence: self.message.emit("error", sentence))

    def note(self, name: str) -> str:
        """Why a render is not where it was dropped ('' when nothing to say)."""
        return self.card_notes(name)[0] if name in self.notes else ""

    def card_notes(self, name: str) -> tuple[str, ...]:
        """The same, from the whole sentence to a few words (a card shows what fits)."""
        found = self.notes.get(name)
        return found[0] if found else ()

    # -- what afserver says --------------------------------------------------------------

    def _on_poller_polled(self, result: PollResult) -> None:
        if result.native is not None:
            self._set_supported(True, "")
            pools = {pool.path: pool for pool in sorted(result.native, key=_order)}
            if pools != self.pools:
                self.pools = pools
                self.pools_changed.emit()
        elif result.native_problem:
            self._set_supported(False, result.native_problem)
        self._confirm_moves()

    def _set_supported(self, supported: bool, problem: str) -> None:
        self.problem = problem
        if supported != self.supported:
            self.supported = supported
            self.supported_changed.emit(supported)

    def _on_farm_changed(self, change: FarmChange) -> None:
        names = change.hosts_added | change.hosts_removed | change.hosts_changed
        if not names:
            return
        touched = self.members.update(self.farm.hosts, names)
        if touched:
            self.members_changed.emit(touched)
        self._forget_notes(names)

    def _forget_notes(self, names: set[str]) -> None:
        """A note holds while the render stays where afserver kept it."""
        hosts = self.farm.hosts
        gone = {
            name
            for name in names & self.notes.keys()
            if (host := hosts.get(name)) is None or host.native_pool != self.notes[name][1]
        }
        for name in gone:
            del self.notes[name]
        if gone:
            self.notes_changed.emit(gone)

    def _confirm_moves(self) -> None:
        """Moved renders stay where they were dropped until a poll shows them there (or a
        few polls later, when afserver is the only word again)."""
        if not self._confirming:
            return
        agreeing = set(self.members.agreeing(self.farm.hosts))
        done = [n for n, left in self._confirming.items() if left <= 1 or n in agreeing]
        for name in list(self._confirming):
            self._confirming[name] -= 1
        for name in done:
            del self._confirming[name]
        self._settle(done)

    def _settle(self, names: list[str]) -> None:
        touched = self.members.settle(self.farm.hosts, names)
        if touched:
            self.members_changed.emit(touched)

    # -- drops ---------------------------------------------------------------------------

    def move(self, names: list[str], to_path: str) -> bool:
        """Renders dropped on ``to_path``: shown there at once, moved by one action."""
        if to_path not in self.pools:
            self.message.emit(
                "error", f"The native pool '{to_path}' is no longer on afserver; nothing moved."
            )
            return False
        names = [n for n in dict.fromkeys(names) if self.members.pool_of(n) != to_path]
        if not names:
            return False
        cleared = set(names) & self.notes.keys()
        for name in cleared:
            del self.notes[name]
        if cleared:
            self.notes_changed.emit(cleared)
        for name in names:
            self._confirming.pop(name, None)
        touched = self.members.expect(names, to_path)
        if touched:
            self.members_changed.emit(touched)
        self.moves_under_way += 1
        self.move_requested.emit(to_path, names)
        self.message.emit("info", f"Moving {plural(len(names), 'render')} to '{to_path}'…")
        return True

    def _on_worker_moved(self, result: MoveResult) -> None:
        self.moves_under_way -= 1
        failed = result.failed
        for outcome in failed:
            self.notes[outcome.name] = (outcome.notes(result.path), outcome.came_from)
        if failed:
            self.notes_changed.emit({outcome.name for outcome in failed})
        self._settle([outcome.name for outcome in failed])
        for name in (o.name for o in result.outcomes if o.arrived):
            self._confirming[name] = POLLS_TO_CONFIRM
        if failed:
            self.message.emit("warning", f"{result.summary()} {failed[0].reason}")
        else:
            self.message.emit("info", result.summary())

    def _on_worker_move_failed(self, path: str, names: list[str], sentence: str) -> None:
        self.moves_under_way -= 1
        self._settle(names)
        self.message.emit("error", sentence)

    # -- pools ---------------------------------------------------------------------------

    def create_child(self, parent: str, name: str) -> bool:
        problem = name_problem(name) or path_problem(parent)
        if problem:
            self.message.emit("error", problem)
            return False
        self.create_requested.emit(child_path(parent, name))
        return True

    def delete(self, path: str) -> None:
        self.delete_requested.emit(path)

    def delete_problem(self, path: str) -> str:
        """Why afserver would refuse to delete ``path`` as the board knows the tree, or ''."""
        renders = (host for host in self.farm.hosts.values() if "afserver" in host.sources)
        return delete_problem(NativeTree(self.pools.values(), renders), path)

    def _on_worker_created(self, path: str, created: tuple[str, ...]) -> None:
        self.message.emit("info", created_sentence(path, created))

    def _on_worker_deleted(self, path: str) -> None:
        self.message.emit("info", f"Deleted native pool '{path}'.")

    # -- one of our pools made native ----------------------------------------------------

    def make_from_pool(self, pool: str, path: str) -> None:
        """Ask afserver's tree what would move; ``consent_needed`` when renders would leave
        another native pool, else it goes ahead."""
        found = self.farm.pools.get(pool)
        if found is None:
            self.message.emit("error", f"The pool '{pool}' is gone; nothing was changed.")
            return
        self.plan_requested.emit(found.name, tuple(found.hostnames), path)

    def from_pool(self, plan: FromPoolPlan) -> None:
        self.from_pool_requested.emit(plan)

    def _on_worker_planned(self, plan: FromPoolPlan) -> None:
        if plan.needs_consent:
            self.consent_needed.emit(plan, f"{consent_question(plan)}. Move them?")
        else:
            self.from_pool(plan)

    def _on_worker_made_from_pool(
        self, plan: FromPoolPlan, created: tuple[str, ...], result: MoveResult | None
    ) -> None:
        parts = [from_pool_sentence(plan, created)]
        if result is not None:
            parts.append(result.summary())
            parts += [outcome.reason for outcome in result.failed]
        parts += left_behind(plan, AGAIN)
        problems = (result is not None and not result.all_arrived) or plan.busy or plan.not_renders
        self.message.emit("warning" if problems else "info", " ".join(parts))


def _order(pool: NativePool) -> tuple[str, ...]:
    return tree_order(pool.path)
