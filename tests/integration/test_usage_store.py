"""The stats collection on a real nx-27017: minutes written once, read back as charts and
sparklines, 30 days kept, and other tools' documents left alone."""

from __future__ import annotations

import math

import pytest

from pools.usage import Point
from pools.usage_charts import DAY, SPANS
from storage.store import PoolStore

pytestmark = pytest.mark.integration

NOW = 1_800_000_000  # 2027-01-15 08:00 UTC
P = Point(10, 8, 5, 3, 6, 2, 30)


def minute(offset: int) -> int:
    return NOW // 60 * 60 + offset * 60


def test_minutes_read_back_as_a_chart_and_a_sparkline(store: PoolStore) -> None:
    writer = store.usage_writer()
    for offset in range(-90, 1):
        busy = 5 if offset < -30 else 8
        writer.record(minute(offset), {"p1": ("lighting", P._replace(busy=busy, idle=0))})

    chart = store.usage.chart("p1", "lighting", SPANS["24h"], minute(0))
    spark = store.usage.sparklines(["p1", "p2"], minute(0))

    recorded = [value for value in chart.busy if not math.isnan(value)]
    assert len(recorded) == 91
    assert recorded[0] == 5
    assert recorded[-1] == 8
    assert spark["p1"].busy[-1] == 8
    assert spark["p1"].online[-1] == 8
    assert spark["p1"].ratio[-1] == 1.0
    assert all(math.isnan(value) for value in spark["p2"].busy)


def test_long_charts_come_from_the_ten_minute_means(store: PoolStore) -> None:
    writer = store.usage_writer()
    for offset in range(30):
        writer.record(minute(offset - 29), {"p1": ("lighting", P)})

    week = store.usage.chart("p1", "lighting", SPANS["7d"], minute(0))

    assert len(week.busy) == 7 * 144
    assert [v for v in week.waiting_tasks if not math.isnan(v)] == [30.0] * 4
    assert week.times[-1] == minute(0)


def test_a_minute_recorded_is_never_overwritten(store: PoolStore) -> None:
    """Two agents one after the other, or a clock that went back: the first point stays."""
    first, second = store.usage_writer(), store.usage_writer()
    first.record(minute(0), {"p1": ("lighting", P)})
    first.record(minute(1), {"p1": ("lighting", P._replace(busy=7))})

    written = second.record(minute(0), {"p1": ("lighting", P._replace(busy=1))})
    first.record(minute(-1), {"p1": ("lighting", P._replace(busy=2))})  # the clock went back

    points = store.usage.minutes(["p1"], minute(-5), minute(5))["p1"]
    assert written == 0
    assert [points[minute(i)].busy for i in (-1, 0, 1)] == [2, 5, 7]


def test_retention_deletes_days_older_than_30_and_keeps_foreign_documents(
    store: PoolStore, mongo: object, database_name: str
) -> None:
    writer = store.usage_writer()
    for days_ago in (0, 29, 31, 45):
        writer.record(minute(0) - days_ago * DAY, {"p1": ("lighting", P)})
    stats = store._db.stats  # what another tool put there
    stats.insert_one({"_id": "not ours", "day": 0, "kind": "cpu"})
    stats.insert_one({"_id": "p1:0", "day": 0, "note": "a hand-made document"})

    deleted = writer.delete_before(NOW)

    left = store.usage.minutes(["p1"], NOW - 60 * DAY, NOW)["p1"]
    assert deleted == 2
    assert sorted((NOW - m) // DAY for m in left) == [0, 29]
    assert {d["_id"] for d in stats.find({"kind": {"$exists": False}})} == {"p1:0"}
    assert stats.count_documents({"_id": "not ours"}) == 1
    assert writer.foreign_count() == 2


def test_a_stats_document_that_cannot_be_read_is_reported_and_never_rewritten(
    store: PoolStore,
) -> None:
    day = NOW // DAY * DAY
    hour = str((minute(0) - day) // 3600)
    garbage = {"_id": f"p1:{day}", "kind": "usage", "pool": "p1", "day": day, "h": {hour: "x;y"}}
    store._db.stats.insert_one(garbage)
    writer = store.usage_writer()

    written = writer.record(minute(0), {"p1": ("lighting", P), "p2": ("gpu", P)})
    reader = store.usage
    chart = reader.chart("p1", "lighting", SPANS["24h"], minute(0))

    assert written == 1
    assert store._db.stats.find_one({"_id": f"p1:{day}"}) == garbage
    assert chart.empty
    assert any("is not one afpools wrote or can read" in p for p in reader.problems)
    assert writer.problems
