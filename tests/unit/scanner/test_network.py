"""Reading interfaces, default route and neighbours from ``ip -j`` output captured in namespaces."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from scanner.errors import ScanError
from scanner.network import parse_default_interface, parse_interfaces, parse_neighbours

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "iproute2"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def test_interfaces_keep_every_ipv4_address_with_its_real_prefix() -> None:
    interfaces = {i.name: i for i in parse_interfaces(sample("addr_two_nets.json"))}

    eth0 = interfaces["eth0"]
    assert eth0.mac == "02:aa:00:00:00:01"
    assert eth0.addresses == (
        ipaddress.IPv4Interface("192.168.10.20/23"),
        ipaddress.IPv4Interface("10.5.0.7/24"),
    )
    assert eth0.networks == (
        ipaddress.IPv4Network("192.168.10.0/23"),
        ipaddress.IPv4Network("10.5.0.0/24"),
    )
    assert (eth0.up, eth0.uses_arp) == (True, True)


def test_loopback_noarp_and_down_interfaces_are_recognised() -> None:
    interfaces = {i.name: i for i in parse_interfaces(sample("addr_two_nets.json"))}

    assert interfaces["lo"].uses_arp is False
    assert interfaces["wg0"].uses_arp is False
    assert interfaces["eth1"].up is False


def test_the_default_route_with_the_lowest_metric_wins() -> None:
    assert parse_default_interface(sample("route_default_two.json")) == "wg0"
    assert parse_default_interface(sample("route_lan.json")) == "eth0"
    assert parse_default_interface("[]") == ""


def test_neighbours_without_a_mac_are_left_out() -> None:
    neighbours = parse_neighbours(sample("neigh.json"))

    assert [(n.ip, n.mac, n.state) for n in neighbours] == [
        ("10.77.0.42", "02:77:00:00:00:03", "REACHABLE"),
        ("10.77.0.2", "02:77:00:00:00:01", "REACHABLE"),
        ("10.77.0.216", "02:77:00:00:00:02", "REACHABLE"),
    ]


def test_output_that_is_not_json_is_one_sentence() -> None:
    with pytest.raises(ScanError, match=r"^`ip` printed something that is not JSON while listing"):
        parse_interfaces('Object "addr" is unknown')
