"""``POST /v1/jobs/{id}/pool``: bind a submitted job to a pool, as ``main.py apply`` does.

For submitters that cannot put a pool token into a job's hosts mask (CGRU's Fusion plugin
collects a mask and never sends it): a farm script, or ``integrations/client.py``'s
``bind_job``, names the job and the pool afterwards. It is a write, so it needs writes
switched on and the bearer token. The binding goes into the agent's memory; when the
service's agent (or another one) holds the lease it writes the masks within a pass,
otherwise they are written here and read back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

from agent.apply import Applied, apply_pool
from agent.loop import Agent
from pools.errors import InvalidNameError
from pools.json_shapes import job_json, pool_json
from poolserver.http_protocol import JSON_TYPE, printable
from poolserver.http_writes import WRITES, request_body, text_field, user_field
from poolserver.logs import LOGGER_NAME
from poolserver.snapshot import to_json

log = logging.getLogger(LOGGER_NAME)
BINDER: web.AppKey[Callable[[str], Agent]] = web.AppKey("binder")


def add_bind_route(app: web.Application, make_agent: Callable[[str], Agent]) -> None:
    """``make_agent(user)`` gives an agent of its own for one request (its history names
    ``user``); the service's running agent is never shared between threads."""
    app[BINDER] = make_agent
    app.router.add_post("/v1/jobs/{id}/pool", _bind)


def _job_id(request: web.Request) -> int:
    text = request.match_info["id"]
    if not text.isdigit() or int(text) <= 0:
        raise InvalidNameError(f"A job id is a positive whole number, not '{printable(text)}'.")
    return int(text)


async def _bind(request: web.Request) -> web.StreamResponse:
    refused = request.app[WRITES].refusal(request)
    if refused is not None:
        return refused
    job_id = _job_id(request)
    data = await request_body(request)
    pool = text_field(data, "pool", required=True)
    agent = request.app[BINDER](user_field(data) or request.app[WRITES].default_user)
    loop = asyncio.get_running_loop()
    applied = await loop.run_in_executor(
        request.app[WRITES].executor, apply_pool, agent, pool, [job_id]
    )
    log.info(
        "Job %d bound to pool '%s' by %s.", job_id, printable(applied.pool.name), request.remote
    )
    return web.Response(body=to_json(_answer(applied)), content_type=JSON_TYPE)


def _answer(applied: Applied) -> dict[str, Any]:
    """The job as the agent now sees it, the pool, and who writes the masks."""
    report = applied.report
    return {
        "job": job_json(applied.decisions[0]),
        "pool": pool_json(applied.pool),
        "written": applied.written_here and not (report and report.not_taken),
        "writer": "this request" if applied.written_here else f"the agent of {applied.holder}",
    }
