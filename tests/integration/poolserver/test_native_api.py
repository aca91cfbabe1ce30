"""GET /v1/native: afserver's native pool tree, answered from the keeper's last poll."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from storage.store import PoolStore
from tests.support.afserver_fixtures import recorded_response
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm
from tests.support.poolservice import ServiceFactory, call, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def afserver() -> Iterator[FakeAfserver]:
    with FakeAfserver(FakeFarm.recorded()) as server:
        yield server


def watching(make: ServiceFactory, afserver: FakeAfserver, interval: float) -> int:
    running = make(
        afserver_host="127.0.0.1",
        afserver_port=afserver.port,
        service_afserver_interval=interval,
    )
    port: int = running.http_port
    return port


def native(port: int) -> dict[str, Any]:
    """The tree once the service has read it."""
    reply = wait_until(lambda: (r := call(port, "/v1/native")).status == 200 and r, "the tree")
    data: dict[str, Any] = reply.json()
    return data


def tree_reads(afserver: FakeAfserver) -> int:
    """How many times afserver was asked for the tree (its pools or its renders)."""
    kinds = [request.get("get", {}).get("type") for request in afserver.requests]
    return sum(kind in ("pools", "renders") for kind in kinds)


def members(data: dict[str, Any]) -> dict[str, list[str]]:
    return {pool["path"]: pool["renders"] for pool in data["pools"]}


def test_the_tree_comes_from_memory_not_from_afserver_per_request(
    seeded: PoolStore, make_service: ServiceFactory, afserver: FakeAfserver
) -> None:
    port = watching(make_service, afserver, interval=600)  # one poll, at the start

    data = native(port)
    asked = tree_reads(afserver)
    replies = [call(port, "/v1/native") for _ in range(5)]

    assert tree_reads(afserver) == asked  # the agent's own reads of jobs may come meanwhile
    assert {reply.status for reply in replies} == {200}
    assert data["afserver"] == "ok"
    assert members(data) == {
        "/": ["rnd-a01", "rnd-a02", "rnd-a03", "rnd-a04", "ws-anna"],
        "/cpu": [],
        "/cpu/big": ["rnd-b01", "rnd-b02"],
        "/gpu": ["gpu-01"],
    }
    root = data["pools"][0]
    assert (root["counters"]["renders_total"], root["settings"]["capacity_host"]) == (8, 1100)


def test_a_change_on_afserver_shows_with_a_new_etag(
    seeded: PoolStore, make_service: ServiceFactory, afserver: FakeAfserver
) -> None:
    port = watching(make_service, afserver, interval=0.1)
    first = wait_until(lambda: (r := call(port, "/v1/native")).status == 200 and r, "the tree")
    etag = first.headers["ETag"]
    assert call(port, "/v1/native", headers={"If-None-Match": etag}).status == 304

    afserver.farm.update_render("rnd-a01", pool="/gpu")

    changed = wait_until(
        lambda: (r := call(port, "/v1/native")).headers.get("ETag") != etag and r, "the move"
    )
    assert members(changed.json())["/gpu"] == ["rnd-a01", "gpu-01"]


def test_a_server_without_native_pools_is_a_404_with_a_sentence(
    seeded: PoolStore, make_service: ServiceFactory
) -> None:
    farm = FakeFarm(recorded_response("01")["renders"], native_pools=False)
    with FakeAfserver(farm) as old:
        port = watching(make_service, old, interval=0.1)
        reply = wait_until(lambda: (r := call(port, "/v1/native")).status == 404 and r, "a 404")
    assert reply.json() == {
        "error": f"afserver at {old.address} has no native pools (CGRU 3.0 brought them); "
        "it answers: Invalid get type = 'pools'."
    }


def test_a_service_that_does_not_read_afserver_says_so(
    seeded: PoolStore, make_service: ServiceFactory
) -> None:
    reply = call(make_service().http_port, "/v1/native")
    assert reply.status == 503
    assert reply.json() == {
        "error": "This service does not read afserver: service_afserver_interval is 0."
    }


def test_afserver_going_away_keeps_the_last_tree_marked_unreachable(
    seeded: PoolStore, make_service: ServiceFactory
) -> None:
    with FakeAfserver(FakeFarm.recorded()) as afserver:
        port = watching(make_service, afserver, interval=0.1)
        before = native(port)
    after = wait_until(
        lambda: (d := call(port, "/v1/native").json()).get("afserver") == "unreachable" and d,
        "the outage",
    )
    assert members(after) == members(before)
