"""Afanasy's native pools as afpools sees them: the tree, and what a move or a delete does.

Native pools (CGRU 3.0+) are afserver's own: a tree (``/``, ``/gpu``, ``/cpu/big``) with
every render in exactly one. They are not our pools, which may overlap and hold machines
that are switched off. Nothing here talks to afserver: ``afserver.native`` reads the tree
and sends the actions; the decisions (what blocks a delete here, what a move sends and what
became of each render in ``native_moves``) are plain functions, so the board, the command
line and the service agree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pools.errors import AfpoolsError, PoolExistsError, PoolNotFoundError
from pools.model import Host, RenderFlags
from pools.native_paths import ROOT, tree_order
from pools.wording import noun_for

SHOWN_NAMES = 5  # renders named in a sentence before "and N more"


class NativePoolNotFoundError(PoolNotFoundError):
    """afserver has no native pool at that path."""


class NativePoolExistsError(PoolExistsError):
    """The native pool to create is already there."""


class NativeDeleteRefusedError(AfpoolsError):
    """afserver would refuse this delete: the root, or a pool that holds renders or pools."""


@dataclass(frozen=True)
class NativeCounters:
    """afserver's counters of a pool; every ``renders_*`` and ``pools_total`` counts the
    pool's whole subtree (the root counts the farm)."""

    renders_total: int = 0
    renders_online: int = 0
    renders_offline: int = 0
    renders_busy: int = 0
    renders_ready: int = 0
    renders_nimby: int = 0
    renders_paused: int = 0
    renders_sick: int = 0
    pools_total: int = 0
    run_tasks: int = 0
    run_capacity: int = 0


@dataclass(frozen=True)
class NativePool:
    """One native pool; ``renders`` are its own members (not its children's), by name.

    ``settings`` are the farm settings afserver reports for it (priority, capacity_host,
    max_tasks_host, services, ...), as afserver wrote them: afpools only shows them.
    """

    path: str
    pool_id: int | None = None
    parent: str = ""
    counters: NativeCounters = NativeCounters()
    state: str = ""
    settings: Mapping[str, object] = field(default_factory=dict)
    renders: tuple[str, ...] = ()

    @property
    def is_root(self) -> bool:
        return self.path == ROOT


class NativeTree:
    """Native pools parents first (siblings by name), and the renders that fill them."""

    def __init__(self, pools: Iterable[NativePool], renders: Iterable[Host]) -> None:
        self.renders: dict[str, Host] = {host.name: host for host in renders}
        members: dict[str, list[str]] = {}
        for host in self.renders.values():
            members.setdefault(host.native_pool, []).append(host.name)
        ordered = sorted(pools, key=lambda pool: tree_order(pool.path))
        self.pools: dict[str, NativePool] = {
            pool.path: _with_members(pool, members.pop(pool.path, ())) for pool in ordered
        }
        # Renders in a pool the pool list did not name (it changed between the two reads,
        # or afserver is odd): kept and shown, never silently dropped.
        self.unplaced: tuple[str, ...] = tuple(name for names in members.values() for name in names)

    def __contains__(self, path: object) -> bool:
        return path in self.pools

    def __len__(self) -> int:
        return len(self.pools)

    def pool(self, path: str) -> NativePool | None:
        return self.pools.get(path)

    def children(self, path: str) -> list[NativePool]:
        return [pool for pool in self.pools.values() if pool.parent == path]

    def pool_of(self, render: str) -> str:
        """The native pool a render is in; '' for a name afserver does not know."""
        host = self.renders.get(render)
        return host.native_pool if host is not None else ""


def _with_members(pool: NativePool, names: Iterable[str]) -> NativePool:
    return dataclasses.replace(pool, renders=tuple(names))


def is_busy(host: Host) -> bool:
    """afserver refuses to move a render while it runs a task."""
    return bool(host.flags & RenderFlags.BUSY)


def delete_problem(tree: NativeTree, path: str) -> str:
    """Why afserver would refuse to delete ``path`` (one sentence), or ''."""
    if path == ROOT:
        return "The root pool '/' cannot be deleted; afserver keeps it always."
    pool = tree.pool(path)
    if pool is None:
        return ""
    children = [child.path for child in tree.children(path)]
    parts = []
    if pool.renders:
        parts.append(f"{noun_for(len(pool.renders), 'render')} {names_text(pool.renders)}")
    if children:
        parts.append(f"{noun_for(len(children), 'pool')} {names_text(children)}")
    if not parts:
        return ""
    return (
        f"The native pool '{path}' still holds {' and '.join(parts)}; afserver deletes only "
        "empty pools."
    )


def names_text(names: Iterable[str]) -> str:
    """``a, b, c`` or ``a, b, c, d, e and 3 more``."""
    names = list(names)
    shown = ", ".join(names[:SHOWN_NAMES])
    more = len(names) - SHOWN_NAMES
    return f"{shown} and {more} more" if more > 0 else shown


def ordered_unique(names: Iterable[str]) -> tuple[str, ...]:
    """Names stripped, blanks and repeats dropped, first-seen order kept."""
    return tuple(dict.fromkeys(name.strip() for name in names if name.strip()))


def created_sentence(path: str, created: Iterable[str]) -> str:
    """``Created native pool '/cpu/big' and its parent '/cpu'.``"""
    parents = [level for level in created if level != path]
    if not parents:
        return f"Created native pool '{path}'."
    listed = ", ".join(f"'{level}'" for level in parents)
    return f"Created native pool '{path}' and its {noun_for(len(parents), 'parent')} {listed}."


# The farm settings an admin looks for first, in this order, with their words; any other
# setting afserver reports follows under its own key.
SETTING_LABELS = (
    ("priority", "priority"),
    ("capacity_host", "capacity per host"),
    ("max_tasks_host", "max tasks per host"),
    ("services", "services"),
    ("services_disabled", "services disabled"),
    ("power_host", "power per host"),
    ("properties_host", "properties per host"),
    ("new_nimby", "new renders start in NIMBY"),
    ("new_paused", "new renders start paused"),
    ("annotation", "annotation"),
)
_NOT_SHOWN = frozenset({"running_services"})


def settings_lines(settings: Mapping[str, object]) -> list[str]:
    """A pool's farm settings as lines of ``label: value``, the usual ones first; a setting
    the pool does not set itself is not listed (afserver takes it from the parent)."""
    known = dict(SETTING_LABELS)
    keys = [key for key, _ in SETTING_LABELS if key in settings]
    keys += sorted(key for key in settings if key not in known and key not in _NOT_SHOWN)
    return [f"{known.get(key, key)}: {_setting_text(settings[key])}" for key in keys]


def _setting_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return ", ".join(f"{key} {_setting_text(item)}" for key, item in value.items()) or "none"
    if isinstance(value, (list, tuple)):
        return ", ".join(_setting_text(item) for item in value) or "none"
    return str(value)
