"""The afserver actions that bring jobs to their target masks, as few as possible, safely.

An action costs about one server cycle, so jobs that get the same params share one action
(``ids``), and a mask that is already right is never sent. A job's own masks and its type are
set together in one action (afserver applies them at once); a block's masks go through the
jobs action with ``block_ids``, a separate action. Switching a job from "find" to "regex"
makes afserver read its blocks' masks as regexes at once, so the writes come in stages:

0. a block whose find masks might admit more hosts when read as regexes first gets an
   include mask that admits none either way;
1. the job's own masks with ``hosts_mask_type: "regex"``;
2. the blocks' masks.

A stage is sent for a job only after the stages before it landed (the agent reads back).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pools.job_masks import EXCLUDE, INCLUDE, JOB_LEVEL, MASK_NAMES, TYPE, JobView, Masks
from pools.masks import REGEX
from pools.tokens import NEUTRAL_MASK, regex_reading_within_find

NEUTRAL, JOB, BLOCKS = 0, 1, 2
STAGES = (NEUTRAL, JOB, BLOCKS)

Params = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class JobWrite:
    """What one stage sets on one job: params for the job itself or for some blocks."""

    job_id: int
    stage: int
    blocks: tuple[int, ...]  # () for the job's own masks
    params: Params
    serial: int = 0  # which job of that id (afserver gives a freed id to the next job)

    def landed(self, masks: Masks) -> bool:
        """Whether a job read back from afserver holds what this write set."""
        for name, value in self.params:
            if name == TYPE:
                if masks.kind != value:
                    return False
                continue
            for block in self.blocks or (JOB_LEVEL,):
                if masks.get((block, name)) != value:
                    return False
        return True


@dataclass(frozen=True)
class JobAction:
    """One afserver action: the same params for every job of ``ids``."""

    stage: int
    blocks: tuple[int, ...]
    params: Params
    ids: tuple[int, ...]

    def params_dict(self) -> dict[str, str]:
        return dict(self.params)


def writes_for(job: JobView, target: Masks) -> list[JobWrite]:
    """Every write that brings ``job`` from what it holds to ``target``, by stage."""
    current = job.masks
    writes: list[JobWrite] = []
    switching = current.kind != target.kind
    neutral: dict[Params, list[int]] = {}
    final: dict[Params, list[int]] = {}
    for block in job.blocks:
        changed = [
            name for name in MASK_NAMES if target.get((block, name)) != current.get((block, name))
        ]
        if not changed:
            continue
        if switching and _widens(current, block, changed):
            neutral.setdefault(((INCLUDE, NEUTRAL_MASK),), []).append(block)
            changed = [INCLUDE, *(name for name in changed if name != INCLUDE)]
        params = tuple((name, target.get((block, name))) for name in changed)
        final.setdefault(params, []).append(block)
    for params, blocks in neutral.items():
        writes.append(JobWrite(job.id, NEUTRAL, tuple(blocks), params, job.serial))
    if current.job_level() != target.job_level():
        kind, include, exclude = target.job_level()
        params = ((INCLUDE, include), (EXCLUDE, exclude), (TYPE, kind))
        writes.append(JobWrite(job.id, JOB, (), params, job.serial))
    for params, blocks in final.items():
        writes.append(JobWrite(job.id, BLOCKS, tuple(blocks), params, job.serial))
    return writes


def _widens(current: Masks, block: int, changed: list[str]) -> bool:
    """Whether the block could admit a host it does not admit now while the job is already
    "regex" and the block still holds its find masks: an include whose regex reading is not
    within its find reading, or an exclude (a find prefix read as a whole name excludes less).
    """
    include, exclude = current.get((block, INCLUDE)), current.get((block, EXCLUDE))
    if EXCLUDE in changed and exclude:
        return True
    return INCLUDE in changed and bool(include) and not regex_reading_within_find(include)


def kept_off(job_ids: Iterable[int]) -> JobAction:
    """The action for jobs that got masks written for another job that had their id: afserver
    actions name jobs by id alone, and a deleted job's id goes to the next job submitted.
    What they held before is unknown, so they wait on no host rather than run on another
    job's pools, until someone sets their masks again."""
    params = ((INCLUDE, NEUTRAL_MASK), (TYPE, REGEX))
    return JobAction(JOB, (), params, tuple(sorted(set(job_ids))))


def group(writes: Iterable[JobWrite]) -> list[JobAction]:
    """One action per stage and distinct (blocks, params), in stage order."""
    grouped: dict[tuple[int, tuple[int, ...], Params], list[int]] = {}
    for write in writes:
        ids = grouped.setdefault((write.stage, write.blocks, write.params), [])
        if write.job_id not in ids:
            ids.append(write.job_id)
    return [
        JobAction(stage, blocks, params, tuple(ids))
        for (stage, blocks, params), ids in sorted(grouped.items(), key=lambda item: item[0][0])
    ]
