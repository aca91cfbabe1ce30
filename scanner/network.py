"""This machine's interfaces, default route and neighbour cache, as iproute2 reports them.

``ip -j`` is on every Linux render node and workstation and needs no privileges; parsing is
kept apart from running it so that the logic is tested on captured output.
"""

from __future__ import annotations

import ipaddress
import json
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scanner.errors import ScanError
from scanner.sighting import normalize_mac

IP_TIMEOUT = 5.0
# Neighbour states whose MAC the kernel has confirmed recently (not a cache that may be stale).
CONFIRMED_STATES = frozenset({"REACHABLE", "PERMANENT", "NOARP"})
KNOWN_MAC_STATES = CONFIRMED_STATES | {"STALE", "DELAY", "PROBE"}


@dataclass(frozen=True)
class Interface:
    """One network interface with its IPv4 addresses (address and real prefix)."""

    name: str
    mac: str
    addresses: tuple[ipaddress.IPv4Interface, ...]
    up: bool
    uses_arp: bool  # false for loopback, tunnels and NOARP links

    @property
    def networks(self) -> tuple[ipaddress.IPv4Network, ...]:
        return tuple(dict.fromkeys(a.network for a in self.addresses))


@dataclass(frozen=True)
class Neighbour:
    ip: str
    mac: str
    state: str


def _json_list(text: str, what: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text or "[]")
    except ValueError:
        raise ScanError(f"`ip` printed something that is not JSON while listing {what}.") from None
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def parse_interfaces(text: str) -> list[Interface]:
    """Interfaces from ``ip -j addr show`` output."""
    found = []
    for link in _json_list(text, "interfaces"):
        flags = {str(f) for f in link.get("flags") or ()}
        addresses = tuple(
            ipaddress.IPv4Interface(f"{info['local']}/{info['prefixlen']}")
            for info in link.get("addr_info") or ()
            if isinstance(info, dict) and info.get("family") == "inet" and "local" in info
        )
        link_type = str(link.get("link_type") or "ether")
        found.append(
            Interface(
                name=str(link.get("ifname") or ""),
                mac=normalize_mac(str(link.get("address") or "")),
                addresses=addresses,
                up="UP" in flags,
                uses_arp=link_type == "ether" and not flags & {"LOOPBACK", "NOARP", "POINTOPOINT"},
            )
        )
    return [i for i in found if i.name]


def parse_default_interface(text: str) -> str:
    """The interface of the IPv4 default route with the lowest metric, from ``ip -j route``."""
    defaults = [
        route
        for route in _json_list(text, "routes")
        if route.get("dst") == "default"
        and route.get("dev")
        and route.get("type", "") in ("", "unicast")
    ]
    if not defaults:
        return ""
    best = min(defaults, key=lambda route: int(route.get("metric") or 0))
    return str(best["dev"])


def parse_neighbours(text: str) -> list[Neighbour]:
    """IPv4 neighbours with a MAC, from ``ip -j -4 neigh show``."""
    found = []
    for entry in _json_list(text, "neighbours"):
        mac = normalize_mac(str(entry.get("lladdr") or ""))
        states = [str(s) for s in entry.get("state") or ()]
        if mac and entry.get("dst"):
            found.append(Neighbour(str(entry["dst"]), mac, states[0] if states else ""))
    return found


def _ip(args: Sequence[str]) -> str:
    binary = shutil.which("ip") or shutil.which("ip", path="/usr/sbin:/sbin:/usr/bin:/bin")
    if binary is None:
        raise ScanError("Scanning needs iproute2's `ip` command, which is not installed here.")
    try:
        done = subprocess.run(
            [binary, "-j", *args], capture_output=True, text=True, timeout=IP_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ScanError(f"`ip {' '.join(args)}` could not be run: {error}.") from None
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"
        raise ScanError(f"`ip {' '.join(args)}` failed: {message}.")
    return done.stdout


@dataclass(frozen=True)
class NetworkInfo:
    """A snapshot of what the scan needs to know about this machine."""

    interfaces: tuple[Interface, ...]
    default_interface: str

    @classmethod
    def read(cls) -> NetworkInfo:
        return cls(
            tuple(parse_interfaces(_ip(["addr", "show"]))),
            parse_default_interface(_ip(["-4", "route", "show", "default"])),
        )

    def interface(self, name: str) -> Interface | None:
        return next((i for i in self.interfaces if i.name == name), None)


def read_neighbours(interface: str) -> list[Neighbour]:
    """The kernel's ARP cache of one interface (readable without privileges)."""
    return parse_neighbours(_ip(["-4", "neigh", "show", "dev", interface]))
