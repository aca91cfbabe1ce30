"""AfserverClient over real TCP against the afserver stand-in, in both framings."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import pytest

from afserver.client import AfserverClient
from afserver.errors import (
    AfserverError,
    AfserverProtocolError,
    AfserverRejectedError,
    AfserverTimeoutError,
    AfserverTruncatedError,
    AfserverUnreachableError,
)
from afserver.renders import hosts_from_renders
from pools.model import HostState
from tests.support.afserver_fixtures import recorded_response
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm
from tests.support.fake_nodes import make_render
from tests.support.ports import unused_port

pytestmark = pytest.mark.integration

MakeClient = Callable[..., AfserverClient]


@pytest.fixture(params=[False, True], ids=["raw", "http"])
def http(request: pytest.FixtureRequest) -> bool:
    use_http: bool = request.param
    return use_http


@pytest.fixture
def server() -> Iterator[FakeAfserver]:
    with FakeAfserver() as srv:
        yield srv


@pytest.fixture
def make_client(server: FakeAfserver, http: bool) -> MakeClient:
    def make(*, timeout: float = 5.0) -> AfserverClient:
        return AfserverClient(
            server.host,
            server.port,
            user_name="admin",
            host_name="ws-admin",
            http=http,
            timeout=timeout,
        )

    return make


@pytest.fixture
def client(make_client: MakeClient) -> AfserverClient:
    return make_client()


# -- reads -------------------------------------------------------------------------------


def test_renders_list_the_whole_farm(
    client: AfserverClient, server: FakeAfserver, http: bool
) -> None:
    recorded = recorded_response("01")["renders"]

    renders = client.renders()  # each cut down to what its host is made of

    assert [r["name"] for r in renders] == [r["name"] for r in recorded]
    assert hosts_from_renders(renders) == hosts_from_renders(recorded)
    assert server.received[0].framing == ("http" if http else "raw")


@pytest.mark.parametrize(
    ("mask", "names"),
    [
        ("rnd-a", ["rnd-a01", "rnd-a02", "rnd-a03", "rnd-a04"]),
        ("gpu,ws", ["gpu-01", "ws-anna"]),
        ("a0", []),
        ("rnd-a0[12]", []),
    ],
)
def test_render_masks_are_find_prefixes(
    client: AfserverClient, mask: str, names: list[str]
) -> None:
    assert [render["name"] for render in client.renders(mask)] == names


def test_resources_join_into_hosts(client: AfserverClient) -> None:
    hosts = {
        host.name: host for host in hosts_from_renders(client.renders(), client.render_resources())
    }
    assert (hosts["rnd-a01"].cpu_num, hosts["rnd-a01"].mem_total_mb) == (2, 24105)
    assert hosts["ws-anna"].state is HostState.OFFLINE
    assert hosts["ws-anna"].cpu_num is None
    assert hosts["rnd-a03"].state is HostState.BUSY


def test_jobs_all_or_by_ids(client: AfserverClient, server: FakeAfserver) -> None:
    assert [job["id"] for job in client.jobs()] == [1, 2, 3, 4]
    assert [job["name"] for job in client.jobs([4, 3])] == ["gpu_pool_job", "regex_mask_job"]
    assert [job["id"] for job in client.jobs([3, 999])] == [3]
    assert client.jobs([999]) == []  # afserver says "Invalid ID" for one missing id
    requests_so_far = len(server.requests)
    assert client.jobs([]) == []
    assert len(server.requests) == requests_so_far  # nothing asked


def test_native_pools(client: AfserverClient) -> None:
    pools = client.native_pools()
    assert [(pool["name"], pool["parent"]) for pool in pools] == [
        ("/", ""),
        ("/gpu", "/"),
        ("/cpu", "/"),
        ("/cpu/big", "/cpu"),
    ]


def test_non_ascii_names_travel_with_byte_lengths(
    client: AfserverClient, server: FakeAfserver
) -> None:
    """A character-counted header would leave the server waiting for bytes that never come."""
    server.add_render(make_render("render-ñandú-01", 20))
    (render,) = client.renders("render-ñandú")
    assert render["name"] == "render-ñandú-01"


def test_a_five_thousand_render_farm_arrives_whole(
    server: FakeAfserver, make_client: MakeClient
) -> None:
    server.farm = FakeFarm(
        [make_render(f"node-{i:04d}", i, ip=f"10.1.{i // 250}.{i % 250}") for i in range(1, 5001)]
    )
    hosts = hosts_from_renders(make_client().renders())
    assert len(hosts) == 5000
    assert (hosts[-1].name, hosts[-1].ip) == ("node-5000", "10.1.20.0")


# -- actions -----------------------------------------------------------------------------


def test_job_masks_change_in_one_batched_action(
    client: AfserverClient, server: FakeAfserver
) -> None:
    params = {
        "hosts_mask": "gpu-0[1-4]",
        "hosts_mask_exclude": "gpu-04",
        "hosts_mask_type": "regex",
    }

    answer = client.set_job_params([2, 3, 4], params)

    assert answer == "Action processed."
    actions = [request["action"] for request in server.requests if "action" in request]
    assert actions == [
        {
            "user_name": "admin",
            "host_name": "ws-admin",
            "type": "jobs",
            "ids": [2, 3, 4],
            "params": params,
        }
    ]
    for job in client.jobs([2, 3, 4]):
        assert (job["hosts_mask"], job["hosts_mask_exclude"], job["hosts_mask_type"]) == (
            "gpu-0[1-4]",
            "gpu-04",
            "regex",
        )


def test_clearing_a_mask_removes_it(client: AfserverClient) -> None:
    client.set_job_params([3], {"hosts_mask": "", "hosts_mask_exclude": ""})
    (job,) = client.jobs([3])
    assert "hosts_mask" not in job
    assert "hosts_mask_exclude" not in job
    assert job["hosts_mask_type"] == "regex"


def test_render_actions_by_regex_mask_and_by_id(client: AfserverClient) -> None:
    assert client.action(
        "renders", mask="rnd-b0[12]", operation={"type": "set_pool", "name": "/gpu"}
    ) == ("Action processed.")
    client.action("renders", ids=[1], params={"NIMBY": True})

    hosts = {host.name: host for host in hosts_from_renders(client.renders())}
    assert hosts["rnd-b01"].native_pool == hosts["rnd-b02"].native_pool == "/gpu"
    assert hosts["rnd-a01"].state_label == "NIMBY"


def test_an_action_needs_a_target_and_a_change(
    client: AfserverClient, server: FakeAfserver
) -> None:
    with pytest.raises(ValueError, match="ids or a name mask"):
        client.action("jobs", ids=[], params={"priority": 50})
    with pytest.raises(ValueError, match="params or an operation"):
        client.action("jobs", ids=[3])
    with pytest.raises(ValueError, match="at least one job"):
        client.set_job_params([], {"hosts_mask": "x"})
    assert server.received == []


def test_the_client_stops_reading_at_the_declared_length(
    make_client: MakeClient, server: FakeAfserver
) -> None:
    """The stand-in, like afserver, never closes and even sends probe spaces after a reply."""
    server.send_probes = True
    server.idle_close_after = 60
    client = make_client(timeout=30)

    started = time.monotonic()
    assert [pool["name"] for pool in client.native_pools()] == ["/", "/gpu", "/cpu", "/cpu/big"]

    assert time.monotonic() - started < 10
    (record,) = server.wait_for_connections(1)
    assert (record.replied, record.ending) == (True, "client_closed")


# -- failures ----------------------------------------------------------------------------


def test_server_side_rejection_is_one_sentence(
    client: AfserverClient, server: FakeAfserver
) -> None:
    with pytest.raises(AfserverRejectedError) as caught:
        client.action("renders", mask="rnd-a03", operation={"type": "set_pool", "name": "/gpu"})
    assert str(caught.value) == (
        f"afserver at {server.address} rejected the request: "
        "Can't change pool. Render 'rnd-a03' is busy."
    )


def test_unknown_get_type_is_rejected(client: AfserverClient, server: FakeAfserver) -> None:
    with pytest.raises(AfserverRejectedError) as caught:
        client.request({"get": {"type": "bogus"}})
    assert (
        str(caught.value)
        == f"afserver at {server.address} rejected the request: Invalid get type = 'bogus'."
    )


def test_closed_port_is_refused(http: bool) -> None:
    port = unused_port()
    client = AfserverClient("127.0.0.1", port, user_name="admin", host_name="ws", http=http)
    with pytest.raises(AfserverUnreachableError) as caught:
        client.renders()
    assert str(caught.value) == f"afserver at 127.0.0.1:{port} refused the connection."


def test_a_silent_server_times_out(make_client: MakeClient, server: FakeAfserver) -> None:
    server.reply_delay = 5.0
    with pytest.raises(AfserverTimeoutError) as caught:
        make_client(timeout=0.3).renders()
    assert str(caught.value) == f"afserver at {server.address} did not answer within 0.3 s."


def test_a_truncated_reply_names_how_much_arrived(
    make_client: MakeClient, server: FakeAfserver
) -> None:
    server.fault = "truncate"
    server.truncate_keep = 20
    with pytest.raises(AfserverTruncatedError) as caught:
        make_client(timeout=0.5).native_pools()
    assert re.fullmatch(
        rf"afserver at {re.escape(server.address)} sent a truncated reply \(20 of \d+ bytes\)\.",
        str(caught.value),
    )


def test_a_server_hanging_up_without_a_reply_is_a_protocol_error(
    client: AfserverClient, server: FakeAfserver
) -> None:
    server.fault = "hang_up"
    with pytest.raises(AfserverProtocolError) as caught:
        client.native_pools()
    assert str(caught.value) == (
        f"afserver at {server.address} sent nothing before closing the connection."
    )


def test_slow_action_cycles_do_not_slow_reads(
    make_client: MakeClient, server: FakeAfserver
) -> None:
    server.action_delay = 5.0
    client = make_client(timeout=0.3)
    assert len(client.renders()) == 8
    with pytest.raises(AfserverTimeoutError):
        client.set_job_params([3], {"hosts_mask": "rnd-a01"})


def test_a_garbage_header_is_a_protocol_error(client: AfserverClient, server: FakeAfserver) -> None:
    server.fault = "garbage"
    with pytest.raises(AfserverProtocolError) as caught:
        client.renders()
    assert str(caught.value).startswith(f"afserver at {server.address} sent a reply that")
    assert "HELLO 42 XML" in str(caught.value)
    (record,) = server.wait_for_connections(1)
    assert record.ending == "client_closed"  # it did not wait for more garbage


def test_a_body_that_is_not_json_is_a_protocol_error(
    client: AfserverClient, server: FakeAfserver
) -> None:
    server.fault = "not_json"
    with pytest.raises(AfserverProtocolError) as caught:
        client.jobs()
    assert str(caught.value).startswith(
        f"afserver at {server.address} sent a reply that is not JSON ("
    )


def test_every_failure_is_an_afserver_error(make_client: MakeClient, server: FakeAfserver) -> None:
    """Callers catch one type; each case above is also that type."""
    server.fault = "not_json"
    with pytest.raises(AfserverError):
        make_client().renders()
