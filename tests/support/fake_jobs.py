"""Jobs the stand-in keeps: a submission (``{"job": ...}`` as af.py sends it, fixture 11)
becomes a job in the list-mode shape of fixture 15.

What matters to afpools is copied from fixtures 15-17: a job that never set a type reports
"find", an empty mask is left out of the answer, blocks carry their own masks and no type.
"""

from __future__ import annotations

from typing import Any

from tests.support.fake_nodes import RECORDED_EPOCH, Node, job_state_text

JOB_READY, JOB_PAUSED, JOB_DONE = 1, 512, 16
MASK_KEYS = ("hosts_mask", "hosts_mask_exclude")


def job_from_submission(job: dict[str, Any], job_id: int, serial: int) -> Node:
    """The stored (list-mode) job for one submission."""
    st = JOB_READY | (JOB_PAUSED if job.get("offline") else 0)
    blocks = [_block(block, number, job_id) for number, block in enumerate(job.get("blocks", []))]
    node: Node = {"name": str(job.get("name", "job")), "id": job_id, "priority": 99}
    node.update(_masks(job))
    node.update(
        {
            "solve_method": "solve_order",
            "solve_need": "solve_tasksnum",
            "hosts_mask_type": str(job.get("hosts_mask_type") or "find"),
            "serial": serial,
            "user_name": str(job.get("user_name", "anna")),
            "host_name": str(job.get("host_name", "ws-anna")),
            "st": st,
            "state": job_state_text(st),
            "branch": "/srv",
            "user_list_order": 0,
            "time_creation": RECORDED_EPOCH,
            "tasks_ready": sum(block["tasks_num"] for block in blocks),
            "blocks": blocks,
        }
    )
    return node


def _masks(source: dict[str, Any]) -> Node:
    return {key: source[key] for key in MASK_KEYS if source.get(key)}


def _block(block: dict[str, Any], number: int, job_id: int) -> Node:
    first, last = int(block.get("frame_first", 1)), int(block.get("frame_last", 1))
    tasks = max(1, last - first + 1)
    node: Node = {
        "name": str(block.get("name", f"blk{number}")),
        "service": str(block.get("service", "generic")),
        "capacity": int(block.get("capacity", 1000)),
        "flags": int(block.get("flags", 1)),
        "tasks_num": tasks,
        "frame_first": first,
        "frame_last": last,
        "frames_per_task": 1,
        "frames_inc": 1,
    }
    node.update(_masks(block))
    node.update(
        {
            "block_num": number,
            "st": JOB_READY,
            "state": job_state_text(JOB_READY),
            "job_id": job_id,
            "p_tasks_ready": tasks,
            "p_progressbar": "r" * 128,
        }
    )
    return node


def token_job(
    name: str,
    hosts_mask: str = "",
    *,
    exclude: str = "",
    block_masks: tuple[str, ...] = ("",),
    hosts_mask_type: str = "",
    user: str = "anna",
) -> dict[str, Any]:
    """A submission as an artist's submitter makes one: masks typed, the type left alone."""
    job: dict[str, Any] = {"name": name, "user_name": user, "host_name": "ws-anna"}
    if hosts_mask:
        job["hosts_mask"] = hosts_mask
    if exclude:
        job["hosts_mask_exclude"] = exclude
    if hosts_mask_type:
        job["hosts_mask_type"] = hosts_mask_type
    job["blocks"] = [
        {"name": f"blk{i}", "frame_first": 1, "frame_last": 2, **({"hosts_mask": m} if m else {})}
        for i, m in enumerate(block_masks)
    ]
    return job
