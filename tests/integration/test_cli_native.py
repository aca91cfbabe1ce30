"""``main.py native ...`` against the afserver stand-in (with a server cycle) and a real nx-27017.

The stand-in's farm is the one recorded from CGRU 3.4.1: ``/`` holds rnd-a01..a04 (a03 busy)
and the offline ws-anna, ``/gpu`` holds gpu-01, ``/cpu/big`` holds rnd-b01 and rnd-b02.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from storage.store import PoolStore
from tests.support.afserver_fixtures import recorded_response
from tests.support.cli import Run
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm

pytestmark = pytest.mark.integration

CYCLE = 0.05


@pytest.fixture
def afserver() -> Iterator[FakeAfserver]:
    with FakeAfserver(FakeFarm.recorded(), server_cycle=CYCLE) as server:
        yield server


@pytest.fixture
def cli(cli: Run, afserver: FakeAfserver, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("CGRU_AF_SERVERNAME", "127.0.0.1")
    monkeypatch.setenv("CGRU_AF_SERVERPORT", str(afserver.port))
    return cli


def actions(afserver: FakeAfserver) -> list[dict[str, Any]]:
    return [request["action"] for request in afserver.requests if "action" in request]


def pool_of(afserver: FakeAfserver, render: str) -> str:
    return str(afserver.farm.render(render)["pool"])


def paths(afserver: FakeAfserver) -> list[str]:
    return [pool["name"] for pool in afserver.farm.pools()]


class Terminal(io.StringIO):
    """Standard input as a person at a terminal, who will type ``answer``."""

    def isatty(self) -> bool:
        return True


# -- list --------------------------------------------------------------------------------


def test_list_shows_the_tree_with_each_pool_s_renders_and_counters(cli: Run) -> None:
    code, out, err = cli("native", "list")

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == [
        "POOL", "OWN", "TOTAL", "ONLINE", "BUSY", "NIMBY", "PAUSED", "OFFLINE", "RENDERS"
    ]  # fmt: skip
    rows = {line.split()[0]: line for line in lines[1:]}
    assert list(rows) == ["/", "/cpu", "/cpu/big", "/gpu"]
    assert rows["/"].split()[1:8] == ["5", "8", "7", "1", "1", "1", "1"]
    assert rows["/"].endswith("rnd-a01, rnd-a02, rnd-a03, rnd-a04, ws-anna")
    assert lines[2].startswith("  /cpu ") and lines[3].startswith("    /cpu/big ")
    assert rows["/cpu"].split()[1:3] == ["0", "2"] and rows["/cpu"].endswith("-")


def test_list_json_has_paths_renders_counters_and_settings(cli: Run) -> None:
    code, out, _ = cli("native", "list", "--json")

    data = json.loads(out)
    pools = {pool["path"]: pool for pool in data["pools"]}
    assert code == 0
    assert list(pools) == ["/", "/cpu", "/cpu/big", "/gpu"]
    big = pools["/cpu/big"]
    assert (big["name"], big["parent"], big["depth"], big["id"]) == ("big", "/cpu", 2, 4)
    assert big["renders"] == ["rnd-b01", "rnd-b02"]
    assert pools["/"]["counters"]["renders_total"] == 8
    assert pools["/"]["settings"]["max_tasks_host"] == 4
    assert data["unplaced"] == []


# -- create and delete -------------------------------------------------------------------


def test_create_makes_missing_parents_and_says_which(cli: Run, afserver: FakeAfserver) -> None:
    assert cli("native", "create", "/render/fast") == (
        0,
        "Created native pool '/render/fast' and its parent '/render'.\n",
        "",
    )
    code, out, _ = cli("native", "create", "/gpu/big", "--json")
    assert (code, json.loads(out)) == (0, {"path": "/gpu/big", "created": ["/gpu/big"]})
    assert {"/render", "/render/fast", "/gpu/big"} <= set(paths(afserver))


@pytest.mark.parametrize(
    ("path", "sentence"),
    [
        ("/cpu/../gpu", "The native pool path '/cpu/../gpu' has '..' in it; write the whole "
         "path from the root instead."),
        ("/cpu//big", "The native pool path '/cpu//big' has '//' in it; write one '/' between "
         "two names."),
        ("/gpu/", "The native pool path '/gpu/' ends with '/'; leave the last '/' out."),
        ("/gpu.*", "The native pool path '/gpu.*' has '.' in 'gpu.*'; afserver pool names keep "
         "only letters A-Z and a-z, digits and '_'."),
        ("gpu", "The native pool path 'gpu' must start at the root '/', like '/gpu'."),
    ],
)  # fmt: skip
@pytest.mark.parametrize("command", ["create", "delete", "move"])
def test_a_bad_path_is_one_sentence_and_sends_nothing(
    cli: Run, afserver: FakeAfserver, command: str, path: str, sentence: str
) -> None:
    argv = ["native", command, path] + (["rnd-a01"] if command == "move" else [])

    assert cli(*argv) == (1, "", sentence + "\n")
    assert afserver.requests == []


def test_creating_what_exists_is_one_sentence(cli: Run, afserver: FakeAfserver) -> None:
    assert cli("native", "create", "/gpu") == (
        1,
        "",
        f"The native pool '/gpu' already exists on afserver at {afserver.address}.\n",
    )
    assert actions(afserver) == []


def test_delete_removes_an_empty_pool(cli: Run, afserver: FakeAfserver) -> None:
    afserver.farm.add_pool("/spare")
    afserver.farm.add_pool("/spare2")

    assert cli("native", "delete", "/spare") == (0, "Deleted native pool '/spare'.\n", "")
    code, out, _ = cli("native", "delete", "/spare2", "--json")
    assert (code, json.loads(out)) == (0, {"path": "/spare2", "deleted": True})
    assert "/spare" not in paths(afserver) and "/spare2" not in paths(afserver)


@pytest.mark.parametrize(
    ("path", "sentence"),
    [
        ("/gpu", "The native pool '/gpu' still holds render gpu-01; afserver deletes only "
         "empty pools."),
        ("/cpu", "The native pool '/cpu' still holds pool /cpu/big; afserver deletes only "
         "empty pools."),
        ("/", "The root pool '/' cannot be deleted; afserver keeps it always."),
    ],
)  # fmt: skip
def test_delete_refusals_are_one_sentence(
    cli: Run, afserver: FakeAfserver, path: str, sentence: str
) -> None:
    assert cli("native", "delete", path, "--json") == (1, "", sentence + "\n")
    assert actions(afserver) == []
    assert path in paths(afserver)


def test_afserver_s_refusal_to_delete_is_passed_on(cli: Run, afserver: FakeAfserver) -> None:
    afserver.farm.add_pool("/spare")
    afserver.farm.before_next_action(lambda: afserver.farm.update_render("rnd-a01", pool="/spare"))

    assert cli("native", "delete", "/spare") == (
        1,
        "",
        f"afserver at {afserver.address} refused to delete '/spare': "
        "Pool '/spare' has child pools/renders.\n",
    )


# -- move --------------------------------------------------------------------------------


def test_move_exits_0_when_every_render_named_is_there(cli: Run, afserver: FakeAfserver) -> None:
    code, out, err = cli("native", "move", "/cpu/big", "rnd-a01", "ws-anna", "rnd-b01")

    assert (code, err) == (0, "")
    assert out == "Moved 2 renders to '/cpu/big'; 1 render was there already.\n"
    assert len(actions(afserver)) == 1
    assert pool_of(afserver, "rnd-a01") == pool_of(afserver, "ws-anna") == "/cpu/big"


def test_move_exits_1_naming_each_render_that_did_not_move_and_why(
    cli: Run, afserver: FakeAfserver
) -> None:
    code, out, err = cli("native", "move", "/gpu", "rnd-a01", "rnd-a03", "ghost")

    assert code == 1
    assert out == "Moved 1 render to '/gpu'; 2 renders did not move (rnd-a03, ghost).\n"
    assert err.splitlines() == [
        "rnd-a03: Render 'rnd-a03' is busy, and afserver does not move a render while it "
        "runs a task.",
        "ghost: There is no render named 'ghost' on afserver.",
    ]
    assert (pool_of(afserver, "rnd-a01"), pool_of(afserver, "rnd-a03")) == ("/gpu", "/")


def test_move_json_lists_every_render_and_still_exits_1_on_a_partial_move(cli: Run) -> None:
    code, out, err = cli("native", "move", "--json", "/gpu", "rnd-a03", "rnd-a02")

    data = json.loads(out)
    assert (code, err) == (1, "")
    assert [(r["name"], r["outcome"], r["from"]) for r in data["renders"]] == [
        ("rnd-a03", "busy", "/"),
        ("rnd-a02", "moved", "/"),
    ]
    assert data["all_arrived"] is False
    assert data["actions"] == 1


def test_a_move_to_a_pool_that_does_not_exist_is_one_sentence(
    cli: Run, afserver: FakeAfserver
) -> None:
    assert cli("native", "move", "/nope", "rnd-a01") == (
        1,
        "",
        f"There is no native pool '/nope' on afserver at {afserver.address}.\n",
    )
    assert actions(afserver) == []


def test_a_pool_deleted_between_planning_and_acting_moves_nothing(
    cli: Run, afserver: FakeAfserver
) -> None:
    afserver.farm.add_pool("/spare")
    afserver.farm.before_next_action(lambda: afserver.farm.delete_pool("/spare"))

    code, _, err = cli("native", "move", "/spare", "rnd-a01", "rnd-a02")

    assert code == 1
    reason = "The native pool '/spare' is no longer on afserver (deleted meanwhile)."
    assert err.splitlines() == [f"rnd-a01: {reason}", f"rnd-a02: {reason}"]
    assert pool_of(afserver, "rnd-a01") == pool_of(afserver, "rnd-a02") == "/"


# -- from-pool ---------------------------------------------------------------------------


@pytest.fixture
def comp(store: PoolStore) -> PoolStore:
    """Our pool 'comp-nodes': an idle render, a busy one, one in /gpu, a switched-off box."""
    store.create("comp-nodes")
    store.add_hosts("comp-nodes", ["rnd-a01", "rnd-a03", "gpu-01", "old-box"])
    return store


def test_from_pool_refuses_without_yes_when_a_render_would_leave_another_native_pool(
    cli: Run, afserver: FakeAfserver, comp: PoolStore
) -> None:
    assert cli("native", "from-pool", "comp-nodes") == (
        1,
        "",
        "1 render would leave another native pool for '/comp_nodes': gpu-01 (from /gpu); "
        "run again with --yes to move them.\n",
    )
    assert actions(afserver) == []
    assert "/comp_nodes" not in paths(afserver)


def test_from_pool_with_yes_creates_the_path_and_moves_the_idle_renders(
    cli: Run, afserver: FakeAfserver, comp: PoolStore
) -> None:
    code, out, err = cli("native", "from-pool", "comp-nodes", "--yes")

    assert code == 0
    assert out.splitlines() == [
        "Created native pool '/comp_nodes' for pool 'comp-nodes'.",
        "Moved 2 renders to '/comp_nodes'.",
    ]
    assert err.splitlines() == [
        "Left where they are, busy: rnd-a03 (afserver does not move a render while it runs a "
        "task; run the command again later).",
        "Not renders on afserver, so not moved: old-box.",
    ]
    assert pool_of(afserver, "rnd-a01") == pool_of(afserver, "gpu-01") == "/comp_nodes"
    assert pool_of(afserver, "rnd-a03") == "/"
    set_pool = [a for a in actions(afserver) if a["type"] == "renders"]
    assert len(set_pool) == 1  # the busy one is not even asked for


@pytest.mark.parametrize(("typed", "moved"), [("y\n", True), ("\n", False), ("no\n", False)])
def test_from_pool_asks_at_a_terminal(
    cli: Run,
    afserver: FakeAfserver,
    comp: PoolStore,
    monkeypatch: pytest.MonkeyPatch,
    typed: str,
    moved: bool,
) -> None:
    monkeypatch.setattr("sys.stdin", Terminal(typed))

    code, _, err = cli("native", "from-pool", "comp-nodes", "/cpu/comp")

    assert err.startswith(
        "1 render would leave another native pool for '/cpu/comp': gpu-01 (from /gpu). "
        "Move them? [y/N] "
    )
    assert code == (0 if moved else 1)
    assert pool_of(afserver, "gpu-01") == ("/cpu/comp" if moved else "/gpu")
    if not moved:
        assert err.endswith("Nothing was changed.\n")
        assert actions(afserver) == []


def test_from_pool_into_an_existing_path_asks_nothing_for_renders_from_the_root(
    cli: Run, afserver: FakeAfserver, store: PoolStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.create("a-side")
    store.add_hosts("a-side", ["rnd-a01", "rnd-a02", "rnd-b01"])  # rnd-b01 is in /cpu/big
    monkeypatch.setattr("sys.stdin", Terminal(""))  # a question would get "no"

    code, out, _ = cli("native", "from-pool", "a-side", "/cpu/big", "--json")

    data = json.loads(out)
    assert code == 0
    assert (data["path"], data["created"], data["already"]) == ("/cpu/big", [], ["rnd-b01"])
    assert [r["name"] for r in data["move"]["renders"]] == ["rnd-a01", "rnd-a02"]
    assert (data["busy"], data["not_renders"]) == ([], [])
    assert pool_of(afserver, "rnd-a02") == "/cpu/big"
    assert cli("native", "from-pool", "a-side", "/cpu/big") == (
        0,
        "Using native pool '/cpu/big' for pool 'a-side'.\n",
        "",
    )


def test_from_pool_of_an_unknown_pool_or_to_a_bad_path_is_one_sentence(
    cli: Run, afserver: FakeAfserver, comp: PoolStore
) -> None:
    assert cli("native", "from-pool", "nope") == (1, "", "There is no pool named 'nope'.\n")
    code, _, err = cli("native", "from-pool", "comp-nodes", "/a b", "--yes")
    assert (code, err.count("\n")) == (1, 1)
    assert "has ' ' in 'a b'" in err
    assert afserver.requests == []


# -- an old server -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [("list",), ("create", "/gpu2"), ("delete", "/gpu"), ("move", "/gpu", "rnd-a01")],
)
def test_a_server_without_native_pools_is_one_sentence(
    cli: Run, afserver: FakeAfserver, argv: tuple[str, ...]
) -> None:
    afserver.farm = FakeFarm(recorded_response("01")["renders"], native_pools=False)

    assert cli("native", *argv) == (
        1,
        "",
        f"afserver at {afserver.address} has no native pools (CGRU 3.0 brought them); "
        "it answers: Invalid get type = 'pools'.\n",
    )
    assert actions(afserver) == []
