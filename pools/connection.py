"""Open the PoolStore the settings name: a configured MongoDB or the embedded default."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from pymongo import MongoClient
from pymongo.errors import ConfigurationError, PyMongoError

from pools.embedded import EmbeddedServer
from pools.errors import StoreUnavailableError
from pools.redaction import redact
from pools.settings import Settings
from pools.store import PoolStore
from pools.uri_options import check_uri_options


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


@contextlib.contextmanager
def open_store(settings: Settings, *, client_address: str = "") -> Iterator[PoolStore]:
    """The store for the duration of a command; the embedded server is shared, not owned."""
    embedded: EmbeddedServer | None = None
    uri = settings.mongodb_uri
    if not uri:
        embedded = EmbeddedServer(settings.embedded_data_dir())
        uri = embedded.acquire()
    try:
        client = mongo_client(uri, settings.mongodb_timeout)
        try:
            store = PoolStore(
                client[settings.mongodb_database],
                user=settings.user_name,
                client_address=client_address,
            )
            store.ensure_schema()
            yield store
        finally:
            with contextlib.suppress(PyMongoError):
                client.close()
    finally:
        if embedded is not None:
            embedded.release()
