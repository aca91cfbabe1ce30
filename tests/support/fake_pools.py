"""The stand-in's native pools: ``set_pool``, ``add_pool``, ``delete`` and the pool counters.

Written from CGRU 3.4.1's sources (``server/renderaf.cpp`` ``actionSetPool``,
``server/poolsrv.cpp`` ``actionAddPool``/``actionDelete``/counters, ``libafanasy/pool.cpp``
``FilterName``) and checked against fixtures 06, 09 and 10: afserver applies an action to
every node its mask selects, one by one, and an error only sets the answer, so a refused
render does not stop the others and the LAST error is what the client reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tests.support.fake_nodes import (
    BUSY,
    NIMBY_ALL,
    NIMBY_OWNER,
    ONLINE,
    PAUSED,
    FarmNodes,
    Node,
    error_reply,
    info_reply,
    log_reply,
    make_pool,
    text_of,
)

ROOT_POOL = "/"
SICK, WOL_FALLING = 512, 32
DEFAULT_CAPACITY, DEFAULT_MAX_TASKS = 1100, 4  # CGRU's config_default.json
COUNTERS = (
    "pools_total",
    "renders_total",
    "renders_busy",
    "renders_ready",
    "renders_online",
    "renders_offline",
    "renders_nimby",
    "renders_paused",
    "renders_sick",
)


def filter_name(name: str) -> str:
    """afserver's ``Pool::FilterName``: every byte outside '0'..'z' becomes '_' (a UTF-8
    character of two bytes becomes two)."""
    return "".join(chr(b) if 0x30 <= b <= 0x7A else "_" for b in name.encode("utf-8"))


# -- renders -----------------------------------------------------------------------------


def set_pool(nodes: FarmNodes, renders: list[Node], operation: dict[str, Any]) -> Node:
    """``actionSetPool`` per render, in afserver's order of checks: busy, already there,
    no such pool."""
    pool = text_of(operation.get("name"))
    existing = {known["name"] for known in nodes.pools}
    answer = log_reply()
    for render in renders:
        name = render["name"]
        if int(render.get("st", 0)) & BUSY:
            answer = error_reply(f"Can't change pool. Render '{name}' is busy.")
        elif render.get("pool") == pool:
            answer = error_reply(f"Render '{name}' already in a poll '{pool}'.")
        elif pool not in existing:
            answer = error_reply(f"Pool '{pool}' does not exist.")
        else:
            nodes.replace("renders", render, {**render, "pool": pool})
    return answer


# -- pools -------------------------------------------------------------------------------


def pool_operation(nodes: FarmNodes, pools: list[Node], operation: dict[str, Any]) -> Node:
    kind = text_of(operation.get("type"))
    answer = log_reply()
    for pool in pools:
        if kind == "add_pool":
            answer = _add_pool(nodes, pool, operation) or answer
        elif kind == "delete":
            answer = _delete(nodes, pool) or answer
        else:
            return error_reply(f"Unknown operation: {kind}")
    return answer


def _add_pool(nodes: FarmNodes, parent: Node, operation: dict[str, Any]) -> Node:
    child = operation.get("name")
    if not isinstance(child, str):
        return error_reply("add_pool operation should have a new pools name string.")
    if not child:
        return error_reply("New pool name should not have a zero length.")
    parent_name = parent["name"]
    full_name = parent_name.rstrip("/") + "/" + filter_name(child)
    if any(pool["name"] == full_name for pool in nodes.pools):
        return error_reply(f"Pool '{parent_name}' already has a pool '{full_name}'")
    new_id = first_free_id(pool["id"] for pool in nodes.pools)
    nodes.pools.append(make_pool(full_name, new_id, parent_name))
    return info_reply(f"Pool '{full_name}' added to pool '{parent_name}'")


def first_free_id(taken: Iterable[int]) -> int:
    """afserver's containers give a new node the lowest free id (``AfContainer::add``)."""
    used = set(taken)
    return next(candidate for candidate in range(1, len(used) + 2) if candidate not in used)


def _delete(nodes: FarmNodes, pool: Node) -> Node | None:
    name = pool["name"]
    if name == ROOT_POOL:
        return error_reply("Can`t delete ROOT pool.")
    has_children = any(other.get("parent") == name for other in nodes.pools)
    has_renders = any(render.get("pool") == name for render in nodes.renders)
    if has_children or has_renders:
        return error_reply(f"Pool '{name}' has child pools/renders.")
    nodes.pools.remove(pool)
    return None


# -- counters ----------------------------------------------------------------------------


def with_counters(nodes: FarmNodes, pools: list[Node]) -> list[Node]:
    """The pools with their counters as afserver keeps them: each counts its whole subtree."""
    by_name = {pool["name"]: pool for pool in nodes.pools}
    own: dict[str, dict[str, int]] = {name: dict.fromkeys(COUNTERS, 0) for name in by_name}
    for render in nodes.renders:
        pool = render.get("pool", ROOT_POOL)
        if pool in own:
            _count_render(own[pool], render, _farm_limits(by_name, pool))
    totals = {name: dict(counts) for name, counts in own.items()}
    for name, pool in by_name.items():
        ancestor = pool.get("parent", "")
        while ancestor in totals:
            totals[ancestor]["pools_total"] += 1
            for key in COUNTERS[1:]:
                totals[ancestor][key] += own[name][key]
            ancestor = by_name[ancestor].get("parent", "")
    return [{**pool, **totals.get(pool["name"], {})} for pool in pools]


def _farm_limits(by_name: dict[str, Node], pool: str) -> tuple[int, int]:
    """A render's capacity and max tasks: the nearest pool that sets them, else defaults."""
    capacity = max_tasks = None
    while pool in by_name and (capacity is None or max_tasks is None):
        node = by_name[pool]
        capacity = node.get("capacity_host") if capacity is None else capacity
        max_tasks = node.get("max_tasks_host") if max_tasks is None else max_tasks
        pool = node.get("parent", "")
    return capacity or DEFAULT_CAPACITY, max_tasks or DEFAULT_MAX_TASKS


def _count_render(counts: dict[str, int], render: Node, limits: tuple[int, int]) -> None:
    st = int(render.get("st", 0))
    capacity, max_tasks = limits
    online = bool(st & ONLINE)
    counts["renders_total"] += 1
    counts["renders_busy"] += bool(st & BUSY)
    counts["renders_online"] += online
    counts["renders_offline"] += not online
    counts["renders_paused"] += bool(st & PAUSED)
    counts["renders_sick"] += bool(st & SICK)
    counts["renders_nimby"] += bool(st & (NIMBY_OWNER | NIMBY_ALL))
    counts["renders_ready"] += (  # RenderAf::isReady
        online
        and not st & (SICK | WOL_FALLING)
        and int(render.get("priority", 99)) > 0
        and int(render.get("capacity_used", 0)) < capacity
        and len(render.get("tasks", [])) < max_tasks
    )
