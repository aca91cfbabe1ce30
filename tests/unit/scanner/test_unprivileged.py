"""The unprivileged path: the sentence a user sees, and the TCP probe on loopback only."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.privileges import NO_PRIVILEGES
from scanner.targets import SweepTarget
from scanner.tcp_probe import TcpProbe, host_answers

ROOT = Path(__file__).resolve().parents[3]


def test_without_cap_net_raw_the_reason_is_one_sentence() -> None:
    code = "from scanner.privileges import arp_unavailable; print(arp_unavailable())"
    argv = [sys.executable, "-c", code]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("setpriv (util-linux) is needed to drop CAP_NET_RAW as root")
        argv = ["setpriv", "--bounding-set=-net_raw", "--", *argv]

    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True)

    assert done.stdout == NO_PRIVILEGES + "\n"
    assert NO_PRIVILEGES == (
        "Scanning without raw-socket privileges (root or CAP_NET_RAW): "
        "only zeroconf and a TCP probe of common ports were used."
    )


@pytest.fixture
def open_port() -> Iterator[int]:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def loopback(*addresses: str) -> SweepTarget:
    return SweepTarget("lo", "", "127.0.0.1", ipaddress.IPv4Network("127.0.0.0/29"), addresses)


def test_a_machine_that_accepts_or_refuses_a_connection_is_alive(open_port: int) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        closed_port = closed.getsockname()[1]  # bound, not listening: the kernel refuses
    found: list[tuple[str, str]] = []
    probed: list[int] = []

    probe = TcpProbe(
        loopback("127.0.0.1", "127.0.0.2"),  # .1 accepts on open_port, .2 refuses both
        found=lambda ip, mac, source, seen: found.append((ip, source)),
        probed=probed.append,
        cancel=threading.Event(),
        ports=(closed_port, open_port),
    )
    probe.run()

    assert sorted(found) == [("127.0.0.1", "tcp"), ("127.0.0.2", "tcp")]
    assert sum(probed) == 2


def test_host_answers_on_an_open_and_a_refusing_port(open_port: int) -> None:
    assert host_answers("127.0.0.1", ports=(open_port,)) is True
    assert host_answers("127.0.0.5", ports=(open_port,)) is True  # refused: alive all the same
