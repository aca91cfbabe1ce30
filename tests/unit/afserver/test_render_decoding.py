"""The board's poll reads each render cut down to what its host shows, and builds again only
the hosts whose render or machine changed since the poll before."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afserver.framing import FrameError
from afserver.renders import (
    RENDERS_PER_STEP,
    PolledHosts,
    decode_renders,
    decode_resources,
    hosts_from_renders,
    resources_by_id,
)
from tests.support.afserver_fixtures import recorded_response
from tests.support.studio_farm import studio_farm

READ = {"name", "id", "st", "state", "address", "pool", "tasks", "capacity_used", "os", "engine"}


def body(reply: object) -> bytes:
    return json.dumps(reply).encode()


def test_the_cut_renders_make_the_same_hosts_as_the_whole_ones() -> None:
    reply = recorded_response("01")  # idle, busy, nimby and offline renders, every field
    resources = recorded_response("02")["renders"]

    cut = decode_renders(body(reply))["renders"]

    assert all(set(render) <= READ for render in cut)
    assert all(set(render["address"]) == {"ip"} for render in cut if "address" in render)
    assert "time_update" not in {key for render in cut for key in render}
    assert hosts_from_renders(cut, resources) == hosts_from_renders(reply["renders"], resources)
    assert any(host.tasks for host in hosts_from_renders(cut))  # running tasks still counted


def test_the_cut_resources_size_the_same_machines_as_the_whole_ones() -> None:
    renders = recorded_response("01")["renders"]
    reply = recorded_response("02")  # every render's resources, free memory and disks too

    cut = decode_resources(body(reply))["renders"]

    assert all(set(entry) <= {"id", "host_resources"} for entry in cut)
    machines = [entry["host_resources"] for entry in cut if "host_resources" in entry]
    assert machines and all(set(m) <= {"cpu_num", "mem_total_mb"} for m in machines)
    assert hosts_from_renders(renders, cut) == hosts_from_renders(renders, reply["renders"])


def test_a_list_longer_than_a_step_comes_whole_and_in_order() -> None:
    renders = studio_farm(RENDERS_PER_STEP * 2 + 3, 4).farm.renders()

    cut = decode_renders(body({"renders": renders}))["renders"]

    assert hosts_from_renders(cut) == hosts_from_renders(renders)


def test_a_render_of_an_odd_shape_comes_whole_and_the_others_are_cut() -> None:
    renders = studio_farm(RENDERS_PER_STEP + 10, 4).farm.renders()
    odd = {**renders[5], "address": "10.0.0.5", "tasks": "several"}
    renders[5] = odd

    cut = decode_renders(body({"renders": renders}))["renders"]

    assert cut[5] == odd
    assert all(set(render) <= READ for index, render in enumerate(cut) if index != 5)
    assert hosts_from_renders(cut) == hosts_from_renders(renders)


@pytest.mark.parametrize(
    "reply",
    [
        {"info": {"kind": "error", "text": "Invalid type"}},
        {"renders": "none today"},
        {"renders": [{"name": "a"}, 7]},
    ],
)
def test_a_reply_that_is_no_render_list_comes_whole_for_the_client_to_judge(reply: Any) -> None:
    assert decode_renders(body(reply)) == reply


def test_a_body_that_is_not_json_is_a_frame_error() -> None:
    with pytest.raises(FrameError, match="not JSON"):
        decode_renders(b'{"renders": [{"name": "rnd-01"')


def test_a_render_that_comes_back_as_it_was_keeps_its_host() -> None:
    renders = list(recorded_response("01")["renders"])
    sizes = resources_by_id(recorded_response("02")["renders"])
    polled = PolledHosts()
    first = polled.hosts(decode_renders(body({"renders": renders}))["renders"], sizes)

    renders[1] = {**renders[1], "time_update": renders[1]["time_update"] + 5, "idle_time": 1}
    renders[2] = {**renders[2], "pool": "/gpu"}
    again = polled.hosts(decode_renders(body({"renders": renders}))["renders"], sizes)

    assert [a is b for a, b in zip(first, again, strict=True)][:3] == [True, True, False]
    assert again[2].native_pool == "/gpu"
    assert all(a is b for a, b in zip(first[3:], again[3:], strict=True))


def test_a_machine_that_changed_builds_its_host_again() -> None:
    renders = recorded_response("01")["renders"]
    resources = recorded_response("02")["renders"]
    polled = PolledHosts()
    polled.hosts(renders, resources_by_id(resources))
    grown = [
        {**entry, "host_resources": {**entry["host_resources"], "mem_total_mb": 65536}}
        if entry["id"] == renders[0]["id"]
        else entry
        for entry in resources
    ]

    hosts = polled.hosts(renders, resources_by_id(grown))

    assert hosts[0].mem_total_mb == 65536
    assert hosts[1:] == hosts_from_renders(renders[1:], resources)


# A few values per field, so that successive polls repeat, change and drop renders.
_RENDER = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["rnd-01", "rnd-02", "RND-01", " ", 5]),
        "id": st.sampled_from([1, 2, "2"]),
    },
    optional={
        "st": st.sampled_from([0, 1, 9, 17, -1, True]),
        "state": st.sampled_from([" ONL", " ONL RUN", "x"]),
        "pool": st.sampled_from(["/", "/gpu", 3]),
        "address": st.sampled_from([{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}, "10.0.0.1"]),
        "tasks": st.sampled_from([[], [{}], [{}, {}], "two"]),
        "time_update": st.integers(0, 3),
    },
)
_MACHINES = st.lists(
    st.fixed_dictionaries(
        {
            "id": st.sampled_from([1, 2]),
            "host_resources": st.fixed_dictionaries({"cpu_num": st.sampled_from([4, 8])}),
        }
    ),
    max_size=2,
)


@settings(max_examples=300)
@given(st.data())
def test_poll_after_poll_the_hosts_are_those_of_each_poll_alone(data: st.DataObject) -> None:
    seen = data.draw(st.lists(_RENDER, min_size=1, max_size=4))  # renders that come back
    polled, machines, sizes = PolledHosts(), None, resources_by_id(())
    for _ in range(data.draw(st.integers(1, 6))):
        renders = data.draw(st.lists(st.sampled_from(seen) | _RENDER, max_size=4))
        if machines is None or data.draw(st.booleans()):  # the resources read again
            machines = data.draw(_MACHINES)
            sizes = resources_by_id(machines)
        assert polled.hosts(renders, sizes) == hosts_from_renders(renders, machines)
