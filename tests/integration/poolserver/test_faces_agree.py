"""The board and the service tell an admin the same about the same farm.

One afserver stand-in, one nx-27017: the board's ``Farm`` is fed the way the board feeds it
(renders, then the store's pools and known hosts), and the service polls the same afserver.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from afserver.renders import hosts_from_renders
from pools.farm import Farm
from poolserver.snapshot import host_json
from storage.store import PoolStore
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_nodes import make_render
from tests.support.poolservice import ServiceFactory, call, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def afserver() -> Iterator[FakeAfserver]:
    with FakeAfserver() as server:
        yield server


def service_hosts(port: int) -> list[dict[str, object]]:
    hosts: list[dict[str, object]] = call(port, "/v1/hosts").json()["hosts"]
    return hosts


def test_the_board_and_v1_hosts_merge_the_same_hosts(
    seeded: PoolStore, make_service: ServiceFactory, afserver: FakeAfserver
) -> None:
    # afrender says RENDER-01 and reports no address; a scan saw render-01 with both.
    afserver.add_render(make_render("RENDER-01", 0, ip=""))
    seeded.record_host("render-01", source="arp", ip="10.0.0.21", mac="02:00:00:00:00:21")
    seeded.record_host("rnd-a01", source="dns", ip="10.9.9.9", mac="02:00:00:00:00:01")
    seeded.record_host("ws-typed", source="manual")
    seeded.add_hosts("gpu", ["gpu-02"])  # switched off: nobody reports it
    running = make_service(
        afserver_host="127.0.0.1", afserver_port=afserver.port, service_afserver_interval=0.2
    )
    port = running.http_port
    wait_until(lambda: call(port, "/v1/health").json()["afserver"] == "ok", "afserver")
    served = wait_until(
        lambda: (h := service_hosts(port)) and "RENDER-01" in {x["name"] for x in h} and h,
        "the new render",
    )

    farm = Farm()
    farm.replace_renders(hosts_from_renders(afserver.farm.renders()))  # what the service polls
    farm.apply_store(seeded.pools(), seeded.known_hosts())
    on_the_board = [host_json(farm.hosts[n], farm.pools_of(n)) for n in sorted(farm.hosts)]

    assert on_the_board == served
    by_name = {str(h["name"]): h for h in served}
    assert "render-01" not in by_name  # one machine, under afserver's spelling
    joined = by_name["RENDER-01"]
    assert (joined["ip"], joined["sources"]) == ("10.0.0.21", ["afserver", "arp"])
    assert by_name["rnd-a01"]["ip"] == "127.0.0.1"  # the render's own address wins
    assert farm.hosts["RENDER-01"].mac == "02:00:00:00:00:21"
    assert by_name["gpu-02"]["sources"] == ["pool"]
