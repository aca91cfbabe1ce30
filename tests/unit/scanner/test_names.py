"""Reverse names: the hosts file, and PTR queries that give up in time and on a cancel.

The DNS server here is tests/support/ptr_responder.py's answer() on 127.0.0.1.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dns.message
import pytest

from scanner.names import NameLookups, parse_hosts_file, ptr_lookup
from tests.support.ptr_responder import answer

NAMES = {"7.0.0.10.in-addr.arpa.": "rnd-07.lan.studio."}


@pytest.fixture
def dns_server() -> Iterator[int]:
    """A PTR responder on a free loopback port, for as long as the test runs."""
    stop = threading.Event()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.05)

    def serve() -> None:
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(4096)
            except TimeoutError:
                continue
            sock.sendto(answer(dns.message.from_wire(data), NAMES).to_wire(), peer)

    thread = threading.Thread(target=serve, name="test-dns")
    thread.start()
    yield sock.getsockname()[1]
    stop.set()
    thread.join()
    sock.close()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that receives queries and never answers, like a dead name server."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_the_hosts_file_gives_each_ipv4_address_its_first_name() -> None:
    text = (
        "127.0.0.1 localhost\n"
        "# 10.0.0.1 commented-out\n"
        "10.0.0.5\tws-anna ws-anna.studio.lan  # Anna's desk\n"
        "10.0.0.5 later-duplicate\n"
        "fe80::1 v6-only\n"
        "10.0.0.6\n"
    )

    assert parse_hosts_file(text) == {"10.0.0.5": "ws-anna"}


def test_a_ptr_record_is_found_and_an_unknown_address_has_no_name(dns_server: int) -> None:
    never = threading.Event()

    assert ptr_lookup("10.0.0.7", ["127.0.0.1"], 2.0, never, port=dns_server) == (
        "rnd-07.lan.studio."
    )
    assert ptr_lookup("10.0.0.8", ["127.0.0.1"], 2.0, never, port=dns_server) == ""


def test_a_silent_server_costs_the_timeout_and_no_more(silent_server: int) -> None:
    started = time.monotonic()

    name = ptr_lookup("10.0.0.7", ["127.0.0.1"], 0.6, threading.Event(), port=silent_server)

    assert name == ""
    assert 0.5 <= time.monotonic() - started < 1.0


def test_a_cancel_ends_a_lookup_within_a_slice(silent_server: int) -> None:
    cancel = threading.Event()
    threading.Timer(0.1, cancel.set).start()
    started = time.monotonic()

    name = ptr_lookup("10.0.0.7", ["127.0.0.1"], 30.0, cancel, port=silent_server)

    assert name == ""
    assert time.monotonic() - started < 0.5


def test_lookups_answer_from_the_hosts_file_at_once_and_from_dns_on_the_pool(
    tmp_path: Path, dns_server: int
) -> None:
    hosts = tmp_path / "hosts"
    hosts.write_text("10.0.0.5 ws-anna\n", encoding="utf-8")
    named: list[tuple[str, str]] = []
    lookups = NameLookups(
        timeout=2.0,
        named=lambda ip, name, seen: named.append((ip, name)),
        cancel=threading.Event(),
        hosts_file=hosts,
        servers=["127.0.0.1"],
        port=dns_server,
    )

    lookups.lookup("10.0.0.5")
    from_file = list(named)
    lookups.lookup("10.0.0.7")
    lookups.lookup("10.0.0.7")  # asked once only
    lookups.close()

    assert from_file == [("10.0.0.5", "ws-anna")]
    assert named == [("10.0.0.5", "ws-anna"), ("10.0.0.7", "rnd-07.lan.studio.")]
