"""The 2019 pool server's protocol, for plugins already deployed with it.

A client connects, sends ``{"type":"request","command":"GET POOLS"}`` (no delimiter; it then
waits), and reads a header ``{"type": "response", "size": N}`` followed by N bytes: a JSON
list of pools in the 2019 document shape ``{name, clients: [{hostname, engine, ip, port}]}``.
The server then closes. Anything else gets ``{"type": "error", "message": "..."}`` and a
close. The header and the body are written separately, as the 2019 server did, because the
2019 client parses its first ``recv`` as the header alone.

The request ends where its JSON object closes, found by a small incremental scanner, so a
request split over many packets costs no more than one that arrives whole.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from poolserver.connections import ConnectionRegistry
from poolserver.logs import ACCESS_LOGGER_NAME, LOGGER_NAME
from poolserver.snapshot import Snapshot

log = logging.getLogger(LOGGER_NAME)
access = logging.getLogger(ACCESS_LOGGER_NAME)
GET_POOLS = "GET POOLS"
MAX_REQUEST_BYTES = 4096
_SPACE = b" \t\r\n"


def response_header(size: int) -> bytes:
    return json.dumps({"type": "response", "size": size}).encode("utf-8")


def error_header(message: str) -> bytes:
    return json.dumps({"type": "error", "message": message}).encode("utf-8")


@dataclass(frozen=True)
class LegacyContext:
    """What every 2019 connection needs from the service."""

    snapshot: Callable[[], Snapshot | None]
    store_error: Callable[[], str]
    registry: ConnectionRegistry
    read_timeout: float


class ObjectScanner:
    """Finds where the first top-level JSON object of a byte stream ends, incrementally."""

    def __init__(self) -> None:
        self._pos = 0
        self._depth = 0
        self._in_string = False
        self._escaped = False

    def feed(self, buffer: bytes) -> int | None:
        """The end index of the object, None while incomplete; ValueError if not an object."""
        pos = self._pos
        try:
            while pos < len(buffer):
                char = buffer[pos]
                pos += 1
                if self._depth == 0:
                    self._open(char)
                elif self._closes(char):
                    return pos
            return None
        finally:
            self._pos = pos

    def _open(self, char: int) -> None:
        if char in _SPACE:
            return
        if char != 0x7B:  # '{'
            raise ValueError("not a JSON object")
        self._depth = 1

    def _closes(self, char: int) -> bool:
        """Follow one byte inside the object; True when it closes the outermost brace."""
        if self._in_string:
            if self._escaped:
                self._escaped = False
            elif char == 0x5C:  # backslash
                self._escaped = True
            elif char == 0x22:  # '"'
                self._in_string = False
        elif char == 0x22:
            self._in_string = True
        elif char in (0x7B, 0x5B):
            self._depth += 1
        elif char in (0x7D, 0x5D):
            self._depth -= 1
            return self._depth == 0
        return False


class LegacyProtocol(asyncio.Protocol):
    """One connection of the 2019 protocol: one request, one answer, then close."""

    def __init__(self, context: LegacyContext) -> None:
        self._context = context
        self._transport: asyncio.Transport | None = None
        self._buffer = b""
        self._scanner = ObjectScanner()
        self._done = False
        self._admitted = False
        self._timer: asyncio.TimerHandle | None = None
        self._peer = "-"
        self._started = 0.0
        self._pending: bytes | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport = cast(asyncio.Transport, transport)  # uvloop's too
        self._started = time.perf_counter()
        peer = transport.get_extra_info("peername")
        self._peer = str(peer[0]) if isinstance(peer, tuple) and peer else "-"
        if not self._context.registry.admit(transport):
            self._fail("The pool service is at its connection limit; try again shortly.")
            return
        self._admitted = True
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self._context.read_timeout, self._timed_out)

    def data_received(self, data: bytes) -> None:
        if self._done:
            return
        self._buffer += data
        try:
            end = self._scanner.feed(self._buffer)
        except ValueError:
            self._fail('The request is not a JSON object; send {"type":"request",...}.')
            return
        if end is None:
            if len(self._buffer) > MAX_REQUEST_BYTES:
                self._fail(f"A request can have at most {MAX_REQUEST_BYTES} bytes.")
            return
        if end > MAX_REQUEST_BYTES:
            self._fail(f"A request can have at most {MAX_REQUEST_BYTES} bytes.")
            return
        self._answer(self._buffer[:end])

    def eof_received(self) -> bool:
        """The client stopped sending: answer what is pending now, then close."""
        if not self._done:
            self._fail("The connection ended before a whole request arrived.")
        self._send_pending()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._admitted and self._transport is not None:
            self._context.registry.forget(self._transport)
        self._done = True

    # -- answering ---------------------------------------------------------------------

    def _answer(self, raw: bytes) -> None:
        try:
            request = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            self._fail("The request is not valid JSON.")
            return
        if not isinstance(request, dict) or request.get("type") != "request":
            self._fail('The request must be an object with "type": "request".')
            return
        command = request.get("command")
        if not isinstance(command, str) or command.strip().upper() != GET_POOLS:
            shown = json.dumps(command)[:60]
            self._fail(f"The command {shown} is unknown; the 2019 protocol knows only GET POOLS.")
            return
        snapshot = self._context.snapshot()
        if snapshot is None:
            reason = self._context.store_error() or "The pools are still loading"
            self._fail(f"{reason.rstrip('.')}; no pools are known yet, try again.")
            return
        body = snapshot.legacy_body
        self._finish(response_header(len(body)), body, "response")

    def _fail(self, message: str) -> None:
        self._finish(error_header(message), b"", "error")

    def _finish(self, header: bytes, body: bytes, outcome: str) -> None:
        """Header now, body on the next loop turn (its own segment), then close."""
        self._done = True
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        if self._admitted:
            self._context.registry.busy(transport)  # answering: not to be evicted now
        transport.write(header)
        loop = asyncio.get_running_loop()
        if self._timer is not None:
            self._timer.cancel()
        # A client that never reads may not hold its slot (and the buffer) for ever.
        self._timer = loop.call_later(self._context.read_timeout, transport.abort)
        self._pending = body
        loop.call_soon(self._send_pending)
        if access.isEnabledFor(logging.INFO):
            self._log(outcome, len(header) + len(body), header if outcome == "error" else b"")

    def _send_pending(self) -> None:
        transport, body, self._pending = self._transport, self._pending, None
        if body is None or transport is None or transport.is_closing():
            return
        if body:
            transport.write(body)
        transport.close()

    def _timed_out(self) -> None:
        self._timer = None
        if not self._done:
            self._fail(f"No whole request arrived within {self._context.read_timeout:g} s.")

    def _log(self, outcome: str, size: int, error: bytes) -> None:
        ms = (time.perf_counter() - self._started) * 1000
        detail = f" {error.decode('utf-8', 'replace')}" if error else ""
        access.info(
            '%s "2019 GET POOLS" %s %d %.1fms%s',
            self._peer,
            outcome,
            size,
            ms,
            detail,
            extra={
                "fields": {
                    "client": self._peer,
                    "protocol": "2019",
                    "outcome": outcome,
                    "bytes": size,
                    "ms": round(ms, 2),
                }
            },
        )
