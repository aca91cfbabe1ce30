"""The board's poll of afserver: the renders with their machine sizes and afserver's own pool
tree in one result, read from a real socket (the stand-in), off any Qt thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from afserver.client import AfserverClient
from afserver.errors import AfserverError, AfserverUnreachableError
from manager.afserver_worker import RESOURCES_EVERY, AfserverPoller
from tests.support.fake_afserver import FakeAfserver


@pytest.fixture
def server() -> Iterator[FakeAfserver]:
    with FakeAfserver() as running:
        yield running


def poller_of(server: FakeAfserver) -> AfserverPoller:
    client = AfserverClient("127.0.0.1", server.port, user_name="t", host_name="t")
    return AfserverPoller(client, 1.0)


def asked(server: FakeAfserver, since: int = 0) -> list[str]:
    """What each request asked for, in the order they arrived (from the ``since``-th on)."""
    kinds = []
    for request in server.requests[since:]:
        get = request.get("get", {})
        kinds.append(f"{get.get('type')}:{get.get('mode', '')}".rstrip(":"))
    return kinds


def test_the_first_poll_shows_every_render_with_its_machine_and_the_native_pools(
    server: FakeAfserver,
) -> None:
    result = poller_of(server)._poll()

    renders = server.farm.handle({"get": {"type": "renders"}})["renders"]
    assert sorted(host.name for host in result.changed) == sorted(r["name"] for r in renders)
    sized = [host for host in result.changed if host.cpu_num is not None]
    assert sized and all(host.mem_total_mb for host in sized)  # the resources, joined
    assert all(host.cpu_num is None for host in result.changed if not host.flags & 1)
    assert result.native is not None and "/" in {pool.path for pool in result.native}
    assert sorted(asked(server)) == ["pools", "renders", "renders:resources"]
    assert asked(server)[0] == "renders"  # the rest only once the renders answered


def test_later_polls_ask_for_resources_only_when_a_render_is_new_or_they_are_due(
    server: FakeAfserver,
) -> None:
    poller = poller_of(server)
    poller._poll()
    since = len(server.requests)

    poller._poll()
    assert "renders:resources" not in asked(server, since)

    (first, *_) = server.farm.handle({"get": {"type": "renders"}})["renders"]
    new = server.add_render({**first, "name": "rnd-new", "id": 9999})
    result = poller._poll()
    assert [host.name for host in result.changed] == [new["name"]]
    assert asked(server, since).count("renders:resources") == 1

    for _ in range(RESOURCES_EVERY):
        poller._poll()
    assert asked(server, since).count("renders:resources") == 2  # once every RESOURCES_EVERY


def test_a_heartbeat_is_no_change_and_a_new_pool_is_one(server: FakeAfserver) -> None:
    poller = poller_of(server)
    poller._poll()
    (first, second, *_) = server.farm.handle({"get": {"type": "renders"}})["renders"]

    server.farm.update_render(first["name"], time_update=first["time_update"] + 60, idle_time=1)
    server.farm.update_render(second["name"], pool="/gpu")
    result = poller._poll()

    assert [(host.name, host.native_pool) for host in result.changed] == [(second["name"], "/gpu")]
    assert result.total == len(server.farm.renders())


def test_a_machine_that_grew_shows_its_size_when_the_resources_are_next_read(
    server: FakeAfserver,
) -> None:
    poller = poller_of(server)
    first = next(host for host in poller._poll().changed if host.mem_total_mb)

    server.farm.set_machine(first.name, cpu_num=64, mem_total_mb=262144)
    changed = [host for _ in range(RESOURCES_EVERY) for host in poller._poll().changed]

    assert [(host.name, host.cpu_num, host.mem_total_mb) for host in changed] == [
        (first.name, 64, 262144)
    ]


def test_a_poll_whose_renders_fail_reads_nothing_more_and_leaves_no_thread(
    server: FakeAfserver,
) -> None:
    server.fault = "hang_up"
    with pytest.raises(AfserverError):
        poller_of(server)._poll()
    assert asked(server) == ["renders"]
    assert not [t for t in threading.enumerate() if t.name.startswith("afpools-afserver-beside")]


def test_renders_that_cannot_be_read_leave_no_thread_reading_beside_them(
    server: FakeAfserver,
) -> None:
    """The first poll asks for the rest once the renders arrived; when they then turn out
    unreadable, the error comes only after that read ended."""
    server.fault = "not_json"
    with pytest.raises(AfserverError):
        poller_of(server)._poll()
    assert asked(server)[0] == "renders" and len(asked(server)) > 1  # the rest was asked for
    assert not [t for t in threading.enumerate() if t.name.startswith("afpools-afserver-beside")]


def test_a_poll_whose_resources_fail_fails_as_a_whole(
    server: FakeAfserver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No half poll: hosts without their machine sizes would look like machines that lost
    them; the board keeps the last poll and says afserver cannot be reached."""
    poller = poller_of(server)

    def unreachable(**_read_as: object) -> list[object]:
        raise AfserverUnreachableError(poller.client.address)

    monkeypatch.setattr(poller.client, "render_resources", unreachable)
    with pytest.raises(AfserverUnreachableError):
        poller._poll()
    monkeypatch.undo()
    assert poller._poll().changed  # the next poll starts afresh
