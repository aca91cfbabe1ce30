"""The snapshot: merged hosts, the 2019 shape, and ETags that change exactly with content."""

from __future__ import annotations

import json

from pools.model import Host, HostState, KnownHost, Pool, RenderFlags
from poolserver.snapshot import AFSERVER_DOWN, AFSERVER_OK, Snapshot, StoreData

LIGHTING = Pool("lighting", ("rnd-a01", "rnd-a02"), revision=3)
GPU = Pool("gpu", ("gpu-01",), color="#00ff00", revision=1)
BUSY = Host(
    "rnd-a01",
    state=HostState.BUSY,
    flags=RenderFlags.ONLINE | RenderFlags.BUSY,
    ip="10.0.0.1",
    sources=frozenset({"afserver"}),
)


def data(*pools: Pool, known: tuple[KnownHost, ...] = (), revision: int = 5) -> StoreData:
    return StoreData(revision, pools, known)


def test_hosts_merge_afserver_store_and_pool_members() -> None:
    known = (
        KnownHost("rnd-a01", mac="aa:bb", sources=("arp",)),
        KnownHost("ws-anna", ip="10.0.0.7"),
    )
    snapshot = Snapshot(data(LIGHTING, GPU, known=known), [BUSY], AFSERVER_OK)
    hosts = {h["name"]: h for h in json.loads(snapshot.host_list.body)["hosts"]}
    assert hosts["rnd-a01"]["state"] == "busy"
    assert hosts["rnd-a01"]["sources"] == ["afserver", "arp"]
    assert hosts["rnd-a01"]["pools"] == ["lighting"]
    assert hosts["ws-anna"]["ip"] == "10.0.0.7"
    assert hosts["gpu-01"]["sources"] == ["pool"]
    assert snapshot.exclude_names() == {"rnd-a01", "rnd-a02", "gpu-01", "ws-anna"}


def test_when_afserver_is_down_its_names_stay_but_not_its_states() -> None:
    snapshot = Snapshot(data(LIGHTING), [BUSY], AFSERVER_DOWN)
    listing = json.loads(snapshot.host_list.body)
    assert listing["afserver"] == "unreachable"
    assert {h["name"]: h["state"] for h in listing["hosts"]}["rnd-a01"] == "unknown"
    assert "rnd-a01" in snapshot.exclude_names()


def test_the_2019_shape_carries_addresses_the_farm_knows() -> None:
    snapshot = Snapshot(data(LIGHTING), [BUSY], AFSERVER_OK)
    assert json.loads(snapshot.legacy_body) == [
        {
            "name": "lighting",
            "clients": [
                {"hostname": "rnd-a01", "engine": "", "ip": "10.0.0.1", "port": ""},
                {"hostname": "rnd-a02", "engine": "", "ip": "", "port": ""},
            ],
        }
    ]


def test_etags_follow_the_content_not_the_moment() -> None:
    first = Snapshot(data(LIGHTING, GPU), [], AFSERVER_OK)
    same = Snapshot(data(LIGHTING, GPU), [], AFSERVER_OK)
    assert first.pool_list.etag == same.pool_list.etag
    assert first.pool_docs["gpu"].etag == same.pool_docs["gpu"].etag
    moved = Pool("gpu", ("gpu-01", "gpu-02"), revision=2)
    changed = Snapshot(data(LIGHTING, moved, revision=6), [], AFSERVER_OK)
    assert changed.pool_list.etag != first.pool_list.etag
    assert changed.pool_docs["gpu"].etag != first.pool_docs["gpu"].etag
