"""Which agent may write to afserver: one ``leases`` document, taken with an expiry.

The holder renews it with ``find_one_and_update`` well before it expires; another agent takes
it only once it has expired (a holder killed with -9 never releases it), or at once after a
clean stop released it. Each step is one atomic operation on the one document, so two
agents never both hold it. Expiry times are the holders' own clocks: keep them in step
(NTP), as for any farm.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from pymongo import ReturnDocument
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from storage.documents import stored_number
from storage.mongo_errors import translate_errors

Document = dict[str, Any]
AGENT_LEASE = "agent"


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
    """The ``leases`` collection."""

    def __init__(self, collection: Collection[Document]) -> None:
        self._collection = collection
        self.address = "the database"

    @translate_errors
    def take(self, holder: str, description: str, seconds: float) -> Lease:
        """Renew our lease, or take one that expired or was released; the lease as it now
        stands is returned, whoever holds it."""
        now = time.time()
        renewed = self._collection.find_one_and_update(
            {"_id": AGENT_LEASE, "holder": holder},
            {"$set": {"expires_at": now + seconds, "renewed_at": now}},
            return_document=ReturnDocument.AFTER,
        )
        if renewed is not None:
            return _lease(renewed)
        fields = {
            "holder": holder,
            "description": description,
            "expires_at": now + seconds,
            "taken_at": now,
            "renewed_at": now,
        }
        taken = self._collection.find_one_and_update(
            {"_id": AGENT_LEASE, "expires_at": {"$lt": now}},
            {"$set": fields},
            return_document=ReturnDocument.AFTER,
        )
        if taken is not None:
            return _lease(taken)
        try:
            self._collection.insert_one({"_id": AGENT_LEASE, **fields})
        except DuplicateKeyError:
            current = self._collection.find_one({"_id": AGENT_LEASE})
            if current is not None:
                return _lease(current)
            return self.take(holder, description, seconds)  # released in between
        return _lease({"_id": AGENT_LEASE, **fields})

    @translate_errors
    def release(self, holder: str) -> bool:
        """Give the lease up (only ours), so a standby takes over at once."""
        result = self._collection.delete_one({"_id": AGENT_LEASE, "holder": holder})
        return result.deleted_count == 1

    @translate_errors
    def current(self) -> Lease | None:
        doc = self._collection.find_one({"_id": AGENT_LEASE})
        return None if doc is None else _lease(doc)


def _lease(doc: Document) -> Lease:
    return Lease(
        holder=str(doc.get("holder") or ""),
        description=str(doc.get("description") or ""),
        expires_at=stored_number(doc.get("expires_at")),
        taken_at=stored_number(doc.get("taken_at")),
    )
