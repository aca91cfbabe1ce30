"""The stored shapes: MongoDB documents to domain values and back.

Pool documents stay readable by the 2019 "Afanasy Pools Support" tool:
``{name, clients: [{hostname, engine, ip, port}]}`` plus our own fields.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, Protocol

from pools.model import Pool


def client_entry(hostname: str) -> dict[str, str]:
    """The normalised ``clients`` entry of one host.

    ``$addToSet`` compares whole sub-documents, key order included: build entries only here.
    """
    return {"hostname": hostname, "engine": "", "ip": "", "port": ""}


def _clients(doc: dict[str, Any]) -> list[Any]:
    """The ``clients`` array; anything else there (``5``, a string, by hand) is no members."""
    clients = doc.get("clients")
    return clients if isinstance(clients, list) else []


def _strings(value: Any) -> tuple[str, ...]:
    """A stored list of names; anything but a list reads as none, non-strings are skipped."""
    if not isinstance(value, list | tuple):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def has_name(doc: dict[str, Any]) -> bool:
    """Only a document with a name is a pool; one without cannot be listed or addressed."""
    name = doc.get("name")
    return isinstance(name, str) and bool(name.strip())


def client_hostnames(doc: dict[str, Any]) -> tuple[str, ...]:
    """Hostnames of a pool document, each once, in stored order (2019 data may repeat)."""
    names: dict[str, None] = {}
    for entry in _clients(doc):
        name = entry.get("hostname") if isinstance(entry, dict) else None
        if isinstance(name, str) and name:
            names.setdefault(name, None)
    return tuple(names)


def needs_normalizing(doc: dict[str, Any]) -> bool:
    """True for a 2019 document or one whose entries are not in our exact shape."""
    if not isinstance(doc.get("revision"), int):
        return True
    clients = doc.get("clients")
    if not isinstance(clients, list):
        return True
    if len(client_hostnames(doc)) != len(clients):
        return True
    # Compare items, not dicts: key order matters to $addToSet but not to dict equality.
    return any(
        not isinstance(c, dict)
        or list(c.items()) != list(client_entry(c.get("hostname", "")).items())
        for c in clients
    )


def legacy_addresses(doc: dict[str, Any]) -> dict[str, str]:
    """IPs the 2019 tool stored inside pools; kept in ``hosts`` when normalising."""
    found: dict[str, str] = {}
    for entry in _clients(doc):
        if isinstance(entry, dict) and entry.get("hostname") and entry.get("ip"):
            found.setdefault(str(entry["hostname"]), str(entry["ip"]))
    return found


def _number(value: Any) -> float:
    """Other tools write what they like (a date as text, say): read it as 0 rather than fail."""
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def pool_from_doc(doc: dict[str, Any]) -> Pool:
    return Pool(
        name=str(doc["name"]),
        hostnames=client_hostnames(doc),
        description=str(doc.get("description") or ""),
        color=str(doc.get("color") or ""),
        revision=int(_number(doc.get("revision"))),
        updated_at=_number(doc.get("updated_at")),
        updated_by=str(doc.get("updated_by") or ""),
    )


def pool_snapshot(pool: Pool) -> dict[str, Any]:
    """What history keeps of a whole pool, enough to recreate it (undo of a delete)."""
    return {
        "name": pool.name,
        "hosts": list(pool.hostnames),
        "description": pool.description,
        "color": pool.color,
    }


@dataclass(frozen=True)
class Change:
    """One history record: who changed what, with the values before and after."""

    seq: int
    ts: float
    user: str
    op: str
    pool: str
    hosts: tuple[str, ...]
    before: Any
    after: Any
    client: str = ""

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Change:
        return cls(
            seq=int(doc.get("seq") or 0),
            ts=_number(doc.get("ts")),
            user=str(doc.get("user") or ""),
            op=str(doc.get("op") or ""),
            pool=str(doc.get("pool") or ""),
            hosts=_strings(doc.get("hosts")),
            before=doc.get("before"),
            after=doc.get("after"),
            client=str(doc.get("client") or ""),
        )

    def describe(self) -> str:
        """One line for the history list."""
        hosts = ", ".join(self.hosts)
        before, after = self.before or {}, self.after or {}
        return {
            "create": f"created pool '{self.pool}'",
            "delete": f"deleted pool '{self.pool}'",
            "rename": f"renamed pool '{before.get('name', '?')}' to '{self.pool}'",
            "describe": f"described pool '{self.pool}': {after.get('description', '')!r}",
            "recolor": f"coloured pool '{self.pool}' {after.get('color', '') or 'default'}",
            "add": f"added {hosts} to pool '{self.pool}'",
            "remove": f"removed {hosts} from pool '{self.pool}'",
        }.get(self.op, f"{self.op} on pool '{self.pool}'")


@dataclass(frozen=True)
class KnownHost:
    """A machine the store knows of besides afserver: scanned or typed in by hand."""

    name: str
    ip: str = ""
    mac: str = ""
    sources: tuple[str, ...] = ()
    first_seen: float = 0.0
    last_seen: float = 0.0

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> KnownHost:
        return cls(
            name=str(doc["_id"]),
            ip=str(doc.get("ip") or ""),
            mac=str(doc.get("mac") or ""),
            sources=_strings(doc.get("sources")),
            first_seen=_number(doc.get("first_seen")),
            last_seen=_number(doc.get("last_seen")),
        )


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
