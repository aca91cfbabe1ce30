"""The jobs the board knows of: the last read of afserver's job list, and what it means.

The jobs worker reports on its own thread; here, on the UI thread, the last read is kept for
the jobs panel, the banner about jobs no agent looks after, and the question that deleting
a pool asks. A read that fails keeps the last list and says why.
"""

from __future__ import annotations

from PyQt5.QtCore import QObject, pyqtSignal

from manager.jobs_worker import JobsRead, JobsWorker
from pools.job_list import bound_to, deletion_notice, unattended, waiting
from pools.jobs import WAITING, Decision, listed

NAMED_IN_QUESTION = 8  # jobs a deletion question names; the rest are counted


class JobsSession(QObject):
    """The last read and the last failure; ``changed`` after each."""

    changed = pyqtSignal()

    def __init__(self, worker: JobsWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.last: JobsRead | None = None
        self.error = ""  # why the last read failed; '' once one works
        worker.read.connect(self._on_worker_read)
        worker.failed.connect(self._on_worker_failed)

    def _on_worker_read(self, read: JobsRead) -> None:
        self.last, self.error = read, ""
        self.changed.emit()

    def _on_worker_failed(self, sentence: str) -> None:
        self.error = sentence
        self.changed.emit()

    # -- what the faces show ------------------------------------------------------------

    def decisions(self) -> tuple[Decision, ...]:
        return self.last.decisions if self.last is not None else ()

    def jobs_of(self, pool: str | None) -> list[Decision]:
        """The jobs bound to ``pool``; with None every job the agent looks after that is
        not waiting for a pool (those have a list of their own)."""
        if pool is not None:
            return listed(self.decisions(), pool=pool)
        return [d for d in self.decisions() if d.status != WAITING]

    def waiting(self) -> list[Decision]:
        return waiting(self.decisions())

    def unattended(self) -> str:
        """The banner's sentence while jobs with tokens wait and no agent holds the lease."""
        if self.last is None:
            return ""
        return unattended(self.last.decisions, self.last.lease_held)

    def deletion_words(self, pool: str) -> str:
        """What deleting ``pool`` does to the jobs bound to it, and what Undo does, for the
        question the board asks."""
        if self.last is None:
            why = self.error.rstrip(".") if self.error else "afserver's jobs are not read yet"
            return (
                f"Which jobs are bound to it is not known ({why}); any that are get none of "
                "its hosts from now on. Undo brings the pool back."
            )
        bound = bound_to(self.last.decisions, pool)
        if not bound:
            return "No job is bound to it. Undo brings the pool back."
        notice = deletion_notice(
            pool, [(d.job.id, d.job.name) for d in bound], shown=NAMED_IN_QUESTION
        )
        return f"{notice} Undo brings the pool back, and these jobs with it."
