"""The board, the service and the CLI tell an admin the same about the same farm.

One afserver stand-in, one nx-27017: the board's ``Farm`` is fed the way the board feeds it
(renders, then the store's pools and known hosts), the service polls the same afserver, and
``main.py`` reads the same store. Their JSON must match field for field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from afserver.renders import hosts_from_renders
from cli.app import main
from pools.farm import Farm
from pools.json_shapes import host_json
from storage.store import PoolStore
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_nodes import make_render
from tests.support.poolservice import ServiceFactory, call, wait_until

pytestmark = pytest.mark.integration

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def afserver() -> Iterator[FakeAfserver]:
    with FakeAfserver() as server:
        yield server


@pytest.fixture
def cli(
    nx_server: str,
    database_name: str,
    afserver: FakeAfserver,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    monkeypatch.setenv("AFPOOLS_MONGODB_URI", nx_server)
    monkeypatch.setenv("AFPOOLS_MONGODB_DATABASE", database_name)
    monkeypatch.setenv("CGRU_AF_SERVERNAME", "127.0.0.1")
    monkeypatch.setenv("CGRU_AF_SERVERPORT", str(afserver.port))

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


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
    assert (joined["ip"], joined["mac"], joined["sources"]) == (
        "10.0.0.21",
        "02:00:00:00:00:21",
        ["afserver", "arp"],
    )
    assert (by_name["rnd-a01"]["ip"], by_name["rnd-a01"]["mac"]) == (
        "127.0.0.1",  # the render's own address wins
        "02:00:00:00:00:01",
    )
    assert by_name["gpu-02"]["sources"] == ["pool"]


def test_main_py_and_the_service_describe_pools_and_renders_alike(
    seeded: PoolStore, make_service: ServiceFactory, afserver: FakeAfserver, cli: Run
) -> None:
    seeded.record_host("rnd-a02", source="arp", mac="02:00:00:00:00:02")
    running = make_service(
        afserver_host="127.0.0.1", afserver_port=afserver.port, service_afserver_interval=0.2
    )
    port = running.http_port
    wait_until(lambda: call(port, "/v1/health").json()["afserver"] == "ok", "afserver")
    served_hosts = wait_until(
        lambda: (h := service_hosts(port)) and "rnd-b01" in {x["name"] for x in h} and h,
        "renders",
    )

    listed = json.loads(cli("pools", "list", "--json")[1])
    shown = json.loads(cli("pools", "show", "lighting", "--json")[1])
    renders = json.loads(cli("renders", "--json")[1])

    assert listed == call(port, "/v1/pools").json()["pools"]
    assert shown == call(port, "/v1/pools/lighting").json()["pool"]
    assert "unreadable" in shown
    served = {str(h["name"]): h for h in served_hosts}
    for render in renders:
        mine = served[render["name"]]
        assert render.keys() == mine.keys()
        # main.py asks afserver for machine sizes too; the service does not
        sizes = {"cpu_num", "mem_total_mb"}
        assert {k: v for k, v in render.items() if k not in sizes} == {
            k: v for k, v in mine.items() if k not in sizes
        }
    by_name = {r["name"]: r for r in renders}
    assert by_name["rnd-a02"]["mac"] == "02:00:00:00:00:02"
    assert by_name["rnd-a01"]["mem_total_mb"] == 24105
