"""Members that follow the clock: a host is in its pool only inside its windows.

A window is a time of day to another on some days of the week, in the farm's time zone:
``20:00-07:00 mon-fri`` starts on each of those days at 20:00 and ends at 07:00 the next
morning. A host is in whenever the farm's clock shows a time inside one of its windows: a
pure function of the local wall time, so daylight saving needs no rule of its own (a window
starting at a time the clock skips starts when the clock jumps past it; one ending inside
an hour that repeats ends, and starts again, with the clock). A host may instead be in
"while the user is away": while afserver shows its render online and out of nimby.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pools.errors import AfpoolsError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVERY_DAY = frozenset(range(7))
MINUTES_A_DAY = 24 * 60
HORIZON_DAYS = 8  # every window repeats within a week: a change comes within 8 days or never


class ScheduleError(AfpoolsError, ValueError):
    """A schedule that cannot be kept: one sentence saying why."""


@dataclass(frozen=True)
class Window:
    """``start`` to ``end`` (minutes of the day) on ``days`` (0 is Monday); ``end`` at or
    before ``start`` ends the next day."""

    days: frozenset[int]
    start: int
    end: int

    def contains(self, wall: dt.datetime) -> bool:
        """Whether the farm's clock showing ``wall`` is inside this window."""
        day = wall.weekday()
        minute = wall.hour * 60 + wall.minute
        if self.start < self.end:
            return day in self.days and self.start <= minute < self.end
        return (day in self.days and minute >= self.start) or (
            (day - 1) % 7 in self.days and minute < self.end
        )

    def text(self) -> str:
        end = clock_text(self.end or MINUTES_A_DAY)
        return f"{clock_text(self.start)}-{end} {days_text(self.days)}"


@dataclass(frozen=True)
class Schedule:
    """When one member is in its pool: inside ``window``, or (None) while its user is away."""

    host: str
    window: Window | None = None

    def text(self) -> str:
        return self.window.text() if self.window is not None else AWAY_TEXT


def parse_clock(text: str, *, end: bool = False) -> int:
    """'HH:MM' as minutes of the day; 24:00 is allowed as an end (the whole day)."""
    hours, colon, minutes = text.strip().partition(":")
    if colon and hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2:
        value = int(hours) * 60 + int(minutes)
        if int(minutes) < 60 and (value < MINUTES_A_DAY or (end and value == MINUTES_A_DAY)):
            return value
    last = "24:00" if end else "23:59"
    raise ScheduleError(f"'{text}' is not a time of day: write HH:MM, from 00:00 to {last}.")


def clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_days(text: str) -> frozenset[int]:
    """'mon-fri', 'sat,sun', 'mon,wed-fri', 'fri-mon' (across the week's end) or 'all'."""
    cleaned = text.strip().lower()
    if cleaned in ("all", "every day", "daily"):
        return EVERY_DAY
    days: set[int] = set()
    for part in cleaned.split(","):
        first, dash, last = part.strip().partition("-")
        if first not in DAY_NAMES or (dash and last not in DAY_NAMES):
            raise ScheduleError(
                f"'{text}' is not a list of days: use mon, tue, wed, thu, fri, sat, sun, "
                "ranges such as mon-fri, and commas (sat,sun), or all."
            )
        start = DAY_NAMES.index(first)
        stop = DAY_NAMES.index(last) if dash else start
        days.update((start + step) % 7 for step in range((stop - start) % 7 + 1))
    return frozenset(days)


def days_text(days: Iterable[int]) -> str:
    """The shortest way to say the days: 'every day', 'mon-fri', 'sat,sun'."""
    chosen = sorted(set(days))
    if len(chosen) == 7:
        return "every day"
    runs: list[list[int]] = []
    for day in chosen:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = [
        ",".join(DAY_NAMES[d] for d in run)
        if len(run) <= 2
        else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}"
        for run in runs
    ]
    return ",".join(parts)


def window(start: str, end: str, days: str = "all") -> Window:
    """A window from the words of ``pools schedule POOL add``; one sentence when wrong."""
    first, last = parse_clock(start), parse_clock(end, end=True)
    if first == last % MINUTES_A_DAY and not (first == 0 and last == MINUTES_A_DAY):
        raise ScheduleError(
            f"--from and --to are both {clock_text(first)}: a window needs two different "
            "times (00:00 to 24:00 is the whole day)."
        )
    return Window(parse_days(days), first, last if last != MINUTES_A_DAY else 0)


AWAY_TEXT = "while the user is away"


def schedule_window(text: str) -> Window | None:
    """A schedule's window from its text ("20:00-07:00 mon-fri"); None for "while the user
    is away" (an edit carries its schedule as this text)."""
    if text.strip() in (AWAY_TEXT, "away"):
        return None
    times, _, days = text.strip().partition(" ")
    start, dash, end = times.partition("-")
    if not dash:
        raise ScheduleError(f"'{text}' is not a schedule such as '20:00-07:00 mon-fri'.")
    return window(start, end, days or "all")


# -- when is a host in ---------------------------------------------------------------------


def wall(moment: float, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.fromtimestamp(moment, zone)


def inside(windows: Sequence[Window], moment: float, zone: dt.tzinfo) -> bool:
    local = wall(moment, zone)
    return any(w.contains(local) for w in windows)


def next_change(windows: Sequence[Window], moment: float, zone: dt.tzinfo) -> float | None:
    """The first instant after ``moment`` at which ``inside`` changes; None if never.

    The state only changes where the wall clock passes a window's start or end (or
    midnight), or jumps (a daylight-saving change): those instants are the candidates, and
    between two of them the state holds.
    """
    if not windows:
        return None
    state = inside(windows, moment, zone)
    minutes = {0} | {w.start for w in windows} | {w.end for w in windows}
    today = wall(moment, zone).date()
    candidates: set[float] = set()
    for offset in range(-1, HORIZON_DAYS + 1):
        date = today + dt.timedelta(days=offset)
        for minute in minutes:
            for fold in (0, 1):
                local = dt.datetime(
                    date.year, date.month, date.day, minute // 60, minute % 60, fold=fold
                )
                candidates.add(local.replace(tzinfo=zone).timestamp())
    candidates.update(transitions(zone, moment, moment + (HORIZON_DAYS + 1) * 86400))
    ordered = sorted(candidates)
    for candidate in ordered[bisect.bisect_right(ordered, moment) :]:
        if inside(windows, candidate, zone) != state:
            return candidate
    return None


def transitions(zone: dt.tzinfo, start: float, end: float) -> list[float]:
    """The instants in [start, end] at which the zone's offset from UTC changes."""
    found: list[float] = []
    step = 1800
    moment = float(int(start))
    offset = wall(moment, zone).utcoffset()
    while moment < end:
        later = moment + step
        after = wall(later, zone).utcoffset()
        if after != offset:
            low, high = moment, later  # the change happens after low, at or before high
            while high - low > 1:
                middle = float(int((low + high) / 2))
                if wall(middle, zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            found.append(high)
            offset = after
        moment = later
    return found


# -- which members are out -----------------------------------------------------------------


def by_host(schedules: Iterable[Schedule]) -> dict[str, list[Schedule]]:
    found: dict[str, list[Schedule]] = {}
    for schedule in schedules:
        found.setdefault(schedule.host, []).append(schedule)
    return found


def members_out(
    members: Iterable[str],
    schedules: Iterable[Schedule],
    moment: float,
    zone: dt.tzinfo,
    *,
    nimby: Mapping[str, bool | None],
    was_out: Iterable[str] = (),
) -> frozenset[str]:
    """The scheduled members that are not in the pool at ``moment``.

    A member with several schedules is in when any of them says so. ``nimby`` says, for a
    member "while the user is away", whether its render is in nimby (True), online and out
    of it (False), or unknown (None: offline, or afserver not read): then the member stays
    as it was (``was_out``), so an afserver outage changes nothing.
    """
    scheduled = by_host(schedules)
    before = set(was_out)
    out: set[str] = set()
    local = wall(moment, zone)
    for host in dict.fromkeys(members):
        entries = scheduled.get(host)
        if not entries:
            continue
        if any(e.window is not None and e.window.contains(local) for e in entries):
            continue
        if any(e.window is None for e in entries):
            state = nimby.get(host)
            if state is False or (state is None and host not in before):
                continue
        out.add(host)
    return frozenset(out)
