"""Moving renders between native pools: what to send, and what happened to each render.

afserver moves renders with one ``set_pool`` action whose mask selects them by name, and
applies it once per server cycle (about a second), so a move of any number of renders is
ONE action. afserver checks each render on its own: a busy one is refused, the others move,
and the answer names only the last render it refused. So the answer says little; reading
the renders back says what happened, and each render gets its own outcome and sentence.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pools.model import Host
from pools.native import (
    NativePoolNotFoundError,
    NativeTree,
    is_busy,
    names_text,
    ordered_unique,
)
from pools.native_paths import ROOT
from pools.wording import plural, sentence


class MoveStatus(enum.Enum):
    """What became of one render named in a move."""

    MOVED = "moved"
    ALREADY_THERE = "already there"
    BUSY = "busy"
    NOT_A_RENDER = "not a render"  # afserver has no render of that name
    GONE = "gone"  # it was a render when the move was planned, and is no more
    REFUSED = "refused"  # afserver kept it where it was, for another reason


ARRIVED = frozenset({MoveStatus.MOVED, MoveStatus.ALREADY_THERE})
# A few words for a card too narrow for the whole reason (which the tooltip keeps).
_SHORT_REASONS = {
    MoveStatus.BUSY: "busy",
    MoveStatus.NOT_A_RENDER: "not a render",
    MoveStatus.GONE: "gone from afserver",
    MoveStatus.REFUSED: "refused by afserver",
}


@dataclass(frozen=True)
class RenderOutcome:
    """One render of a move: where it was, what happened, and why in one sentence when it
    is not in the pool now."""

    name: str
    status: MoveStatus
    reason: str = ""
    came_from: str = ""  # its native pool before the move; '' when afserver had no such render

    @property
    def arrived(self) -> bool:
        return self.status in ARRIVED

    def notes(self, path: str) -> tuple[str, ...]:
        """Why it is not in ``path``, from the whole reason to a few words: a card shows the
        first that fits its width."""
        if self.arrived:
            return ()
        short = _SHORT_REASONS.get(self.status, self.status.value)
        return (self.reason, f"Not moved to '{path}': {short}.", f"Not moved: {short}.")


@dataclass(frozen=True)
class MovePlan:
    """What one move sends: ``send`` goes into the one action; ``settled`` already has its
    outcome (in the pool, or no render at all); ``came_from`` is each render's pool."""

    path: str
    asked: tuple[str, ...]
    send: tuple[str, ...]
    settled: Mapping[str, RenderOutcome]
    came_from: Mapping[str, str]


@dataclass(frozen=True)
class MoveResult:
    """Every render named, in the order named, and how many actions it took (0 or 1)."""

    path: str
    outcomes: tuple[RenderOutcome, ...]
    actions: int = 0
    refusal: str = ""  # afserver's error answer to the action, as it wrote it

    @property
    def all_arrived(self) -> bool:
        return all(outcome.arrived for outcome in self.outcomes)

    @property
    def moved(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.outcomes if o.status is MoveStatus.MOVED)

    @property
    def failed(self) -> tuple[RenderOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.arrived)

    def summary(self) -> str:
        """One sentence for a status line: how many moved, how many did not."""
        moved, failed = len(self.moved), len(self.failed)
        already = len(self.outcomes) - moved - failed
        parts = []
        if moved or not (already or failed):
            parts.append(f"Moved {plural(moved, 'render')} to '{self.path}'")
        if already:
            were = "was" if already == 1 else "were"
            parts.append(f"{plural(already, 'render')} {were} there already")
        if failed:
            names = names_text(o.name for o in self.failed)
            if parts:
                parts.append(f"{plural(failed, 'render')} did not move ({names})")
            else:  # not "Moved 0 renders …; 1 render did not move"
                parts.append(f"Nothing moved to '{self.path}' ({names})")
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."


def plan_move(tree: NativeTree, path: str, names: Iterable[str]) -> MovePlan:
    """Send every named render that is not in ``path`` yet; busy ones too, because afserver
    is the judge (a task may end before the action lands). Never more than was named."""
    if path not in tree:
        raise NativePoolNotFoundError(f"There is no native pool '{path}'.")
    asked = ordered_unique(names)
    settled: dict[str, RenderOutcome] = {}
    came_from: dict[str, str] = {}
    send: list[str] = []
    for name in asked:
        host = tree.renders.get(name)
        if host is None:
            settled[name] = RenderOutcome(
                name, MoveStatus.NOT_A_RENDER, f"There is no render named '{name}' on afserver."
            )
            continue
        came_from[name] = host.native_pool
        if host.native_pool == path:
            settled[name] = RenderOutcome(name, MoveStatus.ALREADY_THERE, came_from=path)
        else:
            send.append(name)
    return MovePlan(path, asked, tuple(send), settled, came_from)


def settle_move(
    plan: MovePlan,
    after: Mapping[str, Host],
    *,
    actions: int,
    refusal: str = "",
    pool_gone: bool = False,
) -> MoveResult:
    """The outcome of every render named, from the renders as read back after the action;
    ``pool_gone`` when the pool was no longer there afterwards (deleted meanwhile)."""
    outcomes = []
    for name in plan.asked:
        known = plan.settled.get(name)
        if known is None:
            known = _outcome(plan, name, after.get(name), refusal, pool_gone)
        outcomes.append(known)
    return MoveResult(plan.path, tuple(outcomes), actions, refusal)


def _outcome(
    plan: MovePlan, name: str, host: Host | None, refusal: str, pool_gone: bool
) -> RenderOutcome:
    came_from = plan.came_from.get(name, "")
    if host is None:
        return RenderOutcome(
            name, MoveStatus.GONE, f"Render '{name}' is no longer on afserver.", came_from
        )
    if host.native_pool == plan.path:
        return RenderOutcome(name, MoveStatus.MOVED, came_from=came_from)
    if is_busy(host):
        reason = (
            f"Render '{name}' is busy, and afserver does not move a render while it runs a task."
        )
        return RenderOutcome(name, MoveStatus.BUSY, reason, came_from)
    if pool_gone:
        reason = f"The native pool '{plan.path}' is no longer on afserver (deleted meanwhile)."
        return RenderOutcome(name, MoveStatus.REFUSED, reason, came_from)
    if refusal and not _names_another(refusal, name, plan.send):
        return RenderOutcome(name, MoveStatus.REFUSED, sentence(refusal), came_from)
    where = host.native_pool or "no pool"
    reason = f"afserver left render '{name}' in '{where}'."
    return RenderOutcome(name, MoveStatus.REFUSED, reason, came_from)


def _names_another(text: str, name: str, sent: Iterable[str]) -> bool:
    """afserver's answer is about another render when it quotes that render's name."""
    return f"'{name}'" not in text and any(f"'{other}'" in text for other in sent)


@dataclass(frozen=True)
class FromPoolPlan:
    """Making a native pool from one of ours: which members move, and which cannot.

    ``leaving`` pairs each render to move with the native pool (other than the root) it
    would leave: taking a render out of a pool someone made on purpose asks first.
    """

    pool: str
    path: str
    move: tuple[str, ...]
    already: tuple[str, ...]
    busy: tuple[str, ...]
    not_renders: tuple[str, ...]
    leaving: tuple[tuple[str, str], ...]

    @property
    def needs_consent(self) -> bool:
        return bool(self.leaving)


def plan_from_pool(
    tree: NativeTree, pool: str, hostnames: Iterable[str], path: str
) -> FromPoolPlan:
    """Every member that is a render and not busy moves to ``path`` (which may not exist
    yet); busy ones and machines afserver does not know are reported, not moved."""
    move: list[str] = []
    already: list[str] = []
    busy: list[str] = []
    not_renders: list[str] = []
    leaving: list[tuple[str, str]] = []
    for name in ordered_unique(hostnames):
        host = tree.renders.get(name)
        if host is None:
            not_renders.append(name)
        elif host.native_pool == path:
            already.append(name)
        elif is_busy(host):
            busy.append(name)
        else:
            move.append(name)
            if host.native_pool not in (ROOT, ""):
                leaving.append((name, host.native_pool))
    return FromPoolPlan(
        pool, path, tuple(move), tuple(already), tuple(busy), tuple(not_renders), tuple(leaving)
    )


def consent_question(plan: FromPoolPlan) -> str:
    """What to ask before renders leave native pools someone made on purpose (no full stop:
    the CLI and the board end it their own way)."""
    leaving = names_text(f"{name} (from {came_from})" for name, came_from in plan.leaving)
    count = plural(len(plan.leaving), "render")
    return f"{count} would leave another native pool for '{plan.path}': {leaving}"


def left_behind(plan: FromPoolPlan, again: str = "run the command again later") -> list[str]:
    """A sentence for the busy members, and one for those afserver does not know; ``again``
    says how to move the busy ones once they are idle."""
    sentences = []
    if plan.busy:
        sentences.append(
            f"Left where they are, busy: {names_text(plan.busy)} (afserver does not move a "
            f"render while it runs a task; {again})."
        )
    if plan.not_renders:
        sentences.append(f"Not renders on afserver, so not moved: {names_text(plan.not_renders)}.")
    return sentences


def from_pool_sentence(plan: FromPoolPlan, created: Iterable[str]) -> str:
    """``Created native pool '/lighting' for pool 'lighting'.`` (or ``Using``)."""
    verb = "Created" if plan.path in set(created) else "Using"
    return f"{verb} native pool '{plan.path}' for pool '{plan.pool}'."
