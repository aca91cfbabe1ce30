"""Schedules from a pool column's context menu: the selected members follow the clock.

Each entry is one undoable edit of one window (``Edit("schedule" | "unschedule", ...)``):
nights or weekends, "while the user is away", or hours typed in a small dialog whose
words are those of ``main.py pools schedule`` and are checked by the same parser.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PyQt5.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from pools.edits import Edit
from pools.errors import AfpoolsError
from pools.model import Pool
from pools.schedules import AWAY_TEXT, Window, by_host, next_change, window
from pools.wording import describe_hosts

Request = Callable[[str, list[Edit]], object]  # an undo label and its edits (EditSession)

PRESETS: tuple[tuple[str, Window], ...] = (
    ("Weeknights", window("20:00", "07:00", "mon-fri")),
    ("Weekends", window("00:00", "24:00", "sat,sun")),
)


def schedule_label(op: str, hosts: list[str], pool: str, text: str) -> str:
    """What Undo and the status line call the edit."""
    return f"{op} {describe_hosts(hosts)} in {pool}: {text}"


def state_line(pool: Pool, host: str, now: float, zone: dt.tzinfo | None) -> str:
    """Whether a scheduled member is in its pool now, and when that changes (farm time)."""
    schedules = by_host(pool.schedules).get(host, [])
    if not schedules:
        return ""
    where = "out of" if host in pool.schedule_out else "in"
    line = f"{host} is {where} {pool.name} now"
    windows = [s.window for s in schedules if s.window is not None]
    if zone is None or len(windows) != len(schedules):
        return line
    change = next_change(windows, now, zone)
    if change is None:
        return line
    when = dt.datetime.fromtimestamp(change, zone).strftime("%a %H:%M")
    verb = "joins" if where == "out of" else "leaves"
    return f"{line}; {verb} {when} (farm time)"


def add_schedule_menu(
    menu: QMenu,
    pool: Pool,
    hosts: list[str],
    request: Request,
    parent: QWidget,
    *,
    zone: dt.tzinfo | None = None,
    now: float = 0.0,
) -> QMenu:
    """A "Schedule" submenu for members of ``pool`` selected in its column."""
    schedule = QMenu("Schedule", menu)
    menu.addMenu(schedule)
    if len(hosts) == 1 and (line := state_line(pool, hosts[0], now, zone)):
        schedule.addAction(line).setEnabled(False)
        schedule.addSeparator()

    def give(text: str) -> None:
        request(
            schedule_label("schedule", hosts, pool.name, text),
            [Edit("schedule", pool.name, tuple(hosts), text)],
        )

    for name, preset in PRESETS:
        text = preset.text()
        schedule.addAction(f"{name}: {text}", lambda t=text: give(t))
    schedule.addAction(f"In {AWAY_TEXT}", lambda: give(AWAY_TEXT))

    def other() -> None:
        dialog = WindowDialog(pool.name, parent)
        if dialog.exec() == QDialog.Accepted:
            give(dialog.text)

    schedule.addAction("Other hours…", other)
    carried = by_host(pool.schedules)
    texts = dict.fromkeys(s.text() for h in hosts for s in carried.get(h, []))
    if texts:
        schedule.addSeparator()
    for text in texts:
        holders = [h for h in hosts if any(s.text() == text for s in carried.get(h, []))]

        def take(t: str = text, held: list[str] = holders) -> None:
            request(
                schedule_label("unschedule", held, pool.name, t),
                [Edit("unschedule", pool.name, tuple(held), t)],
            )

        schedule.addAction(f"Remove {text}", take)
    return schedule


class WindowDialog(QDialog):
    """From, to and days, in the words of ``main.py pools schedule``; OK once they make a
    window, with the sentence of what is wrong until then."""

    def __init__(self, pool: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Schedule in {pool}")
        self.text = ""
        self.from_edit = QLineEdit("20:00")
        self.to_edit = QLineEdit("07:00")
        self.days_edit = QLineEdit("mon-fri")
        self.days_edit.setPlaceholderText("mon-fri, sat,sun, fri-mon or all")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setObjectName("FormProblem")
        form = QFormLayout()
        form.addRow("From (HH:MM):", self.from_edit)
        form.addRow("To (HH:MM):", self.to_edit)
        form.addRow("Days:", self.days_edit)
        hint = QLabel(
            "In the farm's time zone. A window that ends earlier than it starts ends the "
            "next morning; 00:00 to 24:00 is the whole day."
        )
        hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        for edit in (self.from_edit, self.to_edit, self.days_edit):
            edit.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        try:
            self.text = window(
                self.from_edit.text(), self.to_edit.text(), self.days_edit.text() or "all"
            ).text()
        except AfpoolsError as error:
            self.text = ""
            self.problem.setText(str(error))
        else:
            self.problem.setText(f"Schedule: {self.text}")
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(bool(self.text))
