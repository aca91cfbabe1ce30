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
    """Accepts, sniffs the first byte, then lets asyncio run the TLS handshake."""

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
        self._timeout = timeout
        self._pending_limit = pending_limit
        self._loop = asyncio.get_running_loop()
        self._waiting: dict[socket.socket, asyncio.TimerHandle] = {}
        self._handshakes: set[asyncio.Task[None]] = set()
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
            if len(self._waiting) + len(self._handshakes) >= self._pending_limit:
                conn.close()
                continue
            with contextlib.suppress(OSError):
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._waiting[conn] = self._loop.call_later(self._timeout, self._give_up, conn)
            self._loop.add_reader(conn.fileno(), self._on_first_bytes, conn)

    def _give_up(self, conn: socket.socket) -> None:
        if self._waiting.pop(conn, None) is not None:
            self._loop.remove_reader(conn.fileno())
            conn.close()

    def _on_first_bytes(self, conn: socket.socket) -> None:
        timer = self._waiting.pop(conn, None)
        if timer is None:
            return
        timer.cancel()
        self._loop.remove_reader(conn.fileno())
        try:
            first = conn.recv(1, socket.MSG_PEEK)
        except OSError:
            conn.close()
            return
        if not first:
            conn.close()
        elif first[0] == TLS_HANDSHAKE:
            task = self._loop.create_task(self._handshake(conn, _peer(conn)))
            self._handshakes.add(task)
            task.add_done_callback(self._handshakes.discard)
        else:
            self._refuse_plaintext(conn)

    def _refuse_plaintext(self, conn: socket.socket) -> None:
        peer = _peer(conn)
        log.warning("Refused a plaintext connection from %s on TLS port %d.", peer, self.port)
        with contextlib.suppress(OSError):
            conn.recv(65536)  # read what was sent, so that closing sends FIN, not RST
            conn.send(self._refusal)
            conn.shutdown(socket.SHUT_WR)
        conn.close()

    async def _handshake(self, conn: socket.socket, peer: str) -> None:
        try:
            await self._loop.connect_accepted_socket(
                self._factory, sock=conn, ssl=self._context, ssl_handshake_timeout=self._timeout
            )
        except (OSError, ssl.SSLError, TimeoutError) as error:
            log.warning("TLS handshake with %s failed: %s.", peer, _reason(error))
            conn.close()

    async def close(self) -> None:
        self._loop.remove_reader(self._sock.fileno())
        self._sock.close()
        for conn, timer in list(self._waiting.items()):
            timer.cancel()
            self._loop.remove_reader(conn.fileno())
            conn.close()
        self._waiting.clear()
        for task in list(self._handshakes):
            task.cancel()
        for task in list(self._handshakes):
            with contextlib.suppress(asyncio.CancelledError):
                await task


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
