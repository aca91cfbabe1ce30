"""An agent of its own for a command of ``main.py``: its afserver client and its store."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from afserver.connect import client_for
from agent.config import AgentConfig
from agent.loop import Agent
from config.settings import Settings
from storage.connection import StoreConnection
from storage.store_source import StoreSource


@contextlib.contextmanager
def standalone_agent(settings: Settings, *, writes: bool = True) -> Iterator[Agent]:
    """An agent on the store and afserver the settings name; the store is closed after."""
    config = AgentConfig.from_settings(settings)
    client = client_for(settings)
    connection = StoreConnection(settings)
    try:
        stores = StoreSource(connection.database, settings.user_name)
        stores.store().ensure_schema()
        yield Agent(config, client, stores, writes=writes)
    finally:
        connection.close()
