"""The stand-in's native pools behave like CGRU 3.4.1's (fixtures 06, 09, 10 and its sources).

afserver applies an action to every node its mask selects, one by one; a refusal only sets
the answer, so the others still change and the LAST refusal is what the client reads.
"""

from __future__ import annotations

import threading
from typing import Any

from afserver.client import AfserverClient
from tests.support.afserver_fixtures import recorded_error_text, recorded_response
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm


def act(farm: FakeFarm, type_: str, mask: str, operation: dict[str, Any]) -> dict[str, Any]:
    action = {"user_name": "admin", "host_name": "ws", "type": type_, "mask": mask}
    return farm.handle({"action": {**action, "operation": operation}})


def set_pool(farm: FakeFarm, mask: str, path: str) -> dict[str, Any]:
    return act(farm, "renders", mask, {"type": "set_pool", "name": path})


def pools(farm: FakeFarm) -> dict[str, dict[str, Any]]:
    return {pool["name"]: pool for pool in farm.handle({"get": {"type": "pools"}})["pools"]}


def pool_of(farm: FakeFarm, render: str) -> str:
    return str(farm.render(render)["pool"])


def error(text: str) -> dict[str, Any]:
    return {"info": {"kind": "error", "text": text}}


def test_counters_are_afserver_s_recursive_counts_and_follow_a_move() -> None:
    farm = FakeFarm.recorded()
    assert farm.handle({"get": {"type": "pools"}}) == recorded_response("06")

    set_pool(farm, "rnd-a01", "/cpu/big")
    act(farm, "pools", "/cpu", {"type": "add_pool", "name": "small"})

    after = pools(farm)
    assert (after["/cpu/big"]["renders_total"], after["/cpu"]["renders_total"]) == (3, 3)
    assert (after["/"]["renders_total"], after["/"]["pools_total"]) == (8, 4)
    assert after["/cpu"]["pools_total"] == 2
    assert after["/cpu/small"]["renders_total"] == 0


def test_a_busy_render_is_refused_as_recorded_and_the_others_in_the_mask_still_move() -> None:
    farm = FakeFarm.recorded()

    answer = set_pool(farm, "rnd-a0[13]", "/gpu")  # rnd-a03 runs a task

    assert answer == error(recorded_error_text("09b"))
    assert (pool_of(farm, "rnd-a01"), pool_of(farm, "rnd-a03")) == ("/gpu", "/")


def test_the_last_refusal_is_the_answer() -> None:
    farm = FakeFarm.recorded()

    # rnd-a01 is in "/" already, then rnd-a03 is busy: afserver answers with the later one.
    answer = set_pool(farm, "rnd-a0[13]", "/")

    assert answer == error("Can't change pool. Render 'rnd-a03' is busy.")


def test_a_missing_pool_is_checked_after_busy_for_each_render() -> None:
    farm = FakeFarm.recorded()

    assert set_pool(farm, "rnd-a03", "/nope") == error(
        "Can't change pool. Render 'rnd-a03' is busy."
    )
    assert set_pool(farm, "rnd-a01", "/nope") == error(recorded_error_text("09d"))


def test_add_pool_keeps_only_characters_from_0_to_z_as_afserver_does() -> None:
    farm = FakeFarm.recorded()

    answer = act(farm, "pools", "/", {"type": "add_pool", "name": "big farm-é[1]"})

    assert answer["info"]["text"] == "Pool '/big_farm___[1]' added to pool '/'"
    assert "/big_farm___[1]" in pools(farm)


def test_add_pool_without_a_name_is_refused() -> None:
    farm = FakeFarm.recorded()
    assert act(farm, "pools", "/", {"type": "add_pool", "name": ""}) == error(
        "New pool name should not have a zero length."
    )
    assert act(farm, "pools", "/", {"type": "add_pool"}) == error(
        "add_pool operation should have a new pools name string."
    )


def test_a_new_pool_takes_the_lowest_free_id() -> None:
    """So an id read a moment ago can name another pool: afpools selects pools by path."""
    farm = FakeFarm.recorded()
    act(farm, "pools", "/", {"type": "add_pool", "name": "a"})
    act(farm, "pools", "/", {"type": "add_pool", "name": "b"})
    act(farm, "pools", "/a", {"type": "delete"})
    act(farm, "pools", "/", {"type": "add_pool", "name": "c"})
    assert (pools(farm)["/b"]["id"], pools(farm)["/c"]["id"]) == (6, 5)


def test_a_refused_delete_does_not_stop_the_other_pools_of_the_mask() -> None:
    farm = FakeFarm.recorded()
    act(farm, "pools", "/", {"type": "add_pool", "name": "spare"})

    answer = act(farm, "pools", r"\/(spare|gpu)", {"type": "delete"})

    assert answer == error(recorded_error_text("10c"))
    assert "/spare" not in pools(farm)
    assert "/gpu" in pools(farm)


def test_a_server_before_cgru_3_knows_no_native_pools() -> None:
    farm = FakeFarm(recorded_response("01")["renders"], native_pools=False)

    assert farm.handle({"get": {"type": "pools"}}) == error("Invalid get type = 'pools'")
    assert act(farm, "pools", "/", {"type": "add_pool", "name": "x"}) == error(
        "Action has unknown type: 'pools'"
    )
    assert set_pool(farm, "rnd-a01", "/") == error("Unknown operation: set_pool")
    renders = farm.handle({"get": {"type": "renders"}})["renders"]
    assert all("pool" not in render for render in renders)


def test_another_client_s_change_lands_just_before_the_next_action() -> None:
    farm = FakeFarm.recorded()
    farm.before_next_action(lambda: farm.delete_pool("/gpu"))

    assert pool_of(farm, "rnd-a01") == "/"  # a read does not trigger it
    assert "/gpu" in pools(farm)
    assert set_pool(farm, "rnd-a01", "/gpu") == error("Pool '/gpu' does not exist.")
    assert set_pool(farm, "rnd-a01", "/cpu") == {
        "info": {"kind": "log", "text": "Action processed."}
    }


def test_a_pool_action_waits_for_the_server_cycle() -> None:
    farm = FakeFarm.recorded()
    with FakeAfserver(farm, server_cycle=600) as server:
        client = AfserverClient("127.0.0.1", server.port, user_name="a", host_name="b", timeout=60)
        sender = threading.Thread(
            target=_swallow,
            args=(
                lambda: client.action(
                    "pools", mask="/", operation={"type": "add_pool", "name": "x"}
                ),
            ),
        )
        sender.start()
        server.wait_for_requests(1)
        server.stop()  # before the cycle ends: never applied
        sender.join()

    assert "/x" not in pools(farm)


def _swallow(call: Any) -> None:
    try:
        call()
    except Exception:  # the server stopped before answering, as intended
        return
