"""The stored text of usage points: an hour of minutes, and its ten-minute means.

Stats of 200 pools over 30 days are 8.6 million points, so an hour of one pool is one short
string (``"12,10,3,7,5,2,40;=;,,4,6,,,38;;="``): minutes separated by ``;`` (an empty
minute was not recorded, trailing ones are left out), a point's seven values by ``,``. A
value equal to the previous recorded point's is left empty (trailing empties dropped) and a
point equal to it in every value is ``=``, so a quiet farm costs two bytes a minute. The
ten-minute means (``n,busy,idle,online,total,waiting_tasks``, one decimal; ``=`` for the
same as the bucket before) serve the long charts and the sparklines without reading any
minute.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from pools.usage import Point

MINUTES = 60
BUCKET_MINUTES = 10
BUCKETS = MINUTES // BUCKET_MINUTES
_SAME = "="


class Bucket(NamedTuple):
    """The means of the points of ten minutes (``n`` of them)."""

    n: int
    busy: float
    idle: float
    online: float
    total: float
    waiting_tasks: float


def encode_hour(slots: Sequence[Point | None]) -> str:
    """An hour of minute slots (index = minute of the hour) as its stored text."""
    parts: list[str] = []
    previous: Point | None = None
    for point in slots:
        if point is None:
            parts.append("")
            continue
        if previous is None:
            parts.append(",".join(map(str, point)))
        elif point == previous:
            parts.append(_SAME)
        else:
            values = ["" if a == b else str(a) for a, b in zip(point, previous, strict=True)]
            parts.append(",".join(values).rstrip(","))
        previous = point
    return ";".join(parts).rstrip(";")


def decode_hour(text: str) -> list[Point | None]:
    """The 60 slots of an hour's text; ValueError when it is not such a text."""
    if not isinstance(text, str):
        raise ValueError("not text")
    parts = text.split(";") if text else []
    if len(parts) > MINUTES:
        raise ValueError("more than 60 minutes")
    slots: list[Point | None] = [None] * MINUTES
    previous: Point | None = None
    for minute, part in enumerate(parts):
        if not part:
            continue
        if part == _SAME:
            if previous is None:
                raise ValueError("'=' without a point before it")
            slots[minute] = previous
            continue
        values = part.split(",")
        if len(values) > len(Point._fields):
            raise ValueError("too many values")
        numbers: list[int] = []
        for index, value in enumerate(values + [""] * (len(Point._fields) - len(values))):
            if value:
                if not value.isdigit():
                    raise ValueError(f"not a count: {value!r}")
                numbers.append(int(value))
            elif previous is None:
                raise ValueError("a value left out with no point before it")
            else:
                numbers.append(previous[index])
        previous = slots[minute] = Point(*numbers)
    return slots


def encode_buckets(slots: Sequence[Point | None]) -> str:
    """The ten-minute means of an hour's slots, each value left out (or the whole bucket
    ``=``) when it is the same as in the bucket before, as in an hour of minutes."""
    parts: list[str] = []
    previous: list[str] | None = None
    for start in range(0, MINUTES, BUCKET_MINUTES):
        points = [p for p in slots[start : start + BUCKET_MINUTES] if p is not None]
        if not points:
            parts.append("")
            continue
        n = len(points)
        means = (
            sum(p.busy for p in points) / n,
            sum(p.idle for p in points) / n,
            sum(p.online for p in points) / n,
            sum(p.total for p in points) / n,
            sum(p.waiting_tasks for p in points) / n,
        )
        values = [str(n), *(_short(value) for value in means)]
        if previous is None:
            parts.append(",".join(values))
        elif values == previous:
            parts.append(_SAME)
        else:
            changed = ["" if a == b else a for a, b in zip(values, previous, strict=True)]
            parts.append(",".join(changed).rstrip(","))
        previous = values
    return ";".join(parts).rstrip(";")


def decode_buckets(text: str) -> list[Bucket | None]:
    """The six ten-minute buckets of an hour; ValueError when it is not such a text."""
    if not isinstance(text, str):
        raise ValueError("not text")
    parts = text.split(";") if text else []
    if len(parts) > BUCKETS:
        raise ValueError("more than six buckets")
    buckets: list[Bucket | None] = [None] * BUCKETS
    previous: list[str] | None = None
    for index, part in enumerate(parts):
        if not part:
            continue
        values = previous if part == _SAME else part.split(",")
        if values is None or len(values) > len(Bucket._fields):
            raise ValueError(f"not a bucket: {part!r}")
        values = values + [""] * (len(Bucket._fields) - len(values))
        if "" in values:
            if previous is None:
                raise ValueError("a value left out with no bucket before it")
            values = [v or p for v, p in zip(values, previous, strict=True)]
        if not values[0].isdigit():
            raise ValueError(f"not a bucket: {part!r}")
        means = [float(value) for value in values[1:]]
        if any(not 0 <= mean < float("inf") for mean in means):
            raise ValueError(f"not a bucket: {part!r}")
        buckets[index] = Bucket(int(values[0]), *means)
        previous = values
    return buckets


def _short(value: float) -> str:
    """One decimal, without a trailing '.0'."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
