"""Shared fixtures: fresh settings for every test, a real nx-27017, thread-leak checks."""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from storage.connection import mongo_client
from storage.embedded import EmbeddedServer
from storage.store import PoolStore

# Qt tests run without a screen unless a test starts Xvfb for itself.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_RUNTIME = Path(tempfile.gettempdir()) / f"afpools-xdg-runtime-{os.getuid()}"
_RUNTIME.mkdir(mode=0o700, exist_ok=True)
os.environ.setdefault("XDG_RUNTIME_DIR", str(_RUNTIME))

# Variables that would let a test read the developer's own farm or database.
_FOREIGN_ENV_PREFIXES = ("AFPOOLS_", "CGRU_", "AF_")


@pytest.fixture(autouse=True)
def fresh_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets an empty home: no settings file, no CGRU config, no user data."""
    for name in list(os.environ):
        if name.startswith(_FOREIGN_ENV_PREFIXES):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("USER", "tester")
    return home


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Fail a test that leaves a thread of its own running (pymongo's monitors excepted)."""
    before = set(threading.enumerate())
    yield
    leaked = [
        t
        for t in threading.enumerate()
        if t not in before
        and t.is_alive()
        and not t.name.startswith("pymongo")
        and not isinstance(t, threading._DummyThread)  # a QThread that ran Python code
    ]
    for thread in leaked:
        thread.join(timeout=5)
    still = [t.name for t in leaked if t.is_alive()]
    assert not still, f"threads left running: {still}"
    workers = sys.modules.get("manager.workers")
    if workers is not None:
        running = workers.running_threads()
        assert not running, f"worker threads left running: {running}"


@pytest.fixture(scope="session")
def nx_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real nx-27017 for the whole session, started as afpools starts its embedded one
    (on a private Unix socket where there are any); yields its URI."""
    server = EmbeddedServer(tmp_path_factory.mktemp("nx-27017"))
    uri = server.acquire()
    yield uri
    server.release()


@pytest.fixture(scope="session")
def mongo(nx_server: str) -> Iterator[MongoClient[dict[str, Any]]]:
    client = mongo_client(nx_server, timeout=10)
    yield client
    client.close()


@pytest.fixture
def database_name() -> str:
    """A database of its own for each test, so tests never see each other's pools."""
    return f"t_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def store(mongo: MongoClient[dict[str, Any]], database_name: str) -> Iterator[PoolStore]:
    pool_store = PoolStore(mongo[database_name], user="tester")
    pool_store.ensure_schema()
    yield pool_store
    mongo.drop_database(database_name)
