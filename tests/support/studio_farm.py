"""A studio-like farm for screenshots and benchmarks: names, states and pools as in life."""

from __future__ import annotations

import random
from dataclasses import dataclass

from tests.support.fake_farm import FakeFarm
from tests.support.fake_nodes import make_render, make_resources

PREFIXES = (("rnd", 0.55), ("gpu", 0.12), ("ws", 0.13), ("comp", 0.12), ("sim", 0.08))
POOL_NAMES = (
    "lighting", "fx-sim", "gpu-a100", "comp", "lookdev", "anim-pb", "crowd", "matte",
    "rigging", "layout", "archive", "night-ws", "lidar", "plates", "edit", "review",
)  # fmt: skip
# Online idle, busy, nimby, paused, sick, offline: st bits as afserver sends them.
STATES = ((1, 0.62), (9, 0.18), (3, 0.05), (257, 0.03), (513, 0.01), (0, 0.11))


@dataclass(frozen=True)
class StudioFarm:
    farm: FakeFarm
    hostnames: list[str]
    pools: dict[str, list[str]]


def native_path(index: int, native_pools: int) -> str:
    """The native pool of the ``index``-th render when the farm has ``native_pools`` (the root
    among them): the first 150 renders in ``/np_00``, the others round the rest."""
    if native_pools <= 1:
        return "/"
    leaves = native_pools - 1
    return f"/np_{0 if index < 150 else index % leaves:02d}"


def studio_farm(hosts: int, pools: int, *, seed: int = 7, native_pools: int = 0) -> StudioFarm:
    """``native_pools``: afserver's own pools the renders are in (0: all in the root)."""
    rng = random.Random(seed)
    names: list[str] = []
    for prefix, share in PREFIXES:
        names += [f"{prefix}-{i:04d}" for i in range(1, max(1, int(hosts * share)) + 1)]
    names = names[:hosts]
    renders, resources = [], []
    for render_id, name in enumerate(names, start=1):
        st = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
        render = make_render(
            name,
            render_id,
            st=st & ~8,
            ip=f"10.{render_id // 65536}.{render_id // 256 % 256}.{render_id % 256}",
            tasks=rng.choice((1, 1, 2)) if st & 8 else 0,
            pool=native_path(render_id - 1, native_pools),
        )
        renders.append(render)
        if st & 1:
            cores = rng.choice((16, 32, 64)) if name.startswith(("rnd", "sim")) else 24
            resources.append(make_resources(render, cpu_num=cores, mem_total_mb=cores * 4096))
    pool_members: dict[str, list[str]] = {}
    for index in range(pools):
        name = POOL_NAMES[index % len(POOL_NAMES)] + (
            f"-{index // len(POOL_NAMES)}" if index >= len(POOL_NAMES) else ""
        )
        size = rng.randint(max(2, hosts // (pools * 3)), max(3, hosts // pools * 2))
        start = rng.randrange(0, max(1, hosts - size))
        pool_members[name] = names[start : start + size]
    return StudioFarm(FakeFarm(renders, resources=resources), names, pool_members)
