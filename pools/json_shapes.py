"""The JSON shapes of pools, hosts and changes, for every face that hands JSON out.

``main.py ... --json``, the service's ``/v1`` answers and the 2019 protocol's body all build
their objects here, so a script that reads one face reads the others the same way. Fields
are only ever added; a plugin written against an older shape keeps working.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from pools.history import Change
from pools.jobs import Decision
from pools.model import Host, Pool
from pools.native import NativePool, NativeTree
from pools.native_moves import MoveResult
from pools.native_paths import ROOT, depth, leaf_name
from pools.tokens import pool_token


def pool_json(pool: Pool) -> dict[str, Any]:
    """A pool; ``unreadable`` lists stored entries (another tool's) no hostname was read from;
    ``token`` is what artists type in a hosts mask (null when the name cannot be typed)."""
    return {
        "name": pool.name,
        "token": pool_token(pool.name),
        "description": pool.description,
        "color": pool.color,
        "hosts": list(pool.hostnames),
        "unreadable": list(pool.unreadable),
        "revision": pool.revision,
        "updated_at": pool.updated_at,
        "updated_by": pool.updated_by,
    }


def host_json(host: Host, pools: Iterable[str]) -> dict[str, Any]:
    """A merged machine; sizes are null where afserver did not say (offline, or not asked)."""
    return {
        "name": host.name,
        "state": host.state_label,
        "ip": host.ip,
        "mac": host.mac,
        "tasks": host.tasks,
        "cpu_num": host.cpu_num,
        "mem_total_mb": host.mem_total_mb,
        "native_pool": host.native_pool,
        "pools": list(pools),
        "sources": sorted(host.sources),
    }


def job_json(decision: Decision) -> dict[str, Any]:
    """An afserver job the agent looks after: bound to pools, waiting for one, or refused.

    ``masks_pending`` is true while its masks are not yet what its pools say (the agent
    writes them within a pass).
    """
    job = decision.job
    return {
        "id": job.id,
        "serial": job.serial,
        "name": job.name,
        "user": job.user,
        "state": job.state,
        "running_tasks": job.running,
        "status": decision.status,
        "pools": list(decision.pools),
        "tokens": list(decision.tokens),
        "unknown_tokens": list(decision.unknown),
        "reason": decision.reason,
        "masks_pending": decision.writes,
    }


def change_json(change: Change) -> dict[str, Any]:
    """One history record."""
    return {
        "seq": change.seq,
        "ts": change.ts,
        "user": change.user,
        "op": change.op,
        "pool": change.pool,
        "hosts": list(change.hosts),
        "before": change.before,
        "after": change.after,
    }


def legacy_pools_json(pools: Iterable[Pool], hosts: Mapping[str, Host]) -> list[dict[str, Any]]:
    """The 2019 tool's document shape: ``{name, clients: [{hostname, engine, ip, port}]}``.

    Its plugins read nothing else, so this shape never grows; addresses come from the farm.
    They build masks from these members, so a scheduled member out of its window is left out.
    """
    return [
        {
            "name": pool.name,
            "clients": [
                {
                    "hostname": name,
                    "engine": hosts[name].engine if name in hosts else "",
                    "ip": hosts[name].ip if name in hosts else "",
                    "port": "",
                }
                for name in pool.effective_hostnames
            ],
        }
        for pool in pools
    ]


def native_pool_json(pool: NativePool) -> dict[str, Any]:
    """A native pool: ``renders`` are its own members; ``counters`` are afserver's, over its
    whole subtree; ``settings`` are its farm settings as afserver reports them."""
    return {
        "path": pool.path,
        "name": ROOT if pool.is_root else leaf_name(pool.path),
        "parent": pool.parent,
        "depth": depth(pool.path),
        "id": pool.pool_id,
        "state": pool.state,
        "renders": list(pool.renders),
        "counters": dataclasses.asdict(pool.counters),
        "settings": dict(pool.settings),
    }


def native_tree_json(tree: NativeTree) -> dict[str, Any]:
    """Every native pool, parents first; ``unplaced`` are renders in a pool not listed."""
    return {
        "pools": [native_pool_json(pool) for pool in tree.pools.values()],
        "unplaced": [{"name": name, "pool": tree.pool_of(name)} for name in tree.unplaced],
    }


def move_json(result: MoveResult) -> dict[str, Any]:
    """A move: each render named, with its outcome and, when it is not there, why."""
    return {
        "path": result.path,
        "all_arrived": result.all_arrived,
        "actions": result.actions,
        "renders": [
            {
                "name": outcome.name,
                "outcome": outcome.status.value,
                "arrived": outcome.arrived,
                "from": outcome.came_from,
                "reason": outcome.reason,
            }
            for outcome in result.outcomes
        ],
        "refusal": result.refusal,
    }
