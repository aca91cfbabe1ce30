"""What the usage reader says when the database goes away and comes back."""

from __future__ import annotations

from typing import Any

from PyQt5.QtCore import QObject, pyqtSignal

from manager.usage_session import UsageSession
from manager.usage_worker import UsageNews
from pools.alerts import Alerts


class Reader(QObject):
    """The usage worker's signals and slots, driven by the test."""

    read = pyqtSignal(object)
    failed = pyqtSignal(str)
    chart_read = pyqtSignal(object, object)
    chart_failed = pyqtSignal(object, str)

    def refresh(self) -> None: ...

    def read_chart(self, _request: object) -> None: ...


def test_a_usage_outage_is_said_once_and_taken_back_when_reads_work_again(qapp: Any) -> None:
    reader = Reader()
    session = UsageSession(reader)  # type: ignore[arg-type]
    said: list[tuple[str, str]] = []
    session.message.connect(lambda level, sentence: said.append((level, sentence)))
    down = "MongoDB at db:27017 cannot be reached (Connection refused)."

    reader.failed.emit(down)
    reader.failed.emit(down)  # every half minute while it lasts: said once
    reader.read.emit(UsageNews({}, Alerts((), ()), 0.0))
    reader.read.emit(UsageNews({}, Alerts((), ()), 30.0))
    reader.failed.emit(down)  # down again: said again

    assert said == [
        ("warning", f"Usage: {down}"),
        ("resolved", f"Usage: {down}"),
        ("warning", f"Usage: {down}"),
    ]
