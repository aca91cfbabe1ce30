"""``afserver.native.NativePools`` over TCP against the stand-in, with a server cycle.

The stand-in's farm is the one recorded from CGRU 3.4.1: ``/`` holds rnd-a01..a04 (a02
paused, a03 busy, a04 nimby) and the offline ws-anna, ``/gpu`` holds gpu-01, ``/cpu`` holds
only the pool ``/cpu/big`` with rnd-b01 and rnd-b02.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from afserver.client import AfserverClient
from afserver.native import NativePoolRefusedError, NativePools, NativePoolsUnsupportedError
from pools.errors import AfpoolsError
from pools.masks import matches
from pools.native import NativeDeleteRefusedError, NativePoolExistsError, NativePoolNotFoundError
from pools.native_moves import MoveStatus
from pools.native_paths import NativePathError
from tests.support.afserver_fixtures import recorded_response
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm
from tests.support.fake_nodes import make_render

pytestmark = pytest.mark.integration

CYCLE = 0.05  # afserver's is 1 s; what matters is that actions wait for it
FARM = ["rnd-a01", "rnd-a02", "rnd-a03", "rnd-a04", "rnd-b01", "rnd-b02", "gpu-01", "ws-anna"]


@pytest.fixture
def afserver() -> Iterator[FakeAfserver]:
    with FakeAfserver(FakeFarm.recorded(), server_cycle=CYCLE) as server:
        yield server


@pytest.fixture
def native(afserver: FakeAfserver) -> NativePools:
    client = AfserverClient("127.0.0.1", afserver.port, user_name="admin", host_name="ws")
    return NativePools(client)


def actions(afserver: FakeAfserver) -> list[dict[str, Any]]:
    return [request["action"] for request in afserver.requests if "action" in request]


def pools_of(afserver: FakeAfserver) -> dict[str, str]:
    return {render["name"]: render["pool"] for render in afserver.farm.renders()}


def pool_paths(afserver: FakeAfserver) -> list[str]:
    return [pool["name"] for pool in afserver.farm.pools()]


# -- reading -----------------------------------------------------------------------------


def test_the_tree_has_afserver_s_counters_settings_and_each_pool_s_renders(
    native: NativePools,
) -> None:
    tree = native.tree()

    assert list(tree.pools) == ["/", "/cpu", "/cpu/big", "/gpu"]
    root, cpu, big = tree.pools["/"], tree.pools["/cpu"], tree.pools["/cpu/big"]
    assert root.renders == ("rnd-a01", "rnd-a02", "rnd-a03", "rnd-a04", "ws-anna")
    assert (cpu.renders, big.renders) == ((), ("rnd-b01", "rnd-b02"))
    assert (root.counters.renders_total, root.counters.pools_total) == (8, 3)
    assert (root.counters.renders_busy, root.counters.renders_offline) == (1, 1)
    assert (cpu.counters.renders_total, cpu.counters.pools_total) == (2, 1)
    assert root.settings["capacity_host"] == 1100
    assert root.settings["max_tasks_host"] == 4
    assert root.settings["priority"] == 99
    assert "renders_total" not in root.settings
    assert (root.pool_id, big.parent, root.state) == (1, "/cpu", "RUN")


def test_support_is_told_by_get_pools(native: NativePools) -> None:
    assert native.supported()


def test_a_server_without_native_pools_says_so_in_one_sentence() -> None:
    farm = FakeFarm(recorded_response("01")["renders"], native_pools=False)
    with FakeAfserver(farm) as server:
        client = AfserverClient("127.0.0.1", server.port, user_name="admin", host_name="ws")
        native = NativePools(client)

        assert not native.supported()
        with pytest.raises(NativePoolsUnsupportedError) as caught:
            native.move("/gpu", ["rnd-a01"])
    assert str(caught.value) == (
        f"afserver at {server.address} has no native pools (CGRU 3.0 brought them); "
        "it answers: Invalid get type = 'pools'."
    )
    assert not [r for r in server.requests if "action" in r]


# -- creating ----------------------------------------------------------------------------


def test_create_adds_every_missing_level_to_its_parent_by_name(
    native: NativePools, afserver: FakeAfserver
) -> None:
    created = native.create("/render/big/fast")

    assert created == ("/render", "/render/big", "/render/big/fast")
    sent = [(a["type"], a["mask"], a["operation"]) for a in actions(afserver)]
    assert sent == [
        ("pools", r"\/", {"type": "add_pool", "name": "render"}),
        ("pools", r"\/render", {"type": "add_pool", "name": "big"}),
        ("pools", r"\/render\/big", {"type": "add_pool", "name": "fast"}),
    ]
    assert "/render/big/fast" in native.tree()


def test_create_under_an_existing_parent_is_one_action(
    native: NativePools, afserver: FakeAfserver
) -> None:
    assert native.create("/cpu/small") == ("/cpu/small",)
    assert len(actions(afserver)) == 1


def test_an_existing_pool_or_a_bad_path_is_refused_before_any_action(
    native: NativePools, afserver: FakeAfserver
) -> None:
    with pytest.raises(NativePoolExistsError) as caught:
        native.create("/cpu/big")
    assert str(caught.value) == (
        f"The native pool '/cpu/big' already exists on afserver at {afserver.address}."
    )
    for bad in ["/cpu/../gpu", "/cpu//big", "/gpu/", "/gpu.*", "gpu"]:
        with pytest.raises(NativePathError):
            native.create(bad)
    assert actions(afserver) == []
    assert native.ensure("/cpu/big") == ()


def test_a_parent_deleted_meanwhile_stops_the_create_with_a_sentence(
    native: NativePools, afserver: FakeAfserver
) -> None:
    afserver.farm.add_pool("/spare")
    afserver.farm.before_next_action(lambda: afserver.farm.delete_pool("/spare"))

    with pytest.raises(NativePoolNotFoundError) as caught:
        native.create("/spare/inner")

    assert str(caught.value) == (
        f"The native pool '/spare' is no longer on afserver at {afserver.address}, "
        "so '/spare/inner' was not created."
    )
    assert "/spare/inner" not in pool_paths(afserver)


def test_a_level_someone_else_made_meanwhile_is_used(
    native: NativePools, afserver: FakeAfserver
) -> None:
    afserver.farm.before_next_action(lambda: afserver.farm.add_pool("/new"))

    assert native.create("/new/inner") == ("/new/inner",)
    assert pool_paths(afserver).count("/new") == 1


# -- deleting ----------------------------------------------------------------------------


def test_an_empty_pool_is_deleted_by_its_exact_name(
    native: NativePools, afserver: FakeAfserver
) -> None:
    afserver.farm.add_pool("/spare")

    native.delete("/spare")

    assert "/spare" not in pool_paths(afserver)
    assert [(a["mask"], a["operation"]) for a in actions(afserver)] == [
        (r"\/spare", {"type": "delete"})
    ]


@pytest.mark.parametrize(
    ("path", "sentence"),
    [
        (
            "/gpu",
            "The native pool '/gpu' still holds render gpu-01; afserver deletes only empty pools.",
        ),
        (
            "/cpu",
            "The native pool '/cpu' still holds pool /cpu/big; afserver deletes only empty pools.",
        ),
        ("/", "The root pool '/' cannot be deleted; afserver keeps it always."),
    ],
)
def test_a_pool_that_is_not_empty_and_the_root_are_refused_without_an_action(
    native: NativePools, afserver: FakeAfserver, path: str, sentence: str
) -> None:
    with pytest.raises(NativeDeleteRefusedError) as caught:
        native.delete(path)
    assert str(caught.value) == sentence
    assert actions(afserver) == []


def test_afserver_s_own_refusal_is_passed_on_in_one_sentence(
    native: NativePools, afserver: FakeAfserver
) -> None:
    afserver.farm.add_pool("/spare")
    afserver.farm.before_next_action(lambda: afserver.farm.update_render("rnd-a01", pool="/spare"))

    with pytest.raises(NativePoolRefusedError) as caught:
        native.delete("/spare")

    assert str(caught.value) == (
        f"afserver at {afserver.address} refused to delete '/spare': "
        "Pool '/spare' has child pools/renders."
    )
    assert "/spare" in pool_paths(afserver)


def test_deleting_a_pool_that_is_not_there_is_one_sentence(
    native: NativePools, afserver: FakeAfserver
) -> None:
    with pytest.raises(NativePoolNotFoundError) as caught:
        native.delete("/nope")
    assert (
        str(caught.value) == f"There is no native pool '/nope' on afserver at {afserver.address}."
    )


# -- moving ------------------------------------------------------------------------------


def test_a_move_is_one_action_whose_mask_names_exactly_the_renders_to_move(
    native: NativePools, afserver: FakeAfserver
) -> None:
    before = pools_of(afserver)

    result = native.move("/gpu", ["rnd-a01", "rnd-a03", "gpu-01", "ghost", "ws-anna"])

    (action,) = actions(afserver)
    assert action["operation"] == {"type": "set_pool", "name": "/gpu"}
    assert [name for name in FARM if matches(action["mask"], name)] == [
        "rnd-a01",
        "rnd-a03",
        "ws-anna",
    ]
    statuses = {o.name: o.status for o in result.outcomes}
    assert statuses == {
        "rnd-a01": MoveStatus.MOVED,
        "rnd-a03": MoveStatus.BUSY,  # refused by afserver, the others moved all the same
        "gpu-01": MoveStatus.ALREADY_THERE,
        "ghost": MoveStatus.NOT_A_RENDER,
        "ws-anna": MoveStatus.MOVED,  # offline renders can be moved
    }
    assert result.refusal == "Can't change pool. Render 'rnd-a03' is busy."
    # Read back: only the renders sent, by id, not the whole farm.
    reads = [r["get"] for r in afserver.requests if r.get("get", {}).get("type") == "renders"]
    assert reads[-1] == {"type": "renders", "ids": [1, 3, 8]}
    after = pools_of(afserver)
    assert {name for name in FARM if after[name] != before[name]} == {"rnd-a01", "ws-anna"}
    assert after["rnd-a01"] == "/gpu"


def test_a_hundred_renders_move_in_one_action(afserver: FakeAfserver) -> None:
    afserver.farm = FakeFarm([make_render(f"node-{i:03d}", i) for i in range(1, 201)])
    afserver.farm.add_pool("/gpu")
    client = AfserverClient("127.0.0.1", afserver.port, user_name="admin", host_name="ws")
    wanted = [f"node-{i:03d}" for i in range(1, 201, 2)]

    result = NativePools(client).move("/gpu", wanted)

    assert (result.all_arrived, result.actions, len(actions(afserver))) == (True, 1, 1)
    moved = {name for name, pool in pools_of(afserver).items() if pool == "/gpu"}
    assert moved == set(wanted)


def test_names_that_look_like_regexes_move_only_themselves(afserver: FakeAfserver) -> None:
    for render_id, name in enumerate(["node[2]", "node2", "node.x", "nodeax", "a+b", "aab"], 20):
        afserver.farm.add_render(make_render(name, render_id))
    client = AfserverClient("127.0.0.1", afserver.port, user_name="admin", host_name="ws")

    result = NativePools(client).move("/gpu", ["node[2]", "node.x", "a+b"])

    assert result.all_arrived
    moved = {name for name, pool in pools_of(afserver).items() if pool == "/gpu"}
    assert moved == {"gpu-01", "node[2]", "node.x", "a+b"}


def test_a_move_to_a_pool_that_does_not_exist_moves_nothing(
    native: NativePools, afserver: FakeAfserver
) -> None:
    with pytest.raises(NativePoolNotFoundError) as caught:
        native.move("/nope", ["rnd-a01"])
    assert (
        str(caught.value) == f"There is no native pool '/nope' on afserver at {afserver.address}."
    )
    assert actions(afserver) == []


def test_a_pool_deleted_between_planning_and_acting_moves_nothing(
    native: NativePools, afserver: FakeAfserver
) -> None:
    afserver.farm.add_pool("/spare")
    afserver.farm.before_next_action(lambda: afserver.farm.delete_pool("/spare"))
    before = pools_of(afserver)

    result = native.move("/spare", ["rnd-a01", "rnd-a02"])

    assert pools_of(afserver) == before
    assert [(o.status, o.reason) for o in result.outcomes] == 2 * [
        (
            MoveStatus.REFUSED,
            "The native pool '/spare' is no longer on afserver (deleted meanwhile).",
        )
    ]


def test_a_render_gone_between_planning_and_acting_is_named(
    native: NativePools, afserver: FakeAfserver
) -> None:
    afserver.farm.before_next_action(lambda: afserver.farm.remove_render("rnd-a02"))

    result = native.move("/gpu", ["rnd-a01", "rnd-a02"])

    assert [(o.name, o.status) for o in result.outcomes] == [
        ("rnd-a01", MoveStatus.MOVED),
        ("rnd-a02", MoveStatus.GONE),
    ]
    assert result.failed[0].reason == "Render 'rnd-a02' is no longer on afserver."


def test_nothing_to_move_sends_nothing(native: NativePools, afserver: FakeAfserver) -> None:
    result = native.move("/gpu", ["gpu-01", "ghost"])
    assert (result.actions, actions(afserver)) == (0, [])
    with pytest.raises(AfpoolsError) as caught:
        native.move("/gpu", [" ", ""])
    assert str(caught.value) == "Name at least one render to move."
