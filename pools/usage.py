"""How busy each pool is, minute by minute: what one point holds and how it is measured.

Once a minute the agent measures every pool from afserver's renders and the jobs bound to
it: its hosts (the effective members, so a scheduled host counts while it is in), how many
are online, busy and idle, the tasks they run, and the jobs and tasks that wait for it. A
host is idle when it is online and neither busy, paused nor in nimby: a host a task could
start on now. ``FARM`` is the farm as a whole (every pool member once), for the chart of all
pools.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from pools.job_masks import JobView
from pools.model import Host, RenderFlags

FARM = "*"
"""The key of the farm-wide series: every host of any pool, counted once."""

MINUTE = 60
JOB_WAITS_NOT = 4 | 8 | 512 | 16  # waiting for dependencies or a time, paused (OFF), done


class Point(NamedTuple):
    """One minute of one pool (or of the farm)."""

    total: int
    online: int
    busy: int
    idle: int
    running: int  # tasks running on the pool's hosts
    waiting_jobs: int
    waiting_tasks: int

    @property
    def offline(self) -> int:
        return self.total - self.online


NO_POINT = Point(0, 0, 0, 0, 0, 0, 0)


def is_idle(host: Host) -> bool:
    """Online, and neither busy, paused nor in nimby (either kind): a task could start."""
    flags = host.flags
    if not flags & RenderFlags.ONLINE:
        return False
    held = RenderFlags.BUSY | RenderFlags.PAUSED | RenderFlags.NIMBY_OWNER | RenderFlags.NIMBY_ALL
    return not flags & held


def waits(job: JobView) -> bool:
    """A job waits for hosts when it has ready tasks and nothing else holds it back."""
    return job.ready > 0 and not job.st & JOB_WAITS_NOT


def measure(
    members: Mapping[str, Iterable[str]],
    hosts: Mapping[str, Host],
    jobs: Iterable[tuple[JobView, Iterable[str]]],
) -> dict[str, Point]:
    """One point per pool key of ``members`` (key -> effective hostnames) and ``FARM``.

    ``jobs`` are the jobs bound to pools with the keys of their pools; a job bound to two
    pools waits for both.
    """
    waiting: dict[str, list[int]] = {key: [0, 0] for key in members}
    farm_waiting = [0, 0]
    for job, keys in jobs:
        if not waits(job):
            continue
        counted = False
        for key in set(keys):
            if key in waiting:
                waiting[key][0] += 1
                waiting[key][1] += job.ready
                counted = True
        if counted:
            farm_waiting[0] += 1
            farm_waiting[1] += job.ready
    points = {
        key: _point(names, hosts, waiting[key][0], waiting[key][1])
        for key, names in ((key, tuple(dict.fromkeys(names))) for key, names in members.items())
    }
    everyone = tuple(dict.fromkeys(name for names in members.values() for name in names))
    points[FARM] = _point(everyone, hosts, farm_waiting[0], farm_waiting[1])
    return points


def _point(names: tuple[str, ...], hosts: Mapping[str, Host], jobs: int, tasks: int) -> Point:
    online = busy = idle = running = 0
    for name in names:
        host = hosts.get(name)
        if host is None or not host.flags & RenderFlags.ONLINE:
            continue
        online += 1
        busy += bool(host.flags & RenderFlags.BUSY)
        idle += is_idle(host)
        running += host.tasks
    return Point(len(names), online, busy, idle, running, jobs, tasks)
