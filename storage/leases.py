"""Which agent may write to afserver: one ``leases`` document, taken with an expiry.

The holder renews it with ``find_one_and_update`` well before it expires; another agent takes
it only once it has expired (a holder killed with -9 never releases it), or at once after a
clean stop released it. Each step is one atomic operation on the one document, so two
agents never both hold it.

Expiry is counted on the database server's clock: each renewal stamps the server's time
(``$currentDate``) and the lease's length, and whoever reads the lease asks the server the
time (``hello``). Machines' clocks may disagree (a farm without NTP, a VM resumed from a
snapshot): a standby an hour ahead once took the lease from a live holder at its first look,
and both wrote to afserver until the holder's next renewal; one an hour behind never took a
dead one. A ``Lease`` comes back
with its expiry in the reader's own clock, so that callers compare it with ``time.time()``.
A lease written by an older afpools (no server stamp) is read by the wall clock, as then.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError, OperationFailure

from storage.documents import stored_number
from storage.mongo_errors import translate_errors

Document = dict[str, Any]
AGENT_LEASE = "agent"
TIME_COMMANDS = ("hello", "isMaster")  # isMaster: MongoDB before 4.4.2


@dataclass(frozen=True)
class Lease:
    """The lease as stored: who holds it (an id and words for people) and until when."""

    holder: str
    description: str
    expires_at: float
    taken_at: float

    def alive(self, now: float) -> bool:
        return self.expires_at > now


class Leases:
    """The ``leases`` collection; ``clock`` is this machine's wall clock."""

    def __init__(
        self, collection: Collection[Document], clock: Callable[[], float] = time.time
    ) -> None:
        self._collection = collection
        self._clock = clock
        self._time_command = TIME_COMMANDS[0]
        self.address = "the database"

    @translate_errors
    def take(self, holder: str, description: str, seconds: float) -> Lease:
        """Renew our lease, or take one that expired or was released; the lease as it now
        stands is returned, whoever holds it."""
        now = self._clock()
        stamp = {"$currentDate": {"beat": True}}  # the server's time of this renewal
        renewed = self._collection.find_one_and_update(
            {"_id": AGENT_LEASE, "holder": holder},
            {"$set": {"expires_at": now + seconds, "renewed_at": now, "seconds": seconds}} | stamp,
            return_document=ReturnDocument.AFTER,
        )
        if renewed is not None:
            return self._lease(renewed, stamped=True)
        fields = {
            "holder": holder,
            "description": description,
            "expires_at": now + seconds,
            "taken_at": now,
            "renewed_at": now,
            "seconds": seconds,
        }
        current = self._collection.find_one({"_id": AGENT_LEASE})
        if current is None:
            try:
                self._collection.insert_one({"_id": AGENT_LEASE, **fields})
            except DuplicateKeyError:  # another agent was first
                return self.take(holder, description, seconds)
            self._collection.update_one({"_id": AGENT_LEASE, "holder": holder}, stamp)
            return self.current() or self.take(holder, description, seconds)
        lease = self._lease(current)
        if lease.alive(self._clock()):
            return lease
        as_read = {key: current.get(key) for key in ("holder", "beat", "renewed_at")}
        taken = self._collection.find_one_and_update(
            {"_id": AGENT_LEASE, **as_read},  # only the lease that expired, not a renewal
            {"$set": fields} | stamp,
            return_document=ReturnDocument.AFTER,
        )
        if taken is not None:
            return self._lease(taken, stamped=True)
        return self.take(holder, description, seconds)  # renewed, taken or released meanwhile

    @translate_errors
    def release(self, holder: str) -> bool:
        """Give the lease up (only ours), so a standby takes over at once."""
        result = self._collection.delete_one({"_id": AGENT_LEASE, "holder": holder})
        return result.deleted_count == 1

    @translate_errors
    def current(self) -> Lease | None:
        doc = self._collection.find_one({"_id": AGENT_LEASE})
        return None if doc is None else self._lease(doc)

    def _lease(self, doc: Document, *, stamped: bool = False) -> Lease:
        """The lease with its expiry in this machine's clock: the seconds it has left by the
        server's clock, from now. ``stamped``: the server stamped ``beat`` in this very call,
        so the beat is its time now (no question asked)."""
        expires_at = stored_number(doc.get("expires_at"))
        beat, seconds = doc.get("beat"), doc.get("seconds")
        if isinstance(beat, datetime) and isinstance(seconds, (int, float)):
            server_now = beat if stamped else self._server_time()
            if server_now is not None:
                left = float(seconds) - (server_now - beat).total_seconds()
                expires_at = self._clock() + left
        return Lease(
            holder=str(doc.get("holder") or ""),
            description=str(doc.get("description") or ""),
            expires_at=expires_at,
            taken_at=stored_number(doc.get("taken_at")),
        )

    def _server_time(self) -> datetime | None:
        """The database server's clock (``hello``, or ``isMaster`` before MongoDB 4.4.2);
        None from a server that says neither."""
        database = self._collection.database
        for command in TIME_COMMANDS[TIME_COMMANDS.index(self._time_command) :]:
            try:
                now = database.command(command).get("localTime")
            except OperationFailure:  # no such command
                continue
            self._time_command = command  # an old server is not asked for hello each time
            return now if isinstance(now, datetime) else None
        return None
