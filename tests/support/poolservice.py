"""Helpers for pool-service tests: settings, waiting, an HTTP call, and 2019-protocol clients.

``legacy_exchange`` reads until the service closes and splits the answer by length: the first
1,024 bytes are the header ``{"type": "response", "size": N}`` (padded with spaces), exactly
N bytes of body follow, however the reads fell. ``read_the_2019_way`` reads as the deployed
2019 plugins do: one ``recv(1024)`` parsed alone as the header, then one ``recv(N)``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from config.settings import Settings, load_settings
from tests.support.ports import unused_port

if TYPE_CHECKING:
    from poolserver.service import BackgroundService

GET_POOLS = b'{"type": "request", "command": "GET POOLS"}'
LEGACY_HEADER_BYTES = 1024  # the 2019 clients' recv(1024)


def service_settings(uri: str, database: str, **more: Any) -> Settings:
    """Loopback, an ephemeral HTTP port, a free 2019 port, quick refreshes, no afserver and
    no agent."""
    return load_settings(
        overrides={
            "mongodb_uri": uri,
            "mongodb_database": database,
            "mongodb_timeout": 2.0,
            "service_host": "127.0.0.1",
            "service_port": 0,
            "service_legacy_port": unused_port(),
            "service_afserver_interval": 0,
            "service_agent": False,
            "service_refresh_interval": 0.1,
            "service_read_timeout": 5.0,
            **more,
        }
    )


def wait_until(condition: Callable[[], Any], what: str, timeout: float = 15.0) -> Any:
    """Poll ``condition`` until it is true; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)  # polling a condition, not waiting for time to pass


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    port: int,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: Any = None,
    context: ssl.SSLContext | None = None,
    timeout: float = 10.0,
) -> Reply:
    """One request through http.client; ``body`` is sent as JSON when it is not bytes."""
    if context is None:
        connection: http.client.HTTPConnection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=timeout
        )
    else:
        connection = http.client.HTTPSConnection(
            "localhost", port, timeout=timeout, context=context
        )
    payload = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    try:
        connection.request(method, path, body=payload, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, dict(response.getheaders()), response.read())
    finally:
        connection.close()


@dataclass
class LegacyAnswer:
    header: dict[str, Any]
    body: bytes
    reads: int = 0
    extra: bytes = field(default=b"")

    def pools(self) -> Any:
        return json.loads(self.body)


def legacy_exchange(
    port: int,
    request: bytes = GET_POOLS,
    *,
    send_pieces: int = 1,
    read_size: int = 65536,
    context: ssl.SSLContext | None = None,
    timeout: float = 10.0,
) -> LegacyAnswer:
    """Send ``request`` (in ``send_pieces`` writes), read until the server closes, split it."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock = context.wrap_socket(raw, server_hostname="localhost") if context else raw
    with sock:
        step = max(1, -(-len(request) // send_pieces))
        for start in range(0, len(request), step):
            sock.sendall(request[start : start + step])
        received, reads = b"", 0
        while True:
            chunk = sock.recv(read_size)
            if not chunk:
                break
            received += chunk
            reads += 1
    header = json.loads(received[:LEGACY_HEADER_BYTES])
    rest = received[LEGACY_HEADER_BYTES:]
    size = int(header.get("size", 0))
    return LegacyAnswer(header, rest[:size], reads, rest[size:])


def read_the_2019_way(
    port: int, context: ssl.SSLContext | None = None, request: bytes = GET_POOLS
) -> Any:
    """The pools as a 2019 plugin reads them (the error header when there is one).

    Raises what those plugins raised: ``json.JSONDecodeError`` ("Extra data") when the first
    read holds more than the header.
    """
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    with context.wrap_socket(raw, server_hostname="localhost") if context else raw as sock:
        sock.sendall(request)
        header = json.loads(sock.recv(1024).decode("utf-8"))
        if header["type"] != "response":
            return header
        return json.loads(sock.recv(header["size"]).decode("utf-8"))


@contextlib.contextmanager
def idle_clients(port: int, count: int, opening: bytes) -> Iterator[list[socket.socket]]:
    """``count`` connections that send the start of a request, then nothing."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(opening)
            sockets.append(sock)
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def closed_by_server(sock: socket.socket) -> bool:
    """True once the server has closed this connection (whatever it said before)."""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return True
    except ConnectionResetError:
        return True


ServiceFactory = Callable[..., "BackgroundService"]
