"""The ``hosts`` collection: machines known besides afserver, scanned or typed in by hand.

A part of :class:`storage.store.PoolStore`; every change moves the store's revision on, so
boards show new machines as they show pool edits (no history record: these are sightings,
not decisions).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from pymongo.database import Database

from pools.errors import HostNotFoundError, NothingChangedError
from pools.model import HostSighting, KnownHost, unique_hostnames
from storage.documents import known_host_from_doc
from storage.mongo_errors import translate_errors

Document = dict[str, Any]


class KnownHostsMixin:
    """Needs ``_db`` and ``_bump`` from the store it is mixed into."""

    _db: Database[Document]

    def _bump(self) -> int:
        raise NotImplementedError

    def _rename_member(self, old: str, new: str) -> None:
        raise NotImplementedError

    @translate_errors
    def known_hosts(self) -> list[KnownHost]:
        return sorted(
            (known_host_from_doc(d) for d in self._db.hosts.find({})), key=lambda h: h.name
        )

    @translate_errors
    def record_host(
        self,
        hostname: str,
        *,
        source: str,
        ip: str = "",
        mac: str = "",
        seen_at: float | None = None,
    ) -> None:
        """Remember a machine (a scan sighting or a name typed by hand); keeps first_seen."""
        now = time.time() if seen_at is None else seen_at
        fields: Document = {"last_seen": now}
        if ip:
            fields["ip"] = ip
        if mac:
            fields["mac"] = mac.lower()
        self._db.hosts.update_one(
            {"_id": unique_hostnames([hostname])[0]},
            {
                "$set": fields,
                "$setOnInsert": {"first_seen": now},
                "$addToSet": {"sources": source},
            },
            upsert=True,
        )
        self._bump()

    @translate_errors
    def record_sightings(self, sightings: Iterable[HostSighting]) -> list[str]:
        """Remember what a network scan saw; returns the name each machine is kept under.

        A machine without a name is kept under its IP, unless its MAC is already known
        under a name. Once a name turns up, the IP entry moves into the named one (its
        first_seen and sources kept), so the board never shows the same machine twice.
        """
        names = []
        for sighting in sightings:
            mac = sighting.mac.lower()
            name = sighting.hostname
            if not name and mac:
                owner = self._db.hosts.find_one({"mac": mac}, {"_id": 1})
                name = str(owner["_id"]) if owner else ""
            name = unique_hostnames([name or sighting.ip])[0]
            sources, first_seen = set(sighting.sources), sighting.seen_at
            if name != sighting.ip:
                placeholder = self._db.hosts.find_one_and_delete({"_id": sighting.ip})
                if placeholder is not None:
                    sources.update(placeholder.get("sources") or ())
                    first_seen = float(placeholder.get("first_seen") or first_seen)
                    self._rename_member(sighting.ip, name)
            fields: Document = {"ip": sighting.ip, "last_seen": sighting.seen_at}
            if mac:
                fields["mac"] = mac
            self._db.hosts.update_one(
                {"_id": name},
                {
                    "$set": fields,
                    "$setOnInsert": {"first_seen": first_seen},
                    "$addToSet": {"sources": {"$each": sorted(sources)}},
                },
                upsert=True,
            )
            names.append(name)
        if names:
            self._bump()
        return names

    @translate_errors
    def forget_hosts(self, names: Iterable[str]) -> list[str]:
        """Forget machines known by name or by a scan (a name mistyped in Add hosts, say);
        the names that were known. Their pools, if any, keep them: a pool's member shows
        whatever the store knows of it. A scan that sees one again brings it back."""
        forgotten = [
            name
            for name in dict.fromkeys(names)
            if self._db.hosts.delete_one({"_id": name}).deleted_count
        ]
        if forgotten:
            self._bump()
        return forgotten

    @translate_errors
    def name_host(self, current: str, hostname: str) -> KnownHost:
        """Give a known machine (typically one kept under its IP) a name typed by hand."""
        new = unique_hostnames([hostname])[0]
        doc = self._db.hosts.find_one({"_id": current.strip()})
        if doc is None:
            raise HostNotFoundError(f"There is no known host named '{current.strip()}'.")
        if new == doc["_id"]:
            raise NothingChangedError(f"The host is already named '{new}'.")
        fields = {k: doc[k] for k in ("ip", "mac", "last_seen") if doc.get(k)}
        self._db.hosts.update_one(
            {"_id": new},
            {
                "$set": fields,
                "$setOnInsert": {"first_seen": doc.get("first_seen") or time.time()},
                "$addToSet": {"sources": {"$each": [*(doc.get("sources") or ()), "manual"]}},
            },
            upsert=True,
        )
        self._db.hosts.delete_one({"_id": doc["_id"]})
        self._rename_member(str(doc["_id"]), new)
        self._bump()
        return known_host_from_doc(self._db.hosts.find_one({"_id": new}) or {"_id": new, **fields})
