"""What dropping hosts on a column of the board asks for: the rules, without Qt.

A drag carries hostnames and the column they come from (None: the Farm). Farm → pool adds;
pool → pool moves, or copies when Ctrl is held; pool → Farm removes from the pool they came
from. A drop on the column it came from, and a copy into the Farm, change nothing. A move is
an add then a remove (see ``pools.edits``): if the second fails, the hosts are in both pools,
never in neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pools.edits import Edit


@dataclass(frozen=True)
class Drop:
    """The edits one drop asks for, and the words to name it with."""

    verb: Literal["add", "move", "remove"]
    hosts: tuple[str, ...]
    from_pool: str | None
    to_pool: str | None
    edits: tuple[Edit, ...]

    def label(self, what: str) -> str:
        """The step's name in the undo history; ``what`` names the hosts ("gpu-01", "3 hosts")."""
        if self.verb == "add":
            return f"add {what} to {self.to_pool}"
        if self.verb == "remove":
            return f"remove {what} from {self.from_pool}"
        return f"move {what} from {self.from_pool} to {self.to_pool}"


def plan_drop(
    hosts: Sequence[str], from_pool: str | None, to_pool: str | None, *, copy: bool
) -> Drop | None:
    """The edits for hosts dragged from ``from_pool`` onto ``to_pool`` (None: the Farm), or
    None when the drop changes nothing."""
    names = tuple(hosts)
    if not names or from_pool == to_pool:
        return None
    if to_pool is None:
        if copy or from_pool is None:
            return None
        return Drop("remove", names, from_pool, None, (Edit("remove", from_pool, names),))
    add = Edit("add", to_pool, names)
    if from_pool is None or copy:
        return Drop("add", names, from_pool, to_pool, (add,))
    return Drop("move", names, from_pool, to_pool, (add, Edit("remove", from_pool, names)))
