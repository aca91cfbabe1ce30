"""The service's one link to MongoDB, used from worker threads only (pymongo blocks).

Unlike ``open_store`` for a CLI command, the service must start while the database is down
and recover when it comes back: the client is made without contacting the server, the
schema is ensured at the first successful read, and every call may fail with
``StoreUnavailableError`` without ending the service.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from pools.connection import mongo_client
from pools.embedded import EmbeddedServer
from pools.settings import Settings
from pools.store import PoolStore
from poolserver.snapshot import StoreData


class StoreLink:
    """Open once per service; ``revision``/``load``/``writer`` are called from threads."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._embedded: EmbeddedServer | None = None
        self._client: MongoClient[dict[str, Any]] | None = None
        self._store: PoolStore | None = None
        self._schema_ready = False
        self._schema_lock = threading.Lock()
        self.description = "MongoDB"

    def open(self) -> None:
        """Join the embedded server (starting it if needed) or prepare the configured one."""
        uri = self._settings.mongodb_uri
        if not uri:
            self._embedded = EmbeddedServer(self._settings.embedded_data_dir())
            uri = self._embedded.acquire()
            self.description = f"embedded nx-27017 at {uri.split('/')[2].split('?')[0]}"
        self._client = mongo_client(uri, self._settings.mongodb_timeout)
        self._store = PoolStore(
            self._client[self._settings.mongodb_database], user=self._settings.user_name
        )
        if self._embedded is None:
            self.description = f"MongoDB at {self._store.address}"

    def close(self) -> None:
        """Close the client, then release the embedded server even if closing failed."""
        client, self._client = self._client, None
        embedded, self._embedded = self._embedded, None
        try:
            if client is not None:
                with contextlib.suppress(PyMongoError):
                    client.close()
        finally:
            if embedded is not None:
                embedded.release()

    @property
    def is_open(self) -> bool:
        return self._client is not None

    @property
    def store(self) -> PoolStore:
        if self._store is None:
            raise RuntimeError("StoreLink.open() was not called")
        return self._store

    def change_token(self) -> tuple[int, int]:
        """Moves with every change of the pools, afpools' own and the 2019 tool's."""
        return self.store.change_token()

    def load(self) -> StoreData:
        """Record what changed outside afpools (and finish what a killed writer left half
        done), then read everything, the token first so a change during the read is seen."""
        store = self.store
        with self._schema_lock:
            if not self._schema_ready:
                store.ensure_schema()
                self._schema_ready = True
        store.reconcile()
        token = store.change_token()
        return StoreData(token[0], tuple(store.pools()), tuple(store.known_hosts()), token)

    def writer(self, *, user: str, client_address: str) -> PoolStore:
        """A store whose history records name this user and the client's address."""
        if self._client is None:
            raise RuntimeError("StoreLink.open() was not called")
        return PoolStore(
            self._client[self._settings.mongodb_database],
            user=user,
            client_address=client_address,
        )
