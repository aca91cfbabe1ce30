"""The farm behind FakeAfserver: recorded or synthetic state, and afserver's answers to it.

``FakeFarm.handle`` answers one parsed request object the way afserver 3.4.1 did in the
recorded fixtures; it knows nothing about sockets, so tests can also call it directly.
All methods are thread-safe: the server's connection threads and the test share one farm.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable
from typing import Any

from tests.support.afserver_fixtures import recorded_response
from tests.support.fake_actions import run_action
from tests.support.fake_jobs import JOB_DONE, job_from_submission
from tests.support.fake_nodes import (
    JOB_PAUSED,
    ONLINE,
    FarmNodes,
    Node,
    error_reply,
    find_mask_matches,
    int_list,
    make_pool,
    make_resources,
    text_of,
    with_job_st,
    with_render_st,
)
from tests.support.fake_pools import first_free_id, with_counters

UNMODELLED_GET_TYPES = frozenset({"users", "branches", "monitors", "files", "config"})


def answers_after_a_cycle(request: dict[str, Any]) -> bool:
    """True for requests afserver hands to its 1 s run cycle: actions and unknown keys."""
    return not isinstance(request.get("get"), dict)


class FakeFarm:
    """Renders, jobs and native pools, changed by actions and by the test between polls."""

    def __init__(
        self,
        renders: Iterable[Node] = (),
        *,
        jobs: Iterable[Node] = (),
        pools: Iterable[Node] | None = None,
        resources: Iterable[Node] = (),
        full_block_fields: dict[int, list[Node]] | None = None,
        native_pools: bool = True,
    ) -> None:
        self._lock = threading.RLock()
        self._before_actions: list[Callable[[], None]] = []
        self._nodes = FarmNodes(
            renders=copy.deepcopy(list(renders)),
            jobs=copy.deepcopy(list(jobs)),
            pools=copy.deepcopy(list(pools)) if pools is not None else [],
            resources={entry["id"]: copy.deepcopy(entry) for entry in resources},
            full_block_fields=copy.deepcopy(full_block_fields or {}),
            native_pools=native_pools,
        )
        if pools is None:
            self._nodes.pools = _pool_tree(
                render.get("pool", "/") for render in self._nodes.renders
            )

    @classmethod
    def recorded(cls) -> FakeFarm:
        """The prepared farm of fixtures 01, 02, 04, 05 and 06 (before fixture 07 ran)."""
        full_job = recorded_response("05")["jobs"][0]
        listed_job = next(job for job in recorded_response("04")["jobs"] if job["id"] == 3)
        extras = [
            {key: value for key, value in full.items() if key not in listed}
            for full, listed in zip(full_job["blocks"], listed_job["blocks"], strict=True)
        ]
        return cls(
            recorded_response("01")["renders"],
            jobs=recorded_response("04")["jobs"],
            pools=recorded_response("06")["pools"],
            resources=recorded_response("02")["renders"],
            full_block_fields={full_job["id"]: extras},
        )

    @classmethod
    def fresh(cls) -> FakeFarm:
        """The farm of fixture 00: 8 idle renders in root pool, only the system job."""
        system_job = recorded_response("04")["jobs"][0]
        root_pool = recorded_response("06")["pools"][0]
        return cls(recorded_response("00")["renders"], jobs=[system_job], pools=[root_pool])

    # -- requests ----------------------------------------------------------------------

    def handle(self, request: dict[str, Any]) -> Node:
        """afserver's reply object; treat it as read-only (it shares the stored nodes)."""
        with self._lock:
            get = request.get("get")
            if isinstance(get, dict):
                return self._get(get)
            if "action" in request:
                hooks, self._before_actions = self._before_actions, []
                for hook in hooks:
                    hook()
                return run_action(self._nodes, request["action"])
            if isinstance(request.get("job"), dict):
                job_id, serial = self.submit_job(request["job"])
                return {"id": job_id, "serial": serial}
            for key in ("job", "monitor", "user", "reload_config", "announce", "save"):
                if key in request:
                    return error_reply(f"The fake afserver does not model '{key}' requests.")
            return error_reply("Invalid action.")

    def _get(self, get: dict[str, Any]) -> Node:
        type_ = text_of(get.get("type"))
        mode = text_of(get.get("mode"))
        ids = int_list(get.get("ids"))
        mask = text_of(get.get("mask"))
        if type_ in UNMODELLED_GET_TYPES:
            return error_reply(f"The fake afserver does not model get type '{type_}'.")
        if type_ not in ("renders", "jobs", "pools") or not self._known(type_):
            return error_reply(f"Invalid get type = '{type_}'")
        nodes = self._nodes.of_type(type_)
        if type_ == "pools":
            nodes = with_counters(self._nodes, nodes)
        elif type_ == "renders" and not self._nodes.native_pools:
            nodes = [{k: v for k, v in render.items() if k != "pool"} for render in nodes]
        # afserver looks one id up before listing: jobs always, renders and pools with a mode.
        one_id_asked = len(ids) == 1 and bool(mode or type_ == "jobs")
        if one_id_asked and not any(node["id"] == ids[0] for node in nodes):
            return error_reply("Invalid ID")
        return self._in_mode(type_, mode, _choose(nodes, ids, mask))

    def _known(self, type_: str) -> bool:
        return type_ != "pools" or self._nodes.native_pools

    def _in_mode(self, type_: str, mode: str, chosen: list[Node]) -> Node:
        if not mode:
            return {type_: chosen}
        if type_ == "renders" and mode == "resources":
            return {type_: [self._resources_of(render) for render in chosen]}
        if type_ == "jobs" and mode == "full":
            return {type_: [self._full_job(job) for job in chosen]}
        return error_reply(f"The fake afserver does not model {type_} mode '{mode}'.")

    def _resources_of(self, render: Node) -> Node:
        recorded = self._nodes.resources.get(render["id"])
        online = bool(render.get("st", 0) & ONLINE)
        if online and recorded is not None and "host_resources" in recorded:
            return recorded
        return make_resources(render)

    def _full_job(self, job: Node) -> Node:
        extras = self._nodes.full_block_fields.get(job["id"])
        if not extras:
            return job
        blocks = [{**extra, **block} for extra, block in zip(extras, job["blocks"], strict=False)]
        return {**job, "blocks": blocks + job["blocks"][len(blocks) :]}

    # -- reading the state -------------------------------------------------------------

    def renders(self) -> list[Node]:
        with self._lock:
            return copy.deepcopy(self._nodes.renders)

    def render(self, name: str) -> Node:
        with self._lock:
            return copy.deepcopy(self._render(name))

    def job(self, job_id: int) -> Node:
        with self._lock:
            for job in self._nodes.jobs:
                if job["id"] == job_id:
                    return copy.deepcopy(job)
        raise LookupError(f"no job with id {job_id}")

    def pools(self) -> list[Node]:
        with self._lock:
            return copy.deepcopy(self._nodes.pools)

    # -- changing the state between polls ----------------------------------------------

    def before_next_action(self, change: Callable[[], None]) -> None:
        """Run ``change`` (another client's doing) right before the next action applies, in
        the same server cycle: what a race between planning and acting looks like."""
        with self._lock:
            self._before_actions.append(change)

    def add_pool(self, path: str) -> None:
        """A native pool made by someone else (its parent must exist)."""
        with self._lock:
            parent = path.rsplit("/", 1)[0] or "/"
            new_id = first_free_id(pool["id"] for pool in self._nodes.pools)
            self._nodes.pools.append(make_pool(path, new_id, parent))

    def delete_pool(self, path: str) -> None:
        """A native pool deleted by someone else, whatever it holds."""
        with self._lock:
            self._nodes.pools[:] = [p for p in self._nodes.pools if p["name"] != path]

    def set_render_state(self, name: str, st: int) -> None:
        """New ``st`` bits (and the matching ``state`` text) for one render."""
        with self._lock:
            render = self._render(name)
            self._nodes.replace("renders", render, with_render_st(render, st))

    def update_render(self, name: str, **fields: Any) -> None:
        """Overwrite fields (``time_update``, ``pool``, ``address``...); ``st`` fixes ``state``."""
        with self._lock:
            render = self._render(name)
            changed = {**render, **copy.deepcopy(fields)}
            if "st" in fields:
                changed = with_render_st(changed, int(fields["st"]))
            self._nodes.replace("renders", render, changed)

    def set_machine(self, name: str, *, cpu_num: int, mem_total_mb: int) -> None:
        """A render's machine, as ``mode:"resources"`` reports it while the render is online."""
        with self._lock:
            render = self._render(name)
            self._nodes.resources[render["id"]] = make_resources(
                {**render, "st": ONLINE}, cpu_num=cpu_num, mem_total_mb=mem_total_mb
            )

    def add_render(self, render: Node) -> Node:
        """Register a render; a missing or taken id gets the next free one, like afserver."""
        with self._lock:
            if any(existing["name"] == render["name"] for existing in self._nodes.renders):
                raise ValueError(f"a render named {render['name']!r} already exists")
            added = copy.deepcopy(render)
            taken = {existing["id"] for existing in self._nodes.renders}
            if not isinstance(added.get("id"), int) or added["id"] in taken:
                added["id"] = max(taken, default=0) + 1
            self._nodes.renders.append(added)
            return copy.deepcopy(added)

    def remove_render(self, name: str) -> None:
        with self._lock:
            render = self._render(name)
            self._nodes.renders.remove(render)
            self._nodes.resources.pop(render["id"], None)

    def set_job_paused(self, job_id: int, paused: bool) -> None:
        with self._lock:
            for job in self._nodes.jobs:
                if job["id"] == job_id:
                    st = int(job.get("st", 0))
                    st = st | JOB_PAUSED if paused else st & ~JOB_PAUSED
                    self._nodes.replace("jobs", job, with_job_st(job, st))
                    return
        raise LookupError(f"no job with id {job_id}")

    def add_job(self, job: Node) -> None:
        with self._lock:
            self._nodes.jobs.append(copy.deepcopy(job))

    def submit_job(self, job: dict[str, Any]) -> tuple[int, int]:
        """Register a job as afserver does (next id, next serial); returns (id, serial)."""
        with self._lock:
            job_id = max((j["id"] for j in self._nodes.jobs), default=0) + 1
            serial = max((int(j.get("serial", 0)) for j in self._nodes.jobs), default=0) + 1
            self._nodes.jobs.append(job_from_submission(job, job_id, serial))
            return job_id, serial

    def delete_job(self, job_id: int) -> None:
        with self._lock:
            self._nodes.jobs.remove(self._job(job_id))

    def finish_job(self, job_id: int) -> None:
        """Every task done: afserver sets DON (16)."""
        with self._lock:
            job = self._job(job_id)
            self._nodes.replace("jobs", job, with_job_st(job, JOB_DONE))

    def ignore_params(self, *job_ids: int) -> None:
        """Answer params actions for these jobs without applying them (not taken)."""
        with self._lock:
            self._nodes.deaf_jobs.update(job_ids)

    def heed_params(self) -> None:
        with self._lock:
            self._nodes.deaf_jobs.clear()

    def job_field(self, job_id: int, key: str) -> Any:
        """One field of one job, without copying the job (cheap enough to poll)."""
        with self._lock:
            return self._job(job_id).get(key)

    def jobs(self) -> list[Node]:
        with self._lock:
            return copy.deepcopy(self._nodes.jobs)

    def _job(self, job_id: int) -> Node:
        for job in self._nodes.jobs:
            if job["id"] == job_id:
                return job
        raise LookupError(f"no job with id {job_id}")

    def _render(self, name: str) -> Node:
        for render in self._nodes.renders:
            if render["name"] == name:
                return render
        raise LookupError(f"no render named {name!r}")


def _choose(nodes: list[Node], ids: list[int], mask: str) -> list[Node]:
    """afserver's list selection: ids in the asked order, else a find mask, else all."""
    if ids:
        by_id = {node["id"]: node for node in nodes if isinstance(node["id"], int)}
        return [by_id[node_id] for node_id in ids if node_id in by_id]
    if mask:
        return [node for node in nodes if find_mask_matches(mask, node["name"])]
    return list(nodes)


def _pool_tree(paths: Iterable[str]) -> list[Node]:
    """Root plus every pool the renders name, with its ancestors, for synthetic farms."""
    names = ["/"]
    for path in paths:
        parts = [part for part in path.split("/") if part]
        for depth in range(1, len(parts) + 1):
            name = "/" + "/".join(parts[:depth])
            if name not in names:
                names.append(name)
    pools = []
    for pool_id, name in enumerate(names, start=1):
        parent = "" if name == "/" else (name.rsplit("/", 1)[0] or "/")
        pools.append(make_pool(name, pool_id, parent))
    return pools
