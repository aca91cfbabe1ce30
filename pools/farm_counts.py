"""The numbers in the column headers, kept up to date as hosts change rather than counted.

A poll changes a few dozen of 20,000 renders; counting the Farm column again after each one
would cost a pass over the whole farm. The farm tells this tally what changed instead, so a
header costs the same on any farm.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pools.model import HostState

ONLINE_STATES = frozenset({HostState.ONLINE, HostState.BUSY})
"""What the board calls online: afrender runs and afserver gives it work. A paused, sick or
nimby machine runs afrender too, but its card says paused, sick or nimby, and the column
counts and the "online" filter agree with the cards."""


@dataclass(frozen=True)
class HostCounts:
    """A column's numbers: its machines, how many are online (busy ones too), how many busy."""

    total: int
    online: int
    busy: int


def is_online(state: HostState) -> bool:
    # Identity tests: hashing an enum member runs Python code, and this runs once per host.
    return state is HostState.ONLINE or state is HostState.BUSY


class StateTally:
    """Online and busy hosts per column: ``None`` for the whole farm, else a pool's name."""

    def __init__(self) -> None:
        self._online: dict[str | None, int] = {}
        self._busy: dict[str | None, int] = {}

    def counts(self, column: str | None, total: int) -> HostCounts:
        return HostCounts(total, self._online.get(column, 0), self._busy.get(column, 0))

    def add(self, columns: Iterable[str | None], state: HostState, sign: int) -> None:
        """One host in ``state`` comes to (``sign`` 1) or leaves (-1) these columns."""
        busy = state is HostState.BUSY
        if not busy and state is not HostState.ONLINE:
            return
        for column in columns:
            self._online[column] = self._online.get(column, 0) + sign
            if busy:
                self._busy[column] = self._busy.get(column, 0) + sign

    def recount(self, column: str | None, states: Iterable[HostState]) -> None:
        """A column whose members changed: counted once, from its hosts' states."""
        online = busy = 0
        for state in states:
            if is_online(state):
                online += 1
                busy += state is HostState.BUSY
        self._online[column], self._busy[column] = online, busy

    def keep_only(self, columns: Iterable[str | None]) -> None:
        """Forget the columns of pools that are gone (or were renamed)."""
        wanted = set(columns)
        for tally in (self._online, self._busy):
            for column in [c for c in tally if c not in wanted]:
                del tally[column]
