"""Scans of the namespace LAN when the network misbehaves: an ARP storm, a sweep that fails."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.integration.scanner.conftest import SCAN_TIMEOUT, parse_lines, runner_argv, scan_in
from tests.support.netns_lan import Lan, wait_ready

pytestmark = [pytest.mark.netns, pytest.mark.integration]

SCANNER_MAC = "02:77:00:00:00:00"
STORM_SECONDS = 40  # longer than any scan here may take: the storm outlasts a stuck sweep
FAILING_SWEEP = "tests/support/failing_arp_runner.py"


@pytest.fixture
def arp_storm(lan: Lan) -> Iterator[subprocess.Popen[str]]:
    """One host of the LAN floods the scanner with ARP frames about an address nobody has."""
    host = lan.hosts[1]
    storm = lan.python(
        host.namespace,
        "tests/support/arp_storm.py",
        "eth0",
        host.mac,
        host.ip,
        SCANNER_MAC,
        str(STORM_SECONDS),
    )
    wait_ready(storm, "the ARP storm")
    yield storm
    storm.terminate()
    storm.communicate(timeout=30)


def test_an_arp_storm_does_not_keep_the_sweep_from_ending(
    lan: Lan, arp_storm: subprocess.Popen[str]
) -> None:
    run = scan_in(lan, {"zeroconf_seconds": 0.5})

    assert arp_storm.poll() is None  # the storm lasted the whole scan
    assert run.result["seconds"] < 8.0  # ~1.5 s on a quiet LAN; the sweep's own deadlines
    assert run.result["threads"] == []


def test_cancel_ends_a_sweep_within_an_arp_storm(
    lan: Lan, arp_storm: subprocess.Popen[str]
) -> None:
    # A sweep that listens 30 s for replies; without the cancel it would take a minute.
    process = lan.popen(lan.scanner_ns, runner_argv({"arp_wait": 30.0, "zeroconf_seconds": 0.5}))
    assert process.stdout is not None and process.stdin is not None
    line = process.stdout.readline()
    while line and json.loads(line)["event"] != "progress":
        line = process.stdout.readline()
    process.stdin.write("cancel\n")
    process.stdin.flush()
    stdout, stderr = process.communicate(timeout=SCAN_TIMEOUT)

    result = parse_lines(line + stdout, stderr).result
    assert arp_storm.poll() is None
    assert result["cancelled"] is True
    assert result["after_cancel"] < 1.0  # ~0.2 s promised; slack for a loaded machine
    assert result["threads"] == []


def test_when_the_sweep_fails_the_tcp_probe_still_finds_every_host(lan: Lan) -> None:
    """The link goes down under the sweep (ENETDOWN on send): the range is probed anyway."""
    done = lan.run(lan.scanner_ns, [sys.executable, FAILING_SWEEP], timeout=SCAN_TIMEOUT)
    assert done.returncode == 0, done.stderr
    run = parse_lines(done.stdout, done.stderr)

    assert run.result["warnings"] == [
        "The ARP sweep of 10.77.0.0/24 on eth0 failed (network is down), so only zeroconf "
        "and a TCP probe of common ports were used."
    ]
    found = {ip: (s["mac"], s["hostname"]) for ip, s in run.sightings.items()}
    assert found == {h.ip: (h.mac, h.expected_name) for h in lan.hosts}
    assert run.result["probed"] == run.result["total"] == 253
    assert run.result["threads"] == []
