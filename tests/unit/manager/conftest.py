"""Qt models built directly over a plain ``Farm``: no database, no afserver, no window."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PyQt5.QtCore import QAbstractItemModel

from manager.evented_farm import EventedFarm

Watch = Callable[[QAbstractItemModel], None]


@pytest.fixture
def evented(qapp: Any) -> EventedFarm:
    return EventedFarm()


@pytest.fixture(params=["qt", "python"])
def watch(request: pytest.FixtureRequest, qapp: Any) -> Iterator[Watch]:
    """Attach a model tester to a model before it changes, and keep it for the whole test:
    Qt's own tester (whose warnings fail the test) or pytest-qt's Python one (whose failed
    checks do). One tester per model: pytest-qt's ``qtmodeltester`` fixture watches one."""
    from pytestqt.modeltest import ModelTester  # needs the Qt binding chosen first

    testers: list[ModelTester] = []

    def attach(model: QAbstractItemModel) -> None:
        tester = ModelTester(request.config)
        tester.check(model, force_py=request.param == "python")
        testers.append(tester)

    yield attach
    testers.clear()
