"""PoolStore: pools, known hosts and their history in MongoDB (database ``afpools``).

Every membership change is one atomic update (``$addToSet``/``$pull`` with ``$inc`` of the
pool's ``revision``), never a read-modify-write of the whole array, so two boards editing one
pool lose nothing. Reads before a write only decide what to tell the user; the update's own
"before" document decides what really changed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError, PyMongoError

from pools.bindings import Bindings
from pools.documents import (
    Change,
    client_entry,
    client_hostnames,
    has_name,
    legacy_addresses,
    needs_normalizing,
    pool_from_doc,
    pool_snapshot,
)
from pools.errors import (
    InvalidNameError,
    NothingChangedError,
    PoolExistsError,
    PoolNotFoundError,
)
from pools.known_hosts import KnownHostsMixin
from pools.model import Pool, normalize_pool_name, unique_hostnames
from pools.mongo_errors import translate_errors

Document = dict[str, Any]
COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}")
DESCRIPTION_MAX = 500


def normalize_color(color: str) -> str:
    color = color.strip()
    if color and not COLOR_RE.fullmatch(color):
        raise InvalidNameError(f"The colour {color!r} is not of the form #rrggbb.")
    return color.lower()


class PoolStore(KnownHostsMixin):
    """Pools, known hosts, history and job bindings of one MongoDB database."""

    def __init__(
        self, database: Database[Document], *, user: str, client_address: str = ""
    ) -> None:
        self._db = database
        self.user = user
        self.client_address = client_address
        self.address = self._describe_address(database)

    @staticmethod
    def _describe_address(database: Database[Document]) -> str:
        try:
            nodes = database.client.topology_description.server_descriptions()
            return ", ".join(f"{host}:{port}" for host, port in nodes) or "the database"
        except PyMongoError:
            return "the database"

    def close(self) -> None:
        """Close the connection (the client is this store's alone)."""
        self._db.client.close()

    @property
    def bindings(self) -> Bindings:
        return Bindings(self._db.bindings)

    # -- schema -------------------------------------------------------------------------

    @translate_errors
    def ensure_schema(self) -> None:
        """Indexes the store relies on; cheap to call on every start."""
        self._db.pools.create_index([("name", ASCENDING)], unique=True)
        self._db.history.create_index([("seq", DESCENDING)])
        self._db.history.create_index([("pool", ASCENDING)])

    # -- reading ------------------------------------------------------------------------

    @translate_errors
    def revision(self) -> int:
        """A number that grows with every change of any pool: cheap to poll."""
        doc = self._db.counters.find_one({"_id": "changes"})
        return int(doc["seq"]) if doc else 0

    @translate_errors
    def pools(self) -> list[Pool]:
        """Every pool, sorted by name as an admin reads them (case-insensitive).

        A document without a name (written by hand, say) is no pool and is left out, so it
        cannot hide the others.
        """
        docs = [self._normalized(doc) for doc in self._db.pools.find({}) if has_name(doc)]
        return sorted(
            (pool_from_doc(doc) for doc in docs), key=lambda p: (p.name.casefold(), p.name)
        )

    @translate_errors
    def pool(self, name: str) -> Pool:
        return pool_from_doc(self._pool_doc(name))

    def _pool_doc(self, name: str) -> Document:
        name = name.strip()
        doc = self._db.pools.find_one({"name": name})
        if doc is None:
            raise PoolNotFoundError(f"There is no pool named '{name}'.")
        return self._normalized(doc)

    def _normalized(self, doc: Document) -> Document:
        """Bring a 2019 (or hand-edited) document into our shape, once, without racing.

        The update only applies if nobody changed the document since we read it; the IPs
        the 2019 tool kept inside pools move to ``hosts`` so nothing is lost.
        """
        if not needs_normalizing(doc):
            return doc
        revision = doc.get("revision")
        guard: Document = {"_id": doc["_id"]}
        guard["revision"] = revision if isinstance(revision, int) else {"$exists": False}
        fixed = {
            "clients": [client_entry(name) for name in client_hostnames(doc)],
            "revision": (revision if isinstance(revision, int) else 0) + 1,
            "description": str(doc.get("description") or ""),
            "color": str(doc.get("color") or ""),
        }
        for hostname, ip in legacy_addresses(doc).items():
            self._db.hosts.update_one(
                {"_id": hostname},
                {
                    "$setOnInsert": {"ip": ip, "mac": "", "first_seen": time.time()},
                    "$addToSet": {"sources": "manual"},
                },
                upsert=True,
            )
        updated = self._db.pools.find_one_and_update(
            guard, {"$set": fixed}, return_document=ReturnDocument.AFTER
        )
        if updated is not None:
            return dict(updated)
        fresh = self._db.pools.find_one({"_id": doc["_id"]})
        return dict(fresh) if fresh is not None else {**doc, **fixed}

    # -- pools --------------------------------------------------------------------------

    def _stamp(self) -> Document:
        return {"updated_at": time.time(), "updated_by": self.user}

    @translate_errors
    def create(
        self, name: str, *, description: str = "", color: str = "", hosts: Iterable[str] = ()
    ) -> Pool:
        """Create a pool; ``hosts`` fills it at once (how an undone delete comes back)."""
        name = normalize_pool_name(name)
        color = normalize_color(color)
        description = self._check_description(description)
        members = unique_hostnames(hosts)
        self._refuse_case_twin(name)
        doc: Document = {
            "name": name,
            "clients": [client_entry(h) for h in members],
            "description": description,
            "color": color,
            "revision": 1,
            **self._stamp(),
        }
        try:
            self._db.pools.insert_one(doc)
        except DuplicateKeyError:
            raise PoolExistsError(f"A pool named '{name}' already exists.") from None
        pool = pool_from_doc(doc)
        self._record("create", name, members, None, pool_snapshot(pool))
        return pool

    def _refuse_case_twin(self, name: str, *, allow: str = "") -> None:
        """'Lighting' next to 'lighting' is a mistake waiting to happen in every submitter."""
        for doc in self._db.pools.find({}, {"name": 1}):
            other = str(doc.get("name", ""))
            if other != allow and other.casefold() == name.casefold():
                raise PoolExistsError(f"A pool named '{other}' already exists.")

    @staticmethod
    def _check_description(text: str) -> str:
        text = text.strip()
        if len(text) > DESCRIPTION_MAX:
            raise InvalidNameError(f"A description can have at most {DESCRIPTION_MAX} characters.")
        return text

    @translate_errors
    def rename(self, old: str, new: str) -> Pool:
        old, new = old.strip(), normalize_pool_name(new)
        if old == new:
            raise NothingChangedError(f"The pool is already named '{new}'.")
        self._pool_doc(old)
        self._refuse_case_twin(new, allow=old)
        try:
            doc = self._db.pools.find_one_and_update(
                {"name": old},
                {"$set": {"name": new, **self._stamp()}, "$inc": {"revision": 1}},
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:
            raise PoolExistsError(f"A pool named '{new}' already exists.") from None
        if doc is None:
            raise PoolNotFoundError(f"There is no pool named '{old}'.")
        self._record("rename", new, (), {"name": old}, {"name": new})
        return pool_from_doc(doc)

    @translate_errors
    def set_description(self, name: str, description: str) -> Pool:
        return self._set_field(
            name, "description", self._check_description(description), "describe"
        )

    @translate_errors
    def set_color(self, name: str, color: str) -> Pool:
        return self._set_field(name, "color", normalize_color(color), "recolor")

    def _set_field(self, name: str, key: str, value: str, op: str) -> Pool:
        current = pool_from_doc(self._pool_doc(name))
        if getattr(current, key) == value:
            raise NothingChangedError(f"Pool '{current.name}' already has that {key}.")
        before = self._db.pools.find_one_and_update(
            {"name": current.name},
            {"$set": {key: value, **self._stamp()}, "$inc": {"revision": 1}},
            return_document=ReturnDocument.BEFORE,
        )
        if before is None:
            raise PoolNotFoundError(f"There is no pool named '{current.name}'.")
        self._record(op, current.name, (), {key: before.get(key, "")}, {key: value})
        return self.pool(current.name)

    @translate_errors
    def delete(self, name: str) -> Pool:
        """Delete a pool; the history keeps it whole so that an undo can bring it back."""
        doc = self._db.pools.find_one_and_delete({"name": name.strip()})
        if doc is None:
            raise PoolNotFoundError(f"There is no pool named '{name.strip()}'.")
        pool = pool_from_doc(doc)
        self._record("delete", pool.name, pool.hostnames, pool_snapshot(pool), None)
        return pool

    # -- membership ---------------------------------------------------------------------

    @translate_errors
    def add_hosts(self, name: str, hostnames: Iterable[str]) -> tuple[Pool, tuple[str, ...]]:
        """Add hosts; returns the pool and the hosts that were really added.

        Raises NothingChangedError when every host is already a member.
        """
        wanted = unique_hostnames(hostnames)
        pool = pool_from_doc(self._pool_doc(name))
        new = tuple(h for h in wanted if h not in pool.hostnames)
        if not new:
            raise NothingChangedError(_already(wanted, pool.name, "already in"))
        before = self._db.pools.find_one_and_update(
            {"name": pool.name},
            {
                "$addToSet": {"clients": {"$each": [client_entry(h) for h in new]}},
                "$inc": {"revision": 1},
                "$set": self._stamp(),
            },
            return_document=ReturnDocument.BEFORE,
        )
        if before is None:
            raise PoolNotFoundError(f"There is no pool named '{pool.name}'.")
        added = tuple(h for h in new if h not in client_hostnames(before))
        self._record("add", pool.name, added, None, None)
        return self.pool(pool.name), added

    @translate_errors
    def remove_hosts(self, name: str, hostnames: Iterable[str]) -> tuple[Pool, tuple[str, ...]]:
        """Remove hosts; returns the pool and the hosts that were really removed."""
        wanted = unique_hostnames(hostnames)
        pool = pool_from_doc(self._pool_doc(name))
        present = tuple(h for h in wanted if h in pool.hostnames)
        if not present:
            raise NothingChangedError(_already(wanted, pool.name, "not in"))
        before = self._db.pools.find_one_and_update(
            {"name": pool.name},
            {
                "$pull": {"clients": {"hostname": {"$in": list(present)}}},
                "$inc": {"revision": 1},
                "$set": self._stamp(),
            },
            return_document=ReturnDocument.BEFORE,
        )
        if before is None:
            raise PoolNotFoundError(f"There is no pool named '{pool.name}'.")
        removed = tuple(h for h in present if h in client_hostnames(before))
        self._record("remove", pool.name, removed, None, None)
        return self.pool(pool.name), removed

    def _rename_member(self, old: str, new: str) -> None:
        """A machine kept under its IP got its name: the pools it was dragged into follow.

        Add the new name, then remove the old (never neither), each in the history, so the
        pool's mask names the render afserver knows instead of an address it never matches.
        """
        for doc in self._db.pools.find({"clients.hostname": old}, {"name": 1}):
            if not has_name(doc):
                continue
            pool = str(doc["name"])
            self._db.pools.update_one(
                {"name": pool},
                {
                    "$addToSet": {"clients": client_entry(new)},
                    "$inc": {"revision": 1},
                    "$set": self._stamp(),
                },
            )
            self._record("add", pool, (new,), None, None)
            self._db.pools.update_one(
                {"name": pool},
                {
                    "$pull": {"clients": {"hostname": old}},
                    "$inc": {"revision": 1},
                    "$set": self._stamp(),
                },
            )
            self._record("remove", pool, (old,), None, None)

    # -- history ------------------------------------------------------------------------

    def _bump(self) -> int:
        """Move the store's revision on: every board and the service reload on it."""
        counter = self._db.counters.find_one_and_update(
            {"_id": "changes"},
            {"$inc": {"seq": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return int(counter["seq"]) if counter else 0

    def _record(self, op: str, pool: str, hosts: tuple[str, ...], before: Any, after: Any) -> None:
        seq = self._bump()
        self._db.history.insert_one(
            {
                "seq": seq,
                "ts": time.time(),
                "user": self.user,
                "op": op,
                "pool": pool,
                "hosts": list(hosts),
                "before": before,
                "after": after,
                "client": self.client_address,
            }
        )

    @translate_errors
    def history(self, pool: str | None = None, *, limit: int = 50) -> list[Change]:
        """The newest changes first; for one pool, its whole life under earlier names too."""
        query: Document = {}
        if pool is not None:
            query = {"$or": [{"pool": name} for name in self._former_names(pool.strip())]}
        docs = self._db.history.find(query).sort("seq", DESCENDING).limit(limit)
        return [Change.from_doc(doc) for doc in docs]

    def _former_names(self, name: str) -> set[str]:
        names = {name}
        while True:
            renames = self._db.history.find(
                {"op": "rename", "$or": [{"pool": n} for n in names]}, {"before": 1}
            )
            older = {str(r["before"]["name"]) for r in renames if r.get("before")} - names
            if not older:
                return names
            names |= older


def _already(hosts: tuple[str, ...], pool: str, relation: str) -> str:
    if len(hosts) == 1:
        return f"{hosts[0]} is {relation} pool '{pool}'; nothing changed."
    return f"All {len(hosts)} hosts are {relation} pool '{pool}'; nothing changed."
