"""Reads the usage the agent records, off the UI thread: sparklines, alerts and charts.

The agent writes a point per pool once a minute, so the headers' sparklines and the
starved-pool banner are read again every ``REFRESH_SECONDS``; a chart is read when asked
for. The worker reads through the store worker's connection (one embedded server to follow,
one place that notices it died) but in a thread of its own, so that a 30-day chart never
holds up an edit on its way to the store. Its clock can be injected (tests, the screenshots).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from PyQt5.QtCore import QTimer, pyqtSignal, pyqtSlot

from config.settings import Settings
from manager.workers import Worker
from pools.alerts import Alerts
from pools.errors import AfpoolsError
from pools.usage import FARM
from pools.usage_charts import Chart, Sparkline, span_named
from storage.store import PoolStore
from storage.store_source import StoreSource

log = logging.getLogger(__name__)

REFRESH_SECONDS = 30.0  # the agent records a minute at a time: twice a minute is current
FIRST_READ_SECONDS = 1.0  # after the start: the board's first load and poll come first


@dataclass(frozen=True)
class ChartRequest:
    """A chart of one pool (``pool``) or of all pools (None) over a span of ``SPANS``."""

    pool: str | None
    span: str

    @property
    def title(self) -> str:
        return self.pool if self.pool is not None else "All pools"


@dataclass(frozen=True)
class UsageNews:
    """One read of what the headers and the banner show: sparklines by pool name, alerts."""

    sparklines: dict[str, Sparkline]
    alerts: Alerts
    at: float
    problems: tuple[str, ...] = ()  # stats documents afpools cannot read (left alone)


class UsageWorker(Worker):
    """Every usage read of the board happens here; stop it before the store worker, whose
    connection ``stores`` reads through."""

    read = pyqtSignal(object)  # UsageNews
    chart_read = pyqtSignal(object, object)  # ChartRequest, Chart
    chart_failed = pyqtSignal(object, str)  # ChartRequest, one sentence

    def __init__(
        self, settings: Settings, stores: StoreSource, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__()
        self.settings = settings
        self.clock = clock  # epoch seconds; the charts and alerts end at its "now"
        self._stores = stores
        self._store: PoolStore | None = None
        self._names: dict[str, str] = {}  # pool _id -> name, as of ``_token``
        self._token: tuple[int, int] | None = None

    # -- lifecycle (worker thread) ------------------------------------------------------

    def on_started(self) -> None:
        QTimer.singleShot(int(FIRST_READ_SECONDS * 1000), self.refresh)
        self.every(REFRESH_SECONDS, self.refresh, apart=True)

    def on_stopping(self) -> None:
        self._store = None

    def _open(self) -> PoolStore:
        store = self._stores.store()
        if store is not self._store:  # a new server: the pools' names are read again
            self._store, self._token = store, None
        return store

    def _pool_names(self, store: PoolStore) -> dict[str, str]:
        """Pool ids and names, read again only when the pools changed (cheap to ask)."""
        token = store.change_token()
        if token != self._token:
            self._names = store.pool_names()
            self._token = token
        return self._names

    # -- reads --------------------------------------------------------------------------

    @pyqtSlot()
    def refresh(self) -> None:
        """Sparklines and alerts as of now; a failure is one sentence on ``failed``."""
        if self.stopping:
            return
        news = self.guarded(self._news)
        if news is not None:
            self.read.emit(news)

    def _news(self) -> UsageNews:
        store = self._open()
        names = self._pool_names(store)
        now = self.clock()
        usage = store.usage
        by_id = usage.sparklines(names, now)
        alerts = usage.alerts(names, now, self.settings.alert_minutes)
        lines = {names[key]: line for key, line in by_id.items()}
        return UsageNews(lines, alerts, now, usage.sentences())

    @pyqtSlot(object)
    def read_chart(self, request: ChartRequest) -> None:
        if self.stopping:
            return
        try:
            chart = self._chart(request)
        except AfpoolsError as error:  # one sentence for the dialog, never a traceback
            self.chart_failed.emit(request, str(error))
            return
        except Exception as error:
            log.exception("reading the usage chart failed")
            self.chart_failed.emit(
                request, f"The usage could not be read ({type(error).__name__}: {error})."
            )
            return
        self.chart_read.emit(request, chart)

    def _chart(self, request: ChartRequest) -> Chart:
        store = self._open()
        span = span_named(request.span)
        key = FARM if request.pool is None else store.pool_id(request.pool)
        return store.usage.chart(key, request.title, span, self.clock())
