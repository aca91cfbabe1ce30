"""afserver's answers to ``{"action": ...}``, checked in the order afserver 3.4.1 checks them.

Texts come from fixtures 07-13. Where the recordings say nothing (an invalid action regex)
the stand-in picks a plausible answer (native pools follow CGRU's sources: see
``fake_pools``); where it does
not model something at all it says so in the error text, so a test cannot mistake it for
afserver's behaviour.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any

from tests.support.fake_nodes import (
    JOB_PAUSED,
    NIMBY_ALL,
    NIMBY_OWNER,
    PAUSED,
    FarmNodes,
    Node,
    error_reply,
    int_list,
    log_reply,
    text_of,
    with_job_st,
    with_render_st,
)
from tests.support.fake_pools import pool_operation, set_pool

CONTAINER_NAMES = {"jobs": "Jobs", "renders": "Renders", "pools": "Pools"}
UNMODELLED_TYPES = frozenset({"users", "branches", "monitors"})


def run_action(nodes: FarmNodes, action: object) -> Node:
    """Apply one action to ``nodes`` and return afserver's reply object."""
    if not isinstance(action, dict):
        return error_reply("JSON action is not an object.")
    ids = int_list(action.get("ids"))
    mask = text_of(action.get("mask"))
    type_ = text_of(action.get("type"))
    # A server before CGRU 3.0 has no pools container.
    known = CONTAINER_NAMES if nodes.native_pools else CONTAINER_NAMES.keys() - {"pools"}
    problem = _first_problem(action, type_, known, has_target=bool(ids or mask))
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


def _first_problem(
    action: dict[str, Any], type_: str, known: Collection[str], *, has_target: bool
) -> str:
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
        (type_ not in known, f"Action has unknown type: '{type_}'"),
    )
    return next((text for failed, text in checks if failed), "")


def _select(nodes: FarmNodes, type_: str, ids: list[int], mask: str) -> list[Node] | str:
    """Nodes by id, or by a whole-name regex (Python's ``re`` standing in for ECMAScript)."""
    candidates = nodes.of_type(type_)
    if ids:
        by_id = {node["id"]: node for node in candidates if isinstance(node["id"], int)}
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
    if kind != "set_pool" or not nodes.native_pools:
        return error_reply(f"Unknown operation: {kind}")
    return set_pool(nodes, renders, operation)


_Operation = Callable[[FarmNodes, list[Node], dict[str, Any]], Node]
_Params = Callable[[FarmNodes, list[Node], dict[str, Any]], None]

_OPERATIONS: dict[str, _Operation] = {
    "jobs": _job_operation,
    "renders": _render_operation,
    "pools": pool_operation,
}
_PARAMS: dict[str, _Params] = {
    "jobs": _set_job_params,
    "renders": _set_render_params,
    "pools": _set_pool_params,
}
