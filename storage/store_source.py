"""A PoolStore of its own on the database that serves now.

An agent, and the board's jobs reader, keep a store of their own (its change token must not
share a change stream with another reader's), made again when the database moved (the
embedded server was restarted).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from pymongo.database import Database

from storage.store import PoolStore


class StoreSource:
    def __init__(self, database: Callable[[], Database[dict[str, Any]]], user: str) -> None:
        self._database = database
        self._user = user
        self._store: PoolStore | None = None
        self._client: object = None
        self._lock = threading.Lock()

    def store(self) -> PoolStore:
        database = self._database()
        with self._lock:
            if self._store is None or self._client is not database.client:
                self._store = PoolStore(database, user=self._user)
                self._client = database.client
            return self._store
