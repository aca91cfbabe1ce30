"""Node objects in afserver's recorded shape, and the small rules shared by gets and actions.

Node dicts are copy-on-write: nothing changes one in place, a change puts a new dict in the
list. Replies can therefore hand out the stored dicts while other threads change the farm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Node = dict[str, Any]

# Recorded on 2026-11-28; synthetic renders use the same epoch so they sit among the real ones.
RECORDED_EPOCH = 1795888290

RENDER_TOKENS = (
    (2, "NbY"),
    (4, "NBY"),
    (8, "RUN"),
    (16, "DRT"),
    (32, "WFL"),
    (64, "WSL"),
    (128, "WWK"),
    (256, "PAU"),
    (512, "SIC"),
)
JOB_TOKENS = (
    (1, "RDY"),
    (2, "RUN"),
    (4, "WDP"),
    (8, "WTM"),
    (16, "DON"),
    (32, "ERR"),
    (64, "STO"),
    (128, "STE"),
    (256, "SKP"),
    (512, "OFF"),
    (1024, "WRN"),
)
ONLINE, NIMBY_OWNER, NIMBY_ALL, BUSY, PAUSED = 1, 2, 4, 8, 256
JOB_PAUSED = 512

_FIND_SEPARATORS = re.compile(r"[|;,: ]")


def render_state_text(st: int) -> str:
    """``" ONL RUN"``: a leading space, ONL or OFF, then one token per set bit."""
    tokens = ["ONL" if st & ONLINE else "OFF"]
    tokens += [token for bit, token in RENDER_TOKENS if st & bit]
    return "".join(" " + token for token in tokens)


def job_state_text(st: int) -> str:
    return "".join(" " + token for bit, token in JOB_TOKENS if st & bit)


def find_mask_matches(mask: str, name: str) -> bool:
    """afserver's get mask: split on ``| ; , :`` and space, then match name prefixes."""
    tokens = [token for token in _FIND_SEPARATORS.split(mask) if token]
    return not tokens or any(name.startswith(token) for token in tokens)


def with_render_st(render: Node, st: int) -> Node:
    return {**render, "st": st, "state": render_state_text(st)}


def with_job_st(job: Node, st: int) -> Node:
    changed = {**job, "st": st}
    if st:
        changed["state"] = job_state_text(st)
    else:
        changed.pop("state", None)
    return changed


def error_reply(text: str) -> Node:
    return {"info": {"kind": "error", "text": text}}


def log_reply(text: str = "Action processed.") -> Node:
    return {"info": {"kind": "log", "text": text}}


def info_reply(text: str) -> Node:
    return {"info": {"kind": "info", "text": text}}


def make_render(
    name: str,
    render_id: int,
    *,
    st: int = ONLINE,
    ip: str = "127.0.0.1",
    pool: str = "/",
    time_update: int = RECORDED_EPOCH,
    user_name: str = "root",
    os: str = "unix linux 64 debian 12",
    engine: str = "3.4.1",
    tasks: int = 0,
) -> Node:
    """A render in the default-mode shape of fixture 01; ``tasks`` > 0 makes it busy."""
    online = bool(st & ONLINE)
    if tasks:
        st |= BUSY
    render: Node = {}
    if tasks:
        render["tasks_percents"] = [0] * tasks
    render.update(
        {
            "name": name,
            "id": render_id,
            "priority": 99,
            "user_name": user_name,
            "time_register": RECORDED_EPOCH - 15,
            "time_launch": RECORDED_EPOCH - 15 if online else 0,
            "time_update": time_update,
            "os": os,
            "address": {"family": 4, "ip": ip, "port": 0},
            "engine": engine,
            "pool": pool,
            "st": st,
            "state": render_state_text(st),
            "capacity_used": 1000 * tasks,
            "task_start_finish_time": RECORDED_EPOCH - 6 if tasks else 0,
        }
    )
    if not online:
        render["wol_operation_time"] = RECORDED_EPOCH - 3
    render["idle_time"] = RECORDED_EPOCH
    render["busy_time"] = RECORDED_EPOCH
    if tasks:
        render["tasks"] = [_running_task(number) for number in range(tasks)]
    return render


def _running_task(number: int) -> Node:
    return {
        "name": f"frame {number + 1}",
        "service": "generic",
        "capacity": 1000,
        "time_start": RECORDED_EPOCH - 6,
        "user_name": "anna",
        "block_name": "frames",
        "job_name": "synthetic",
        "job_id": 2,
        "block_num": 0,
        "task_num": number,
    }


def make_resources(render: Node, *, cpu_num: int = 8, mem_total_mb: int = 32768) -> Node:
    """The ``mode:"resources"`` object of a render; offline ones are only ``{id, host_name}``."""
    if not render.get("st", 0) & ONLINE:
        return {"id": render["id"], "host_name": render["name"]}
    entry: Node = {}
    if "tasks_percents" in render:
        entry["tasks_percents"] = render["tasks_percents"]
    entry["id"] = render["id"]
    entry["host_name"] = render["name"]
    entry["idle_time"] = render.get("idle_time", RECORDED_EPOCH)
    entry["busy_time"] = render.get("busy_time", RECORDED_EPOCH)
    entry["host_resources"] = {
        "cpu_num": cpu_num,
        "cpu_mhz": 2445,
        "mem_total_mb": mem_total_mb,
        "mem_free_mb": mem_total_mb // 2,
        "swap_total_mb": 0,
        "hdd_total_gb": 251,
        "hdd_free_gb": 77,
        "hw_info": "synthetic",
    }
    return entry


def make_pool(name: str, pool_id: int, parent: str) -> Node:
    """A native pool in the shape of fixture 06 (``get pools`` fills in its counters)."""
    return {
        "name": name,
        "id": pool_id,
        "priority": 99,
        "parent": parent,
        "time_creation": RECORDED_EPOCH,
        "pools_total": 0,
        "renders_total": 0,
        "renders_busy": 0,
        "renders_ready": 0,
        "renders_online": 0,
        "renders_offline": 0,
        "renders_nimby": 0,
        "renders_paused": 0,
        "renders_sick": 0,
        "st": 0,
        "state": "",
    }


@dataclass
class FarmNodes:
    """Everything the fake server knows, in afserver's list order."""

    renders: list[Node] = field(default_factory=list)
    jobs: list[Node] = field(default_factory=list)
    pools: list[Node] = field(default_factory=list)
    # mode:"resources" objects recorded per render id; renders without one get a default
    resources: dict[int, Node] = field(default_factory=dict)
    # extra block fields that mode:"full" adds, per job id and block index
    full_block_fields: dict[int, list[Node]] = field(default_factory=dict)
    # jobs whose params actions are answered but not applied ("not taken")
    deaf_jobs: set[int] = field(default_factory=set)
    # the serial the next submitted job gets
    next_serial: int = 1
    # False: a server before CGRU 3.0, which knows no native pools
    native_pools: bool = True

    def of_type(self, type_: str) -> list[Node]:
        return {"renders": self.renders, "jobs": self.jobs, "pools": self.pools}[type_]

    def replace(self, type_: str, old: Node, new: Node) -> None:
        nodes = self.of_type(type_)
        for index, node in enumerate(nodes):
            if node is old:
                nodes[index] = new
                return
        raise LookupError(f"{type_} node {old.get('name')!r} is not in the farm")


def int_list(value: object) -> list[int]:
    """afserver's ``ids``: the integers of a JSON array, anything else ignored."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, int) and not isinstance(item, bool)]


def text_of(value: object) -> str:
    return value if isinstance(value, str) else ""
