"""Open the PoolStore the settings name: a configured MongoDB or the embedded default,
followed when it is started again."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from pymongo import MongoClient
from pymongo.database import Database
from pymongo.errors import ConfigurationError, PyMongoError

from config.redaction import redact
from config.settings import Settings
from pools.errors import StoreUnavailableError
from storage.embedded import EmbeddedServer
from storage.embedded_access import describe
from storage.store import PoolStore
from storage.uri_options import check_uri_options


def mongo_client(uri: str, timeout: float) -> MongoClient[dict[str, Any]]:
    """A client that gives up after ``timeout`` seconds, not pymongo's 30 s default."""
    millis = max(1, int(timeout * 1000))
    check_uri_options(uri)
    try:
        return MongoClient(
            uri,
            serverSelectionTimeoutMS=millis,
            connectTimeoutMS=millis,
            socketTimeoutMS=max(millis * 2, 10_000),
            appname="afpools",
        )
    except (ConfigurationError, ValueError) as error:
        raise StoreUnavailableError(
            f"The MongoDB URI {redact(uri)!r} is not valid: {redact(str(error))}."
        ) from None


EMBEDDED_TIMEOUT = 2.0  # seconds; the embedded server is on this machine


class StoreConnection:
    """The client of the store the settings name, following the embedded server.

    Any copy of afpools may start the embedded server again after it died, and where there
    are no Unix sockets it then listens on a new port. ``database()`` makes sure it runs
    (starting it when no copy has) and moves to a new client when a new server answers; the
    CLI's ``open_store``, the service's ``StoreLink`` and the board's ``StoreWorker`` all ask
    here. A configured MongoDB gets one client for the whole run. Thread-safe.

    A read that was under way when the embedded server died fails after ``EMBEDDED_TIMEOUT``
    at most (not ``mongodb_timeout``, meant for a MongoDB across the network), so the next
    call restarts or follows it.
    """

    def __init__(self, settings: Settings, *, on_lost: Callable[[str], None] | None = None) -> None:
        self._settings = settings
        self._on_lost = on_lost  # hears "the embedded database stopped" before it is restarted
        self.embedded = (
            None if settings.mongodb_uri else EmbeddedServer(settings.embedded_data_dir())
        )
        self._lock = threading.Lock()
        self._client: MongoClient[dict[str, Any]] | None = None
        self._serving: tuple[str, int | None] | None = None

    def database(self) -> Database[dict[str, Any]]:
        """The database on the server that serves now; a new client when that server is new."""
        with self._lock:
            if self.embedded is None:
                serving: tuple[str, int | None] = (self._settings.mongodb_uri, None)
            else:
                serving = (self.embedded.ensure(self._on_lost), self.embedded.pid)
            if self._client is None or serving != self._serving:
                timeout = self._settings.mongodb_timeout
                if self.embedded is not None:  # it just answered; silence means it died
                    timeout = min(timeout, EMBEDDED_TIMEOUT)
                old, self._client = self._client, mongo_client(serving[0], timeout)
                self._serving = serving
                if old is not None:
                    with contextlib.suppress(PyMongoError):
                        old.close()
            return self._client[self._settings.mongodb_database]

    @property
    def description(self) -> str:
        """Where the pools are, for a status line (never with a password)."""
        if self.embedded is None:
            return f"MongoDB at {redact(self._settings.mongodb_uri)}"
        try:
            return f"embedded nx-27017 at {describe(self.embedded.address)}"
        except StoreUnavailableError:
            return "embedded nx-27017 (not started)"

    def close(self) -> None:
        """Close the client, then leave the embedded server even if closing failed."""
        with self._lock:
            client, self._client, self._serving = self._client, None, None
            try:
                if client is not None:
                    with contextlib.suppress(PyMongoError):
                        client.close()
            finally:
                if self.embedded is not None:
                    self.embedded.release()


@contextlib.contextmanager
def open_store(settings: Settings, *, client_address: str = "") -> Iterator[PoolStore]:
    """The store for the duration of a command; the embedded server is shared, not owned."""
    connection = StoreConnection(settings)
    try:
        store = PoolStore(
            connection.database(), user=settings.user_name, client_address=client_address
        )
        store.ensure_schema()
        yield store
    finally:
        connection.close()
