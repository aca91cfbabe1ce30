"""What the usage chart, its CSV and the pool headers' sparklines draw, from stored points.

A chart covers 24 hours minute by minute, or 7 days in ten-minute and 30 days in
half-hour steps (a chart is about a thousand pixels wide: finer steps would not show).
Every series has one value per step, ``nan`` where nothing was recorded, so a plotting
library draws a gap there instead of a line through it. Times are epoch seconds.
"""

from __future__ import annotations

import csv
import io
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from pools.errors import AfpoolsError
from pools.usage import Point
from pools.usage_codec import Bucket

NAN = math.nan
HOUR = 3600
DAY = 24 * HOUR
BUCKET_SECONDS = 600


@dataclass(frozen=True)
class Span:
    """How far a chart looks back and the width of its steps, in seconds."""

    name: str
    seconds: int
    step: int

    @property
    def count(self) -> int:
        return self.seconds // self.step

    def start(self, now: float) -> int:
        """The first step's start: the last step is the one ``now`` falls in."""
        return (int(now) // self.step + 1) * self.step - self.seconds


SPANS: dict[str, Span] = {
    "24h": Span("24h", DAY, 60),
    "7d": Span("7d", 7 * DAY, BUCKET_SECONDS),
    "30d": Span("30d", 30 * DAY, 3 * BUCKET_SECONDS),
}


def span_named(name: str) -> Span:
    if name not in SPANS:
        raise AfpoolsError(f"A usage chart spans {', '.join(SPANS)}, not '{name}'.")
    return SPANS[name]


@dataclass(frozen=True)
class Chart:
    """One pool's (or the farm's) usage over a span, a value per step (``nan``: none)."""

    name: str
    span: Span
    start: int
    busy: list[float] = field(default_factory=list)
    idle: list[float] = field(default_factory=list)
    offline: list[float] = field(default_factory=list)
    waiting_tasks: list[float] = field(default_factory=list)
    online: list[float] = field(default_factory=list)

    @property
    def times(self) -> list[int]:
        return [self.start + i * self.span.step for i in range(self.span.count)]

    @property
    def empty(self) -> bool:
        return all(math.isnan(value) for value in self.online)


def chart_from_minutes(name: str, span: Span, now: float, points: Mapping[int, Point]) -> Chart:
    """A chart whose steps are minutes: ``points`` by minute start (epoch seconds)."""
    start = span.start(now)
    rows = [points.get(start + i * span.step) for i in range(span.count)]
    return Chart(
        name,
        span,
        start,
        busy=[NAN if p is None else float(p.busy) for p in rows],
        idle=[NAN if p is None else float(p.idle) for p in rows],
        offline=[NAN if p is None else float(p.offline) for p in rows],
        waiting_tasks=[NAN if p is None else float(p.waiting_tasks) for p in rows],
        online=[NAN if p is None else float(p.online) for p in rows],
    )


def chart_from_buckets(name: str, span: Span, now: float, buckets: Mapping[int, Bucket]) -> Chart:
    """A chart of ten-minute means or wider: ``buckets`` by their start (epoch seconds);
    a step of several buckets is their mean weighted by the minutes each holds."""
    start = span.start(now)
    per_step = span.step // BUCKET_SECONDS
    series: dict[str, list[float]] = {key: [] for key in ("busy", "idle", "off", "wait", "on")}
    for i in range(span.count):
        first = start + i * span.step
        found = [
            b for k in range(per_step) if (b := buckets.get(first + k * BUCKET_SECONDS)) is not None
        ]
        n = sum(b.n for b in found)
        if not n:
            for values in series.values():
                values.append(NAN)
            continue
        online = sum(b.online * b.n for b in found) / n
        series["busy"].append(sum(b.busy * b.n for b in found) / n)
        series["idle"].append(sum(b.idle * b.n for b in found) / n)
        series["off"].append(sum(b.total * b.n for b in found) / n - online)
        series["wait"].append(sum(b.waiting_tasks * b.n for b in found) / n)
        series["on"].append(online)
    return Chart(
        name,
        span,
        start,
        series["busy"],
        series["idle"],
        series["off"],
        series["wait"],
        series["on"],
    )


@dataclass(frozen=True)
class Sparkline:
    """Busy and online hosts of the last 24 hours in ten-minute means (``nan``: none)."""

    start: int
    busy: list[float]
    online: list[float]
    step: int = BUCKET_SECONDS

    @property
    def ratio(self) -> list[float]:
        """Busy out of online, 0 to 1 (``nan`` where none was online or nothing recorded)."""
        return [b / o if o > 0 else NAN for b, o in zip(self.busy, self.online, strict=True)]


def sparkline(now: float, buckets: Mapping[int, Bucket]) -> Sparkline:
    chart = chart_from_buckets("", Span("spark", DAY, BUCKET_SECONDS), now, buckets)
    return Sparkline(chart.start, chart.busy, chart.online)


def chart_csv(chart: Chart, *, local: bool = True) -> str:
    """The chart as CSV: a time column (ISO 8601, the machine's local time unless
    ``local`` is False) and one column per series; an empty cell where nothing was
    recorded."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["time", "busy", "idle", "offline", "waiting_tasks", "online"])
    columns = (chart.busy, chart.idle, chart.offline, chart.waiting_tasks, chart.online)
    convert = time.localtime if local else time.gmtime
    for i, moment in enumerate(chart.times):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z", convert(moment))
        writer.writerow([stamp, *(_cell(column[i]) for column in columns)])
    return out.getvalue()


def _cell(value: float) -> str:
    if math.isnan(value):
        return ""
    return str(int(value)) if value.is_integer() else f"{value:.2f}"
