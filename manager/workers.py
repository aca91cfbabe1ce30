"""One background-worker pattern for polling, storage and scanning.

A worker is a QObject living in its own QThread. It talks to the UI only through signals,
turns every exception into its ``failed`` signal (one sentence), honours a stop request and
is waited for on shutdown. ``running_threads()`` lets tests fail when one is left behind.
"""

from __future__ import annotations

import gc
import logging
import threading
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


def release_in_steps(items: list[Any], step: int = 2000) -> None:
    """Empty a big list a slice at a time: freeing 20,000 renders at once is one stretch of
    40 ms in which no other thread (the window's neither) can run."""
    while items:
        del items[-step:]


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
