"""The stand-in's farm answers the recorded requests with the recorded replies.

If these pass, a test that talks to FakeAfserver is talking to something that answers like
afserver 3.4.1 did, field for field, for every exchange that was recorded.
"""

from __future__ import annotations

import json

import pytest

from tests.support.afserver_fixtures import load_fixture, recorded_request, recorded_response
from tests.support.fake_farm import FakeFarm, answers_after_a_cycle
from tests.support.fake_nodes import find_mask_matches, make_render, render_state_text
from tests.support.fake_wire import parse_error_text, serialize_reply

READ_FIXTURES = ["01", "02", "03", "03b", "03c", "03d", "04", "05", "05b", "06", "12b", "12g"]
ACTIONS_ON_THE_PREPARED_FARM = [
    "08",
    "08b",
    "08c",
    "08d",
    "09b",
    "09c",
    "09d",
    "09e",
    "10a4",
    "10c",
    "10d",
    "10e",
    "12c",
    "12d",
    "12e",
    "13a",
    "13b",
]


def replay(farm: FakeFarm, code: str) -> None:
    assert farm.handle(recorded_request(code)) == recorded_response(code), code


@pytest.mark.parametrize("code", READ_FIXTURES)
def test_reads_match_the_recording(code: str) -> None:
    replay(FakeFarm.recorded(), code)


@pytest.mark.parametrize("code", ACTIONS_ON_THE_PREPARED_FARM)
def test_actions_answer_like_the_recording(code: str) -> None:
    replay(FakeFarm.recorded(), code)


def test_job_params_then_reads_in_recording_order() -> None:
    farm = FakeFarm.recorded()
    for code in ["07", "07b", "07c", "07d", "07e", "07f"]:
        replay(farm, code)
    assert "hosts_mask" not in farm.job(4)


def test_pool_tree_built_then_renders_moved_in_recording_order() -> None:
    farm = FakeFarm.fresh()
    for code in ["10a", "10a2", "10a3", "10a4", "09a", "09a2", "09a3"]:
        replay(farm, code)
    recorded_pools = recorded_response("06")["pools"]
    assert [(pool["name"], pool["id"], pool["parent"]) for pool in farm.pools()] == [
        (pool["name"], pool["id"], pool["parent"]) for pool in recorded_pools
    ]
    prepared = {render["name"]: render["pool"] for render in recorded_response("01")["renders"]}
    assert {render["name"]: render["pool"] for render in farm.renders()} == prepared


def test_an_empty_pool_can_be_deleted() -> None:
    farm = FakeFarm.recorded()
    added = farm.handle(
        {
            "action": {
                "user_name": "admin",
                "host_name": "ws-anna",
                "type": "pools",
                "ids": [1],
                "operation": {"type": "add_pool", "name": "spare_empty"},
            }
        }
    )
    assert added == {"info": {"kind": "info", "text": "Pool '/spare_empty' added to pool '/'"}}
    replay(farm, "10b")
    assert "/spare_empty" not in [pool["name"] for pool in farm.pools()]


def test_pause_and_nimby_change_the_render_state() -> None:
    farm = FakeFarm.fresh()
    replay(farm, "13a")
    replay(farm, "13b")
    assert (farm.render("rnd-a02")["st"], farm.render("rnd-a02")["state"]) == (257, " ONL PAU")
    assert (farm.render("rnd-a04")["st"], farm.render("rnd-a04")["state"]) == (3, " ONL NbY")


def test_malformed_body_gets_the_recorded_parse_error() -> None:
    body = recorded_request("12a")
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(body)
    assert parse_error_text(body, caught.value) == recorded_response("12a")["info"]["text"]


def test_reply_bytes_are_as_long_as_afserver_declared_for_flat_replies() -> None:
    for code in ["03b", "03c", "07", "08", "09a3", "10a", "12a", "12b", "12g"]:
        fixture = load_fixture(code)
        assert len(serialize_reply(fixture["response"])) == fixture["wire"]["declared_len"]


def test_only_gets_are_answered_at_once() -> None:
    assert not answers_after_a_cycle(recorded_request("01"))
    assert answers_after_a_cycle(recorded_request("07"))
    assert answers_after_a_cycle(recorded_request("12e"))


def test_find_masks_follow_the_recorded_rules() -> None:
    assert find_mask_matches("rnd-a", "rnd-a01")
    assert not find_mask_matches("a0", "rnd-a01")
    assert find_mask_matches("gpu,ws", "ws-anna")
    assert find_mask_matches("x|y;z:gpu ws", "gpu-01")
    assert not find_mask_matches("rnd-a0[12]", "rnd-a01")
    assert find_mask_matches(" , ", "anything")


def test_made_renders_have_the_recorded_shape() -> None:
    recorded = recorded_response("01")["renders"]
    idle = make_render("rnd-a01", 1)
    busy = make_render("rnd-a03", 3, tasks=1)
    offline = make_render("ws-anna", 8, st=0)
    assert list(idle) == list(recorded[0])
    assert set(busy) - {"running_services"} == set(recorded[2]) - {"running_services"}
    assert list(offline) == list(recorded[7])
    assert (busy["st"], busy["state"], busy["capacity_used"]) == (9, " ONL RUN", 1000)
    assert offline["state"] == " OFF"
    assert render_state_text(1 | 4 | 256 | 512) == " ONL NBY PAU SIC"


def test_a_synthetic_farm_has_the_pools_its_renders_name() -> None:
    farm = FakeFarm(
        [make_render(f"n{i:04d}", i, pool="/cpu/big" if i % 2 else "/gpu") for i in range(1, 7)]
    )
    assert [(pool["name"], pool["parent"]) for pool in farm.pools()] == [
        ("/", ""),
        ("/cpu", "/"),
        ("/cpu/big", "/cpu"),
        ("/gpu", "/"),
    ]
    resources = farm.handle({"get": {"type": "renders", "mode": "resources"}})["renders"]
    assert resources[0]["host_resources"]["cpu_num"] == 8


def test_the_farm_can_change_between_polls() -> None:
    farm = FakeFarm.recorded()
    farm.set_render_state("rnd-a01", 9)
    farm.update_render("rnd-a02", time_update=1795888999, st=1)
    added = farm.add_render(make_render("new-01", 3))  # id 3 is taken: gets the next free one
    farm.remove_render("ws-anna")

    renders = {render["name"]: render for render in farm.renders()}
    assert renders["rnd-a01"]["state"] == " ONL RUN"
    assert (renders["rnd-a02"]["time_update"], renders["rnd-a02"]["state"]) == (1795888999, " ONL")
    assert added["id"] == 9
    assert "ws-anna" not in renders
    with pytest.raises(ValueError, match="already exists"):
        farm.add_render(make_render("new-01", 20))


def test_a_render_going_offline_loses_its_resources() -> None:
    farm = FakeFarm.recorded()
    farm.set_render_state("rnd-a01", 0)
    resources = farm.handle({"get": {"type": "renders", "mode": "resources", "ids": [1]}})
    assert resources == {"renders": [{"id": 1, "host_name": "rnd-a01"}]}
