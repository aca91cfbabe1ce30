"""Repeated jobs of a worker: a job that takes long is not run again back to back."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from manager.workers import Worker, WorkerThread


class RepeatingWorker(Worker):
    """Notes, in each run, whether its next run is already due (its timer still running)."""

    def __init__(self, *, apart: bool) -> None:
        super().__init__()
        self.apart = apart
        self.due_during_run: list[bool] = []

    def on_started(self) -> None:
        self.every(0.05, self.run, apart=self.apart)

    def run(self) -> None:
        assert self._timer is not None
        self.due_during_run.append(self._timer.isActive())


@pytest.mark.parametrize("apart", [True, False])
def test_a_job_run_apart_waits_its_interval_after_each_run(qtbot: QtBot, apart: bool) -> None:
    worker = RepeatingWorker(apart=apart)
    thread = WorkerThread(worker, "test-repeating")
    thread.start()
    try:
        qtbot.waitUntil(lambda: len(worker.due_during_run) >= 3, timeout=5000)
    finally:
        thread.stop(timeout=5)

    # Apart, the wait starts when a run ends (a poll of a big farm that takes longer than
    # the interval is not followed at once by the next); otherwise it keeps its own beat.
    assert set(worker.due_during_run[:3]) == {not apart}
