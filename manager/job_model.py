"""afserver jobs as a Qt table: the jobs bound to a pool, or those waiting for one.

A thin adapter over the decisions ``pools.job_list`` makes for every face (the agent, the
CLI, the service): each row is one job's decision, in job id order. A new read changes only
the rows that changed (``keyed_changes``), so the selection and the scroll position stay
while the list follows afserver every few seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PyQt5.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PyQt5.QtGui import QColor

from pools.job_list import index_runs, job_sentence, keyed_changes, status_text
from pools.jobs import BOUND, FINISHED, WAITING, Decision

JOB_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's Decision
ATTENTION = QColor("#ffb74d")  # waiting, not yet on its pools, or given no host
DONE = QColor("#7d878f")
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class JobColumn:
    """One column: its title, its text for a job, and a sample of its widest usual text."""

    title: str
    text: Callable[[Decision], str]
    sample: str  # as wide as this when there is room
    numeric: bool = False
    least: str = ""  # as narrow as this when room is short ('': the sample)
    rest: bool = False  # takes the room the other columns leave


def _tokens(decision: Decision) -> str:
    return ", ".join("@" + name for name in decision.unknown)


JOB = JobColumn("Job", lambda d: str(d.job.id), "00000", numeric=True)
NAME = JobColumn(
    "Name", lambda d: d.job.name, "sq040_sh010_lighting_v012", least="sq040_sh010_l", rest=True
)
USER = JobColumn("User", lambda d: d.job.user or "-", "username")
STATE = JobColumn("State", lambda d: d.job.state or "-", "RDY RUN")
RUNNING = JobColumn("Running", lambda d: str(d.job.running), "Running", numeric=True)
POOLS = JobColumn("Pools", lambda d: ", ".join(d.pools) or "-", "lighting, gpu", least="lighting")
STATUS = JobColumn("Status", status_text, "bound, masks pending", least="bound, mask")
WAITS_FOR = JobColumn("Waits for", _tokens, "@lighting")

BOUND_COLUMNS = (JOB, NAME, USER, STATE, RUNNING, POOLS, STATUS)
WAITING_COLUMNS = (JOB, NAME, USER, WAITS_FOR)


def job_tip(decision: Decision) -> str:
    """A row's tooltip: why the job is listed as it is, in the agent's words."""
    job = decision.job
    said = job_sentence(decision)
    if said:
        return said
    if decision.status == BOUND and decision.writes:
        return (
            f"Job {job.id} ({job.name}) gets its pools' masks from the agent within a pass; "
            "until then it runs only where the rest of its mask admits."
        )
    if decision.pools:
        pools = ", ".join(decision.pools)
        return f"Job {job.id} ({job.name}) of {job.user or 'nobody'} runs on {pools}."
    return f"Job {job.id} ({job.name}): {decision.status}."


def _needs_attention(decision: Decision) -> bool:
    return decision.status == WAITING or (
        decision.status == BOUND and (decision.writes or bool(decision.runs_nowhere))
    )


class JobTableModel(QAbstractTableModel):
    """One row per job; ``set_jobs`` with each new read."""

    def __init__(self, columns: Sequence[JobColumn], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._rows: list[Decision] = []

    # -- reading ------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.columns):
            return None
        decision = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(decision)
        if role == Qt.ItemDataRole.ToolTipRole:
            return job_tip(decision)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole:
            if decision.status == FINISHED:
                return DONE
            if _needs_attention(decision):
                return ATTENTION
        if role == JOB_ROLE:
            return decision
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and 0 <= section < len(self.columns):
            column = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.title
            if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
                return RIGHT
        return super().headerData(section, orientation, role)

    def jobs(self) -> list[Decision]:
        return list(self._rows)

    # -- following afserver -------------------------------------------------------------

    def set_jobs(self, decisions: Iterable[Decision]) -> None:
        """The rows of a new read: gone jobs removed, new ones inserted, changed ones
        announced; a job that did not change is not touched."""
        new = sorted(decisions, key=lambda d: (d.job.id, d.job.serial))
        removed, inserted = keyed_changes([d.job.key for d in self._rows], [d.job.key for d in new])
        for first, last in reversed(removed):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            self.endRemoveRows()
        for first, last in inserted:
            self.beginInsertRows(QModelIndex(), first, last)
            self._rows[first:first] = new[first : last + 1]
            self.endInsertRows()
        changed = [
            row
            for row, (was, now) in enumerate(zip(self._rows, new, strict=True))
            if was is not now and was != now
        ]
        self._rows = new
        last_column = len(self.columns) - 1
        for first, last in index_runs(changed):
            self.dataChanged.emit(self.index(first, 0), self.index(last, last_column))
