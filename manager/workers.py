"""One background-worker pattern for polling, storage and scanning.

A worker is a QObject living in its own QThread. It talks to the UI only through signals,
turns every exception into its ``failed`` signal (one sentence), honours a stop request and
is waited for on shutdown. ``running_threads()`` lets tests fail when one is left behind.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from PyQt5.QtCore import QObject, QThread, QTimer, pyqtSignal

from pools.errors import AfpoolsError

log = logging.getLogger(__name__)

T = TypeVar("T")

_THREADS: weakref.WeakSet[QThread] = weakref.WeakSet()


def running_threads() -> list[str]:
    """Names of worker threads that have been started and not yet finished."""
    return [t.objectName() for t in list(_THREADS) if t.isRunning()]


@contextmanager
def collector_waiting() -> Iterator[None]:
    """Hold Python's cycle collector back during a burst of work on a big farm.

    Reading 20,000 renders makes half a million objects that live until the poll is read,
    and merging them into the farm makes tens of thousands more. Either is enough to start
    the collector's full pass over the whole heap, which stops every thread (the window's
    too) for over 100 ms, once a poll. Neither makes cycles: the collector resumes after the
    burst with a short pass over what is new.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def release_in_steps(
    items: list[Any], step: int = 2000, between_steps: Callable[[], None] | None = None
) -> None:
    """Empty a big list a slice at a time: freeing 20,000 renders at once is one stretch of
    40 ms in which no other thread (the window's neither) can run."""
    while items:
        del items[-step:]
        if between_steps is not None:
            between_steps()


class WindowFirst:
    """Called between the steps of a long job on a worker thread, waits while the window's
    thread is busy, so that the job takes the interpreter only when the window is idle.

    Python runs one thread at a time. A keystroke's repaint calls into Python hundreds of
    times, and each call waits for the interpreter while a worker decodes a poll of 5,000
    renders: a keystroke of 15 ms took 40 to 70. The window's thread is busy when its CPU
    clock moved during a good part of the last step. A job waits ``most`` seconds at most
    per ``start``, so a window that is never idle slows the job down but does not stop it.
    ``before_first_step`` waits the same way before work that loads the machine rather than
    the interpreter (a reply of megabytes). Where a thread's CPU clock cannot be read
    (Windows), nothing waits.
    """

    BUSY_SHARE = 0.2  # of the wall time since the last look
    PAUSE = 0.001  # seconds between two looks while the window is busy

    def __init__(self, window_thread: int | None = None, most: float = 0.25) -> None:
        self._most = most
        self._window = window_thread or threading.get_ident()
        self._clock: int | None = None
        with contextlib.suppress(AttributeError, OSError):  # no thread CPU clocks here
            self._clock = time.pthread_getcpuclockid(self._window)
        self.start()

    def start(self, most: float | None = None) -> None:
        """A new job: its own allowance of waiting (``most`` seconds, if not the usual)."""
        self._allowance = self._most if most is None else most
        self._waited = 0.0
        self._wall, self._cpu = time.perf_counter(), self._window_cpu()

    @property
    def waited(self) -> float:
        """Seconds this job has waited for the window so far."""
        return self._waited

    def before_first_step(self) -> None:
        """Look at the window for a moment before a job starts, and wait while it is busy:
        work that loads the machine (a transfer of megabytes) waits for a keystroke to end."""
        if self._clock is None or threading.get_ident() == self._window:
            return
        self._wall, self._cpu = time.perf_counter(), self._window_cpu()
        time.sleep(self.PAUSE)
        self()

    def __call__(self) -> None:
        if self._clock is None or threading.get_ident() == self._window:
            return  # nothing to tell, or the job runs in the window's own thread
        wall, cpu = time.perf_counter(), self._window_cpu()
        while self._waited < self._allowance and self._busy(wall, cpu):
            time.sleep(self.PAUSE)
            self._waited += time.perf_counter() - wall
            self._wall, self._cpu = wall, cpu
            wall, cpu = time.perf_counter(), self._window_cpu()
        self._wall, self._cpu = wall, cpu

    def _busy(self, wall: float, cpu: float) -> bool:
        """Whether the window's thread ran a good part of the time since the last look."""
        return cpu - self._cpu > self.BUSY_SHARE * (wall - self._wall)

    def _window_cpu(self) -> float:
        if self._clock is None:
            return 0.0
        try:
            return time.clock_gettime(self._clock)
        except OSError:  # the window's thread has ended
            self._clock = None
            return 0.0


class Worker(QObject):
    """Base of every background worker."""

    failed = pyqtSignal(str)

    def __init__(self) -> None:
        super().__init__()
        self._stop = threading.Event()
        self._timer: QTimer | None = None

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def request_stop(self) -> None:
        """Callable from any thread; long jobs check ``stopping`` between steps."""
        self._stop.set()

    def guarded(
        self, job: Callable[[], T], on_error: Callable[[str], None] | None = None
    ) -> T | None:
        """Run a job; an error becomes one sentence (on ``failed``, or to ``on_error``)
        instead of a traceback."""
        say = self.failed.emit if on_error is None else on_error
        try:
            return job()
        except AfpoolsError as error:
            say(str(error))
        except Exception as error:
            log.exception("worker job failed")
            say(f"Unexpected error ({type(error).__name__}: {error}).")
        return None

    def every(self, seconds: float, job: Callable[[], None], *, apart: bool = False) -> None:
        """Repeat ``job`` in this worker's thread; call from that thread (e.g. on start).

        ``apart``: the seconds count from the end of one run to the start of the next, so a
        job that takes long (a poll of a big farm) is never run back to back.
        """
        self._timer = timer = QTimer(self)
        timer.setInterval(max(50, int(seconds * 1000)))
        if apart:
            timer.setSingleShot(True)
            timer.timeout.connect(lambda: self._run_then_wait(job, timer))
        else:
            timer.timeout.connect(job)
        timer.start()

    def _run_then_wait(self, job: Callable[[], None], timer: QTimer) -> None:
        job()
        if not self.stopping:
            timer.start()

    def on_started(self) -> None:
        """Runs in the worker's thread when it starts; override."""

    def on_stopping(self) -> None:
        """Runs in the worker's thread just before it ends; override to release resources."""

    def _finish(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.guarded(self.on_stopping)
        thread = self.thread()
        if thread is not None:
            thread.quit()


class WorkerThread(QObject):
    """Owns a worker and its QThread: start, stop and wait."""

    _stop_requested = pyqtSignal()

    def __init__(self, worker: Worker, name: str) -> None:
        super().__init__()
        self.worker = worker
        self.qthread = QThread()
        self.qthread.setObjectName(name)
        worker.moveToThread(self.qthread)
        self.qthread.started.connect(worker.on_started)
        self._stop_requested.connect(worker._finish)

    def start(self) -> None:
        _THREADS.add(self.qthread)
        self.qthread.start()

    def stop(self, timeout: float = 10.0) -> bool:
        """Ask the worker to finish what it is doing and end; True when it did in time."""
        if not self.qthread.isRunning():
            return True
        self.worker.request_stop()
        self._stop_requested.emit()
        finished = bool(self.qthread.wait(int(timeout * 1000)))
        if not finished:
            log.warning("worker thread %s did not stop in %s s", self.qthread.objectName(), timeout)
        return finished
