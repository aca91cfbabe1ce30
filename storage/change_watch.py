"""Notice changes of the pools that afpools did not make (the 2019 tool, a hand edit).

afpools' own changes move the change counter, one tiny read. Other tools write pools
without it, so the collection itself is watched: with a change stream where the server has
them (nx-27017, replica sets), else with the server's hash of the collection (``dbHash`` on
a standalone MongoDB), else by hashing the stored documents. Each way gives a number that
moves when the pools changed; a change stream that broke counts as a change.
"""

from __future__ import annotations

import contextlib
import hashlib
from typing import Any

from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from pymongo.change_stream import CollectionChangeStream
from pymongo.database import Database
from pymongo.errors import OperationFailure, PyMongoError

Document = dict[str, Any]
MAX_EVENTS_PER_POLL = 10_000  # a flood of changes is one change to a poller


class ChangeWatch:
    """``generation()`` grows whenever the pools collection changed since the last call."""

    def __init__(self, database: Database[Document]) -> None:
        self._db = database
        self._stream: CollectionChangeStream[Document] | None = None
        self._streams_work = True
        self._digest = ""
        self._generation = 0

    def generation(self) -> int:
        if self._streams_work:
            try:
                self._poll_stream()
                return self._generation
            except OperationFailure as error:
                if not _no_change_streams(error):
                    self._lost_stream()
                    raise
                self._streams_work = False
            except PyMongoError:
                self._lost_stream()
                raise
        digest = self._collection_digest()
        if digest != self._digest:
            self._digest = digest
            self._generation += 1
        return self._generation

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            with contextlib.suppress(PyMongoError):
                stream.close()

    def _poll_stream(self) -> None:
        if self._stream is None:
            self._stream = self._db.pools.watch(max_await_time_ms=1)
            self._generation += 1  # whatever happened before the stream opened is unknown
        for _ in range(MAX_EVENTS_PER_POLL):
            if self._stream.try_next() is None:
                return
            self._generation += 1

    def _lost_stream(self) -> None:
        """The server went away: events may be lost, so the next stream counts as a change."""
        self.close()

    def _collection_digest(self) -> str:
        try:
            answer = self._db.command("dbHash", collections=["pools"])
            found = (answer.get("collections") or {}).get("pools")
            if isinstance(found, str) and found:
                return found
        except OperationFailure:
            pass
        raw = self._db.pools.with_options(
            codec_options=CodecOptions(document_class=RawBSONDocument)
        )
        digest = hashlib.blake2b(digest_size=16)
        for doc in raw.find({}).sort("_id", 1):
            digest.update(doc.raw)
        return digest.hexdigest()


def _no_change_streams(error: OperationFailure) -> bool:
    """A standalone MongoDB refuses change streams (code 40573); so do some other servers."""
    text = str(error).lower()
    return error.code in (40573, 40324, 115) or "changestream" in text.replace(" ", "")
