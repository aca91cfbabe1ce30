"""Decoding ``get pools``: one odd pool neither hides the others nor breaks the tree."""

from __future__ import annotations

from afserver.native import decode_tree
from tests.support.afserver_fixtures import recorded_response


def test_the_recorded_tree_decodes_with_counters_settings_and_members() -> None:
    tree = decode_tree(recorded_response("06")["pools"], recorded_response("01")["renders"])

    root = tree.pools["/"]
    assert (root.pool_id, root.parent, root.state) == (1, "", "RUN")
    assert (root.counters.renders_total, root.counters.run_tasks) == (8, 1)
    assert root.settings == {"priority": 99, "capacity_host": 1100, "max_tasks_host": 4}
    assert tree.pools["/gpu"].renders == ("gpu-01",)


def test_odd_pools_are_skipped_and_odd_fields_read_as_nothing() -> None:
    pools = [
        {"name": "/", "id": 1, "renders_total": "many", "state": 7},
        {"id": 2},  # no path: cannot be shown
        "not a pool",
        {"name": "/gpu", "id": True},  # no parent: taken from the path
    ]
    tree = decode_tree(pools, [{"name": "r1", "pool": "/gpu", "st": 1}])

    assert list(tree.pools) == ["/", "/gpu"]
    assert (tree.pools["/"].counters.renders_total, tree.pools["/"].state) == (0, "")
    assert (tree.pools["/gpu"].pool_id, tree.pools["/gpu"].parent) == (None, "/")
    assert tree.pools["/gpu"].renders == ("r1",)
