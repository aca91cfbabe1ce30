"""Writes for farm scripts: create and delete pools, add and remove members.

Off unless the settings switch them on, and then only for a client that shows the bearer
token from the settings file (compared in constant time). Every write goes through
``PoolStore``, so it is the same atomic update the board makes and lands in the history
with the user and the client's address; the snapshot is reloaded before the answer, so the
writer's next read sees its own change.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from pools.errors import InvalidNameError, NothingChangedError
from pools.json_shapes import pool_json
from pools.model import Pool
from poolserver.http_app import KEEPER, LIMITS
from poolserver.http_protocol import JSON_TYPE, json_error, printable
from poolserver.json_input import TooDeepError, load_json
from poolserver.logs import LOGGER_NAME
from poolserver.snapshot import to_json
from poolserver.store_link import StoreLink
from storage.store import PoolStore

log = logging.getLogger(LOGGER_NAME)
T = TypeVar("T")
WRITES: web.AppKey[WriteGate] = web.AppKey("writes")
MAX_HOSTS_PER_WRITE = 1000


@dataclass(frozen=True)
class WriteGate:
    """Whether writes are on, the token they need, and where they go."""

    enabled: bool
    token: str
    link: StoreLink
    executor: Executor
    default_user: str

    def refusal(self, request: web.Request) -> web.Response | None:
        """The answer for a write that may not happen, or None when it may."""
        if not self.enabled:
            return json_error(
                403,
                "Writes are switched off on this pool service; "
                "an admin can switch them on with 'main.py serve --configure'.",
            )
        given = request.headers.get("Authorization", "")
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode("utf-8", "surrogateescape"), self.token.encode("utf-8")
        ):
            log.warning("Write refused for %s: missing or wrong token.", request.remote or "?")
            return json_error(
                401,
                "This write needs the service's bearer token (Authorization: Bearer TOKEN).",
                headers={"WWW-Authenticate": 'Bearer realm="afpools"'},
            )
        return None


def add_write_routes(app: web.Application, gate: WriteGate) -> None:
    app[WRITES] = gate
    app.router.add_post("/v1/pools", _create)
    app.router.add_delete("/v1/pools/{name}", _delete)
    app.router.add_post("/v1/pools/{name}/hosts", _add_hosts)
    app.router.add_delete("/v1/pools/{name}/hosts", _remove_hosts)


async def request_body(request: web.Request) -> dict[str, Any]:
    async with asyncio.timeout(request.app[LIMITS].read_timeout):
        raw = await request.read()
    try:
        data = load_json(raw or b"{}")
    except TooDeepError as error:
        raise InvalidNameError(
            f"The request body nests deeper than {error.limit} levels."
        ) from None
    except ValueError:  # UnicodeDecodeError included
        raise InvalidNameError("The request body must be a JSON object.") from None
    if not isinstance(data, dict):
        raise InvalidNameError("The request body must be a JSON object.")
    return data


def text_field(data: dict[str, Any], key: str, *, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidNameError(f"'{key}' must be {'a non-empty' if required else 'a'} string.")
    return value


def user_field(data: dict[str, Any]) -> str:
    """Who the history names; a control character there would drive an admin's terminal."""
    user = text_field(data, "user").strip()
    if not user.isprintable():
        raise InvalidNameError("'user' cannot contain control characters.")
    return user[:64]


def _hostnames(data: dict[str, Any]) -> list[str]:
    hosts = data.get("hosts")
    if not isinstance(hosts, list) or not hosts or not all(isinstance(h, str) for h in hosts):
        raise InvalidNameError("'hosts' must be a non-empty list of host names.")
    if len(hosts) > MAX_HOSTS_PER_WRITE:
        raise InvalidNameError(f"One write can name at most {MAX_HOSTS_PER_WRITE} hosts.")
    return hosts


async def _write(request: web.Request, data: dict[str, Any], change: Callable[[PoolStore], T]) -> T:
    gate = request.app[WRITES]
    user = user_field(data) or gate.default_user
    store = gate.link.writer(user=user, client_address=request.remote or "")
    loop = asyncio.get_running_loop()
    done = await loop.run_in_executor(gate.executor, change, store)
    await request.app[KEEPER].refresh_now()
    return done


def _reply(pool: Pool, changed: list[str], status: int = 200) -> web.Response:
    body = to_json({"pool": pool_json(pool), "changed": changed})
    return web.Response(status=status, body=body, content_type=JSON_TYPE)


async def _create(request: web.Request) -> web.StreamResponse:
    refused = request.app[WRITES].refusal(request)
    if refused is not None:
        return refused
    data = await request_body(request)
    name = text_field(data, "name", required=True)
    description, color = text_field(data, "description"), text_field(data, "color")
    pool = await _write(
        request, data, lambda s: s.create(name, description=description, color=color)
    )
    log.info("Pool '%s' created by %s.", printable(pool.name), request.remote)
    return _reply(pool, [], status=201)


async def _delete(request: web.Request) -> web.StreamResponse:
    refused = request.app[WRITES].refusal(request)
    if refused is not None:
        return refused
    data = await request_body(request)
    name = request.match_info["name"]
    pool = await _write(request, data, lambda s: s.delete(name))
    log.info("Pool '%s' deleted by %s.", printable(pool.name), request.remote)
    return web.Response(body=to_json({"deleted": pool_json(pool)}), content_type=JSON_TYPE)


async def _membership(request: web.Request, adding: bool) -> web.StreamResponse:
    refused = request.app[WRITES].refusal(request)
    if refused is not None:
        return refused
    data = await request_body(request)
    hosts, name = _hostnames(data), request.match_info["name"]

    def change(store: PoolStore) -> tuple[Pool, tuple[str, ...]]:
        try:
            return store.add_hosts(name, hosts) if adding else store.remove_hosts(name, hosts)
        except NothingChangedError as unchanged:
            if isinstance(unchanged.pool, Pool):
                return unchanged.pool, ()
            raise

    pool, changed = await _write(request, data, change)
    if changed:
        verb = "added to" if adding else "removed from"
        log.info(
            "%s %s pool '%s' by %s.",
            printable(", ".join(changed)),
            verb,
            printable(pool.name),
            request.remote,
        )
    return _reply(pool, list(changed))


async def _add_hosts(request: web.Request) -> web.StreamResponse:
    return await _membership(request, adding=True)


async def _remove_hosts(request: web.Request) -> web.StreamResponse:
    return await _membership(request, adding=False)
