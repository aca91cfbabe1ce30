"""The agent's memory: one ``bindings`` document per afserver job (id and serial).

A binding holds the artist's own masks, the pool names the tokens typed, the pools by
``_id`` with the revisions the written masks were built from, the masks written and those
the job held before. ``main.py apply`` writes through the same documents. A counter moves
with every change, so an agent that keeps the bindings in memory notices another writer's
(``apply``, a previous agent) with one tiny read.

Bindings of afpools before the agent (``pool``, ``user_mask``, ``applied_mask``...) are read
too, as jobs bound with ``apply``; a document that cannot be read is reported and kept.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo import ReturnDocument, UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database

from pools.job_masks import (
    EXCLUDE,
    INCLUDE,
    JOB_LEVEL,
    Masks,
    binding_key,
    parse_stored_key,
    stored_key,
)
from pools.jobs import Binding, PoolRef, UserMask
from pools.masks import FIND, REGEX
from storage.mongo_errors import translate_errors

Document = dict[str, Any]
COUNTER = "bindings"
BATCH = 500  # bindings per bulk write: one round trip each, small enough for any server


@dataclass(frozen=True)
class StoredBindings:
    """Every binding that could be read, and one sentence per document that could not."""

    bindings: dict[str, Binding]
    unreadable: tuple[str, ...] = ()


class Bindings:
    """The ``bindings`` collection and its change counter."""

    def __init__(self, database: Database[Document]) -> None:
        self._db = database
        self._collection: Collection[Document] = database.bindings
        self.address = "the database"

    @translate_errors
    def all(self) -> StoredBindings:
        found: dict[str, Binding] = {}
        unreadable: list[str] = []
        legacy_ids = self._pool_ids()
        for doc in self._collection.find({}):
            try:
                binding = binding_from_doc(doc, legacy_ids)
            except (KeyError, TypeError, ValueError):
                unreadable.append(f"The binding {str(doc.get('_id'))[:40]!r} cannot be read; kept.")
                continue
            found[binding.key] = binding
        return StoredBindings(found, tuple(unreadable))

    @translate_errors
    def get(self, job_id: int, serial: int) -> Binding | None:
        doc = self._collection.find_one({"_id": binding_key(job_id, serial)})
        if doc is None:
            return None
        # Only a binding from before the agent names its pool: the pools are read for it alone.
        legacy_ids = self._pool_ids() if _is_legacy(doc) else {}
        try:
            return binding_from_doc(doc, legacy_ids)
        except (KeyError, TypeError, ValueError):
            return None

    @translate_errors
    def bound_to(self, pool_id: str) -> list[Binding]:
        """The bindings of jobs that still exist and follow this pool."""
        return [
            binding
            for binding in self.all().bindings.values()
            if not binding.gone_since and any(ref.id == pool_id for ref in binding.pools)
        ]

    @translate_errors
    def save(self, bindings: Iterable[Binding]) -> int:
        """Write these bindings (a bulk write per ``BATCH``) and move the counter on;
        returns the counter after."""
        return self.change(bindings, ())

    @translate_errors
    def change(self, saved: Iterable[Binding], dropped: Iterable[str]) -> int:
        """Write some bindings and drop others, then move the counter on once; returns the
        counter after (unchanged when there was nothing to do)."""
        now = time.time()
        ops = [
            UpdateOne({"_id": binding.key}, {"$set": binding_doc(binding, now)}, upsert=True)
            for binding in saved
        ]
        for start in range(0, len(ops), BATCH):
            self._collection.bulk_write(ops[start : start + BATCH], ordered=False)
        keys = list(dropped)
        for start in range(0, len(keys), BATCH):
            self._collection.delete_many({"_id": {"$in": keys[start : start + BATCH]}})
        return self.bump() if ops or keys else self.counter()

    @translate_errors
    def counter(self) -> int:
        doc = self._db.counters.find_one({"_id": COUNTER})
        value = (doc or {}).get("seq", 0)
        return value if isinstance(value, int) else 0

    @translate_errors
    def bump(self) -> int:
        doc = self._db.counters.find_one_and_update(
            {"_id": COUNTER},
            {"$inc": {"seq": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return int((doc or {}).get("seq", 0))

    def _pool_ids(self) -> dict[str, str]:
        """Pool ``_id`` by name, for bindings written before pools were followed by ``_id``."""
        return {
            doc["name"]: str(doc["_id"])
            for doc in self._db.pools.find({}, {"name": 1})
            if isinstance(doc.get("name"), str)
        }


# -------------------------------------------------------------------------- documents


def _masks_doc(masks: Masks) -> Document:
    return {"kind": masks.kind, "fields": {stored_key(k): v for k, v in masks.fields.items()}}


def _masks_from(doc: Mapping[str, Any]) -> Masks:
    kind = doc["kind"]
    if kind not in (FIND, REGEX):
        raise ValueError(kind)
    fields = {parse_stored_key(key): str(text) for key, text in dict(doc["fields"]).items()}
    return Masks.of(kind, fields)


def binding_doc(binding: Binding, now: float) -> Document:
    return {
        "job_id": binding.job_id,
        "serial": binding.serial,
        "job_name": binding.job_name,
        "user_name": binding.user_name,
        "user": {
            stored_key(key): {"text": mask.text, "kind": mask.kind}
            for key, mask in binding.user.items()
        },
        "tokens": list(binding.tokens),
        "pools": [{"name": r.name, "id": r.id, "revision": r.revision} for r in binding.pools],
        "written": _masks_doc(binding.written),
        "before": _masks_doc(binding.before),
        "applied": binding.applied,
        "gone_since": float(binding.gone_since),
        "updated_at": now,
    }


def _is_legacy(doc: Mapping[str, Any]) -> bool:
    return "written" not in doc and "applied_mask" in doc


def binding_from_doc(doc: Mapping[str, Any], legacy_pool_ids: Mapping[str, str]) -> Binding:
    if _is_legacy(doc):
        return _legacy(doc, legacy_pool_ids)
    user = {
        parse_stored_key(key): UserMask(str(value["text"]), str(value["kind"]))
        for key, value in dict(doc["user"]).items()
    }
    return Binding(
        job_id=int(doc["job_id"]),
        serial=int(doc["serial"]),
        job_name=str(doc.get("job_name") or ""),
        user_name=str(doc.get("user_name") or ""),
        user=user,
        tokens=tuple(str(name) for name in doc.get("tokens") or ()),
        pools=tuple(
            PoolRef(str(r["name"]), str(r["id"]), int(r["revision"])) for r in doc["pools"]
        ),
        written=_masks_from(doc["written"]),
        before=_masks_from(doc["before"]),
        applied=str(doc.get("applied") or ""),
        gone_since=float(doc.get("gone_since") or 0.0),
        updated_at=float(doc.get("updated_at") or 0.0),
    )


def _legacy(doc: Mapping[str, Any], pool_ids: Mapping[str, str]) -> Binding:
    """A binding ``main.py apply`` wrote before the agent: the pool by name, one type."""
    kind = str(doc.get("user_type") or FIND)
    user = {
        key: UserMask(str(doc.get(name) or ""), kind)
        for key, name in (
            ((JOB_LEVEL, INCLUDE), "user_mask"),
            ((JOB_LEVEL, EXCLUDE), "user_exclude"),
        )
        if doc.get(name)
    }
    written = Masks.of(
        REGEX,
        {
            (JOB_LEVEL, INCLUDE): str(doc.get("applied_mask") or ""),
            (JOB_LEVEL, EXCLUDE): str(doc.get("applied_exclude") or ""),
        },
    )
    name = str(doc.get("pool") or "")
    pool_id = pool_ids.get(name, "")
    return Binding(
        job_id=int(doc["job_id"]),
        serial=int(doc["serial"]),
        job_name="",
        user_name="",
        user=user,
        tokens=(),
        pools=(PoolRef(name, pool_id, -1),) if pool_id else (),
        written=written,
        before=written,
        applied=pool_id,
        updated_at=float(doc.get("updated_at") or 0.0),
    )
