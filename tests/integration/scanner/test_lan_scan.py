"""Scans of a real little LAN of namespaces: real ARP, zeroconf and DNS packets."""

from __future__ import annotations

import json
import sys
import uuid

import pytest

from scanner.network import NetworkInfo, parse_default_interface, parse_interfaces
from scanner.targets import plan_targets
from tests.integration.scanner.conftest import parse_lines, runner_argv, scan_in
from tests.support import netns_lan
from tests.support.netns_lan import Lan

pytestmark = [pytest.mark.netns, pytest.mark.integration]

FALLBACK_WARNING = (
    "Scanning without raw-socket privileges (root or CAP_NET_RAW): "
    "only zeroconf and a TCP probe of common ports were used."
)


def expected(lan: Lan) -> dict[str, tuple[str, str]]:
    """ip -> (mac, name) of every live host of the LAN."""
    return {h.ip: (h.mac, h.expected_name) for h in lan.hosts}


def test_every_live_host_is_found_with_its_mac_and_name_and_nothing_else(lan: Lan) -> None:
    run = scan_in(lan)

    found = {ip: (s["mac"], s["hostname"]) for ip, s in run.sightings.items()}
    assert found == expected(lan)
    assert run.result["warnings"] == []
    assert run.result["cancelled"] is False
    assert run.result["ranges"] == ["10.77.0.0/24 on eth0"]
    assert run.result["threads"] == []


def test_each_name_is_credited_to_the_source_that_gave_it(lan: Lan) -> None:
    sightings = scan_in(lan).sightings

    for host in lan.hosts:
        sources = set(sightings[host.ip]["sources"])
        assert "arp" in sources
        assert ("dns" in sources) == bool(host.dns_name or host.hosts_file_name), host
        assert ("zeroconf" in sources) == bool(host.mdns_name), host
    nameless = [h for h in lan.hosts if not h.expected_name]
    assert nameless
    assert all(sightings[h.ip]["hostname"] == "" for h in nameless)


def test_sightings_and_progress_arrive_while_the_scan_runs(lan: Lan) -> None:
    run = scan_in(lan)

    first_sighting = min(e["at"] for e in run.of("sighting"))
    assert first_sighting < run.result["wall_seconds"] / 2
    progress = run.of("progress")
    assert [p["found"] for p in progress] == sorted(p["found"] for p in progress)
    assert progress[-1] == {"event": "progress", "found": 8, "probed": 253, "total": 253}


def test_a_scan_ends_in_bounded_time(lan: Lan) -> None:
    run = scan_in(lan)

    assert run.result["seconds"] < 3.0


def test_cancel_mid_scan_returns_at_once_with_what_was_found(lan: Lan) -> None:
    # A long zeroconf window: without the cancel, this scan would take 30 s.
    process = lan.popen(lan.scanner_ns, runner_argv({"zeroconf_seconds": 30.0}))
    assert process.stdout is not None and process.stdin is not None
    line = process.stdout.readline()
    while line and json.loads(line)["event"] != "sighting":
        line = process.stdout.readline()
    process.stdin.write("cancel\n")
    process.stdin.flush()
    stdout, stderr = process.communicate(timeout=10)

    result = parse_lines(line + stdout, stderr).result
    assert result["cancelled"] is True
    assert result["after_cancel"] < 0.5  # ~0.2 s promised; slack for a loaded machine
    assert result["seconds"] < 5
    assert 1 <= len(result["sightings"]) <= len(lan.hosts)
    assert {s["ip"] for s in result["sightings"]} <= set(expected(lan))
    assert result["threads"] == []
    assert process.returncode == 0


def test_without_raw_socket_privileges_the_fallback_still_finds_every_host(lan: Lan) -> None:
    run = scan_in(lan, drop_raw=True)

    assert run.result["warnings"] == [FALLBACK_WARNING]
    found = {ip: (s["mac"], s["hostname"]) for ip, s in run.sightings.items()}
    assert found == expected(lan)  # MACs from the kernel's ARP cache, names as before
    assert all("tcp" in s["sources"] for s in run.sightings.values())
    assert run.result["threads"] == []


def test_default_route_interface_and_real_prefix_are_read_from_ip(lan: Lan) -> None:
    addr = lan.run(lan.scanner_ns, ["ip", "-j", "addr", "show"])
    route = lan.run(lan.scanner_ns, ["ip", "-j", "-4", "route", "show", "default"])
    info = NetworkInfo(tuple(parse_interfaces(addr.stdout)), parse_default_interface(route.stdout))

    (target,) = plan_targets(info)

    assert target.describe() == "10.77.0.0/24 on eth0"
    assert target.source_ip == lan.scanner_ip
    assert target.mac == "02:77:00:00:00:00"
    assert len(target.addresses) == 253
    assert lan.scanner_ip not in target.addresses


def test_a_lan_is_torn_down_even_when_its_test_fails(netns_ready: None) -> None:
    prefix = f"{netns_lan.PREFIX_ROOT}fail{uuid.uuid4().hex[:4]}"

    seen_while_built: list[str] = []
    with (
        pytest.raises(RuntimeError, match="a failing test"),
        netns_lan.lan(2, named=(1, 0, 0), prefix=prefix),
    ):
        seen_while_built += netns_lan.leftovers(prefix)
        raise RuntimeError("a failing test")

    assert f"{prefix}-scan" in seen_while_built
    assert f"/etc/netns/{prefix}-scan" in seen_while_built

    assert netns_lan.leftovers(prefix) == []


def test_host_answers_tells_a_running_machine_from_a_switched_off_one(lan: Lan) -> None:
    code = (
        "import sys; from scanner.tcp_probe import host_answers; "
        "print(host_answers(sys.argv[1]), host_answers(sys.argv[2], timeout=0.5))"
    )

    done = lan.run(lan.scanner_ns, [sys.executable, "-c", code, lan.hosts[3].ip, lan.free_ip()])

    assert done.stdout.split() == ["True", "False"], done.stderr
