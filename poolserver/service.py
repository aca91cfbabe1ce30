"""The pool service: both listeners, the snapshot keeper and the store link, started and
stopped together.

``run_service`` is what ``main.py serve`` runs (until SIGINT/SIGTERM); ``BackgroundService``
runs the same service on a thread of its own, for tests and for programs that embed it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiohttp import web

from afserver.connect import client_for
from agent.config import AgentConfig
from agent.loop import Agent, AgentStatus
from agent.thread import AgentThread
from config.settings import Settings
from poolserver.config import ServiceConfig
from poolserver.connections import ConnectionRegistry
from poolserver.http_alerts import AlertsSource, add_alerts_route
from poolserver.http_app import Limits, build_app
from poolserver.http_bind import add_bind_route
from poolserver.http_protocol import AccessLogger, ServiceRequestHandler, access_logger
from poolserver.http_writes import WriteGate, add_write_routes
from poolserver.keeper import SnapshotKeeper
from poolserver.legacy import LegacyContext, LegacyProtocol, error_header
from poolserver.listener import Listener, open_listener
from poolserver.logs import LOGGER_NAME
from poolserver.snapshot import Snapshot, to_json
from poolserver.store_link import StoreLink
from storage.store_source import StoreSource

STORE_THREADS = 4
log = logging.getLogger(LOGGER_NAME)


def _https_refusal() -> bytes:
    body = to_json({"error": "This port speaks HTTPS; use an https:// address."})
    head = (
        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


HTTPS_REFUSAL = _https_refusal()


class PoolService:
    """Start with ``await start()``, stop with ``await stop()``, on one event loop."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.config = ServiceConfig.from_settings(settings)
        self.listeners: list[Listener] = []
        self.link = StoreLink(settings)
        self.keeper: SnapshotKeeper | None = None
        self.agent: AgentThread | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._runner: web.AppRunner | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self.http_connections = ConnectionRegistry(self.config.max_connections)
        self.legacy_connections = ConnectionRegistry(self.config.max_connections)

    @property
    def http_port(self) -> int:
        return self.listeners[0].port if self.listeners else 0

    @property
    def legacy_port(self) -> int:
        return self.listeners[1].port if len(self.listeners) > 1 else 0

    async def start(self) -> None:
        """Open the store link, load the pools once, then open the ports."""
        loop = asyncio.get_running_loop()
        self._executor = ThreadPoolExecutor(STORE_THREADS, thread_name_prefix="poolserver-store")
        await loop.run_in_executor(self._executor, self.link.open)
        self.keeper = self._make_keeper(self._executor)
        await self.keeper.start()
        self.listeners.append(await self._open_http(self.keeper, self._executor))
        if self.config.legacy_port:
            self.listeners.append(await self._open_legacy(self.keeper))
        self._sweeper = asyncio.create_task(self._sweep(), name="poolserver-sweeper")
        self.agent = self._make_agent()  # once the service could start: it is the service's

    def _make_keeper(self, executor: ThreadPoolExecutor) -> SnapshotKeeper:
        afserver = None
        if self.config.afserver_interval > 0:
            afserver = client_for(self.settings)
        return SnapshotKeeper(
            self.link,
            executor,
            refresh_interval=self.config.refresh_interval,
            afserver=afserver,
            afserver_interval=self.config.afserver_interval,
            agent_status=self._agent_status,
        )

    def _make_agent(self) -> AgentThread | None:
        """The agent, writing unless ``--no-agent``; without it, an observer that only
        lists the jobs (when the service watches afserver at all), so health can say when
        jobs with tokens wait and no agent holds the lease."""
        writes = self.settings.service_agent
        if not writes and self.config.afserver_interval <= 0:
            return None
        client = client_for(self.settings)
        config = AgentConfig.from_settings(self.settings)
        stores = StoreSource(self.link.database, self.settings.user_name)
        return AgentThread(Agent(config, client, stores, writes=writes)).start()

    def _binding_agent(self, user: str) -> Agent:
        """An agent of its own for one ``POST /v1/jobs/{id}/pool``: it writes only when no
        other agent holds the lease, and its bindings name ``user``."""
        client = client_for(self.settings)
        stores = StoreSource(self.link.database, user)
        return Agent(AgentConfig.from_settings(self.settings), client, stores, writes=True)

    def _agent_status(self) -> AgentStatus | None:
        return self.agent.status if self.agent is not None else None

    async def _open_http(self, keeper: SnapshotKeeper, executor: ThreadPoolExecutor) -> Listener:
        config = self.config
        limits = Limits(config.max_header_bytes, config.max_body_bytes, config.read_timeout)
        app = build_app(keeper, self.http_connections, limits)
        gate = WriteGate(
            enabled=config.writes,
            token=config.write_token,
            link=self.link,
            executor=executor,
            default_user=self.settings.user_name,
        )
        add_write_routes(app, gate)
        add_bind_route(app, self._binding_agent)
        add_alerts_route(app, AlertsSource(self.link, executor, self.settings.alert_minutes))
        handler_args: dict[str, Any] = {
            "access_log_class": AccessLogger,
            "access_log": access_logger() if config.access_log else None,
            "keepalive_timeout": config.read_timeout,  # also bounds the wait for a request
            "max_line_size": config.max_header_bytes,  # a long user_mask, %-encoded
            "max_field_size": config.max_header_bytes,
            "max_headers": 64,
            "lingering_time": 2.0,
        }
        self._runner = web.AppRunner(app, handle_signals=False, **handler_args)
        await self._runner.setup()
        server = self._runner.server
        assert server is not None
        loop = asyncio.get_running_loop()

        def http_connection() -> ServiceRequestHandler:
            return ServiceRequestHandler(
                server, registry=self.http_connections, loop=loop, **handler_args
            )

        return await open_listener(
            "HTTP",
            config.host,
            config.port,
            http_connection,
            context=config.tls,
            refusal=HTTPS_REFUSAL,
            timeout=config.read_timeout,
            limit=config.max_connections,
        )

    async def _open_legacy(self, keeper: SnapshotKeeper) -> Listener:
        context = LegacyContext(
            snapshot=self._snapshot,
            store_error=lambda: keeper.store_error,
            registry=self.legacy_connections,
            read_timeout=self.config.read_timeout,
        )
        return await open_listener(
            "2019 protocol",
            self.config.host,
            self.config.legacy_port,
            lambda: LegacyProtocol(context),
            context=self.config.tls,
            refusal=error_header("This port speaks TLS; connect with TLS."),
            timeout=self.config.read_timeout,
            limit=self.config.max_connections,
        )

    async def _sweep(self) -> None:
        """Now and then, close what every other timer missed (see ConnectionRegistry.expire)."""
        limit = 2 * self.config.read_timeout
        while True:
            await asyncio.sleep(self.config.read_timeout)
            for registry in (self.http_connections, self.legacy_connections):
                registry.expire(limit)

    def _snapshot(self) -> Snapshot | None:
        current = self.keeper.current if self.keeper else None
        return current.snapshot if current else None

    async def stop(self) -> None:
        """Close everything, in order; a step that fails does not keep the next from running.

        Each step runs as if in a ``try/finally`` of the ones before it: the executor, the
        MongoDB client and the embedded nx-27017 are released whatever happened earlier,
        and the first failure is raised once everything is closed.
        """
        await _every_step(
            self._stop_sweeper,
            self._close_listeners,
            self.legacy_connections.close_all,
            self._stop_keeper,
            self._stop_agent,
            self._cleanup_runner,
            self.http_connections.close_all,
            self._shut_executor,
            self._close_link,
        )

    async def _stop_sweeper(self) -> None:
        sweeper, self._sweeper = self._sweeper, None
        if sweeper is not None:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper

    async def _close_listeners(self) -> None:
        await _every_step(*(listener.close for listener in self.listeners))

    async def _stop_keeper(self) -> None:
        if self.keeper is not None:
            await self.keeper.stop()

    async def _stop_agent(self) -> None:
        agent, self.agent = self.agent, None
        if agent is not None:
            await asyncio.to_thread(agent.stop)

    async def _cleanup_runner(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _shut_executor(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, True)

    async def _close_link(self) -> None:
        await asyncio.to_thread(self.link.close)

    def endpoints(self) -> list[tuple[str, str]]:
        """What to print: each listener's name and address, and the store's."""
        shown: list[tuple[str, str]] = []
        for listener in self.listeners:
            host = f"[{listener.host}]" if ":" in listener.host else listener.host
            if listener.name == "HTTP":
                scheme = "https" if listener.tls else "http"
                shown.append(("HTTP API", f"{scheme}://{host}:{listener.port}/v1/"))
            else:
                shown.append((listener.name, f"{host}:{listener.port}{' (TLS)' * listener.tls}"))
        if len(self.listeners) < 2:
            shown.append(("2019 protocol", "off"))
        shown.append(("store", self.link.description))
        shown.append(("writes", "on (bearer token)" if self.config.writes else "off"))
        shown.append(
            (
                "agent",
                "on (standby until it holds the lease)" if self.settings.service_agent else "off",
            )
        )
        return shown


async def _every_step(*steps: Callable[[], Awaitable[None] | None]) -> None:
    """Run every step, each in the ``finally`` of the ones before; raise the first failure."""
    failure: Exception | None = None
    for step in steps:
        try:
            done = step()
            if done is not None:
                await done
        except Exception as error:
            if failure is None:
                failure = error
            else:
                log.error("Stopping the pool service also failed: %s", error, exc_info=error)
    if failure is not None:
        raise failure


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop where it exists (Linux, macOS); asyncio's selector loop elsewhere.

    The TLS listener needs ``add_reader``, which Windows' default proactor loop lacks.
    """
    if sys.platform.startswith("win"):
        return asyncio.SelectorEventLoop()
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def run_service(settings: Settings, on_ready: Callable[[PoolService], None]) -> None:
    """Serve until SIGINT or SIGTERM; raises AfpoolsError when the service cannot start."""

    async def main() -> None:
        service = PoolService(settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
        try:
            await service.start()
            on_ready(service)
            await stop.wait()
        finally:
            await service.stop()

    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        runner.run(main())


class BackgroundService:
    """The service on a thread of its own: ``start()`` returns once it listens."""

    def __init__(self, settings: Settings) -> None:
        self.service = PoolService(settings)
        self._thread = threading.Thread(target=self._run, name="poolserver-loop", daemon=True)
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None

    def start(self, timeout: float = 60.0) -> BackgroundService:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError("the pool service did not start in time")
        if self._failure is not None:
            self._thread.join()
            raise self._failure
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join()

    def __enter__(self) -> BackgroundService:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def http_port(self) -> int:
        return self.service.http_port

    @property
    def legacy_port(self) -> int:
        return self.service.legacy_port

    def _run(self) -> None:
        with asyncio.Runner(loop_factory=new_event_loop) as runner:
            runner.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            await self.service.start()
        except BaseException as error:
            self._failure = error
            self._ready.set()
            await self.service.stop()
            return
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await self.service.stop()
