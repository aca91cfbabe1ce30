"""Listening sockets: plain TCP through asyncio, or TLS that turns plaintext clients away.

A plaintext client on a TLS port would otherwise see a reset or a hang and no reason. The
TLS listener accepts itself, peeks at the first byte without consuming it (a TLS handshake
starts with 0x16), and hands real TLS clients to asyncio with the bytes still unread; any
other client gets a short plaintext answer saying the port speaks TLS, and a close.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import ssl
from collections.abc import Callable

from pools.errors import AfpoolsError
from poolserver.logs import LOGGER_NAME

log = logging.getLogger(LOGGER_NAME)


class ServiceStartError(AfpoolsError):
    """A port the service needs cannot be opened (taken, or not ours to open)."""


ProtocolFactory = Callable[[], asyncio.BaseProtocol]
TLS_HANDSHAKE = 0x16
ACCEPTS_PER_WAKEUP = 64
HANDSHAKE_TIMEOUT = 5.0  # at most, from accept to a finished handshake (real ones take ms)


class Listener:
    """One open port; ``port`` is the bound one (useful when asked for port 0)."""

    def __init__(self, name: str, host: str, port: int) -> None:
        self.name = name
        self.host = host
        self.port = port
        self.tls = False

    async def close(self) -> None:
        raise NotImplementedError


class PlainListener(Listener):
    def __init__(self, name: str, host: str, server: asyncio.Server) -> None:
        sockets = server.sockets
        super().__init__(name, host, int(sockets[0].getsockname()[1]) if sockets else 0)
        self._server = server

    async def close(self) -> None:
        self._server.close()
        await self._server.wait_closed()


class TlsListener(Listener):
    """Accepts, sniffs the first byte, then lets asyncio run the TLS handshake.

    A connection is *pending* until its handshake is done; then the protocol's own
    registry counts it. A pending connection has half the read timeout (at most
    ``HANDSHAKE_TIMEOUT``) from the accept to finish its handshake, and at ``pending_limit``
    the oldest one is closed to make room, so clients that connect and say nothing (or start
    a handshake and stall) only ever push each other out.
    """

    def __init__(
        self,
        name: str,
        host: str,
        sock: socket.socket,
        factory: ProtocolFactory,
        context: ssl.SSLContext,
        *,
        refusal: bytes,
        timeout: float,
        pending_limit: int,
    ) -> None:
        super().__init__(name, host, int(sock.getsockname()[1]))
        self.tls = True
        self._sock = sock
        self._factory = factory
        self._context = context
        self._refusal = refusal
        self._handshake_timeout = min(timeout / 2, HANDSHAKE_TIMEOUT)
        self._pending_limit = max(1, pending_limit)
        self._loop = asyncio.get_running_loop()
        self._pending: dict[socket.socket, _Pending] = {}  # oldest first
        self.evicted = 0
        self._loop.add_reader(sock.fileno(), self._on_acceptable)

    def _on_acceptable(self) -> None:
        for _ in range(ACCEPTS_PER_WAKEUP):
            try:
                conn, _address = self._sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:  # out of file descriptors: keep serving the open ones
                log.error("Port %d cannot accept a connection now: %s.", self.port, error)
                return
            conn.setblocking(False)
            while len(self._pending) >= self._pending_limit:
                self._evict_oldest()
            with contextlib.suppress(OSError):
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            deadline = self._loop.time() + self._handshake_timeout
            timer = self._loop.call_at(deadline, self._give_up, conn)
            self._pending[conn] = _Pending(deadline, timer)
            self._loop.add_reader(conn.fileno(), self._on_first_bytes, conn)

    def _evict_oldest(self) -> None:
        conn = next(iter(self._pending))
        self.evicted += 1
        self._drop(conn, self._pending.pop(conn))

    def _drop(self, conn: socket.socket, pending: _Pending) -> asyncio.Task[None] | None:
        """Close a pending connection; a handshake task closes it itself and is returned."""
        if pending.handshake is not None:
            pending.handshake.cancel()
            # A task cancelled before its first step never runs its own clean-up.
            pending.handshake.add_done_callback(lambda _task: conn.close())
            return pending.handshake
        pending.timer.cancel()
        self._loop.remove_reader(conn.fileno())
        conn.close()
        return None

    def _give_up(self, conn: socket.socket) -> None:
        pending = self._pending.get(conn)
        if pending is not None and pending.handshake is None:
            del self._pending[conn]
            self._drop(conn, pending)

    def _on_first_bytes(self, conn: socket.socket) -> None:
        pending = self._pending.get(conn)
        if pending is None or pending.handshake is not None:
            return
        pending.timer.cancel()
        self._loop.remove_reader(conn.fileno())
        try:
            first = conn.recv(1, socket.MSG_PEEK)
        except OSError:
            first = b""
        if first and first[0] == TLS_HANDSHAKE:
            remaining = max(0.001, pending.deadline - self._loop.time())
            pending.handshake = self._loop.create_task(
                self._handshake(conn, _peer(conn), remaining)
            )  # the connection keeps its place in the queue
            return
        del self._pending[conn]
        if first:
            self._refuse_plaintext(conn)
        else:
            conn.close()

    def _refuse_plaintext(self, conn: socket.socket) -> None:
        peer = _peer(conn)
        log.warning("Refused a plaintext connection from %s on TLS port %d.", peer, self.port)
        with contextlib.suppress(OSError):
            conn.recv(65536)  # read what was sent, so that closing sends FIN, not RST
            conn.send(self._refusal)
            conn.shutdown(socket.SHUT_WR)
        conn.close()

    async def _handshake(self, conn: socket.socket, peer: str, timeout: float) -> None:
        try:
            await self._loop.connect_accepted_socket(
                self._factory, sock=conn, ssl=self._context, ssl_handshake_timeout=timeout
            )
        except (OSError, ssl.SSLError, TimeoutError) as error:
            log.warning("TLS handshake with %s failed: %s.", peer, _reason(error))
            conn.close()
        except asyncio.CancelledError:
            conn.close()
            raise
        finally:
            pending = self._pending.get(conn)
            if pending is not None and pending.handshake is asyncio.current_task():
                del self._pending[conn]

    async def close(self) -> None:
        self._loop.remove_reader(self._sock.fileno())
        self._sock.close()
        pending, self._pending = self._pending, {}
        handshakes = [self._drop(conn, waiting) for conn, waiting in pending.items()]
        for task in handshakes:
            if task is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await task


class _Pending:
    """A connection before its handshake: its deadline, then its timer or handshake task."""

    __slots__ = ("deadline", "handshake", "timer")

    def __init__(self, deadline: float, timer: asyncio.TimerHandle) -> None:
        self.deadline = deadline
        self.timer = timer
        self.handshake: asyncio.Task[None] | None = None


def _peer(conn: socket.socket) -> str:
    try:
        return str(conn.getpeername()[0])
    except OSError:
        return "?"


def _reason(error: BaseException) -> str:
    text = getattr(error, "reason", None) or str(error) or type(error).__name__
    return str(text).replace("_", " ").lower().rstrip(".")


async def open_listener(
    name: str,
    host: str,
    port: int,
    factory: ProtocolFactory,
    *,
    context: ssl.SSLContext | None,
    refusal: bytes,
    timeout: float,
    limit: int,
    backlog: int = 1024,
) -> Listener:
    """Listen on ``host:port``; with a context, only TLS clients get through."""
    loop = asyncio.get_running_loop()
    try:
        if context is None:
            server = await loop.create_server(
                factory, host, port, backlog=backlog, reuse_address=True
            )
            return PlainListener(name, host, server)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.create_server((host, port), family=family, backlog=backlog)
    except (socket.gaierror, UnicodeError):  # gaierror's errno is resolver's, not the OS's
        raise ServiceStartError(
            f"The {name} port cannot be opened: the address '{host}' cannot be resolved."
        ) from None
    except OSError as error:
        reason = (os.strerror(error.errno) if error.errno else str(error)).rstrip(".").lower()
        raise ServiceStartError(
            f"The {name} port {port} on {host} cannot be opened: {reason}."
        ) from None
    sock.setblocking(False)
    return TlsListener(
        name,
        host,
        sock,
        factory,
        context,
        refusal=refusal,
        timeout=timeout,
        pending_limit=limit,
    )
