"""A change and its history are one: how every write of a pool document is made whole.

MongoDB here may be nx-27017, whose transactions are not isolated, so a change and its
history record cannot share a transaction. The change carries its record instead: the one
atomic update of the pool document that makes a change also stores the record in that
document (``pending_change``). Then the record is copied into ``history`` under the same
``_id`` (the unique ``_id`` refuses a second copy), the change counter that boards watch
moves on, and the marker is cleared. Whoever meets a marker later (the next write of that
pool, a store's first write, a board or the service when they connect) finishes the same
steps. So a database killed at any moment leaves each change either not made, or made with
exactly one history record and a counter that moved after it.

Every update is a compare-and-set: it applies only if the document still has the revision
and the number of ``clients`` entries it was read with. The 2019 tool changes ``clients``
without counting revisions, and nx-27017 rewrites the entries of a pool it pushes to, so
the count is what shows that the 2019 tool wrote in between. A write that finds the
document changed reads it again and retries; nothing is lost, nothing is written twice.

``members_seen`` keeps the member list as afpools last wrote it: members that differ from
it were changed outside afpools, and get a history record of their own ("outside") before
the next afpools change of that pool, or when the service notices them.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterable
from typing import Any

from pymongo import ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from pools.history import Change
from storage.documents import Clients, change_from_doc, has_name

Document = dict[str, Any]
PENDING = "pending_change"
SEEN = "members_seen"
_SCALARS = (int, float, str)


def guard(doc: Document) -> Document:
    """The filter that matches ``doc`` only while it is as it was read."""
    found: Document = {"_id": doc["_id"]}
    for key, counted in (("revision", False), ("clients", True)):
        value = doc.get(key)
        if key not in doc:
            found[key] = {"$exists": False}
        elif counted and isinstance(value, list):
            found[key] = {"$size": len(value)}
        elif isinstance(value, _SCALARS) and not isinstance(value, bool):
            found[key] = value
    return found


def next_revision(doc: Document) -> int:
    """One more than the stored revision, whatever another tool stored there."""
    value = doc.get("revision")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return 1
    try:
        return int(value) + 1
    except ValueError:
        return 1


def outside_change(doc: Document) -> tuple[list[str], list[str]] | None:
    """(before, after) member lists when another tool changed the members, else None.

    Only a pool afpools has written knows its "before"; a pool only the 2019 tool has
    written gets its first record with afpools' first change of it.
    """
    seen = doc.get(SEEN)
    if not isinstance(seen, list):
        return None
    before = [name for name in seen if isinstance(name, str)]
    after = list(Clients.of(doc).hostnames)
    return None if set(before) == set(after) else (before, after)


class Journal:
    """Writes pool changes with their history; reads the history and the change counter."""

    def __init__(self, database: Database[Document], *, user: str, client_address: str) -> None:
        self._db = database
        self.user = user
        self.client_address = client_address

    # -- the change counter -----------------------------------------------------------------

    def counter(self) -> int:
        doc = self._db.counters.find_one({"_id": "changes"})
        return int(doc["seq"]) if doc else 0

    def _bump(self) -> int:
        doc = self._db.counters.find_one_and_update(
            {"_id": "changes"},
            {"$inc": {"seq": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return int(doc["seq"]) if doc else 0

    def bump(self) -> int:
        """Move the counter on for a change that has no history (a scan's sightings)."""
        return self._bump()

    # -- writing ----------------------------------------------------------------------------

    def marker(
        self,
        op: str,
        pool: str,
        hosts: Iterable[str] = (),
        before: Any = None,
        after: Any = None,
        *,
        user: str | None = None,
    ) -> Document:
        """The history record of a change about to be made; its id names it everywhere."""
        return {
            "id": uuid.uuid4().hex,
            "ts": time.time(),
            "user": self.user if user is None else user,
            "op": op,
            "pool": pool,
            "hosts": list(hosts),
            "before": before,
            "after": after,
            "client": self.client_address,
        }

    def stamp(self) -> Document:
        return {"updated_at": time.time(), "updated_by": self.user}

    def update(self, doc: Document, fields: Document, marker: Document) -> Document | None:
        """Set ``fields`` and the next revision if ``doc`` is unchanged; None if it changed.

        Returns the document as it is after the change: callers follow the pool by ``_id``,
        so a concurrent rename cannot turn a success into "no such pool".
        """
        after = self._db.pools.find_one_and_update(
            guard(doc),
            {"$set": {**fields, "revision": next_revision(doc), PENDING: marker}},
            return_document=ReturnDocument.AFTER,
        )
        if after is None:
            return None
        return self.finish(dict(after))

    def insert(self, doc: Document, marker: Document) -> Document:
        """Insert a new pool document with its record (DuplicateKeyError if the name is taken)."""
        doc = {**doc, PENDING: marker}
        self._db.pools.insert_one(doc)
        finished = self.finish(doc)
        assert finished is not None  # a create is never a delete
        return finished

    def delete(self, doc: Document, marker: Document) -> bool:
        """Mark the pool deleted (the mark decides), record it, then remove the document."""
        marked = self._db.pools.find_one_and_update(
            guard(doc),
            {"$set": {PENDING: marker}},
            return_document=ReturnDocument.AFTER,
        )
        if marked is None:
            return False
        self.finish(dict(marked))
        return True

    # -- finishing --------------------------------------------------------------------------

    def finish(self, doc: Document) -> Document | None:
        """Complete the change a document carries; returns it without the marker (None once
        a delete is done). Safe to call any number of times, from any process."""
        marker = doc.get(PENDING)
        if not isinstance(marker, dict) or not isinstance(marker.get("id"), str):
            return doc
        record = {key: value for key, value in marker.items() if key != "id"}
        seq = self._bump()
        # A copy already there was made before the database went away, the marker not cleared.
        with contextlib.suppress(DuplicateKeyError):
            self._db.history.insert_one({"_id": marker["id"], "seq": seq, **record})
        mine = {"_id": doc["_id"], f"{PENDING}.id": marker["id"]}
        if marker.get("op") == "delete":
            self._db.pools.delete_one(mine)
            return None
        self._db.pools.update_one(mine, {"$unset": {PENDING: ""}})
        return {key: value for key, value in doc.items() if key != PENDING}

    def finish_all(self) -> int:
        """Finish every change a killed writer left half done; returns how many."""
        docs = list(self._db.pools.find({PENDING: {"$exists": True}}))
        for doc in docs:
            self.finish(dict(doc))
        return len(docs)

    def record_outside(self, doc: Document) -> Document | None:
        """Give another tool's member change its history record; the new document, or None
        when nothing changed outside or the document changed meanwhile (read it again)."""
        change = outside_change(doc)
        if change is None or not has_name(doc):
            return None
        before, after = change
        hosts = [h for h in after if h not in before] + [h for h in before if h not in after]
        marker = self.marker(
            "outside",
            str(doc["name"]),
            hosts,
            {"hosts": before},
            {"hosts": after},
            user="",
        )
        return self.update(doc, {SEEN: after}, marker)

    # -- reading ----------------------------------------------------------------------------

    def pending(self) -> list[Change]:
        """Changes that are made but whose record is not yet copied into the history."""
        found = []
        for doc in self._db.pools.find({PENDING: {"$exists": True}}, {PENDING: 1}):
            marker = doc.get(PENDING)
            if isinstance(marker, dict) and isinstance(marker.get("id"), str):
                found.append(change_from_doc(marker))
        return found
