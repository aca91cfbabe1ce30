"""``POST /v1/jobs/{id}/pool`` and the client's ``bind_job``: a job whose submitter dropped
its hosts mask (CGRU's Fusion plugin) is bound to a pool afterwards, like ``main.py apply``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from integrations import client
from storage.store import PoolStore
from tests.support.agent_farm import admits
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm
from tests.support.fake_jobs import token_job
from tests.support.poolservice import Reply, ServiceFactory, call, wait_until

pytestmark = pytest.mark.integration

TOKEN = "a-token-for-the-fusion-artists"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def farm() -> FakeFarm:
    return FakeFarm.recorded()


@pytest.fixture
def afserver(farm: FakeFarm) -> Iterator[FakeAfserver]:
    with FakeAfserver(farm, server_cycle=0.1) as server:
        yield server


def bind(port: int, path: str, body: dict[str, Any], headers: dict[str, str]) -> Reply:
    return call(port, path, method="POST", body=body, headers=headers)


def writes(afserver: FakeAfserver, **more: Any) -> dict[str, Any]:
    return {
        "afserver_host": "127.0.0.1",
        "afserver_port": afserver.port,
        "service_writes": True,
        "service_write_token": TOKEN,
        **more,
    }


def test_a_job_without_a_mask_is_bound_and_kept_on_the_pool(
    make_service: ServiceFactory, afserver: FakeAfserver, farm: FakeFarm, seeded: PoolStore
) -> None:
    """No agent runs beside this service: the request writes the masks itself."""
    job_id = farm.submit_job(token_job("fusion_comp"))[0]
    service = make_service(**writes(afserver))

    reply = bind(service.http_port, f"/v1/jobs/{job_id}/pool", {"pool": "gpu"}, AUTH)

    assert reply.status == 200, reply.body
    answer = reply.json()
    assert (answer["job"]["id"], answer["pool"]["name"]) == (job_id, "gpu")
    assert (answer["written"], answer["writer"]) == (True, "this request")
    wait_until(lambda: admits(farm.job(job_id), ["gpu-01"]), "the job on gpu's hosts")
    (binding,) = seeded.bindings.all().bindings.values()
    assert binding.job_id == job_id


def test_the_client_binds_a_job_with_the_token_and_says_why_it_cannot(
    make_service: ServiceFactory, afserver: FakeAfserver, farm: FakeFarm, seeded: PoolStore
) -> None:
    job_id = farm.submit_job(token_job("fusion_comp"))[0]
    service = make_service(**writes(afserver))
    url = f"http://127.0.0.1:{service.http_port}"

    bound = client.bind_job(job_id, "lighting", url=url, token=TOKEN)
    with pytest.raises(client.PoolServiceError, match="token"):
        client.bind_job(job_id, "lighting", url=url)
    with pytest.raises(client.PoolServiceError, match="no job with id 999"):
        client.bind_job(999, "lighting", url=url, token=TOKEN)
    with pytest.raises(client.PoolServiceError, match="no pool named 'nope'"):
        client.bind_job(job_id, "nope", url=url, token=TOKEN)

    assert bound["pool"]["name"] == "lighting"
    wait_until(lambda: admits(farm.job(job_id), ["rnd-a01", "rnd-a02", "rnd-a03"]), "bound")


@pytest.mark.parametrize(
    ("path", "body", "headers", "status", "error"),
    [
        ("/v1/jobs/{job}/pool", {"pool": "gpu"}, {}, 401, "bearer token"),
        ("/v1/jobs/{job}/pool", {}, AUTH, 400, "'pool' must be a non-empty string."),
        ("/v1/jobs/0/pool", {"pool": "gpu"}, AUTH, 400, "positive whole number"),
        ("/v1/jobs/999/pool", {"pool": "gpu"}, AUTH, 404, "no job with id 999"),
        ("/v1/jobs/{job}/pool", {"pool": "nope"}, AUTH, 404, "no pool named 'nope'"),
    ],
    ids=["no-token", "no-pool", "bad-id", "unknown-job", "unknown-pool"],
)
def test_a_bad_binding_request_is_one_sentence_and_changes_nothing(
    make_service: ServiceFactory,
    afserver: FakeAfserver,
    farm: FakeFarm,
    seeded: PoolStore,
    path: str,
    body: dict[str, Any],
    headers: dict[str, str],
    status: int,
    error: str,
) -> None:
    job_id = farm.submit_job(token_job("fusion_comp"))[0]
    service = make_service(**writes(afserver))
    before = dict(farm.job(job_id))

    reply = bind(service.http_port, path.format(job=job_id), body, headers)

    assert reply.status == status
    assert error in reply.json()["error"]
    assert seeded.bindings.all().bindings == {}
    assert farm.job(job_id) == before


def test_with_writes_off_binding_is_refused(
    make_service: ServiceFactory, afserver: FakeAfserver, farm: FakeFarm, seeded: PoolStore
) -> None:
    job_id = farm.submit_job(token_job("fusion_comp"))[0]
    service = make_service(afserver_host="127.0.0.1", afserver_port=afserver.port)

    reply = bind(service.http_port, f"/v1/jobs/{job_id}/pool", {"pool": "gpu"}, AUTH)

    assert reply.status == 403
    assert seeded.bindings.all().bindings == {}
