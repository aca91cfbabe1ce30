"""The 2019 'GET POOLS' protocol, with clients that frame answers the way old plugins do."""

from __future__ import annotations

import json
import logging
import socket

import pytest

from poolserver.service import BackgroundService
from storage.store import PoolStore
from tests.support.poolservice import (
    GET_POOLS,
    LEGACY_HEADER_BYTES,
    ServiceFactory,
    legacy_exchange,
    read_the_2019_way,
    wait_until,
)

pytestmark = pytest.mark.integration


def read_all(sock: socket.socket) -> bytes:
    """Everything the service sends until it closes."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def test_get_pools_answers_a_header_then_exactly_the_pools_in_the_2019_shape(
    service: BackgroundService,
) -> None:
    answer = legacy_exchange(service.legacy_port)
    assert answer.header == {"type": "response", "size": len(answer.body)}
    assert answer.extra == b""
    pools = {p["name"]: p for p in answer.pools()}
    assert set(pools) == {"empty", "gpu", "lighting"}
    assert pools["lighting"]["clients"] == [
        {"hostname": name, "engine": "", "ip": "", "port": ""}
        for name in ("rnd-a01", "rnd-a02", "rnd-a03")
    ]
    assert set(pools["gpu"]) == {"name", "clients"}


@pytest.mark.parametrize("read_size", [1, 7, 1024, 65536])
def test_the_answer_reassembles_whatever_the_reads_look_like(
    service: BackgroundService, read_size: int
) -> None:
    whole = legacy_exchange(service.legacy_port)
    split = legacy_exchange(service.legacy_port, read_size=read_size)
    assert split.header == whole.header
    assert split.body == whole.body


def test_the_header_fills_exactly_1024_bytes_and_the_body_follows(
    service: BackgroundService,
) -> None:
    with socket.create_connection(("127.0.0.1", service.legacy_port), timeout=10) as sock:
        sock.sendall(GET_POOLS)
        sock.shutdown(socket.SHUT_WR)  # the answer must still come whole
        received = read_all(sock)
    header = received[:LEGACY_HEADER_BYTES]
    assert json.loads(header)["type"] == "response"
    assert header.rstrip(b" ").endswith(b"}")  # JSON, then spaces only
    assert len(received) == LEGACY_HEADER_BYTES + json.loads(header)["size"]
    body = received[LEGACY_HEADER_BYTES:]
    assert {p["name"] for p in json.loads(body)} == {"empty", "gpu", "lighting"}


def test_a_2019_plugin_reads_the_pools_300_times_in_a_row(service: BackgroundService) -> None:
    failures = []
    for _ in range(300):
        try:
            pools = read_the_2019_way(service.legacy_port)
        except ValueError as error:  # what the plugins failed with: "Extra data"
            failures.append(str(error))
            continue
        assert {p["name"] for p in pools} == {"empty", "gpu", "lighting"}
    assert failures == []


def test_a_2019_plugin_that_reads_late_still_finds_the_header_alone(
    service: BackgroundService,
) -> None:
    """A busy plugin (Blender loading an add-on) reads when header and body are both there."""
    with socket.create_connection(("127.0.0.1", service.legacy_port), timeout=10) as sock:
        sock.sendall(GET_POOLS)

        def whole_answer_arrived() -> bool:
            waiting = sock.recv(65536, socket.MSG_PEEK)
            try:
                header, end = json.JSONDecoder().raw_decode(waiting.decode("utf-8"))
                size = header["size"]
                json.loads(waiting[-size:])  # the whole body is at the end
            except ValueError:
                return False
            return len(waiting) >= end + size

        wait_until(whole_answer_arrived, "the header and the body to arrive")
        header = json.loads(sock.recv(1024).decode("utf-8"))  # the 2019 plugin's read
        body = sock.recv(header["size"])
    assert header["type"] == "response"
    assert {p["name"] for p in json.loads(body)} == {"empty", "gpu", "lighting"}


def test_a_request_sent_byte_by_byte_is_answered(service: BackgroundService) -> None:
    answer = legacy_exchange(service.legacy_port, send_pieces=len(GET_POOLS))
    assert answer.header["type"] == "response"
    assert len(answer.pools()) == 3


def test_ip_addresses_the_farm_knows_are_filled_in(
    seeded: PoolStore, make_service: ServiceFactory
) -> None:
    seeded.record_host("rnd-a01", source="arp", ip="10.0.0.21")
    running = make_service()
    pools = {p["name"]: p for p in legacy_exchange(running.legacy_port).pools()}
    assert pools["lighting"]["clients"][0] == {
        "hostname": "rnd-a01",
        "engine": "",
        "ip": "10.0.0.21",
        "port": "",
    }


@pytest.mark.parametrize(
    ("request_bytes", "word"),
    [
        (b'{"type": "request", "command": "DROP POOLS"}', "unknown"),
        (b'{"type": "hello", "command": "GET POOLS"}', '"type": "request"'),
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "not a JSON object"),
        (b'{"type": "request", "command": "GET POOLS"', "ended before"),
        (b'{"type": "request", "command": GET POOLS}', "not valid JSON"),
        (b"[1, 2, 3]", "not a JSON object"),
    ],
    ids=["unknown-command", "not-a-request", "http", "cut-short", "bad-json", "array"],
)
def test_anything_else_gets_an_error_header_and_a_close(
    service: BackgroundService, request_bytes: bytes, word: str
) -> None:
    with socket.create_connection(("127.0.0.1", service.legacy_port), timeout=10) as sock:
        sock.sendall(request_bytes)
        sock.shutdown(socket.SHUT_WR)
        received = read_all(sock)
    assert len(received) == LEGACY_HEADER_BYTES  # read with the same recv(1024)
    header = json.loads(received)
    assert header["type"] == "error"
    assert word in header["message"]


def test_deeply_nested_json_gets_an_error_header_and_one_bounded_log_line(
    service: BackgroundService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    nested = b"[" * 1500 + b"]" * 1500  # 3 KB: deeper than Python's recursion limit
    request = b'{"type": "request", "command": "GET POOLS", "x": ' + nested + b"}"
    answers = [read_the_2019_way(service.legacy_port, request=request) for _ in range(3)]
    for header in answers:
        assert header == {
            "type": "error",
            "message": "The request nests deeper than 32 levels; a 2019 request is one flat "
            "object.",
        }
    assert len(read_the_2019_way(service.legacy_port)) == 3  # and it still serves
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert "Traceback" not in caplog.text
    lines = [r.getMessage() for r in caplog.records if "nests deeper" in r.getMessage()]
    assert len(lines) == 3  # one line per request
    assert all(len(line) < 300 and "\n" not in line for line in lines)


def test_an_endless_request_is_cut_off(service: BackgroundService) -> None:
    with socket.create_connection(("127.0.0.1", service.legacy_port), timeout=10) as sock:
        sock.sendall(b'{"type": "request", "padding": "' + b"x" * 10_000)
        received = read_all(sock)
    assert json.loads(received)["message"] == "A request can have at most 4096 bytes."


def test_a_client_that_says_nothing_is_told_so_after_the_read_timeout(
    seeded: PoolStore, make_service: ServiceFactory
) -> None:
    running = make_service(service_read_timeout=0.5)
    with socket.create_connection(("127.0.0.1", running.legacy_port), timeout=10) as sock:
        received = read_all(sock)
    assert json.loads(received)["message"] == "No whole request arrived within 0.5 s."


def test_the_legacy_listener_follows_pool_changes(
    service: BackgroundService, seeded: PoolStore
) -> None:
    seeded.add_hosts("empty", ["late-01"])
    wait_until(
        lambda: any(
            p["name"] == "empty" and p["clients"]
            for p in legacy_exchange(service.legacy_port).pools()
        ),
        "the 2019 answer to show the new member",
    )


def test_legacy_port_zero_switches_the_listener_off(
    seeded: PoolStore, make_service: ServiceFactory
) -> None:
    running = make_service(service_legacy_port=0)
    assert running.legacy_port == 0
    assert [listener.name for listener in running.service.listeners] == ["HTTP"]
