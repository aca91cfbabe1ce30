"""The ``stats`` collection: usage points per pool, one small document per pool and day.

``{_id: "<pool _id>:<day>", kind: "usage", pool, name, day, h: {"13": <minutes of 13:00
UTC>}, b: {"13": <their ten-minute means>}}`` (texts of ``pools.usage_codec``; ``day`` is
the epoch second of 00:00 UTC). Documents are found by ``_id`` alone (nx-27017 answers an
``$in`` of ids from its index; other filters scan), so a chart of one pool over 30 days is
31 documents, and the pool headers' sparklines 2 per pool. A minute is written with
``$set`` of its hour's two texts, so writing it again changes nothing; the agent that
writes holds the lease. A minute already recorded is never overwritten (a clock that went
back), and a document this module cannot read is left as it is and reported, never
rewritten or deleted: the agent's retention deletes only ``kind: "usage"`` documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pymongo import UpdateOne
from pymongo.database import Database

from pools.alerts import Alerts, find_alerts
from pools.usage import Point
from pools.usage_charts import (
    BUCKET_SECONDS,
    DAY,
    HOUR,
    Chart,
    Span,
    Sparkline,
    chart_from_buckets,
    chart_from_minutes,
    sparkline,
)
from pools.usage_codec import MINUTES, Bucket, decode_buckets, decode_hour, encode_buckets
from pools.usage_codec import encode_hour as encode_minutes
from storage.mongo_errors import translate_errors

Document = dict[str, Any]
KIND = "usage"
KEEP_DAYS = 30
ALERT_LOOKBACK = 6 * 3600  # how far back a starved or idle run is followed


def doc_id(key: str, day: int) -> str:
    return f"{key}:{day}"


def day_of(moment: float) -> int:
    return int(moment) // DAY * DAY


def _days(start: float, end: float) -> list[int]:
    return list(range(day_of(start), day_of(end) + 1, DAY))


class UsageWriter:
    """Records minutes; remembers the hour being written (the agent's, while it holds the
    lease: ``forget()`` when it takes the lease again)."""

    def __init__(self, database: Database[Document]) -> None:
        self._db = database
        self.address = "the database"
        self._hour: int | None = None
        self._slots: dict[str, list[Point | None]] = {}
        self._kept: set[str] = set()  # keys whose stored hour cannot be read: left alone
        self.problems: list[str] = []  # sentences since the last look

    def forget(self) -> None:
        self._hour, self._slots, self._kept = None, {}, set()

    @translate_errors
    def record(self, minute: int, points: Mapping[str, tuple[str, Point]]) -> int:
        """Write one minute's points (key -> (pool name, point)); returns how many were new."""
        hour = minute // HOUR * HOUR
        if hour != self._hour:
            self._load(hour, points.keys())
        slot = (minute - hour) // 60
        ops = []
        day = day_of(hour)
        label = str((hour - day) // HOUR)
        for key, (name, point) in points.items():
            if key in self._kept:
                continue
            slots = self._slots.setdefault(key, [None] * MINUTES)
            if slots[slot] is not None:
                continue
            slots[slot] = point
            fields = {
                "kind": KIND,
                "pool": key,
                "name": name,
                "day": day,
                f"h.{label}": encode_minutes(slots),
                f"b.{label}": encode_buckets(slots),
            }
            ops.append(UpdateOne({"_id": doc_id(key, day)}, {"$set": fields}, upsert=True))
        if ops:
            self._db.stats.bulk_write(ops, ordered=False)
        return len(ops)

    def _load(self, hour: int, keys: Iterable[str]) -> None:
        """What this hour already holds (another agent may have written part of it)."""
        day = day_of(hour)
        label = str((hour - day) // HOUR)
        self._hour, self._slots, self._kept = hour, {}, set()
        ids = [doc_id(key, day) for key in keys]
        for doc in self._db.stats.find({"_id": {"$in": ids}}):
            key = str(doc["_id"]).rsplit(":", 1)[0]
            hours = doc.get("h")
            text = hours.get(label) if isinstance(hours, dict) else None
            try:
                if doc.get("kind") != KIND or not isinstance(hours, dict):
                    raise ValueError("not ours")
                if text is not None:
                    self._slots[key] = decode_hour(text)
            except ValueError:
                self._kept.add(key)
                self.problems.append(_foreign(doc))

    @translate_errors
    def delete_before(self, now: float) -> int:
        """Delete the days that ended more than 30 days ago (afpools' documents only)."""
        cutoff = day_of(now - KEEP_DAYS * DAY)
        return self._db.stats.delete_many({"kind": KIND, "day": {"$lt": cutoff}}).deleted_count

    @translate_errors
    def foreign_count(self) -> int:
        """Documents in ``stats`` that afpools did not write (kept as they are)."""
        return self._db.stats.count_documents({}) - self._db.stats.count_documents({"kind": KIND})


def _foreign(doc: Document) -> str:
    return (
        f"The stats document {str(doc.get('_id'))[:60]!r} is not one afpools wrote or can read; "
        "it is left as it is."
    )


class UsageReader:
    """Reads charts, sparklines and recent minutes; never writes."""

    def __init__(self, database: Database[Document]) -> None:
        self._db = database
        self.address = "the database"
        self.problems: list[str] = []

    def sentences(self) -> tuple[str, ...]:
        """What could not be read so far, each sentence once."""
        return tuple(dict.fromkeys(self.problems))

    def _docs(self, keys: Iterable[str], start: float, end: float) -> list[Document]:
        ids = [doc_id(key, day) for key in keys for day in _days(start, end)]
        found = []
        for doc in self._db.stats.find({"_id": {"$in": ids}}):
            if doc.get("kind") == KIND and isinstance(doc.get("day"), int):
                found.append(dict(doc))
            else:
                self.problems.append(_foreign(doc))
        return found

    def _hours(self, doc: Document, field: str) -> Iterable[tuple[int, Any]]:
        stored = doc.get(field)
        if not isinstance(stored, dict):
            if stored is not None:
                self.problems.append(_foreign(doc))
            return
        for label, text in stored.items():
            if not (isinstance(label, str) and label.isdigit() and int(label) < 24):
                self.problems.append(_foreign(doc))
                continue
            yield int(doc["day"]) + int(label) * HOUR, text

    @translate_errors
    def minutes(self, keys: Iterable[str], start: float, end: float) -> dict[str, dict[int, Point]]:
        """Recorded points from ``start`` to ``end`` by key and minute (epoch seconds)."""
        found: dict[str, dict[int, Point]] = {}
        for doc in self._docs(keys, start, end):
            points = found.setdefault(str(doc.get("pool")), {})
            for hour, text in self._hours(doc, "h"):
                if hour + HOUR <= start or hour > end:
                    continue
                try:
                    slots = decode_hour(text)
                except ValueError:
                    self.problems.append(_foreign(doc))
                    continue
                for index, point in enumerate(slots):
                    moment = hour + index * 60
                    if point is not None and start <= moment <= end:
                        points[moment] = point
        return found

    @translate_errors
    def buckets(
        self, keys: Iterable[str], start: float, end: float
    ) -> dict[str, dict[int, Bucket]]:
        """Ten-minute means from ``start`` to ``end`` by key and bucket start."""
        found: dict[str, dict[int, Bucket]] = {}
        for doc in self._docs(keys, start, end):
            means = found.setdefault(str(doc.get("pool")), {})
            for hour, text in self._hours(doc, "b"):
                if hour + HOUR <= start or hour > end:
                    continue
                try:
                    buckets = decode_buckets(text)
                except ValueError:
                    self.problems.append(_foreign(doc))
                    continue
                for index, bucket in enumerate(buckets):
                    if bucket is not None:
                        means[hour + index * BUCKET_SECONDS] = bucket
        return found

    def chart(self, key: str, name: str, span: Span, now: float) -> Chart:
        """One pool's chart (``pools.usage.FARM``: the farm's) over ``span`` up to ``now``."""
        start = span.start(now)
        if span.step == 60:
            points = self.minutes([key], start, now).get(key, {})
            return chart_from_minutes(name, span, now, points)
        return chart_from_buckets(name, span, now, self.buckets([key], start, now).get(key, {}))

    def sparklines(self, keys: Iterable[str], now: float) -> dict[str, Sparkline]:
        """Busy and online of the last 24 hours for each key (cheap: ten-minute means)."""
        wanted = list(keys)
        means = self.buckets(wanted, now - DAY, now)
        return {key: sparkline(now, means.get(key, {})) for key in wanted}

    def alerts(self, names: Mapping[str, str], now: float, minutes: int) -> Alerts:
        """Starved and idle pools now, from their recent minutes (``names``: key -> name)."""
        recent = self.minutes(names, now - ALERT_LOOKBACK, now)
        return find_alerts({names[k]: points for k, points in recent.items()}, now, minutes)
