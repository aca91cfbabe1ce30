"""Decide what to write to afserver jobs so that they run only on a pool's hosts.

Pure decisions on the job objects afserver returns; the caller does the I/O. The user's own
masks survive: they are combined with the pool mask, and remembered in a binding so that a
second application starts again from them instead of nesting pool masks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pools.masks import JobMasks, pool_job_masks
from pools.model import Pool


@dataclass(frozen=True)
class Binding:
    job_id: int
    serial: int
    pool: str
    user_mask: str
    user_exclude: str
    user_type: str
    applied_mask: str
    applied_exclude: str
    updated_at: float = 0.0

    @property
    def key(self) -> str:
        """afserver reuses job ids after a restart; the serial tells two jobs apart."""
        return binding_key(self.job_id, self.serial)


def binding_key(job_id: int, serial: int) -> str:
    return f"{job_id}:{serial}"


@dataclass(frozen=True)
class JobPlan:
    """The masks one job gets, and the binding that remembers where they came from."""

    job_id: int
    job_name: str
    masks: JobMasks
    binding: Binding


def user_masks(job: Mapping[str, Any], binding: Binding | None) -> tuple[str, str, str]:
    """The job's own (include, exclude, type), looking through a mask we wrote before."""
    current = (
        str(job.get("hosts_mask", "")),
        str(job.get("hosts_mask_exclude", "")),
        str(job.get("hosts_mask_type", "find")),
    )
    if binding is not None and current == (
        binding.applied_mask,
        binding.applied_exclude,
        "regex",
    ):
        return binding.user_mask, binding.user_exclude, binding.user_type
    return current


def plan_job(job: Mapping[str, Any], pool: Pool, binding: Binding | None) -> JobPlan:
    include, exclude, kind = user_masks(job, binding)
    masks = pool_job_masks(pool.hostnames, include or None, exclude or None, kind)
    job_id, serial = int(job["id"]), int(job.get("serial", 0))
    remembered = Binding(
        job_id=job_id,
        serial=serial,
        pool=pool.name,
        user_mask=include,
        user_exclude=exclude,
        user_type=kind,
        applied_mask=masks.hosts_mask,
        applied_exclude=masks.hosts_mask_exclude,
    )
    return JobPlan(job_id, str(job.get("name", "")), masks, remembered)


def batches(plans: Iterable[JobPlan]) -> dict[JobMasks, list[int]]:
    """Jobs that get identical masks share one afserver action (actions cost ~1 s each)."""
    grouped: dict[JobMasks, list[int]] = {}
    for plan in plans:
        grouped.setdefault(plan.masks, []).append(plan.job_id)
    return grouped
