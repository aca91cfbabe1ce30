"""``GET /v1/alerts``: the starved and idle pools for scripts, as ``main.py alerts``."""

from __future__ import annotations

import time

import pytest

from pools.usage import Point
from poolserver.service import BackgroundService
from storage.store import PoolStore
from tests.support.poolservice import call

pytestmark = pytest.mark.integration


def record(store: PoolStore, minutes: int, points: dict[str, Point]) -> None:
    writer = store.usage_writer()
    now = int(time.time()) // 60 * 60
    for back in range(minutes - 1, -1, -1):
        writer.record(now - back * 60, {store.pool_id(n): (n, p) for n, p in points.items()})


def test_alerts_name_the_starved_pool_and_the_pool_that_could_lend(
    service: BackgroundService, seeded: PoolStore
) -> None:
    seeded._db.stats.insert_one({"_id": "x", "kind": "cpu"})  # another tool's: left alone
    record(
        seeded,
        15,
        {"lighting": Point(3, 3, 3, 0, 3, 2, 40), "gpu": Point(1, 1, 0, 1, 0, 0, 0)},
    )

    reply = call(service.http_port, "/v1/alerts")
    longer = call(service.http_port, "/v1/alerts?minutes=20")
    refused = call(service.http_port, "/v1/alerts?minutes=soon")

    assert reply.status == 200
    found = reply.json()
    assert [a["sentence"] for a in found["alerts"]] == [
        "lighting: 40 tasks waiting, no idle host for 15 min; gpu has 1 idle host."
    ]
    assert [i["pool"] for i in found["idle"]] == ["gpu"]
    assert longer.json()["alerts"] == []
    assert refused.status == 400
    assert refused.json() == {"error": "minutes is a whole number from 1 to 1440, not 'soon'."}
    assert seeded._db.stats.count_documents({"_id": "x"}) == 1


def test_no_usage_recorded_is_no_alert(service: BackgroundService) -> None:
    reply = call(service.http_port, "/v1/alerts")

    assert reply.status == 200
    assert reply.json() == {"alerts": [], "idle": [], "minutes": 10, "problems": []}
