"""``GET /v1/alerts``: starved and idle pools for scripts, as ``main.py alerts --json``.

Worked out from the usage minutes the agent records (``stats``), in a store thread, at most
once per minute and per ``minutes``: the minutes change once a minute. ``?minutes=N`` asks
how long a pool must be starved or idle (default: the ``alert_minutes`` setting). The answer
carries ``alerts`` (a starved pool each, with the idle pool that could lend hosts) and
``idle`` (idle pools); ``problems`` lists stats documents afpools cannot read (kept).
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import Executor
from typing import Any

from aiohttp import web

from pools.errors import AfpoolsError
from poolserver.http_app import answer
from poolserver.http_protocol import printable
from poolserver.snapshot import Resource, resource
from poolserver.store_link import StoreLink

ALERTS: web.AppKey[AlertsSource] = web.AppKey("alerts")
MAX_MINUTES = 24 * 60


class AlertsSource:
    def __init__(self, link: StoreLink, executor: Executor, minutes: int) -> None:
        self.link = link
        self.executor = executor
        self.minutes = minutes
        self._cache: dict[tuple[int, int], Resource] = {}

    def compute(self, minutes: int) -> Resource:
        minute = int(time.time()) // 60
        found = self._cache.get((minute, minutes))
        if found is not None:
            return found
        alerts, problems = self.link.store.alerts(minutes, time.time())
        data: dict[str, Any] = {**alerts.json(), "minutes": minutes, "problems": list(problems)}
        made = resource(data)
        self._cache = {(minute, minutes): made}
        return made


def add_alerts_route(app: web.Application, source: AlertsSource) -> None:
    app[ALERTS] = source
    app.router.add_get("/v1/alerts", _alerts)


async def _alerts(request: web.Request) -> web.Response:
    source = request.app[ALERTS]
    text = request.query.get("minutes", "")
    if text and not (text.isdigit() and 1 <= int(text) <= MAX_MINUTES):
        raise AfpoolsError(
            f"minutes is a whole number from 1 to {MAX_MINUTES}, not '{printable(text, 20)}'."
        )
    minutes = int(text) if text else source.minutes
    loop = asyncio.get_running_loop()
    found = await loop.run_in_executor(source.executor, source.compute, minutes)
    return answer(request, found)
