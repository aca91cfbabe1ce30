"""The stored shapes: MongoDB documents to domain values and back.

Pool documents stay readable by the 2019 "Afanasy Pools Support" tool:
``{name, clients: [{hostname, engine, ip, port}]}`` plus our own fields.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bson import ObjectId

from pools.history import Change
from pools.model import KnownHost, Pool
from pools.schedules import MINUTES_A_DAY, Schedule, ScheduleError, clock_text, days_text, window

AWAY = "away"


def client_entry(hostname: str) -> dict[str, str]:
    """The normalised ``clients`` entry of one host.

    Build entries only here: MongoDB compares whole sub-documents, key order included.
    """
    return {"hostname": hostname, "engine": "", "ip": "", "port": ""}


def _parsed(entry: Any) -> Any:
    """A sub-document stored as JSON text (nx-27017 after a ``$push``) as the sub-document."""
    if isinstance(entry, str) and entry.lstrip().startswith("{"):
        try:
            return json.loads(entry)
        except ValueError:
            return None
    return entry


def _entry_hostname(entry: Any) -> str | None:
    """The hostname one stored ``clients`` entry names, or None when it cannot be read.

    Three shapes occur: a sub-document (afpools, and the 2019 tool on MongoDB), the JSON text
    of one (the 2019 tool's ``$push`` on nx-27017 turns every entry into text), and a plain
    hostname string (hand-written pools). The name is taken exactly as stored.
    """
    entry = _parsed(entry)
    name = entry.get("hostname") if isinstance(entry, dict) else entry
    if isinstance(name, str) and name.strip():
        return name
    return None


@dataclass(frozen=True)
class Clients:
    """A pool document's ``clients`` read in every shape, nothing dropped.

    ``hostnames`` each once, in stored order; ``unreadable`` the raw entries no hostname
    could be read from, kept so that a write puts them back exactly as they were.
    """

    hostnames: tuple[str, ...]
    unreadable: tuple[Any, ...]

    @classmethod
    def of(cls, doc: dict[str, Any]) -> Clients:
        names: dict[str, None] = {}
        unreadable: list[Any] = []
        for entry in _entries(doc):
            name = _entry_hostname(entry)
            if name is None:
                unreadable.append(entry)
            else:
                names.setdefault(name, None)
        return cls(tuple(names), tuple(unreadable))

    def rewritten(
        self, doc: dict[str, Any], add: Iterable[str], remove: Iterable[str]
    ) -> list[Any]:
        """The ``clients`` array after a change, normalised, unreadable entries in place."""
        gone, kept = set(remove), set[str]()
        result: list[Any] = []
        for entry in _entries(doc):
            name = _entry_hostname(entry)
            if name is None:
                result.append(entry)
            elif name not in gone and name not in kept:
                kept.add(name)
                result.append(client_entry(name))
        result += [client_entry(name) for name in add if name not in kept and name not in gone]
        return result


def _entries(doc: dict[str, Any]) -> list[Any]:
    """The stored entries; a ``clients`` that is no list (``5``, by hand) is one entry."""
    raw = doc.get("clients")
    if isinstance(raw, list):
        return raw
    return [] if raw is None else [raw]


def describe_entry(entry: Any) -> str:
    """An unreadable entry as a user can be shown it: short, no control characters."""
    text = entry if isinstance(entry, str) else json.dumps(entry, default=str)
    text = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return text if len(text) <= 60 else text[:57] + "..."


def has_name(doc: dict[str, Any]) -> bool:
    """Only a document with a name is a pool; one without cannot be listed or addressed."""
    name = doc.get("name")
    return isinstance(name, str) and bool(name.strip())


def legacy_addresses(doc: dict[str, Any]) -> dict[str, str]:
    """IPs the 2019 tool kept inside pools; they move to ``hosts`` when afpools rewrites one."""
    found: dict[str, str] = {}
    for entry in map(_parsed, _entries(doc)):
        name = _entry_hostname(entry)
        if isinstance(entry, dict) and entry.get("ip") and name is not None:
            found.setdefault(name, str(entry["ip"]))
    return found


def _strings(value: Any) -> tuple[str, ...]:
    """A stored list of names; anything but a list reads as none, non-strings are skipped."""
    if not isinstance(value, list | tuple):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def stored_number(value: Any) -> float:
    """Other tools write what they like (a date as text, say): read it as 0 rather than fail."""
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def creation_key(doc: dict[str, Any]) -> str:
    """What sorts pool documents by creation: the ``_id`` that pymongo gives every insert (the
    2019 tool's too) is an ObjectId, which starts with its creation second and ends with a
    counter of its process, and its hex sorts as it does. Documents keep it through renames.
    Another ``_id`` (written by hand) tells nothing: ""."""
    key = doc.get("_id")
    return str(key) if isinstance(key, ObjectId) else ""


def pool_from_doc(doc: dict[str, Any]) -> Pool:
    clients = Clients.of(doc)
    return Pool(
        name=str(doc["name"]),
        hostnames=clients.hostnames,
        unreadable=tuple(describe_entry(entry) for entry in clients.unreadable),
        description=str(doc.get("description") or ""),
        color=str(doc.get("color") or ""),
        revision=int(stored_number(doc.get("revision"))),
        updated_at=stored_number(doc.get("updated_at")),
        updated_by=str(doc.get("updated_by") or ""),
        created=creation_key(doc),
        schedules=schedules_of(doc)[0],
        schedule_out=_strings(doc.get("schedule_out")),
    )


def schedule_entry(schedule: Schedule) -> dict[str, str]:
    """A schedule as stored in its pool's ``schedules`` (a field the 2019 tool never reads)."""
    if schedule.window is None:
        return {"host": schedule.host, "when": AWAY}
    found = schedule.window
    return {
        "host": schedule.host,
        "from": clock_text(found.start),
        "to": clock_text(found.end or MINUTES_A_DAY),
        "days": days_text(found.days),
    }


def schedules_of(doc: dict[str, Any]) -> tuple[tuple[Schedule, ...], tuple[Any, ...]]:
    """The schedules a pool document holds, and the entries that cannot be read (kept)."""
    raw = doc.get("schedules")
    entries = raw if isinstance(raw, list) else ([] if raw is None else [raw])
    found: list[Schedule] = []
    unreadable: list[Any] = []
    for entry in entries:
        try:
            found.append(_schedule(entry))
        except (ScheduleError, KeyError, TypeError, AttributeError):
            unreadable.append(entry)
    return tuple(found), tuple(unreadable)


def _schedule(entry: Any) -> Schedule:
    host = entry["host"]
    if not isinstance(host, str) or not host.strip():
        raise TypeError(host)
    if entry.get("when") == AWAY:
        return Schedule(host)
    return Schedule(host, window(str(entry["from"]), str(entry["to"]), str(entry["days"])))


def pool_snapshot(pool: Pool) -> dict[str, Any]:
    """What history keeps of a whole pool, enough to recreate it (undo of a delete)."""
    return {
        "name": pool.name,
        "hosts": list(pool.hostnames),
        "description": pool.description,
        "color": pool.color,
    }


def change_from_doc(doc: dict[str, Any]) -> Change:
    """A history record (or a change's marker), whatever another tool stored in it."""
    return Change(
        id=str(doc.get("_id") or doc.get("id") or ""),
        seq=int(stored_number(doc.get("seq"))),
        ts=stored_number(doc.get("ts")),
        user=str(doc.get("user") or ""),
        op=str(doc.get("op") or ""),
        pool=str(doc.get("pool") or ""),
        hosts=_strings(doc.get("hosts")),
        before=doc.get("before"),
        after=doc.get("after"),
        client=str(doc.get("client") or ""),
    )


def known_host_from_doc(doc: dict[str, Any]) -> KnownHost:
    return KnownHost(
        name=str(doc["_id"]),
        ip=str(doc.get("ip") or ""),
        mac=str(doc.get("mac") or ""),
        sources=_strings(doc.get("sources")),
        first_seen=stored_number(doc.get("first_seen")),
        last_seen=stored_number(doc.get("last_seen")),
    )
