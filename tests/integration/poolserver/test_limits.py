"""Slow, idle and greedy clients: they expire or make room, and never lock others out."""

from __future__ import annotations

import resource
import socket

import pytest

from poolserver.service import BackgroundService
from storage.store import PoolStore
from tests.support.poolservice import (
    ServiceFactory,
    call,
    closed_by_server,
    idle_clients,
    legacy_exchange,
    wait_until,
)

pytestmark = pytest.mark.integration

IDLE_PER_PORT = 300


@pytest.fixture(autouse=True)
def enough_file_descriptors() -> None:
    """Both ends of every idle connection live in this process."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4 * IDLE_PER_PORT + 512
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"needs {wanted} open files, the limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def test_hundreds_of_slowloris_clients_do_not_block_a_normal_one(
    service: BackgroundService,
) -> None:
    with (
        idle_clients(service.http_port, IDLE_PER_PORT, b"GET /v1/pools HTTP/1.1\r\nHost: x\r\n"),
        idle_clients(service.legacy_port, IDLE_PER_PORT, b'{"type": "request", "comm'),
    ):
        for _ in range(20):
            assert call(service.http_port, "/v1/pools/gpu").json()["pool"]["hosts"] == ["gpu-01"]
            assert legacy_exchange(service.legacy_port).header["type"] == "response"


def test_past_the_connection_cap_the_longest_idle_clients_make_room(
    seeded: PoolStore, make_service: ServiceFactory
) -> None:
    running = make_service(service_max_connections=20)
    with (
        idle_clients(running.http_port, 100, b"GET / HTTP/1.1\r\n") as http_idle,
        idle_clients(running.legacy_port, 100, b"{") as legacy_idle,
    ):
        assert call(running.http_port, "/v1/pools").status == 200
        assert legacy_exchange(running.legacy_port).header["type"] == "response"
        assert closed_by_server(http_idle[0])
        assert closed_by_server(legacy_idle[0])
        registry = running.service.http_connections
        assert len(registry) <= 20
        assert registry.evicted >= 80


def test_a_client_that_never_finishes_its_request_is_closed_after_the_read_timeout(
    seeded: PoolStore, make_service: ServiceFactory
) -> None:
    running = make_service(service_read_timeout=0.5)
    with idle_clients(running.http_port, 3, b"GET /v1/pools HTTP/1.1\r\nHost") as slow:
        for sock in slow:
            assert closed_by_server(sock)
    assert call(running.http_port, "/v1/health").status == 200


def test_an_idle_keep_alive_connection_is_closed_after_the_read_timeout(
    seeded: PoolStore, make_service: ServiceFactory
) -> None:
    running = make_service(service_read_timeout=0.5)
    with socket.create_connection(("127.0.0.1", running.http_port), timeout=10) as sock:
        sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 200")
        assert closed_by_server(sock)


def test_keep_alive_serves_many_requests_on_one_connection(service: BackgroundService) -> None:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", service.http_port, timeout=10)
    try:
        for _ in range(50):
            connection.request("GET", "/v1/pools/lighting/mask")
            response = connection.getresponse()
            assert response.status == 200
            response.read()
        assert len(service.service.http_connections) >= 1
    finally:
        connection.close()
    wait_until(lambda: len(service.service.http_connections) == 0, "the connection to be gone")
