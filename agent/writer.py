"""Send the writes of one pass, stage by stage, and read back what afserver now holds.

afserver applies actions once per cycle of its run thread and answers after it, so the
actions of one stage are sent side by side (a few connections at once): they land in the
same cycle instead of one cycle each. What an action did is only known by reading the jobs
again (afserver answers "Action processed." even to a mask it will not use). A job whose
stage did not land gets none of its later stages (they could widen it) and is retried by
the next pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from afserver.client import AfserverClient
from afserver.errors import AfserverRejectedError
from pools.job_actions import STAGES, JobAction, JobWrite, group
from pools.job_masks import JobShapeError, Masks, read_job

PARALLEL = 8  # actions in flight at once: they land in the same server cycle


@dataclass
class WriteReport:
    """The actions sent and the jobs whose masks did not read back as written."""

    actions: list[JobAction] = field(default_factory=list)
    not_taken: set[int] = field(default_factory=set)
    refusals: list[str] = field(default_factory=list)  # afserver's own error sentences


def send(
    client: AfserverClient, writes: Iterable[JobWrite], fence: Callable[[], None]
) -> WriteReport:
    """Send ``writes`` in stages; ``fence`` is called before each stage and raises when this
    agent may no longer write (its lease)."""
    report = WriteReport()
    pending = list(writes)
    for stage in STAGES:
        todo = [w for w in pending if w.stage == stage and w.job_id not in report.not_taken]
        if not todo:
            continue
        actions = group(todo)
        with ThreadPoolExecutor(min(PARALLEL, len(actions)), "afpools-agent-send") as pool:
            sent = [pool.submit(_send, client, action, fence) for action in actions]
            for action, future in zip(actions, sent, strict=True):
                refusal = future.result()  # our own errors (the fence, afserver down) go up
                if refusal:
                    report.refusals.append(refusal)
                report.actions.append(action)
        held = read_back(client, sorted({w.job_id for w in todo}))
        for write in todo:
            masks = held.get(write.job_id)
            if masks is None or not write.landed(masks):
                report.not_taken.add(write.job_id)
    return report


def _send(client: AfserverClient, action: JobAction, fence: Callable[[], None]) -> str:
    """One action; afserver's refusal comes back as its sentence, '' when it was taken."""
    fence()
    try:
        client.action(
            "jobs",
            ids=list(action.ids),
            block_ids=list(action.blocks) or None,
            params=action.params_dict(),
        )
    except AfserverRejectedError as error:
        return str(error)
    return ""


def read_back(client: AfserverClient, ids: list[int]) -> dict[int, Masks]:
    """The masks these jobs hold now (a job that is gone, or unreadable, is left out)."""
    held: dict[int, Masks] = {}
    for obj in client.job_masks(ids):
        try:
            view = read_job(obj)
        except JobShapeError:
            continue
        held[view.id] = view.masks
    return held
