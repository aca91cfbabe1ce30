"""afserver's answers to ``{"action": ...}``, checked in the order afserver 3.4.1 checks them.

Texts come from fixtures 07-13. Where the recordings say nothing (several failing renders in
one set_pool, an invalid action regex) the stand-in picks a plausible answer; where it does
not model something at all it says so in the error text, so a test cannot mistake it for
afserver's behaviour.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.support.fake_nodes import (
    BUSY,
    JOB_PAUSED,
    NIMBY_ALL,
    NIMBY_OWNER,
    PAUSED,
    FarmNodes,
    Node,
    error_reply,
    info_reply,
    int_list,
    log_reply,
    make_pool,
    text_of,
    with_job_st,
    with_render_st,
)

CONTAINER_NAMES = {"jobs": "Jobs", "renders": "Renders", "pools": "Pools"}
UNMODELLED_TYPES = frozenset({"users", "branches", "monitors"})
ROOT_POOL = "/"


def run_action(nodes: FarmNodes, action: object) -> Node:
    """Apply one action to ``nodes`` and return afserver's reply object."""
    if not isinstance(action, dict):
        return error_reply("JSON action is not an object.")
    ids = int_list(action.get("ids"))
    mask = text_of(action.get("mask"))
    type_ = text_of(action.get("type"))
    problem = _first_problem(action, type_, has_target=bool(ids or mask))
    if problem:
        return error_reply(problem)
    selected = _select(nodes, type_, ids, mask)
    if isinstance(selected, str):
        return error_reply(selected)
    operation = action.get("operation")
    if isinstance(operation, dict):
        return _OPERATIONS[type_](nodes, selected, operation)
    params = action.get("params")
    if isinstance(params, dict):
        if type_ == "jobs" and "block_ids" in action:
            _set_block_params(nodes, selected, action["block_ids"], params)
        else:
            _PARAMS[type_](nodes, selected, params)
    return log_reply()


def _first_problem(action: dict[str, Any], type_: str, *, has_target: bool) -> str:
    checks = (
        (not has_target, "JSON action should have nodes ids or mask to operate with."),
        (not type_, "JSON action type is not set."),
        (
            not text_of(action.get("user_name")),
            'Action should have a not empty "user_name" string.',
        ),
        (
            not text_of(action.get("host_name")),
            'Action should have a not empty "host_name" string.',
        ),
        (type_ in UNMODELLED_TYPES, f"The fake afserver does not model '{type_}' actions."),
        (type_ not in CONTAINER_NAMES, f"Action has unknown type: '{type_}'"),
    )
    return next((text for failed, text in checks if failed), "")


def _select(nodes: FarmNodes, type_: str, ids: list[int], mask: str) -> list[Node] | str:
    """Nodes by id, or by a whole-name regex (Python's ``re`` standing in for ECMAScript)."""
    candidates = nodes.of_type(type_)
    if ids:
        by_id = {node["id"]: node for node in candidates}
        chosen: list[Node] = []
        for node_id in ids:
            if node_id not in by_id:
                return f"Action node ID not found: {node_id}."
            chosen.append(by_id[node_id])
        return chosen
    try:
        pattern = re.compile(mask)
    except re.error:
        return f"{CONTAINER_NAMES[type_]}: Name pattern '{mask}' is invalid."
    chosen = [node for node in candidates if pattern.fullmatch(node["name"])]
    if not chosen:
        return f"{CONTAINER_NAMES[type_]}: No node matches '{mask}' found."
    return chosen


# -- params ------------------------------------------------------------------------------


def _is_mask_key(key: str) -> bool:
    return key.endswith(("_mask", "_mask_exclude", "_mask_global"))


def _with_params(node: Node, params: dict[str, Any]) -> Node:
    """Every param stored; an empty mask removes the key, as fixture 07f shows."""
    changed = dict(node)
    for key, value in params.items():
        if _is_mask_key(key) and value == "":
            changed.pop(key, None)
        else:
            changed[key] = value
    return changed


def _set_job_params(nodes: FarmNodes, jobs: list[Node], params: dict[str, Any]) -> None:
    """Store every param, except on the jobs told to ignore params (``nodes.deaf_jobs``):
    afserver answers "Action processed." and keeps its old masks when it cannot use one."""
    for job in jobs:
        if job["id"] not in nodes.deaf_jobs:
            nodes.replace("jobs", job, _with_params(job, params))


def _set_block_params(
    nodes: FarmNodes, jobs: list[Node], block_ids: object, params: dict[str, Any]
) -> None:
    """A jobs action with ``block_ids`` sets those blocks' params (fixtures 16, 16b); ``[-1]``
    means every block, an id past the last block is skipped (afserver logs it to the job)."""
    wanted = int_list(block_ids)
    for job in jobs:
        if job["id"] in nodes.deaf_jobs:
            continue
        blocks = [dict(block) for block in job.get("blocks", [])]
        numbers = range(len(blocks)) if wanted == [-1] else wanted
        for number in numbers:
            if 0 <= number < len(blocks):
                blocks[number] = _with_params(blocks[number], params)
        nodes.replace("jobs", job, {**job, "blocks": blocks})


def _set_render_params(nodes: FarmNodes, renders: list[Node], params: dict[str, Any]) -> None:
    """``paused``, ``nimby`` and ``NIMBY`` flip ``st`` bits; anything else is stored."""
    for render in renders:
        changed = dict(render)
        st = int(render.get("st", 0))
        for key, value in params.items():
            if key == "paused":
                st = st | PAUSED if value else st & ~PAUSED
            elif key == "nimby":
                st = (st | NIMBY_OWNER) & ~NIMBY_ALL if value else st & ~(NIMBY_OWNER | NIMBY_ALL)
            elif key == "NIMBY":
                st = (st | NIMBY_ALL) & ~NIMBY_OWNER if value else st & ~(NIMBY_OWNER | NIMBY_ALL)
            else:
                changed[key] = value
        nodes.replace("renders", render, with_render_st(changed, st))


def _set_pool_params(nodes: FarmNodes, pools: list[Node], params: dict[str, Any]) -> None:
    for pool in pools:
        nodes.replace("pools", pool, {**pool, **params})


# -- operations --------------------------------------------------------------------------


def _job_operation(nodes: FarmNodes, jobs: list[Node], operation: dict[str, Any]) -> Node:
    kind = text_of(operation.get("type"))
    if kind not in ("start", "pause"):
        return error_reply(f"Unknown operation: {kind}")
    for job in jobs:
        st = int(job.get("st", 0))
        st = st & ~JOB_PAUSED if kind == "start" else st | JOB_PAUSED
        nodes.replace("jobs", job, with_job_st(job, st))
    return log_reply()


def _render_operation(nodes: FarmNodes, renders: list[Node], operation: dict[str, Any]) -> Node:
    kind = text_of(operation.get("type"))
    if kind != "set_pool":
        return error_reply(f"Unknown operation: {kind}")
    pool = text_of(operation.get("name"))
    if pool not in {existing["name"] for existing in nodes.pools}:
        return error_reply(f"Pool '{pool}' does not exist.")
    first_error = ""
    for render in renders:
        problem = ""
        if int(render.get("st", 0)) & BUSY:
            problem = f"Can't change pool. Render '{render['name']}' is busy."
        elif render.get("pool") == pool:
            problem = f"Render '{render['name']}' already in a poll '{pool}'."
        if problem:
            first_error = first_error or problem
            continue
        nodes.replace("renders", render, {**render, "pool": pool})
    return error_reply(first_error) if first_error else log_reply()


def _pool_operation(nodes: FarmNodes, pools: list[Node], operation: dict[str, Any]) -> Node:
    kind = text_of(operation.get("type"))
    if kind == "add_pool":
        return _add_pools(nodes, pools, text_of(operation.get("name")))
    if kind == "delete":
        return _delete_pools(nodes, pools)
    return error_reply(f"Unknown operation: {kind}")


def _add_pools(nodes: FarmNodes, parents: list[Node], child: str) -> Node:
    reply = log_reply()
    for parent in parents:
        parent_name = parent["name"]
        full_name = parent_name.rstrip("/") + "/" + child
        if any(pool["name"] == full_name for pool in nodes.pools):
            return error_reply(f"Pool '{parent_name}' already has a pool '{full_name}'")
        new_id = max((pool["id"] for pool in nodes.pools), default=0) + 1
        nodes.pools.append(make_pool(full_name, new_id, parent_name))
        reply = info_reply(f"Pool '{full_name}' added to pool '{parent_name}'")
    return reply


def _delete_pools(nodes: FarmNodes, pools: list[Node]) -> Node:
    for pool in pools:
        name = pool["name"]
        if name == ROOT_POOL:
            return error_reply("Can`t delete ROOT pool.")
        has_children = any(other.get("parent") == name for other in nodes.pools)
        has_renders = any(render.get("pool") == name for render in nodes.renders)
        if has_children or has_renders:
            return error_reply(f"Pool '{name}' has child pools/renders.")
        nodes.pools.remove(pool)
    return log_reply()


_Operation = Callable[[FarmNodes, list[Node], dict[str, Any]], Node]
_Params = Callable[[FarmNodes, list[Node], dict[str, Any]], None]

_OPERATIONS: dict[str, _Operation] = {
    "jobs": _job_operation,
    "renders": _render_operation,
    "pools": _pool_operation,
}
_PARAMS: dict[str, _Params] = {
    "jobs": _set_job_params,
    "renders": _set_render_params,
    "pools": _set_pool_params,
}
