"""The drop rules of the board, without Qt: which edits a drag and drop asks for."""

from __future__ import annotations

import pytest

from pools.drops import plan_drop
from pools.edits import Edit


def test_a_drop_from_the_farm_adds_to_the_pool() -> None:
    drop = plan_drop(["rnd-a03", "rnd-a04"], None, "gpu", copy=False)

    assert drop is not None
    assert drop.edits == (Edit("add", "gpu", ("rnd-a03", "rnd-a04")),)
    assert drop.label("2 hosts") == "add 2 hosts to gpu"


def test_a_drop_between_pools_adds_first_then_removes() -> None:
    drop = plan_drop(["rnd-a01"], "lighting", "gpu", copy=False)

    assert drop is not None
    assert drop.edits == (
        Edit("add", "gpu", ("rnd-a01",)),
        Edit("remove", "lighting", ("rnd-a01",)),
    )
    assert drop.label("rnd-a01") == "move rnd-a01 from lighting to gpu"


def test_ctrl_copies_between_pools() -> None:
    drop = plan_drop(["rnd-a01"], "lighting", "gpu", copy=True)

    assert drop is not None
    assert drop.edits == (Edit("add", "gpu", ("rnd-a01",)),)
    assert drop.label("rnd-a01") == "add rnd-a01 to gpu"


def test_a_drop_on_the_farm_removes_from_the_pool_it_came_from() -> None:
    drop = plan_drop(["rnd-a01", "rnd-a02"], "lighting", None, copy=False)

    assert drop is not None
    assert drop.edits == (Edit("remove", "lighting", ("rnd-a01", "rnd-a02")),)
    assert drop.label("2 hosts") == "remove 2 hosts from lighting"


@pytest.mark.parametrize(
    ("hosts", "from_pool", "to_pool", "copy"),
    [
        (["gpu-01"], "gpu", "gpu", False),  # back into its own column
        (["gpu-01"], "gpu", "gpu", True),
        (["rnd-a03"], None, None, False),  # Farm onto Farm
        (["rnd-a01"], "lighting", None, True),  # a copy into the Farm: it is there already
        ([], None, "gpu", False),  # nothing dragged
    ],
    ids=["own-pool", "own-pool-ctrl", "farm-to-farm", "ctrl-to-farm", "no-hosts"],
)
def test_drops_that_change_nothing(
    hosts: list[str], from_pool: str | None, to_pool: str | None, copy: bool
) -> None:
    assert plan_drop(hosts, from_pool, to_pool, copy=copy) is None
