"""Which ranges a scan may sweep, and the sentences for the ones it may not."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from scanner.errors import PublicRangeError, ScanError, TooWideError
from scanner.network import Interface, NetworkInfo, parse_interfaces
from scanner.targets import (
    interface_ranges,
    plan_targets,
    scannable_interfaces,
    split_ranges,
    suggested_interface,
)

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "iproute2"


def captured(default: str = "eth0") -> NetworkInfo:
    text = (SAMPLES / "addr_two_nets.json").read_text(encoding="utf-8")
    return NetworkInfo(tuple(parse_interfaces(text)), default)


def one_interface(address: str, default: str = "eth0") -> NetworkInfo:
    interface = Interface(
        "eth0", "02:00:00:00:00:01", (ipaddress.IPv4Interface(address),), True, True
    )
    return NetworkInfo((interface,), default)


def test_default_is_every_subnet_of_the_default_route_interface() -> None:
    targets = plan_targets(captured())

    assert [t.describe() for t in targets] == ["10.5.0.0/24 on eth0", "192.168.10.0/23 on eth0"]
    assert [t.source_ip for t in targets] == ["10.5.0.7", "192.168.10.20"]
    assert [len(t.addresses) for t in targets] == [253, 509]  # without this machine
    assert "192.168.10.20" not in targets[1].addresses


def test_a_cidr_inside_an_interface_network_is_swept_from_that_interface() -> None:
    (target,) = plan_targets(captured(), cidrs=["192.168.11.0/28"])

    assert target.describe() == "192.168.11.0/28 on eth0"
    assert target.source_ip == "192.168.10.20"
    assert target.addresses[0] == "192.168.11.1"
    assert len(target.addresses) == 14


def test_a_single_address_is_a_range_of_one() -> None:
    (target,) = plan_targets(one_interface("10.1.2.3/24"), cidrs=["10.1.2.40"])

    assert target.addresses == ("10.1.2.40",)


def test_overlapping_ranges_are_swept_once() -> None:
    targets = plan_targets(one_interface("10.1.2.3/24"), cidrs=["10.1.2.0/25", "10.1.2.0/24"])

    assert [t.describe() for t in targets] == ["10.1.2.0/24 on eth0"]


def test_public_ranges_are_refused_even_on_a_real_interface() -> None:
    with pytest.raises(PublicRangeError, match=r"^8\.8\.8\.0/24 is not a private address range"):
        plan_targets(one_interface("10.1.2.3/24"), cidrs=["8.8.8.0/24"])
    with pytest.raises(PublicRangeError, match=r"^203\.0\.113\.0/24 is not a private"):
        plan_targets(one_interface("203.0.113.9/24"))


def test_ranges_wider_than_a_slash_22_need_a_confirmation() -> None:
    info = one_interface("10.8.0.3/20")

    with pytest.raises(TooWideError) as refused:
        plan_targets(info)
    (target,) = plan_targets(info, allow_wide=True)

    assert str(refused.value) == (
        "10.8.0.0/20 has 4094 addresses, more than a /22; "
        "confirm the wide scan (--wide on the command line)."
    )
    assert refused.value.networks == (ipaddress.IPv4Network("10.8.0.0/20"),)
    assert len(target.addresses) == 4093
    assert len(plan_targets(one_interface("10.8.0.3/22"))[0].addresses) == 1021


def test_nothing_wider_than_a_slash_16_is_swept_even_when_confirmed() -> None:
    with pytest.raises(ScanError, match=r"^10\.0\.0\.0/8 has 16777214 addresses; .* at most a /16"):
        plan_targets(one_interface("10.0.0.3/8"), allow_wide=True)


@pytest.mark.parametrize(
    ("interfaces", "cidrs", "default", "sentence"),
    [
        (
            ["eth7"],
            [],
            "eth0",
            "There is no network interface named 'eth7' (Ethernet ones: eth0, eth1).",
        ),
        (["lo"], [], "eth0", "Interface lo has no Ethernet neighbours (loopback or tunnel)."),
        (["wg0"], [], "eth0", "Interface wg0 has no Ethernet neighbours (loopback or tunnel)."),
        (["eth1"], [], "eth0", "Interface eth1 is down."),
        ([], [], "", "This machine has no default route; choose an interface to scan."),
        (
            [],
            ["10.6.0.0/24"],
            "eth0",
            "10.6.0.0/24 is not inside the network of eth0 (192.168.10.0/23, 10.5.0.0/24).",
        ),
        ([], ["10.5.0.0/33"], "eth0", "'10.5.0.0/33' is not an IPv4 range such as 192.168.1.0/24."),
    ],
)
def test_impossible_choices_are_one_sentence(
    interfaces: list[str], cidrs: list[str], default: str, sentence: str
) -> None:
    with pytest.raises(ScanError) as refused:
        plan_targets(captured(default), interfaces=interfaces, cidrs=cidrs)

    assert str(refused.value) == sentence


def test_the_interface_offered_first_is_the_default_routes_with_its_networks() -> None:
    second = Interface(
        "eth2", "02:00:00:00:00:02", (ipaddress.IPv4Interface("10.7.0.3/24"),), True, True
    )
    info = NetworkInfo((*captured().interfaces, second), "eth2")

    assert [i.name for i in scannable_interfaces(info)] == ["eth0", "eth2"]
    assert suggested_interface(info).name == "eth2"
    assert interface_ranges(suggested_interface(captured())) == "192.168.10.0/23, 10.5.0.0/24"
    assert split_ranges(" 10.5.0.0/24,192.168.10.0/23  10.5.0.9") == [
        "10.5.0.0/24",
        "192.168.10.0/23",
        "10.5.0.9",
    ]


def test_without_a_default_route_the_first_interface_that_can_be_scanned_is_offered() -> None:
    assert suggested_interface(captured(default="")).name == "eth0"
    assert suggested_interface(captured(default="eth1")).name == "eth0"  # eth1 is down

    nothing = NetworkInfo(tuple(i for i in captured().interfaces if i.name != "eth0"), "")
    with pytest.raises(ScanError) as refused:
        suggested_interface(nothing)
    assert str(refused.value) == "No network interface here can be scanned (none is up with IPv4)."
