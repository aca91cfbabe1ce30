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
from pools.job_actions import STAGES, JobAction, JobWrite, group, kept_off
from pools.job_masks import JobShapeError, JobView, read_job

PARALLEL = 8  # actions in flight at once: they land in the same server cycle


@dataclass
class WriteReport:
    """The actions sent and the jobs whose masks did not read back as written."""

    actions: list[JobAction] = field(default_factory=list)
    not_taken: set[int] = field(default_factory=set)
    strangers: set[int] = field(default_factory=set)  # ids another job took meanwhile
    refusals: list[str] = field(default_factory=list)  # afserver's own error sentences


def send(
    client: AfserverClient, writes: Iterable[JobWrite], fence: Callable[[], None]
) -> WriteReport:
    """Send ``writes`` in stages; ``fence`` is called before each stage and raises when this
    agent may no longer write (its lease)."""
    report = WriteReport()
    pending = list(writes)
    for stage in STAGES:
        stopped = report.not_taken | report.strangers
        todo = [w for w in pending if w.stage == stage and w.job_id not in stopped]
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
        strangers: dict[int, JobView] = {}
        for write in todo:
            view = held.get(write.job_id)
            if view is not None and view.serial != write.serial:
                report.strangers.add(write.job_id)  # the job was deleted: nothing to retry
                if write.landed(view.masks):
                    strangers[view.id] = view
            elif view is None or not write.landed(view.masks):
                report.not_taken.add(write.job_id)
        if strangers:
            _keep_off(client, strangers, fence, report)
    return report


def _keep_off(
    client: AfserverClient,
    strangers: dict[int, JobView],
    fence: Callable[[], None],
    report: WriteReport,
) -> None:
    """Jobs that came in under the id of a job being written, and got its masks."""
    action = kept_off(strangers)
    refusal = _send(client, action, fence)
    report.actions.append(action)
    if refusal:
        report.refusals.append(refusal)
    report.refusals.extend(
        f"Job {view.id} ({view.name}) came in under the id of a job deleted as the agent "
        "wrote its masks, and got them; it is kept off every host until its hosts mask is "
        "set again."
        for view in strangers.values()
    )


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


def read_back(client: AfserverClient, ids: list[int]) -> dict[int, JobView]:
    """These jobs as they are now (a job that is gone, or unreadable, is left out)."""
    held: dict[int, JobView] = {}
    for obj in client.job_masks(ids):
        try:
            view = read_job(obj)
        except JobShapeError:
            continue
        held[view.id] = view
    return held
