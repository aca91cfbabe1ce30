"""Repeated jobs of a worker: a job that takes long is not run again back to back, and a
long job lets the window's thread go first."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from pytestqt.qtbot import QtBot

from manager.workers import WindowFirst, Worker, WorkerThread


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


@contextmanager
def window_thread(
    work: Callable[[threading.Event], object],
) -> Iterator[tuple[int, threading.Event]]:
    """A stand-in for the window's thread doing ``work`` until the event it gets is set:
    its thread id, and the event."""
    done = threading.Event()
    thread = threading.Thread(target=work, args=(done,), name="test-window")
    thread.start()
    try:
        assert thread.ident is not None
        yield thread.ident, done
    finally:
        done.set()
        thread.join()


def busy(done: threading.Event) -> None:
    while not done.is_set():
        sum(range(1000))  # a window repainting: its thread's CPU clock runs


def a_job(gate: WindowFirst, steps: int = 50) -> threading.Thread:
    """A worker's job in steps, telling the gate between them."""

    def run() -> None:
        for _step in range(steps):
            sum(range(20_000))
            gate()

    job = threading.Thread(target=run, name="test-job")
    job.start()
    return job


def wait_until(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        threading.Event().wait(0.001)


def test_a_step_waits_while_the_window_is_busy_and_goes_on_when_it_is_idle() -> None:
    with window_thread(busy) as (window, idle):
        gate = WindowFirst(window, most=60)
        gate.start()
        job = a_job(gate)
        wait_until(lambda: gate.waited > 0)  # the job is holding back
        assert job.is_alive()
        idle.set()  # the window has nothing more to do
        job.join(timeout=10)

    assert not job.is_alive()


def test_a_window_that_is_never_idle_slows_a_job_down_but_does_not_stop_it() -> None:
    with window_thread(busy) as (window, idle):
        gate = WindowFirst(window, most=0.05)
        gate.start()
        job = a_job(gate)
        job.join(timeout=10)
        still_busy = not idle.is_set()

    assert not job.is_alive() and still_busy
    assert gate.waited >= 0.05


def test_a_window_waiting_for_events_lets_a_job_go_on_at_once() -> None:
    with window_thread(lambda done: done.wait()) as (window, _):
        gate = WindowFirst(window, most=60)
        gate.start()
        for _step in range(100):
            gate()

    assert gate.waited == 0


def test_the_first_job_may_be_told_not_to_wait() -> None:
    with window_thread(busy) as (window, _):
        gate = WindowFirst(window, most=60)
        gate.start(most=0.0)
        gate()

    assert gate.waited == 0


def test_a_job_run_in_the_window_s_own_thread_never_waits_for_itself() -> None:
    gate = WindowFirst(most=60)  # made here: this thread is the window's
    gate.start()
    for _step in range(100):
        sum(range(10_000))  # the thread's CPU clock runs
        gate()

    assert gate.waited == 0


def test_a_job_waits_to_start_while_the_window_is_busy() -> None:
    with window_thread(busy) as (window, idle):
        gate = WindowFirst(window, most=60)
        gate.start()
        job = threading.Thread(target=gate.before_first_step, name="test-job")
        job.start()
        wait_until(lambda: gate.waited > 0)
        assert job.is_alive()
        idle.set()
        job.join(timeout=10)

    assert not job.is_alive()
