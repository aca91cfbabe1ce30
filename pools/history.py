"""The history of pools: one record per change, as the store keeps and reads them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    """One history record: who changed what, with the values before and after."""

    seq: int
    ts: float
    user: str
    op: str
    pool: str
    hosts: tuple[str, ...]
    before: Any
    after: Any
    client: str = ""
    id: str = ""  # names the change in its pool document until it is recorded

    def describe(self) -> str:
        """One line for the history list."""
        hosts = ", ".join(self.hosts)
        before = self.before if isinstance(self.before, dict) else {}
        after = self.after if isinstance(self.after, dict) else {}
        return {
            "create": f"created pool '{self.pool}'",
            "delete": f"deleted pool '{self.pool}'",
            "rename": f"renamed pool '{before.get('name', '?')}' to '{self.pool}'",
            "describe": f"described pool '{self.pool}': {after.get('description', '')!r}",
            "recolor": f"coloured pool '{self.pool}' {after.get('color', '') or 'default'}",
            "add": f"added {hosts} to pool '{self.pool}'",
            "remove": f"removed {hosts} from pool '{self.pool}'",
            "rename-host": f"renamed host {' to '.join(self.hosts)} in pool '{self.pool}'",
            "outside": f"pool '{self.pool}' changed outside afpools{_difference(before, after)}",
            "lend": f"lent {hosts} of pool '{after.get('from', '?')}' to pool "
            f"'{after.get('to', '?')}' (a loan)",
            "return": f"returned {hosts}, lent to pool '{after.get('from', '?')}', to pool "
            f"'{after.get('to', '?')}'",
            "schedule": f"scheduled {hosts} in pool '{self.pool}': {after.get('when', '?')}",
            "unschedule": f"took the schedule{' ' + after['when'] if after.get('when') else ''} "
            f"of {hosts} in pool '{self.pool}' away",
            "boundary": _boundary(self.pool, before, after),
        }.get(self.op, f"{self.op} on pool '{self.pool}'")


def _names(value: Any) -> list[str]:
    return [name for name in value if isinstance(name, str)] if isinstance(value, list) else []


def _difference(before: dict[str, Any], after: dict[str, Any]) -> str:
    """': added a, b; removed c' for an outside change recorded with both member lists."""
    old, new = _names(before.get("hosts")), _names(after.get("hosts"))
    added = [h for h in new if h not in old]
    removed = [h for h in old if h not in new]
    parts = [f"added {', '.join(added)}"] * bool(added) + [f"removed {', '.join(removed)}"] * bool(
        removed
    )
    return ": " + "; ".join(parts) if parts else ""


def _boundary(pool: str, before: dict[str, Any], after: dict[str, Any]) -> str:
    """'ws-a joined pool 'night' on its schedule; ws-b left it'."""
    joined, left = _names(before.get("joined")), _names(after.get("left"))
    parts = [f"{', '.join(joined)} joined"] * bool(joined) + [f"{', '.join(left)} left"] * bool(
        left
    )
    return f"{' and '.join(parts) or 'no member moved'}: pool '{pool}' follows its schedules"
