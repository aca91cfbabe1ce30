"""Which addresses a scan may touch: the chosen interfaces' own subnets, private ones only.

Without choices the scan covers the subnet of the default route's interface with its real
prefix. A range wider than /22 (more than 1022 addresses) needs the admin's confirmation
(``allow_wide``); anything wider than /16 or outside the private ranges is refused outright,
because a render farm never needs it and a sweep there looks like an attack.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from scanner.errors import PublicRangeError, ScanError, TooWideError
from scanner.network import Interface, NetworkInfo

NARROWEST_CONFIRMED = 22  # /22 and narrower start at once
WIDEST_ALLOWED = 16
PRIVATE_RANGES = tuple(
    ipaddress.IPv4Network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16")
)


@dataclass(frozen=True)
class SweepTarget:
    """One range to sweep through one interface, from one of its own addresses."""

    interface: str
    mac: str
    source_ip: str
    network: ipaddress.IPv4Network
    addresses: tuple[str, ...]  # every address of the range but this machine's own

    def describe(self) -> str:
        return f"{self.network} on {self.interface}"


def is_private(network: ipaddress.IPv4Network) -> bool:
    return any(network.subnet_of(private) for private in PRIVATE_RANGES)


def parse_cidr(text: str) -> ipaddress.IPv4Network:
    """A range as typed by an admin: ``10.1.2.0/24``, ``10.1.2.7/24`` or one address."""
    try:
        return ipaddress.IPv4Network(text.strip(), strict=False)
    except ValueError:
        raise ScanError(f"'{text.strip()}' is not an IPv4 range such as 192.168.1.0/24.") from None


def _check_range(network: ipaddress.IPv4Network, allow_wide: bool) -> None:
    if not is_private(network):
        raise PublicRangeError(
            f"{network} is not a private address range; afpools scans only private networks "
            "(10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, 169.254.0.0/16)."
        )
    if network.prefixlen < WIDEST_ALLOWED:
        raise ScanError(
            f"{network} has {network.num_addresses - 2} addresses; afpools sweeps at most a "
            f"/{WIDEST_ALLOWED} at a time."
        )
    if network.prefixlen < NARROWEST_CONFIRMED and not allow_wide:
        raise TooWideError(
            f"{network} has {network.num_addresses - 2} addresses, more than a "
            f"/{NARROWEST_CONFIRMED}; confirm the wide scan (--wide on the command line).",
            (network,),
        )


def _interface_problem(interface: Interface) -> str:
    """Why a sweep cannot go through this interface, or "" when it can."""
    if not interface.uses_arp:
        return f"Interface {interface.name} has no Ethernet neighbours (loopback or tunnel)."
    if not interface.up:
        return f"Interface {interface.name} is down."
    if not interface.addresses:
        return f"Interface {interface.name} has no IPv4 address."
    return ""


def _usable_interface(info: NetworkInfo, name: str) -> Interface:
    interface = info.interface(name)
    if interface is None:
        known = ", ".join(i.name for i in info.interfaces if i.uses_arp) or "none"
        raise ScanError(f"There is no network interface named '{name}' (Ethernet ones: {known}).")
    problem = _interface_problem(interface)
    if problem:
        raise ScanError(problem)
    return interface


def scannable_interfaces(info: NetworkInfo) -> list[Interface]:
    """The interfaces a sweep can go through, to choose from."""
    return [i for i in info.interfaces if not _interface_problem(i)]


def suggested_interface(info: NetworkInfo) -> Interface:
    """The interface to offer first: the default route's, which a scan without a choice
    sweeps; without a default route, the first one that can be scanned."""
    usable = scannable_interfaces(info)
    if not usable:
        raise ScanError("No network interface here can be scanned (none is up with IPv4).")
    return next((i for i in usable if i.name == info.default_interface), usable[0])


def interface_ranges(interface: Interface) -> str:
    """What a scan of the interface sweeps without a range: its networks, as typed."""
    return ", ".join(str(network) for network in interface.networks)


def split_ranges(text: str) -> list[str]:
    """Ranges typed in one field, separated by commas or spaces."""
    return text.replace(",", " ").split()


def _default_interface(info: NetworkInfo) -> Interface:
    if not info.default_interface:
        raise ScanError("This machine has no default route; choose an interface to scan.")
    return _usable_interface(info, info.default_interface)


def _own_address_on(interface: Interface, network: ipaddress.IPv4Network) -> str | None:
    for address in interface.addresses:
        if network.subnet_of(address.network):
            return str(address.ip)
    return None


def _target(
    interface: Interface, network: ipaddress.IPv4Network, source_ip: str, own: set[str]
) -> SweepTarget:
    hosts = network.hosts() if network.prefixlen < 31 else iter(network)
    return SweepTarget(
        interface=interface.name,
        mac=interface.mac,
        source_ip=source_ip,
        network=network,
        addresses=tuple(str(a) for a in hosts if str(a) not in own),
    )


def plan_targets(
    info: NetworkInfo,
    *,
    interfaces: Sequence[str] = (),
    cidrs: Sequence[str] = (),
    allow_wide: bool = False,
) -> list[SweepTarget]:
    """The sweeps a scan will make; raises a one-sentence ScanError for any bad choice."""
    chosen = [_usable_interface(info, name) for name in dict.fromkeys(interfaces)]
    own = {str(a.ip) for i in info.interfaces for a in i.addresses}
    targets: dict[tuple[str, ipaddress.IPv4Network], SweepTarget] = {}
    if cidrs:
        candidates = chosen or [i for i in info.interfaces if i.uses_arp and i.up]
        for text in cidrs:
            network = parse_cidr(text)
            _check_range(network, allow_wide)
            for interface in candidates:
                source = _own_address_on(interface, network)
                if source is not None:
                    targets.setdefault(
                        (interface.name, network), _target(interface, network, source, own)
                    )
                    break
            else:
                raise ScanError(f"{network} is not inside the network of {_where(candidates)}.")
    else:
        for interface in chosen or [_default_interface(info)]:
            for address in interface.addresses:
                _check_range(address.network, allow_wide)
                targets.setdefault(
                    (interface.name, address.network),
                    _target(interface, address.network, str(address.ip), own),
                )
    return _without_overlaps(list(targets.values()))


def _where(interfaces: Sequence[Interface]) -> str:
    described = [
        f"{i.name} ({', '.join(str(n) for n in i.networks)})" for i in interfaces if i.addresses
    ]
    return " or ".join(described) or "any interface"


def _without_overlaps(targets: list[SweepTarget]) -> list[SweepTarget]:
    """A range inside another one on the same interface adds nothing but duplicate probes."""
    kept: list[SweepTarget] = []
    for target in sorted(targets, key=lambda t: (t.interface, t.network.prefixlen)):
        if not any(
            k.interface == target.interface and target.network.subnet_of(k.network) for k in kept
        ):
            kept.append(target)
    return sorted(kept, key=lambda t: (t.interface, t.network))


def total_addresses(targets: Sequence[SweepTarget]) -> int:
    return sum(len(t.addresses) for t in targets)
