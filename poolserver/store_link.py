"""The service's one link to MongoDB, used from worker threads only (pymongo blocks).

Unlike ``open_store`` for a CLI command, the service must start while the database is down
and recover when it comes back: the client is made without contacting the server, the
schema is ensured at the first successful read, and every call may fail with
``StoreUnavailableError`` without ending the service. Every call first asks the
``StoreConnection`` for the server that serves now: the service follows the embedded
database when another copy of afpools starts it again, and starts it itself when no copy is
left to do it.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from pymongo.database import Database

from config.settings import Settings
from poolserver.logs import LOGGER_NAME
from poolserver.snapshot import StoreData
from storage.connection import StoreConnection
from storage.store import PoolStore

log = logging.getLogger(LOGGER_NAME)


class StoreLink:
    """Open once per service; ``change_token``/``load``/``writer`` are called from threads."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._connection: StoreConnection | None = None
        self._store: PoolStore | None = None
        self._client: object = None  # the client self._store talks through
        self._schema_ready = False
        self._lock = threading.Lock()
        self._schema_lock = threading.Lock()
        self.description = "MongoDB"

    def open(self) -> None:
        """Join the embedded server (starting it if needed) or prepare the configured one."""
        self._connection = StoreConnection(self._settings, on_lost=log.warning)
        self._current()

    def close(self) -> None:
        """Close the client, then release the embedded server even if closing failed."""
        connection, self._connection = self._connection, None
        self._store = None
        if connection is not None:
            connection.close()

    @property
    def is_open(self) -> bool:
        return self._connection is not None

    @property
    def store(self) -> PoolStore:
        return self._current()

    def _opened(self) -> StoreConnection:
        if self._connection is None:
            raise RuntimeError("StoreLink.open() was not called")
        return self._connection

    def _current(self) -> PoolStore:
        """The store on the server that serves now: a new one once the server moved."""
        connection = self._opened()
        database = connection.database()
        with self._lock:
            if self._store is None or self._client is not database.client:
                self._store = PoolStore(database, user=self._settings.user_name)
                self._client = database.client
                self._schema_ready = False
                self.description = connection.description
                if connection.embedded is None:
                    self.description = f"MongoDB at {self._store.address}"
            return self._store

    def change_token(self) -> tuple[int, int]:
        """Moves with every change of the pools, afpools' own and the 2019 tool's."""
        return self._current().change_token()

    def load(self) -> StoreData:
        """Record what changed outside afpools (and finish what a killed writer left half
        done), then read everything, the token first so a change during the read is seen."""
        store = self._current()
        with self._schema_lock:
            if not self._schema_ready:
                store.ensure_schema()
                self._schema_ready = True
        store.reconcile()
        token = store.change_token()
        return StoreData(token[0], tuple(store.pools()), tuple(store.known_hosts()), token)

    def database(self) -> Database[dict[str, Any]]:
        """The database on the server that serves now (the agent keeps a store of its own)."""
        return self._opened().database()

    def writer(self, *, user: str, client_address: str) -> PoolStore:
        """A store whose history records name this user and the client's address."""
        database = self._opened().database()
        return PoolStore(database, user=user, client_address=client_address)
