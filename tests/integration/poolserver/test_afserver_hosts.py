"""Host states from afserver in /v1/hosts and exclude masks; afserver going down is survivable."""

from __future__ import annotations

import pytest

from afserver.renders import hosts_from_renders
from pools.masks import matches
from storage.store import PoolStore
from tests.support.fake_afserver import FakeAfserver
from tests.support.poolservice import ServiceFactory, call, wait_until

pytestmark = pytest.mark.integration


def hosts(port: int) -> dict[str, dict[str, object]]:
    return {h["name"]: h for h in call(port, "/v1/hosts").json()["hosts"]}


def test_hosts_carry_afserver_states_and_renders_count_for_exclude_masks(
    seeded: PoolStore, make_service: ServiceFactory
) -> None:
    with FakeAfserver() as afserver:
        expected = {h.name: h.state_label for h in hosts_from_renders(afserver.farm.renders())}
        running = make_service(
            afserver_host="127.0.0.1",
            afserver_port=afserver.port,
            service_afserver_interval=0.2,
        )
        port = running.http_port
        wait_until(lambda: call(port, "/v1/health").json()["afserver"] == "ok", "afserver")
        shown = wait_until(lambda: (h := hosts(port)) and "rnd-b01" in h and h, "renders")
        for name, state in expected.items():
            assert shown[name]["state"] == state
        assert "afserver" in shown["rnd-a01"]["sources"]
        assert shown["rnd-a01"]["pools"] == ["lighting"]
        exclude = call(port, "/v1/pools/lighting/mask?kind=exclude").json()
        assert exclude["afserver"] is True
        assert matches(exclude["mask"], "rnd-b01")  # known only to afserver
        assert not matches(exclude["mask"], "rnd-a01")
    # afserver is gone: the service says so, keeps the names, forgets the states.
    wait_until(lambda: call(port, "/v1/health").json()["afserver"] == "unreachable", "outage")
    after = hosts(port)
    assert {h["state"] for name, h in after.items() if name in expected} == {"unknown"}
    exclude = call(port, "/v1/pools/lighting/mask?kind=exclude").json()
    assert exclude["afserver"] is False
    assert matches(exclude["mask"], "rnd-b01")
