"""Recorded render objects become the hosts the board shows."""

from __future__ import annotations

from typing import Any

import pytest

from afserver.renders import hosts_from_renders
from pools.model import Host, HostState, RenderFlags
from tests.support.afserver_fixtures import recorded_response


@pytest.fixture(scope="module")
def recorded_renders() -> list[dict[str, Any]]:
    renders: list[dict[str, Any]] = recorded_response("01")["renders"]
    return renders


@pytest.fixture(scope="module")
def recorded_resources() -> list[dict[str, Any]]:
    resources: list[dict[str, Any]] = recorded_response("02")["renders"]
    return resources


@pytest.fixture(scope="module")
def hosts(
    recorded_renders: list[dict[str, Any]], recorded_resources: list[dict[str, Any]]
) -> dict[str, Host]:
    return {host.name: host for host in hosts_from_renders(recorded_renders, recorded_resources)}


def test_every_render_becomes_a_host_in_afserver_order(
    recorded_renders: list[dict[str, Any]],
) -> None:
    names = [host.name for host in hosts_from_renders(recorded_renders)]
    assert names == [
        "rnd-a01",
        "rnd-a02",
        "rnd-a03",
        "rnd-a04",
        "rnd-b01",
        "rnd-b02",
        "gpu-01",
        "ws-anna",
    ]


def test_idle_render_is_online(hosts: dict[str, Host]) -> None:
    host = hosts["rnd-a01"]
    assert host.state is HostState.ONLINE
    assert host.flags == RenderFlags.ONLINE
    assert host.tasks == 0


def test_paused_render_shows_paused(hosts: dict[str, Host]) -> None:
    host = hosts["rnd-a02"]
    assert host.state is HostState.PAUSED
    assert host.flags == RenderFlags.ONLINE | RenderFlags.PAUSED


def test_busy_render_shows_busy_with_its_task(hosts: dict[str, Host]) -> None:
    host = hosts["rnd-a03"]
    assert host.state is HostState.BUSY
    assert host.tasks == 1
    assert host.capacity_used == 1000


def test_nimby_render_shows_nimby(hosts: dict[str, Host]) -> None:
    host = hosts["rnd-a04"]
    assert host.state is HostState.NIMBY
    assert host.state_label == "nimby"


def test_stopped_render_is_offline_without_machine_sizes(hosts: dict[str, Host]) -> None:
    host = hosts["ws-anna"]
    assert host.state is HostState.OFFLINE
    assert not host.state.is_up
    assert host.cpu_num is None
    assert host.mem_total_mb is None


def test_resources_are_joined_by_render_id(hosts: dict[str, Host]) -> None:
    host = hosts["rnd-a01"]
    assert host.cpu_num == 2
    assert host.mem_total_mb == 24105


def test_native_pool_address_and_versions_come_through(hosts: dict[str, Host]) -> None:
    gpu = hosts["gpu-01"]
    assert gpu.native_pool == "/gpu"
    assert hosts["rnd-b01"].native_pool == "/cpu/big"
    assert gpu.ip == "127.0.0.1"
    assert gpu.render_id == 7
    assert gpu.engine == "3.4.1"
    assert gpu.os == "unix linux 64 debian 12"
    assert gpu.sources == frozenset({"afserver"})


def test_without_resources_sizes_are_unknown(recorded_renders: list[dict[str, Any]]) -> None:
    host = hosts_from_renders(recorded_renders)[0]
    assert host.cpu_num is None
    assert host.mem_total_mb is None


def test_a_render_missing_optional_fields_still_shows() -> None:
    (host,) = hosts_from_renders([{"name": "bare", "id": 12, "st": 1}])
    assert host == Host(
        name="bare",
        state=HostState.ONLINE,
        flags=RenderFlags.ONLINE,
        render_id=12,
        sources=frozenset({"afserver"}),
    )


def test_state_text_stands_in_for_a_missing_st() -> None:
    (host,) = hosts_from_renders([{"name": "old", "state": " ONL NBY"}])
    assert host.state is HostState.NIMBY
    assert host.state_label == "NIMBY"


def test_odd_values_fall_back_instead_of_failing() -> None:
    odd: list[Any] = [
        "not a render",
        {"id": 3},  # no name: nothing to show
        {"name": "  "},
        {
            "name": "odd",
            "id": "7",
            "st": True,
            "address": "10.0.0.1",
            "tasks": "several",
            "pool": 5,
            "time_update": None,
        },
    ]
    odd_resources: list[Any] = [{"id": "7", "host_resources": {"cpu_num": 4}}, "x"]
    (host,) = hosts_from_renders(odd, odd_resources)
    assert host.name == "odd"
    assert host.render_id is None
    assert host.state is HostState.OFFLINE
    assert (host.ip, host.native_pool, host.tasks) == ("", "", 0)
    assert host.cpu_num is None
