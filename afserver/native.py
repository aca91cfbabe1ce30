"""afserver's native pools (CGRU 3.0+): read the tree, create, delete, move renders.

Blocking, like ``AfserverClient``: every change is an action, and afserver applies actions
once per server cycle (about 1 s) and answers after applying, so call these from a worker
thread. Each change reads afserver first (the tree as it is, not as a board last saw it),
sends as few actions as it can (one per move, one per missing level of a path), and reads
back to confirm; refusals come back as one sentence.

Pools are chosen by an exact, escaped name mask, not by id: afserver gives a new pool the
first free id, so an id read a moment ago can name another pool once someone deleted and
created pools in between; a path cannot (fixtures 10a2, 10a3 show the mask form).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from afserver.client import AfserverClient
from afserver.errors import AfserverRejectedError
from afserver.renders import host_from_render, hosts_from_renders
from pools.errors import AfpoolsError
from pools.masks import include_mask
from pools.model import Host
from pools.native import (
    NativeCounters,
    NativeDeleteRefusedError,
    NativePool,
    NativePoolExistsError,
    NativePoolNotFoundError,
    NativeTree,
    delete_problem,
    ordered_unique,
)
from pools.native_moves import MoveResult, plan_move, settle_move
from pools.native_paths import ROOT, leaf_name, lineage, parent_path, parse_path
from pools.wording import sentence

# Keys of afserver's pool object that are not farm settings: identity, counters, run state.
_NOT_SETTINGS = frozenset(
    {"name", "id", "parent", "st", "state", "time_creation", "running_services"}
    | {"task_start_finish_time", "pools_num", "renders_num"}
    | {counter.name for counter in dataclasses.fields(NativeCounters)}
)
_NO_SUCH_POOL = "Pools: No node matches"


class NativePoolsUnsupportedError(AfpoolsError):
    """afserver answered ``get pools`` with an error: a server older than CGRU 3.0."""


class NativePoolRefusedError(AfpoolsError):
    """afserver refused a change to its pools; the sentence passes its reason on."""


def decode_pool(obj: Mapping[str, Any]) -> NativePool | None:
    """One pool of ``get pools``; None when it has no path (one odd pool must not hide the
    others)."""
    path = obj.get("name")
    if not isinstance(path, str) or not path.startswith(ROOT):
        return None
    counters = NativeCounters(
        **{c.name: _count(obj.get(c.name)) for c in dataclasses.fields(NativeCounters)}
    )
    parent = obj.get("parent")
    state = obj.get("state")
    return NativePool(
        path,
        pool_id=_id(obj.get("id")),
        parent=parent if isinstance(parent, str) else parent_path(path),
        counters=counters,
        state=state.strip() if isinstance(state, str) else "",
        settings={key: value for key, value in obj.items() if key not in _NOT_SETTINGS},
    )


def decode_pools(pools: Iterable[object]) -> list[NativePool]:
    """The pools of ``get pools`` that have a path."""
    decoded = (decode_pool(obj) for obj in pools if isinstance(obj, Mapping))
    return [pool for pool in decoded if pool is not None]


def decode_tree(
    pools: Iterable[Mapping[str, Any]], renders: Iterable[Mapping[str, Any]]
) -> NativeTree:
    """The tree from ``get pools`` and ``get renders``."""
    return NativeTree(decode_pools(pools), hosts_from_renders(renders))


class NativePools:
    """Native pools through one ``AfserverClient``; every method may take a few seconds."""

    def __init__(self, client: AfserverClient) -> None:
        self.client = client

    @property
    def address(self) -> str:
        return self.client.address

    def supported(self) -> bool:
        """Whether afserver knows native pools (``get pools`` answers a list)."""
        try:
            self._pool_list()
        except NativePoolsUnsupportedError:
            return False
        return True

    def pools(self) -> list[NativePool]:
        """The pools alone, with afserver's counters and settings (no renders read): what
        the board's poll adds to its read of the renders."""
        return decode_pools(self._pool_list())

    def tree(self, hosts: Iterable[Host] | None = None) -> NativeTree:
        """The tree with afserver's counters and each pool's renders; ``hosts`` saves
        reading and decoding the renders again when the caller has just done so."""
        pools = self.pools()
        return NativeTree(
            pools, hosts_from_renders(self.client.renders()) if hosts is None else hosts
        )

    # -- changes -------------------------------------------------------------------------

    def create(self, path: str) -> tuple[str, ...]:
        """Create ``path`` and every missing parent; returns the paths created, outermost
        first. An existing path is refused."""
        path = parse_path(path)
        tree = self.tree()
        if path in tree:
            raise NativePoolExistsError(
                f"The native pool '{path}' already exists on afserver at {self.address}."
            )
        return self._create_missing(tree, path)

    def ensure(self, path: str) -> tuple[str, ...]:
        """Like ``create``, but an existing path is fine (nothing is created)."""
        path = parse_path(path)
        tree = self.tree()
        return () if path in tree else self._create_missing(tree, path)

    def delete(self, path: str) -> None:
        """Delete an empty pool; a pool with renders or pools, and the root, are refused."""
        path = parse_path(path)
        tree = self.tree()
        if path != ROOT and path not in tree:
            raise self._not_found(path)
        problem = delete_problem(tree, path)
        if problem:
            raise NativeDeleteRefusedError(problem)
        try:
            self._pool_action(path, {"type": "delete"})
        except AfserverRejectedError as error:
            if error.server_text.startswith(_NO_SUCH_POOL):
                raise self._not_found(path, " any more") from None
            raise self._refused("delete", path, error) from None
        if path in self.tree():
            raise NativePoolRefusedError(
                f"afserver at {self.address} answered, but '{path}' is still there."
            )

    def move(self, path: str, renders: Iterable[str]) -> MoveResult:
        """Move renders to ``path`` in ONE action; the result says, per render named, whether
        it is there now (read back) and why not. Renders not named never move."""
        path = parse_path(path)
        names = ordered_unique(renders)
        if not names:
            raise AfpoolsError("Name at least one render to move.")
        tree = self.tree()
        if path not in tree:
            raise self._not_found(path)
        plan = plan_move(tree, path, names)
        if not plan.send:
            return settle_move(plan, {}, actions=0)
        refusal = ""
        try:
            self.client.action(
                "renders",
                mask=include_mask(plan.send),
                operation={"type": "set_pool", "name": path},
            )
        except AfserverRejectedError as error:
            refusal = error.server_text  # some may have moved all the same: read back
        ids = [tree.renders[name].render_id for name in plan.send]
        after = self._renders_now(plan.send, [i for i in ids if i is not None])
        stayed = any(host.native_pool != path for host in after.values())
        gone = bool(refusal) and stayed and not self._exists(path)
        return settle_move(plan, after, actions=1, refusal=refusal, pool_gone=gone)

    # -- plumbing ------------------------------------------------------------------------

    def _pool_list(self) -> list[dict[str, Any]]:
        try:
            return self.client.native_pools()
        except AfserverRejectedError as error:
            raise NativePoolsUnsupportedError(
                f"afserver at {self.address} has no native pools (CGRU 3.0 brought them); "
                f"it answers: {sentence(error.server_text)}"
            ) from None

    def _exists(self, path: str) -> bool:
        return any(pool.get("name") == path for pool in self._pool_list())

    def _create_missing(self, tree: NativeTree, path: str) -> tuple[str, ...]:
        """One ``add_pool`` per missing level, each on its parent with the child's name."""
        created: list[str] = []
        for level in lineage(path):
            if level in tree:
                continue
            parent = parent_path(level)
            try:
                self._pool_action(parent, {"type": "add_pool", "name": leaf_name(level)})
            except AfserverRejectedError as error:
                text = error.server_text
                if text == f"Pool '{parent}' already has a pool '{level}'":
                    continue  # someone else made it meanwhile: it is there, as asked
                if text.startswith(_NO_SUCH_POOL):
                    raise NativePoolNotFoundError(
                        f"The native pool '{parent}' is no longer on afserver at "
                        f"{self.address}, so '{level}' was not created."
                    ) from None
                raise self._refused("create", level, error) from None
            created.append(level)
        if path not in self.tree():
            raise NativePoolRefusedError(
                f"afserver at {self.address} answered, but there is no '{path}' afterwards."
            )
        return tuple(created)

    def _pool_action(self, path: str, operation: Mapping[str, Any]) -> str:
        return self.client.action("pools", mask=include_mask([path]), operation=operation)

    def _renders_now(self, names: Sequence[str], ids: Sequence[int]) -> dict[str, Host]:
        """The named renders as afserver has them now (by id: a few, not the whole farm)."""
        try:
            renders = self.client.renders(ids=ids)
        except AfserverRejectedError:  # "Invalid ID": the only render asked for is gone
            renders = []
        wanted = set(names)
        found = (host_from_render(render) for render in renders)
        return {host.name: host for host in found if host is not None and host.name in wanted}

    def _not_found(self, path: str, when: str = "") -> NativePoolNotFoundError:
        return NativePoolNotFoundError(
            f"There is no native pool '{path}' on afserver at {self.address}{when}."
        )

    def _refused(
        self, verb: str, path: str, error: AfserverRejectedError
    ) -> NativePoolRefusedError:
        return NativePoolRefusedError(
            f"afserver at {self.address} refused to {verb} '{path}': {sentence(error.server_text)}"
        )


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _id(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
