"""Which job runs in which pool, and the job's own masks from before the pool was applied.

A pool mask is written over a job's masks. Remembering the user's originals lets a second
``apply`` (or the pool service, when membership changes) rebuild the mask from them instead
of nesting one pool mask inside another.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from pymongo.collection import Collection

from pools.jobs import Binding, binding_key
from storage.mongo_errors import translate_errors


class Bindings:
    """The ``bindings`` collection."""

    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection
        self.address = "the database"

    @translate_errors
    def get(self, job_id: int, serial: int) -> Binding | None:
        doc = self._collection.find_one({"_id": binding_key(job_id, serial)})
        if doc is None:
            return None
        fields = {k: v for k, v in doc.items() if k in Binding.__dataclass_fields__}
        return Binding(**fields)

    @translate_errors
    def save(self, binding: Binding) -> None:
        doc = asdict(binding) | {"updated_at": time.time()}
        # $set with upsert, not replace_one: nx-27017 0.8.1 ignores the filter's _id there.
        self._collection.update_one({"_id": binding.key}, {"$set": doc}, upsert=True)
