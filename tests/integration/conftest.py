"""What the integration tests share: ``main.py`` on the test's own database."""

from __future__ import annotations

import pytest

from storage.store import PoolStore
from tests.support.cli import Run, runner


@pytest.fixture
def cli(
    nx_server: str,
    database_name: str,
    store: PoolStore,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    """``main.py`` in-process against the test database; returns (code, stdout, stderr)."""
    monkeypatch.setenv("AFPOOLS_MONGODB_URI", nx_server)
    monkeypatch.setenv("AFPOOLS_MONGODB_DATABASE", database_name)
    return runner(capsys)
