"""The service runs the agent: ``/v1/jobs``, and what ``/v1/health`` says about the agent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from poolserver.service import BackgroundService
from storage.store import PoolStore
from tests.support.agent_farm import admits
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm
from tests.support.fake_jobs import token_job
from tests.support.poolservice import ServiceFactory, call, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def farm() -> FakeFarm:
    return FakeFarm.recorded()


@pytest.fixture
def afserver(farm: FakeFarm) -> Iterator[FakeAfserver]:
    with FakeAfserver(farm, server_cycle=0.1) as server:
        yield server


@pytest.fixture
def with_afserver(afserver: FakeAfserver, seeded: PoolStore) -> dict[str, Any]:
    """Settings of a service that watches the stand-in and runs a quick agent."""
    return {
        "afserver_host": "127.0.0.1",
        "afserver_port": afserver.port,
        "service_afserver_interval": 0.2,
        "service_agent": True,
        "agent_jobs_interval": 0.2,
        "agent_watch_interval": 0.05,
        "agent_lease_seconds": 2.0,
    }


def health(service: BackgroundService) -> dict[str, Any]:
    reply = call(service.http_port, "/v1/health")
    assert reply.status == 200
    found: dict[str, Any] = reply.json()
    return found


def jobs(service: BackgroundService, query: str = "") -> list[dict[str, Any]]:
    reply = call(service.http_port, "/v1/jobs" + query)
    assert reply.status == 200, reply.body
    found: list[dict[str, Any]] = reply.json()["jobs"]
    return found


def test_the_service_s_agent_binds_jobs_and_lists_them_by_pool_and_waiting(
    make_service: ServiceFactory, with_afserver: dict[str, Any], farm: FakeFarm
) -> None:
    shot = farm.submit_job(token_job("shot", "@lighting"))[0]
    render = farm.submit_job(token_job("render", "@gpu"))[0]
    waits = farm.submit_job(token_job("waits", "@nope"))[0]
    service = make_service(**with_afserver)

    wait_until(lambda: admits(farm.job(shot), ["rnd-a01", "rnd-a02", "rnd-a03"]), "shot bound")
    wait_until(lambda: health(service)["agent"] == "active", "the agent active")
    wait_until(lambda: [j["id"] for j in jobs(service, "?pool=gpu")] == [render], "the job list")

    assert [j["name"] for j in jobs(service, "?pool=lighting")] == ["shot"]
    (waiting,) = jobs(service, "?waiting=1")
    assert (waiting["id"], waiting["unknown_tokens"]) == (waits, ["nope"])
    assert {j["name"] for j in jobs(service)} == {"shot", "render", "waits"}
    state = health(service)
    assert state["status"] == "ok"
    assert (state["jobs_waiting_for_a_pool"], state["jobs_waiting_for_the_agent"]) == (1, 0)


def test_jobs_of_an_unknown_pool_or_a_bad_query_are_one_sentence(
    make_service: ServiceFactory, with_afserver: dict[str, Any]
) -> None:
    service = make_service(**with_afserver)
    wait_until(lambda: call(service.http_port, "/v1/jobs").status == 200, "the first pass")

    missing = call(service.http_port, "/v1/jobs?pool=nope")
    bad = call(service.http_port, "/v1/jobs?waiting=maybe")

    assert (missing.status, missing.json()) == (404, {"error": "There is no pool named 'nope'."})
    assert (bad.status, bad.json()) == (400, {"error": "waiting is 1 or 0, not 'maybe'."})


def test_without_an_agent_health_reports_token_jobs_that_no_agent_makes_exact(
    make_service: ServiceFactory, with_afserver: dict[str, Any], farm: FakeFarm, seeded: PoolStore
) -> None:
    shot = farm.submit_job(token_job("shot", "@lighting"))[0]
    service = make_service(**{**with_afserver, "service_agent": False})

    state = wait_until(lambda: (h := health(service)).get("agent_warning") and h, "the warning")

    assert state["agent"] == "off"
    assert state["status"] == "degraded"
    assert state["agent_warning"] == (
        "1 job holds pool tokens that no agent makes exact: no agent holds the lease; "
        "run 'main.py agent' or 'main.py serve' without --no-agent."
    )
    (listed,) = jobs(service)
    assert (listed["id"], listed["masks_pending"]) == (shot, True)
    assert farm.job(shot)["hosts_mask_type"] == "find"  # an agent that is off writes nothing

    seeded.leases.take("elsewhere", "render-mgr pid 77", 60)  # an agent runs somewhere else
    wait_until(lambda: "agent_warning" not in health(service), "the warning gone")


def test_a_service_that_does_not_watch_afserver_has_no_job_list(
    make_service: ServiceFactory,
) -> None:
    service = make_service()

    reply = call(service.http_port, "/v1/jobs")

    assert reply.status == 503
    assert reply.json() == {
        "error": "This service does not read afserver's jobs: its agent is off and "
        "service_afserver_interval is 0."
    }
    assert health(service)["agent"] == "off"


def test_two_services_one_active_agent_one_standby(
    make_service: ServiceFactory, with_afserver: dict[str, Any], farm: FakeFarm
) -> None:
    shot = farm.submit_job(token_job("shot", "@gpu"))[0]
    first = make_service(**with_afserver)
    second = make_service(**with_afserver)

    wait_until(
        lambda: sorted((health(first)["agent"], health(second)["agent"])) == ["active", "standby"],
        "one active, one standby",
    )
    assert admits(farm.job(shot), ["gpu-01"])
