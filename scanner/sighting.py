"""Sightings: what a scan learnt about one address, merged from every source that saw it.

ARP, the TCP probe, zeroconf and reverse DNS each report *observations* as they come; a
:class:`SightingBook` folds them into one :class:`Sighting` per IP, so the board can update a
card in place instead of showing the same machine twice.
"""

from __future__ import annotations

import ipaddress
import re
import time
from dataclasses import dataclass, field
from typing import Any

ARP = "arp"  # the MAC came from an ARP reply (ours, or the kernel's for the TCP probe)
TCP = "tcp"  # the machine answered (accepted or refused) a TCP connection
ZEROCONF = "zeroconf"  # it announced a service over multicast DNS
DNS = "dns"  # the name service (hosts file, DNS) knows a name for its address

# A name that comes from the network must look like a host name before it becomes an _id.
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_MAC = re.compile(r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}")


def short_hostname(raw: str) -> str:
    """The name afrender would give itself: the first label, lower case; '' if unusable.

    Reverse DNS answers ``rnd-a01.studio.lan.``, zeroconf ``rnd-a01.local.``; afserver
    knows that machine as ``rnd-a01``, and pools hold afserver's names.
    """
    label = raw.strip().rstrip(".").split(".", 1)[0].lower()
    if not _LABEL.fullmatch(label) or label.isdigit():
        return ""
    return label


def normalize_mac(raw: str) -> str:
    """``aa:bb:cc:dd:ee:ff`` from any usual spelling; '' for anything else."""
    digits = re.sub(r"[^0-9a-fA-F]", "", raw)
    if len(digits) != 12 or len(re.sub(r"[0-9a-fA-F:.\- ]", "", raw)) != 0:
        return ""
    mac = ":".join(digits[i : i + 2] for i in range(0, 12, 2)).lower()
    return mac if _MAC.fullmatch(mac) else ""


def ip_sort_key(ip: str) -> tuple[int, str]:
    try:
        return int(ipaddress.IPv4Address(ip)), ""
    except ValueError:
        return 1 << 32, ip


@dataclass(frozen=True)
class Observation:
    """One fact from one source: this address answered, has this MAC, goes by this name."""

    ip: str
    source: str
    mac: str = ""
    name: str = ""
    seen_at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class Sighting:
    """One machine seen by a scan; ``hostname`` is '' when no source knew a name."""

    ip: str
    mac: str = ""
    hostname: str = ""
    sources: frozenset[str] = frozenset()
    seen_at: float = 0.0

    @property
    def name(self) -> str:
        """What the board and the store call it: its name, else its IP until named by hand."""
        return self.hostname or self.ip

    def to_json(self) -> dict[str, Any]:
        return {
            "ip": self.ip,
            "mac": self.mac,
            "hostname": self.hostname,
            "sources": sorted(self.sources),
            "seen_at": self.seen_at,
        }


@dataclass
class _Entry:
    mac: str = ""
    mac_from_arp: bool = False
    names: dict[str, str] = field(default_factory=dict)  # source -> name
    sources: set[str] = field(default_factory=set)
    seen_at: float = 0.0


# Which name wins: the studio's own name service, then what the machine announces itself.
_NAME_PRECEDENCE = (DNS, ZEROCONF)


class SightingBook:
    """Merges observations per IP; not thread-safe (the scan feeds it from one thread)."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, ip: object) -> bool:
        return ip in self._entries

    def add(self, observation: Observation) -> Sighting | None:
        """Fold one observation in; the merged sighting when anything visible changed."""
        entry = self._entries.get(observation.ip)
        if entry is None:
            entry = self._entries[observation.ip] = _Entry()
        before = self._sighting(observation.ip, entry)
        entry.sources.add(observation.source)
        entry.seen_at = max(entry.seen_at, observation.seen_at)
        mac = normalize_mac(observation.mac)
        # An ARP reply is the machine's own word for its MAC; never let a cache overrule it.
        if mac and (not entry.mac_from_arp or observation.source == ARP):
            entry.mac, entry.mac_from_arp = mac, entry.mac_from_arp or observation.source == ARP
        name = short_hostname(observation.name)
        if name:
            entry.names.setdefault(observation.source, name)
        after = self._sighting(observation.ip, entry)
        return None if _same_but_time(before, after) else after

    def get(self, ip: str) -> Sighting | None:
        entry = self._entries.get(ip)
        return self._sighting(ip, entry) if entry is not None else None

    def sightings(self) -> list[Sighting]:
        """Every machine seen, in address order."""
        return [
            self._sighting(ip, entry)
            for ip, entry in sorted(self._entries.items(), key=lambda item: ip_sort_key(item[0]))
        ]

    @staticmethod
    def _sighting(ip: str, entry: _Entry) -> Sighting:
        hostname = next((entry.names[s] for s in _NAME_PRECEDENCE if s in entry.names), "")
        return Sighting(ip, entry.mac, hostname, frozenset(entry.sources), entry.seen_at)


def _same_but_time(before: Sighting, after: Sighting) -> bool:
    return (before.mac, before.hostname, before.sources) == (
        after.mac,
        after.hostname,
        after.sources,
    )


def merge_sightings(observations: list[Observation]) -> list[Sighting]:
    """All observations folded at once (what a finished scan returns), in address order."""
    book = SightingBook()
    for observation in observations:
        book.add(observation)
    return book.sightings()
