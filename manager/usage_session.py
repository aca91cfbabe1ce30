"""Usage on the board, without its widgets: the latest sparklines and alerts, and charts.

The usage worker reads on its own thread; here, on the UI thread, the latest read is kept
for columns that come later, and requests go to the worker. A read that fails says so once
(the database banner says the rest), not every half minute.
"""

from __future__ import annotations

from PyQt5.QtCore import QObject, pyqtSignal

from manager.usage_worker import ChartRequest, UsageNews, UsageWorker


class UsageSession(QObject):
    """What the headers, the banner and the chart dialog are told."""

    message = pyqtSignal(str, str)  # level ("info" | "warning" | "error" | "resolved"), sentence
    news = pyqtSignal(object)  # UsageNews
    chart_ready = pyqtSignal(object, object)  # ChartRequest, Chart
    chart_failed = pyqtSignal(object, str)  # ChartRequest, one sentence
    refresh_requested = pyqtSignal()  # to the worker (queued)
    chart_requested = pyqtSignal(object)  # ChartRequest, to the worker (queued)

    def __init__(self, worker: UsageWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.latest: UsageNews | None = None
        self._said = ""  # the last failure or problem said, so that it is said once
        self._failure = ""  # what was said of the last failure, until a read works again
        worker.read.connect(self._on_worker_read)
        worker.failed.connect(self._on_worker_failed)
        worker.chart_read.connect(self.chart_ready)
        worker.chart_failed.connect(self.chart_failed)
        self.refresh_requested.connect(worker.refresh)
        self.chart_requested.connect(worker.read_chart)

    def refresh(self) -> None:
        """Read sparklines and alerts again now (after a loan, say), not in half a minute."""
        self.refresh_requested.emit()

    def request_chart(self, pool: str | None, span: str) -> ChartRequest:
        request = ChartRequest(pool, span)
        self.chart_requested.emit(request)
        return request

    def _on_worker_read(self, news: UsageNews) -> None:
        self.latest = news
        if self._failure:  # the database is back for usage: its warning goes
            self.message.emit("resolved", self._failure)
            self._failure = ""
        problem = news.problems[0] if news.problems else ""
        if problem != self._said:
            self._said = problem
            if problem:
                more = len(news.problems) - 1
                extra = f" ({more} more like it)" if more else ""
                self.message.emit("warning", f"{problem}{extra}")
        self.news.emit(news)

    def _on_worker_failed(self, sentence: str) -> None:
        if sentence != self._said:
            self._said = sentence
            self._failure = f"Usage: {sentence}"
            self.message.emit("warning", self._failure)
