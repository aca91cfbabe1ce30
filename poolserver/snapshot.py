"""What the service answers from: the store and afserver as of one moment, serialised once.

A snapshot is built in a worker thread whenever the store's revision or afserver's renders
change, and is never modified afterwards, so every request reads it without a lock and
without touching the database. Every answer that does not depend on the query string is
rendered to bytes here, with its ETag, so a request costs a dictionary lookup.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pools.host_merge import merge_hosts
from pools.json_shapes import host_json, legacy_pools_json, pool_json
from pools.masks import include_mask
from pools.model import NO_FLAGS, Host, HostState, KnownHost, Pool, memberships

AFSERVER_OK = "ok"
AFSERVER_DOWN = "unreachable"
AFSERVER_OFF = "off"


@dataclass(frozen=True)
class StoreData:
    """One read of the store: the revision first, so a change during the read is seen next."""

    revision: int
    pools: tuple[Pool, ...]
    known: tuple[KnownHost, ...]
    token: tuple[int, int] = (0, 0)  # the store's change token, to poll against


@dataclass(frozen=True)
class Resource:
    """A ready answer: JSON bytes and the ETag that names exactly these bytes."""

    body: bytes
    etag: str


def to_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def resource(data: Any) -> Resource:
    body = to_json(data)
    return Resource(body, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"')


class Snapshot:
    """Pools, hosts and the ready answers of one revision; read-only once built."""

    def __init__(
        self, data: StoreData, renders: Iterable[Host], afserver: str, *, built_at: float = 0.0
    ) -> None:
        self.revision = data.revision
        self.built_at = built_at or time.time()
        self.afserver = afserver
        self.pools: dict[str, Pool] = {pool.name: pool for pool in data.pools}
        render_list = list(renders)
        if afserver != AFSERVER_OK:  # names are still worth knowing; states are not
            render_list = [
                dataclasses.replace(h, state=HostState.UNKNOWN, flags=NO_FLAGS) for h in render_list
            ]
        self.hosts = merge_hosts(render_list, data.known, data.pools)
        member_of = memberships(data.pools)
        self.host_names = frozenset(self.hosts)
        # Masks follow the members in the pool now: a scheduled member outside its window
        # takes no new task (the agent builds its masks the same way).
        self.include_masks = {
            pool.name: include_mask(pool.effective_hostnames) for pool in data.pools
        }
        self.pool_list = resource(
            {"revision": self.revision, "pools": [pool_json(p) for p in data.pools]}
        )
        self.pool_docs = {
            pool.name: resource({"revision": self.revision, "pool": pool_json(pool)})
            for pool in data.pools
        }
        self.host_list = resource(
            {
                "revision": self.revision,
                "afserver": afserver,
                "hosts": [
                    host_json(host, member_of.get(name, ()))
                    for name, host in sorted(self.hosts.items())
                ],
            }
        )
        legacy = legacy_pools_json(data.pools, self.hosts)
        self.legacy_body = json.dumps(legacy, ensure_ascii=False).encode("utf-8")

    @property
    def age(self) -> float:
        return max(0.0, time.time() - self.built_at)

    def exclude_names(self) -> frozenset[str]:
        """Every host the farm knows: afserver's renders, stored hosts and pool members."""
        return self.host_names
