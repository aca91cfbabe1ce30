"""The native pool tree and the decisions of a move, without afserver."""

from __future__ import annotations

import dataclasses

import pytest

from pools.model import Host, HostState, RenderFlags
from pools.native import NativePool, NativePoolNotFoundError, NativeTree, delete_problem
from pools.native_moves import MoveStatus, plan_from_pool, plan_move, settle_move

IDLE = RenderFlags.ONLINE
BUSY = RenderFlags.ONLINE | RenderFlags.BUSY


def host(name: str, pool: str, flags: RenderFlags = IDLE, render_id: int = 0) -> Host:
    return Host(name, HostState.from_flags(flags), flags, native_pool=pool, render_id=render_id)


def pool(path: str, parent: str) -> NativePool:
    return NativePool(path, parent=parent)


POOLS = [pool("/gpu", "/"), pool("/", ""), pool("/cpu/big", "/cpu"), pool("/cpu", "/")]
RENDERS = [
    host("a1", "/"),
    host("a2", "/"),
    host("a3", "/", BUSY),
    host("g1", "/gpu"),
    host("b1", "/cpu/big"),
    host("b2", "/cpu/big"),
]


@pytest.fixture
def tree() -> NativeTree:
    return NativeTree(POOLS, RENDERS)


def test_the_tree_lists_parents_first_and_each_pool_s_own_renders(tree: NativeTree) -> None:
    assert list(tree.pools) == ["/", "/cpu", "/cpu/big", "/gpu"]
    assert tree.pools["/"].renders == ("a1", "a2", "a3")
    assert tree.pools["/cpu"].renders == ()
    assert tree.pools["/cpu/big"].renders == ("b1", "b2")
    assert [child.path for child in tree.children("/")] == ["/cpu", "/gpu"]
    assert (tree.pool_of("g1"), tree.pool_of("nobody")) == ("/gpu", "")


def test_renders_in_a_pool_the_list_does_not_name_are_kept(tree: NativeTree) -> None:
    odd = NativeTree(POOLS, [*RENDERS, host("x1", "/vanished")])
    assert odd.unplaced == ("x1",)
    assert "x1" in odd.renders
    assert tree.unplaced == ()


def test_what_blocks_a_delete_is_named(tree: NativeTree) -> None:
    assert delete_problem(tree, "/") == (
        "The root pool '/' cannot be deleted; afserver keeps it always."
    )
    assert delete_problem(tree, "/gpu") == (
        "The native pool '/gpu' still holds render g1; afserver deletes only empty pools."
    )
    assert delete_problem(tree, "/cpu") == (
        "The native pool '/cpu' still holds pool /cpu/big; afserver deletes only empty pools."
    )
    assert delete_problem(NativeTree([*POOLS, pool("/gpu/x", "/gpu")], RENDERS), "/gpu") == (
        "The native pool '/gpu' still holds render g1 and pool /gpu/x; afserver deletes only "
        "empty pools."
    )
    assert delete_problem(NativeTree([*POOLS, pool("/spare", "/")], RENDERS), "/spare") == ""


def test_many_members_are_cut_short_in_the_sentence() -> None:
    many = [host(f"n{i}", "/gpu") for i in range(8)]
    assert "n0, n1, n2, n3, n4 and 3 more;" in delete_problem(NativeTree(POOLS, many), "/gpu")


def test_a_move_sends_only_the_renders_named_that_are_not_there(tree: NativeTree) -> None:
    plan = plan_move(tree, "/gpu", ["a1", "a3", " g1", "nope", "a1", ""])

    assert plan.asked == ("a1", "a3", "g1", "nope")
    assert plan.send == ("a1", "a3")  # the busy one too: afserver judges when it applies
    assert plan.settled["g1"].status is MoveStatus.ALREADY_THERE
    assert plan.settled["nope"].status is MoveStatus.NOT_A_RENDER
    assert plan.settled["nope"].reason == "There is no render named 'nope' on afserver."


def test_a_move_to_a_pool_that_does_not_exist_is_refused(tree: NativeTree) -> None:
    with pytest.raises(NativePoolNotFoundError) as caught:
        plan_move(tree, "/nope", ["a1"])
    assert str(caught.value) == "There is no native pool '/nope'."


def read_back(*hosts: Host) -> dict[str, Host]:
    return {h.name: h for h in hosts}


def test_each_render_gets_its_outcome_from_the_renders_read_back(tree: NativeTree) -> None:
    plan = plan_move(tree, "/gpu", ["a1", "a3", "g1", "nope", "b1", "b2"])
    after = read_back(host("a1", "/gpu"), host("a3", "/", BUSY), host("b2", "/cpu"))

    result = settle_move(plan, after, actions=1, refusal="Can't change pool. Render 'a3' is busy.")

    assert [(o.name, o.status) for o in result.outcomes] == [
        ("a1", MoveStatus.MOVED),
        ("a3", MoveStatus.BUSY),
        ("g1", MoveStatus.ALREADY_THERE),
        ("nope", MoveStatus.NOT_A_RENDER),
        ("b1", MoveStatus.GONE),
        ("b2", MoveStatus.REFUSED),
    ]
    reasons = {o.name: o.reason for o in result.failed}
    assert reasons == {
        "a3": "Render 'a3' is busy, and afserver does not move a render while it runs a task.",
        "nope": "There is no render named 'nope' on afserver.",
        "b1": "Render 'b1' is no longer on afserver.",
        "b2": "afserver left render 'b2' in '/cpu'.",  # its answer was about a3, not b2
    }
    assert result.outcomes[0].came_from == "/"
    assert (result.moved, result.all_arrived, result.actions) == (("a1",), False, 1)
    assert result.summary() == (
        "Moved 1 render to '/gpu'; 1 render was there already; 4 renders did not move "
        "(a3, nope, b1, b2)."
    )


def test_afserver_s_refusal_about_every_render_is_passed_on(tree: NativeTree) -> None:
    plan = plan_move(tree, "/gpu", ["a1"])
    result = settle_move(plan, read_back(host("a1", "/")), actions=1, refusal="Odd failure")
    assert result.failed[0].reason == "Odd failure."


def test_a_pool_deleted_meanwhile_is_the_reason(tree: NativeTree) -> None:
    plan = plan_move(tree, "/gpu", ["a1", "a2"])
    after = read_back(host("a1", "/"), host("a2", "/"))

    result = settle_move(
        plan, after, actions=1, refusal="Pool '/gpu' does not exist.", pool_gone=True
    )

    assert {o.reason for o in result.failed} == {
        "The native pool '/gpu' is no longer on afserver (deleted meanwhile)."
    }


def test_summaries(tree: NativeTree) -> None:
    plan = plan_move(tree, "/gpu", ["a1", "a2"])
    moved = settle_move(plan, read_back(host("a1", "/gpu"), host("a2", "/gpu")), actions=1)
    assert (moved.summary(), moved.all_arrived) == ("Moved 2 renders to '/gpu'.", True)
    there = settle_move(plan_move(tree, "/gpu", ["g1"]), {}, actions=0)
    assert there.summary() == "1 render was there already."
    refused = settle_move(plan_move(tree, "/gpu", ["a1"]), read_back(host("a1", "/")), actions=1)
    assert refused.summary() == "Nothing moved to '/gpu' (a1)."  # not "Moved 0 renders"


def test_from_pool_moves_idle_renders_and_reports_the_rest(tree: NativeTree) -> None:
    members = ["a1", "a3", "b1", "g1", "offline-ws", "a1"]

    plan = plan_from_pool(tree, "lighting", members, "/gpu")

    assert plan.move == ("a1", "b1")
    assert plan.already == ("g1",)
    assert plan.busy == ("a3",)
    assert plan.not_renders == ("offline-ws",)
    assert plan.leaving == (("b1", "/cpu/big"),)
    assert plan.needs_consent


def test_renders_leaving_only_the_root_need_no_consent(tree: NativeTree) -> None:
    plan = plan_from_pool(tree, "lighting", ["a1", "a2"], "/lighting")
    assert (plan.move, plan.needs_consent) == (("a1", "a2"), False)


def test_a_pool_keeps_its_farm_settings_beside_its_members() -> None:
    root = dataclasses.replace(POOLS[1], settings={"capacity_host": 1100})
    tree = NativeTree([root], [host("a1", "/")])
    assert tree.pools["/"].settings == {"capacity_host": 1100}
    assert tree.pools["/"].renders == ("a1",)
