"""Pools and hosts: the values every face of afpools shows and edits."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Protocol

from pools.errors import InvalidNameError
from pools.schedules import Schedule

POOL_NAME_MAX = 64
HOSTNAME_MAX = 253


class RenderFlags(enum.IntFlag):
    """The bits of an afserver render's ``st`` field (``libafanasy/render.h``)."""

    ONLINE = 1
    NIMBY_OWNER = 2  # "nimby": only the render's owner may run tasks
    NIMBY_ALL = 4  # "NIMBY": nobody may run tasks
    BUSY = 8
    DIRTY = 16
    WOL_FALLING = 32
    WOL_SLEEPING = 64
    WOL_WAKING = 128
    PAUSED = 256
    SICK = 512


NO_FLAGS = RenderFlags(0)  # a machine afserver has never reported


class HostState(enum.Enum):
    """What the board shows for a machine; one value, the most telling of its flags."""

    ONLINE = "online"
    BUSY = "busy"
    NIMBY = "nimby"
    PAUSED = "paused"
    SICK = "sick"
    OFFLINE = "offline"
    UNKNOWN = "unknown"  # seen only by a network scan or typed in by hand

    @classmethod
    def from_flags(cls, flags: RenderFlags) -> HostState:
        """Decode ``st``: a machine that is off is offline whatever else the bits say."""
        if not flags & RenderFlags.ONLINE:
            return cls.OFFLINE
        if flags & RenderFlags.SICK:
            return cls.SICK
        if flags & RenderFlags.PAUSED:
            return cls.PAUSED
        if flags & RenderFlags.BUSY:
            return cls.BUSY
        if flags & (RenderFlags.NIMBY_OWNER | RenderFlags.NIMBY_ALL):
            return cls.NIMBY
        return cls.ONLINE

    @property
    def is_up(self) -> bool:
        """True for a machine that runs afrender right now."""
        return self not in (HostState.OFFLINE, HostState.UNKNOWN)


@dataclass(frozen=True)
class Host:
    """One machine of the farm, merged from afserver, scans and manual entries."""

    name: str
    state: HostState = HostState.UNKNOWN
    flags: RenderFlags = NO_FLAGS
    ip: str = ""
    mac: str = ""
    render_id: int | None = None
    native_pool: str = ""
    tasks: int = 0
    capacity_used: int = 0
    cpu_num: int | None = None
    mem_total_mb: int | None = None
    os: str = ""
    engine: str = ""
    sources: frozenset[str] = field(default_factory=frozenset)

    @property
    def state_label(self) -> str:
        """The word an admin expects; NIMBY (nobody may render) is louder than nimby."""
        if self.state is HostState.NIMBY and self.flags & RenderFlags.NIMBY_ALL:
            return "NIMBY"
        return str(self.state._value_)  # ``.value`` runs Python code; this is asked per host


@dataclass(frozen=True)
class KnownHost:
    """A machine the store knows of besides afserver: scanned or typed in by hand."""

    name: str
    ip: str = ""
    mac: str = ""
    sources: tuple[str, ...] = ()
    first_seen: float = 0.0
    last_seen: float = 0.0


class HostSighting(Protocol):
    """What a network scan saw of one machine (``scanner.sighting.Sighting`` is one).

    ``hostname`` is '' when no source knew a name: the store then keeps the machine under
    its IP until a name turns up (DNS, zeroconf, a MAC seen before) or is typed by hand.
    """

    @property
    def ip(self) -> str: ...
    @property
    def mac(self) -> str: ...
    @property
    def hostname(self) -> str: ...
    @property
    def sources(self) -> AbstractSet[str]: ...
    @property
    def seen_at(self) -> float: ...


@dataclass(frozen=True)
class Pool:
    """A named set of hostnames; a host may be in several pools."""

    name: str
    hostnames: tuple[str, ...] = ()
    unreadable: tuple[str, ...] = ()  # stored entries no hostname could be read from, kept
    description: str = ""
    color: str = ""
    revision: int = 0
    updated_at: float = 0.0
    updated_by: str = ""
    # Sorts pools in the order they were created (storage's key, kept through renames);
    # "" when unknown. Not part of what a pool is: two pools alike compare equal.
    created: str = field(default="", compare=False)
    schedules: tuple[Schedule, ...] = ()  # when scheduled members are in (pools.schedules)
    schedule_out: tuple[str, ...] = ()  # scheduled members out now, as the agent applied it

    def __contains__(self, hostname: object) -> bool:
        return hostname in self.hostnames

    @property
    def effective_hostnames(self) -> tuple[str, ...]:
        """The members that are in the pool now: what masks are built from. A scheduled
        member outside its schedule (as the agent last applied it) is not."""
        if not self.schedule_out:
            return self.hostnames
        scheduled = {s.host for s in self.schedules}
        out = {h for h in self.schedule_out if h in scheduled}
        return tuple(h for h in self.hostnames if h not in out)


def in_creation_order(pools: Iterable[Pool]) -> list[Pool]:
    """Oldest first, the way a board lays out its columns; pools of unknown age after them,
    by name."""
    return sorted(pools, key=lambda p: (not p.created, p.created, p.name.casefold(), p.name))


def unreadable_warning(pools: Iterable[Pool]) -> str:
    """One sentence about entries another tool stored in a shape afpools cannot read."""
    found = [pool for pool in pools if pool.unreadable]
    if not found:
        return ""
    parts = [f"'{pool.name}' ({', '.join(pool.unreadable)})" for pool in found[:3]]
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    count = sum(len(pool.unreadable) for pool in found)
    entries = "an entry" if count == 1 else f"{count} entries"
    return (
        f"{'Pool' if len(found) == 1 else 'Pools'} {', '.join(parts)}{more} hold {entries} "
        "that afpools cannot read; they are kept as stored."
    )


def normalize_pool_name(name: str) -> str:
    """Trim and check a pool name: 1-64 printable characters, regex characters allowed."""
    trimmed = name.strip()
    if not trimmed:
        raise InvalidNameError("A pool name cannot be empty.")
    if len(trimmed) > POOL_NAME_MAX:
        raise InvalidNameError(
            f"A pool name can have at most {POOL_NAME_MAX} characters; "
            f"'{trimmed[:20]}...' has {len(trimmed)}."
        )
    if not trimmed.isprintable():
        raise InvalidNameError(f"The pool name {trimmed!r} contains a control character.")
    return trimmed


def normalize_hostname(name: str) -> str:
    """Trim and check a hostname: printable, no spaces (afserver names never have them)."""
    trimmed = name.strip()
    if not trimmed:
        raise InvalidNameError("A host name cannot be empty.")
    if len(trimmed) > HOSTNAME_MAX:
        raise InvalidNameError(f"A host name can have at most {HOSTNAME_MAX} characters.")
    if not trimmed.isprintable() or any(ch.isspace() for ch in trimmed):
        raise InvalidNameError(
            f"The host name {trimmed!r} contains a space or a control character."
        )
    return trimmed


def unique_hostnames(names: Iterable[str]) -> tuple[str, ...]:
    """Normalise names and drop repeats, keeping the first-seen order."""
    return tuple(dict.fromkeys(normalize_hostname(name) for name in names))


def memberships(pools: Iterable[Pool]) -> dict[str, tuple[str, ...]]:
    """For each hostname, the names of the pools it is in (pool order kept)."""
    found: dict[str, list[str]] = {}
    for pool in pools:
        for host in pool.hostnames:
            found.setdefault(host, []).append(pool.name)
    return {host: tuple(names) for host, names in found.items()}
