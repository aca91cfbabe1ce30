"""The HTTP/JSON API: routes, conditional answers and the one place errors become JSON.

Every read is answered from the keeper's current snapshot: bytes prepared in advance, an
ETag, and ``304 Not Modified`` for a client that already has them. Errors are
``{"error": "<one sentence>"}`` with the status that says what happened.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from afserver.errors import AfserverError
from afserver.native import NativePoolsUnsupportedError
from pools.errors import (
    AfpoolsError,
    InvalidNameError,
    JobNotFoundError,
    PoolExistsError,
    PoolNotFoundError,
    SettingsError,
    StoreUnavailableError,
)
from pools.jobs import listed
from pools.json_shapes import job_json
from pools.masks import MaskError
from poolserver.connections import ConnectionRegistry
from poolserver.http_protocol import ASKED_VERSION, JSON_TYPE, json_error, printable
from poolserver.keeper import Current, SnapshotKeeper
from poolserver.logs import LOGGER_NAME
from poolserver.mask_answers import parse_query
from poolserver.snapshot import Resource, resource, to_json

log = logging.getLogger(LOGGER_NAME)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Middleware = Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]
KEEPER: web.AppKey[SnapshotKeeper] = web.AppKey("keeper", SnapshotKeeper)
LIMITS: web.AppKey[Limits] = web.AppKey("limits")
ROUTES_HINT = (
    "/v1/health, /v1/pools, /v1/pools/NAME, /v1/pools/NAME/mask, /v1/hosts, /v1/jobs, /v1/native, "
    "/v1/alerts"
)
_YES, _NO = ("1", "true", "yes"), ("", "0", "false", "no")


@dataclass(frozen=True)
class Limits:
    max_header_bytes: int
    max_body_bytes: int
    read_timeout: float


_STATUS_OF: tuple[tuple[type[AfpoolsError], int], ...] = (
    (PoolNotFoundError, 404),
    (JobNotFoundError, 404),
    (AfserverError, 503),
    (NativePoolsUnsupportedError, 404),
    (PoolExistsError, 409),
    (StoreUnavailableError, 503),
    (MaskError, 400),
    (InvalidNameError, 400),
    (SettingsError, 400),
    (AfpoolsError, 400),
)


def status_of(error: AfpoolsError) -> int:
    return next(status for kind, status in _STATUS_OF if isinstance(error, kind))


def build_app(
    keeper: SnapshotKeeper, registry: ConnectionRegistry, limits: Limits
) -> web.Application:
    app = web.Application(
        middlewares=[_guard(registry, limits)], client_max_size=limits.max_body_bytes
    )
    app[KEEPER] = keeper
    app[LIMITS] = limits
    app.router.add_get("/v1/health", _health)
    app.router.add_get("/v1/pools", _pools)
    app.router.add_get("/v1/pools/{name}", _pool)
    app.router.add_get("/v1/pools/{name}/mask", _mask)
    app.router.add_get("/v1/hosts", _hosts)
    app.router.add_get("/v1/jobs", _jobs)
    app.router.add_get("/v1/native", _native)
    return app


def _guard(
    registry: ConnectionRegistry, limits: Limits
) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        transport = request.transport
        registry.busy(transport)
        try:
            return await _checked(request, handler, limits)
        finally:
            registry.idle(transport)

    return guard


async def _checked(request: web.Request, handler: Handler, limits: Limits) -> web.StreamResponse:
    if ASKED_VERSION in request:
        sentence = f"The pool service speaks HTTP/1.1, not {request[ASKED_VERSION]}."
        return _closing(json_error(505, sentence))
    head = len(request.raw_path) + sum(len(k) + len(v) + 4 for k, v in request.raw_headers)
    if head > limits.max_header_bytes:
        return _closing(
            json_error(
                431,
                f"The request line and headers can have at most {limits.max_header_bytes} "
                "bytes together.",
            )
        )
    length = request.content_length
    if length is not None and length > limits.max_body_bytes:
        return _closing(_too_large(limits))
    try:
        return await handler(request)
    except web.HTTPException as exc:
        return _http_error(request, exc, limits)
    except AfpoolsError as error:
        status = status_of(error)
        if status >= 500 and not isinstance(error, NoSnapshotError):
            log.error("%s %s: %s", request.method, printable(request.raw_path), error)
        return json_error(status, str(error))
    except TimeoutError:
        return _closing(json_error(408, "The request body did not arrive in time."))


def _closing(response: web.Response) -> web.Response:
    response.force_close()
    return response


def _too_large(limits: Limits) -> web.Response:
    return json_error(413, f"A request body can have at most {limits.max_body_bytes} bytes.")


def _http_error(request: web.Request, exc: web.HTTPException, limits: Limits) -> web.Response:
    path = printable(request.path, 80)
    if isinstance(exc, web.HTTPMethodNotAllowed):
        allowed = ", ".join(sorted(exc.allowed_methods))
        return json_error(
            405,
            f"{printable(request.method, 20)} is not allowed on {path}; use {allowed}.",
            headers={"Allow": allowed},
        )
    if isinstance(exc, web.HTTPNotFound):
        return json_error(404, f"There is no {path} here; the API has {ROUTES_HINT}.")
    if isinstance(exc, web.HTTPRequestEntityTooLarge):
        return _closing(_too_large(limits))
    headers = {k: v for k, v in exc.headers.items() if k.lower() not in ("content-type",)}
    headers.pop("Content-Length", None)
    sentence = exc.text if exc.text and not exc.text[0].isdigit() else f"{exc.reason}."
    return json_error(exc.status, sentence.strip(), headers=headers)


def answer(request: web.Request, found: Resource) -> web.Response:
    """200 with the prepared bytes, or 304 when the client's ETag names them already."""
    headers = {"ETag": found.etag, "Cache-Control": "no-cache"}
    if _etag_matches(request.headers.get("If-None-Match"), found.etag):
        return web.Response(status=304, headers=headers)
    return web.Response(body=found.body, content_type=JSON_TYPE, headers=headers)


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


class NoSnapshotError(StoreUnavailableError):
    """No pools were ever loaded; the keeper has logged why, once."""


def current(request: web.Request) -> Current:
    keeper = request.app[KEEPER]
    found = keeper.current
    if found is None:
        reason = keeper.store_error or "The pools are still loading"
        raise NoSnapshotError(f"{reason.rstrip('.')}; no pools are known yet, try again.")
    return found


async def _health(request: web.Request) -> web.Response:
    keeper = request.app[KEEPER]
    state = keeper.health()
    if keeper.current is None:
        state["error"] = keeper.store_error or "The pools are still loading."
        return web.Response(status=503, body=to_json(state), content_type=JSON_TYPE)
    return web.Response(
        body=to_json(state), content_type=JSON_TYPE, headers={"Cache-Control": "no-store"}
    )


async def _pools(request: web.Request) -> web.Response:
    return answer(request, current(request).snapshot.pool_list)


async def _pool(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    found = current(request).snapshot.pool_docs.get(name)
    if found is None:
        raise PoolNotFoundError(f"There is no pool named '{printable(name, 80)}'.")
    return answer(request, found)


async def _mask(request: web.Request) -> web.Response:
    view = current(request)
    query = request.query
    repeated = {key for key in query if len(query.getall(key)) > 1}
    asked = parse_query(request.match_info["name"], dict(query), repeated)
    return answer(request, view.masks.answer(asked))


async def _hosts(request: web.Request) -> web.Response:
    return answer(request, current(request).snapshot.host_list)


class NoJobsError(StoreUnavailableError):
    """The service has no list of afserver's jobs to answer from (yet)."""


async def _jobs(request: web.Request) -> web.Response:
    """The jobs the agent looks after, as of its last pass: ``?pool=NAME`` those bound to a
    pool, ``?waiting=1`` those whose token names no pool."""
    view = current(request)
    status = request.app[KEEPER].agent_status()
    if status is None:
        raise NoJobsError(
            "This service does not read afserver's jobs: its agent is off "
            "and service_afserver_interval is 0."
        )
    if not status.pass_at:
        reason = status.error or "The agent has not read afserver's jobs yet"
        raise NoJobsError(f"{reason.rstrip('.')}; try again.")
    query = request.query
    pool = query.get("pool")
    if pool is not None and pool not in view.snapshot.pools:
        raise PoolNotFoundError(f"There is no pool named '{printable(pool, 80)}'.")
    waiting = query.get("waiting", "").strip().lower()
    if waiting not in _YES + _NO:
        raise AfpoolsError(f"waiting is 1 or 0, not '{printable(waiting, 20)}'.")
    shown = listed(status.decisions, pool=pool, waiting=waiting in _YES)
    data = {"agent": status.role, "read_at": status.pass_at, "jobs": [job_json(d) for d in shown]}
    return answer(request, resource(data))


class NoNativeTreeError(StoreUnavailableError):
    """The service has no native pool tree to answer from (yet)."""


async def _native(request: web.Request) -> web.Response:
    """afserver's native pool tree (CGRU 3.0+) as of the service's last afserver poll."""
    book = request.app[KEEPER].native
    if book is None:
        raise NoNativeTreeError(
            "This service does not read afserver: service_afserver_interval is 0."
        )
    view = book.view
    if view.unsupported:
        raise NativePoolsUnsupportedError(view.problem)
    if view.answer is None:
        raise NoNativeTreeError(f"{view.problem.rstrip('.')}; try again.")
    return answer(request, view.answer)
