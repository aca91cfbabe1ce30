"""The usage worker's reads on a real nx-27017, called in the test's thread."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from config.settings import load_settings
from manager.usage_worker import ChartRequest, UsageNews, UsageWorker
from pools.usage import Point
from storage.connection import StoreConnection
from storage.store import PoolStore
from storage.store_source import StoreSource
from tests.support.usage_data import record_minutes, steady

pytestmark = pytest.mark.integration

NOW = 1_800_000_000 // 60 * 60


@pytest.fixture
def worker(nx_server: str, database_name: str, store: PoolStore) -> Iterator[UsageWorker]:
    settings = load_settings(
        overrides={"mongodb_uri": nx_server, "mongodb_database": database_name}
    )
    connection = StoreConnection(settings)
    made = UsageWorker(settings, StoreSource(connection.database, "admin"), clock=lambda: NOW)
    yield made
    made.on_stopping()
    connection.close()


def test_a_read_names_the_pools_and_follows_a_rename(
    qtbot: QtBot, store: PoolStore, worker: UsageWorker
) -> None:
    store.create("lighting", hosts=["rnd-a01"])
    record_minutes(store, {"lighting": steady(Point(1, 1, 0, 0, 0, 1, 40))}, NOW, 12)

    with qtbot.waitSignal(worker.read) as first:
        worker.refresh()
    store.rename("lighting", "light")
    with qtbot.waitSignal(worker.read) as second:
        worker.refresh()

    news: UsageNews = first.args[0]
    assert list(news.sparklines) == ["lighting"]
    assert [a.starved.pool for a in news.alerts.alerts] == ["lighting"]
    assert list(second.args[0].sparklines) == ["light"]  # the stats follow the pool's _id


def test_a_chart_of_a_pool_that_is_gone_is_one_sentence(qtbot: QtBot, worker: UsageWorker) -> None:
    with qtbot.waitSignal(worker.chart_failed) as failed:
        worker.read_chart(ChartRequest("gone", "24h"))

    assert failed.args[1] == "There is no pool named 'gone'."
