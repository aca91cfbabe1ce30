"""The stand-in keeps jobs like afserver 3.4.1 did (fixtures 11, 15-17): submissions, list
mode with masks, block params through ``block_ids``, one type for the whole job, and
actions applied once per server cycle."""

from __future__ import annotations

import threading
from typing import Any

from afserver.client import AfserverClient
from tests.support.afserver_fixtures import recorded_request, recorded_response
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm

MASK_FIELDS = ("hosts_mask", "hosts_mask_exclude", "hosts_mask_type")


def masks(job: dict[str, Any]) -> tuple[Any, ...]:
    """A job's masks, its own and its blocks': what these recordings are about."""
    own = tuple(job.get(key) for key in MASK_FIELDS)
    blocks = tuple((b.get("hosts_mask"), b.get("hosts_mask_exclude")) for b in job["blocks"])
    return own, blocks


def farm_of_fixture_15() -> FakeFarm:
    """The farm 15-17 were recorded on: the system job, tokjob (2) and blockjob (3)."""
    return FakeFarm(jobs=recorded_response("15c")["jobs"])


def test_a_submission_is_answered_with_its_id_and_serial() -> None:
    farm = FakeFarm.fresh()

    assert farm.handle(recorded_request("11")) == recorded_response("11")
    assert farm.handle(recorded_request("11c")) == recorded_response("11c")


def test_a_submitted_job_lists_its_masks_and_type_as_afserver_does() -> None:
    farm = FakeFarm.fresh()
    farm.handle(recorded_request("11"))
    farm.handle(recorded_request("11c"))

    recorded = {job["id"]: job for job in recorded_response("04")["jobs"]}
    for job_id in (2, 3):
        listed = farm.job(job_id)
        assert masks(listed) == masks(recorded[job_id])
        assert (listed["serial"], listed["user_name"]) == (recorded[job_id]["serial"], "anna")


def test_list_mode_carries_every_mask_of_a_job_and_its_blocks() -> None:
    farm = farm_of_fixture_15()

    assert farm.handle(recorded_request("15")) == recorded_response("15")


def test_block_params_go_to_the_blocks_named_by_block_ids() -> None:
    farm = farm_of_fixture_15()

    assert farm.handle(recorded_request("16")) == recorded_response("16")
    assert masks(farm.job(3)) == masks(recorded_response("16b")["jobs"][0])


def test_the_job_type_is_one_switch_and_one_action_sets_both_masks_and_type() -> None:
    farm = farm_of_fixture_15()
    farm.handle(recorded_request("16"))

    assert farm.handle(recorded_request("17")) == recorded_response("17")
    assert masks(farm.job(3)) == masks(recorded_response("17b")["jobs"][0])
    assert farm.handle(recorded_request("17c")) == recorded_response("17c")
    assert masks(farm.job(2)) == masks(recorded_response("17d")["jobs"][0])


def test_params_a_job_ignores_are_answered_but_not_applied() -> None:
    farm = farm_of_fixture_15()
    farm.ignore_params(2)

    assert farm.handle(recorded_request("17c")) == recorded_response("17c")
    assert masks(farm.job(2)) == masks(recorded_response("15")["jobs"][0])


def client_of(server: FakeAfserver) -> AfserverClient:
    return AfserverClient("127.0.0.1", server.port, user_name="admin", host_name="ws", timeout=60)


def test_an_action_is_applied_at_the_server_cycle_not_when_it_arrives() -> None:
    farm = farm_of_fixture_15()
    with FakeAfserver(farm, server_cycle=600) as server:
        sender = threading.Thread(
            target=lambda: _swallow(
                lambda: client_of(server).set_job_params([2], {"hosts_mask": "x"})
            )
        )
        sender.start()
        server.wait_for_requests(1)
        held = farm.job(2)["hosts_mask"]
        server.stop()  # before the cycle ends: the action was never applied
        sender.join()

    assert held == "@lighting rnd-a"
    assert farm.job(2)["hosts_mask"] == "@lighting rnd-a"


def test_an_action_answered_after_the_cycle_has_been_applied() -> None:
    farm = farm_of_fixture_15()
    with FakeAfserver(farm, server_cycle=0.05) as server:
        answer = client_of(server).set_job_params([2], {"hosts_mask": "rnd-b"})

        assert answer == "Action processed."
        assert farm.job(2)["hosts_mask"] == "rnd-b"


def _swallow(call: Any) -> None:
    try:
        call()
    except Exception:  # the server stopped before answering, as intended
        return
