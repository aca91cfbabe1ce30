"""``main.py jobs``, and what ``pools`` and ``apply`` say and do now that jobs hold tokens."""

from __future__ import annotations

import json

import pytest

from storage.store import PoolStore
from tests.support.agent_farm import actions, agent_env, runs_on
from tests.support.cli import Run
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm
from tests.support.fake_jobs import token_job

pytestmark = pytest.mark.integration


@pytest.fixture
def cli(
    cli: Run,
    nx_server: str,
    database_name: str,
    afserver: FakeAfserver,
    pools: PoolStore,
    monkeypatch: pytest.MonkeyPatch,
) -> Run:
    for name, value in agent_env(nx_server, database_name, afserver).items():
        monkeypatch.setenv(name, value)
    return cli


@pytest.fixture
def jobs(cli: Run, farm: FakeFarm) -> dict[str, int]:
    """shot (lighting, gpu), comp (lighting), waits (@nope), plain (no token); bound once."""
    ids = {
        "shot": farm.submit_job(token_job("shot", "@lighting @gpu"))[0],
        "comp": farm.submit_job(token_job("comp", "@lighting", user="bob"))[0],
        "waits": farm.submit_job(token_job("waits", "@nope rnd-b"))[0],
        "plain": farm.submit_job(token_job("plain", "rnd-b"))[0],
    }
    assert cli("agent", "--once")[0] == 0
    return ids


def test_jobs_lists_the_bound_and_the_waiting_jobs(cli: Run, jobs: dict[str, int]) -> None:
    code, out, _ = cli("jobs")

    assert code == 0
    assert out.splitlines() == [
        "JOB  NAME   USER  STATE  RUNNING  POOLS          STATUS",
        f"{jobs['shot']}    shot   anna  RDY    0        lighting, gpu  bound",
        f"{jobs['comp']}    comp   bob   RDY    0        lighting       bound",
        f"{jobs['waits']}    waits  anna  RDY    0        -              waiting: @nope",
    ]


def test_jobs_of_one_pool_and_the_waiting_ones_alone(cli: Run, jobs: dict[str, int]) -> None:
    _, gpu, _ = cli("jobs", "--pool", "gpu", "--json")
    _, waiting, _ = cli("jobs", "--waiting", "--json")

    assert [job["name"] for job in json.loads(gpu)] == ["shot"]
    (waits,) = json.loads(waiting)
    assert waits == {
        "id": jobs["waits"],
        "serial": waits["serial"],
        "name": "waits",
        "user": "anna",
        "state": "RDY",
        "running_tasks": 0,
        "status": "waiting",
        "pools": [],
        "tokens": ["nope"],
        "unknown_tokens": ["nope"],
        "reason": "@nope names no pool.",
        "masks_pending": False,
    }


def test_jobs_of_a_pool_that_does_not_exist_is_one_sentence(cli: Run, jobs: dict[str, int]) -> None:
    assert cli("jobs", "--pool", "nope") == (1, "", "There is no pool named 'nope'.\n")


def test_jobs_says_so_when_no_job_waits(cli: Run, farm: FakeFarm) -> None:
    farm.submit_job(token_job("shot", "@gpu"))

    assert cli("jobs", "--waiting") == (0, "", "No job waits for a pool.\n")


def test_jobs_changes_nothing(
    cli: Run, farm: FakeFarm, afserver: FakeAfserver, pools: PoolStore
) -> None:
    job_id = farm.submit_job(token_job("shot", "@gpu"))[0]
    submitted, counter = farm.job(job_id), pools.bindings.counter()

    cli("jobs")

    assert farm.job(job_id) == submitted
    assert actions(afserver) == []
    assert pools.bindings.counter() == counter
    assert pools.leases.current() is None


def test_deleting_a_pool_names_the_jobs_bound_to_it(cli: Run, jobs: dict[str, int]) -> None:
    code, out, err = cli("pools", "delete", "lighting")

    assert code == 0
    assert out == "Deleted pool 'lighting' (2 hosts).\n"
    assert err == (
        "2 jobs bound to pool 'lighting' get none of its hosts from now on (the agent "
        f"rewrites them): {jobs['shot']} (shot), {jobs['comp']} (comp).\n"
    )


@pytest.mark.parametrize(
    ("name", "reason"),
    [("comp nodes", "its name holds a space"), ("a,b", "its name holds ','")],
)
def test_a_pool_whose_name_cannot_be_typed_as_a_token_is_made_with_a_warning(
    cli: Run, name: str, reason: str
) -> None:
    created = cli("pools", "create", name)
    renamed = cli("pools", "rename", "gpu", name + "2")

    assert created[0] == renamed[0] == 0
    assert created[2].startswith(
        f"Warning: artists cannot type pool '{name}' as a token in a hosts mask: {reason}"
    )
    assert renamed[2].startswith(f"Warning: artists cannot type pool '{name}2' as a token")


def test_pool_json_names_the_token_to_type(cli: Run) -> None:
    cli("pools", "create", "comp nodes")

    listed = {pool["name"]: pool["token"] for pool in json.loads(cli("pools", "list", "--json")[1])}

    assert listed == {"comp nodes": None, "gpu": "@gpu", "lighting": "@lighting"}


def test_apply_writes_through_the_bindings_so_the_agent_follows_the_pool(
    cli: Run, farm: FakeFarm, pools: PoolStore
) -> None:
    job_id = farm.submit_job(token_job("shot", "rnd-a0"))[0]  # no token: only apply binds it

    assert cli("apply", "lighting", str(job_id))[0] == 0
    pools.add_hosts("lighting", ["rnd-a03", "rnd-b01"])
    cli("agent", "--once")

    assert runs_on(farm.job(job_id)) == ["rnd-a01", "rnd-a02", "rnd-a03"]  # its own mask holds


def test_apply_while_another_agent_holds_the_lease_leaves_the_writing_to_it(
    cli: Run, farm: FakeFarm, afserver: FakeAfserver, pools: PoolStore
) -> None:
    job_id = farm.submit_job(token_job("shot", "rnd-a0"))[0]
    pools.leases.take("elsewhere", "render-mgr pid 77", 60)

    code, _, err = cli("apply", "lighting", str(job_id))

    assert code == 0
    assert err == "The agent of render-mgr pid 77 holds the lease; it writes the masks in a pass.\n"
    assert actions(afserver) == []
    assert [b.job_id for b in pools.bindings.all().bindings.values()] == [job_id]
