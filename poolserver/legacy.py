"""The 2019 pool server's protocol, for plugins already deployed with it.

A client connects, sends ``{"type":"request","command":"GET POOLS"}`` (no delimiter; it then
waits), and reads a header ``{"type": "response", "size": N}`` followed by N bytes: a JSON
list of pools in the 2019 document shape ``{name, clients: [{hostname, engine, ip, port}]}``.
The server then closes. Anything else gets ``{"type": "error", "message": "..."}`` and a
close, over plain TCP and TLS alike.

Every header, errors included, is padded with spaces to exactly ``HEADER_BYTES`` (1,024): the
2019 clients read it with one ``recv(1024)`` and parse that alone, so a shorter header let
the start of the body into the same read ("Extra data"), whenever both had arrived. JSON
allows the trailing spaces; an error message too long to fit is shortened.

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
from poolserver.json_input import TooDeepError, load_json
from poolserver.logs import ACCESS_LOGGER_NAME, LOGGER_NAME
from poolserver.snapshot import Snapshot

log = logging.getLogger(LOGGER_NAME)
access = logging.getLogger(ACCESS_LOGGER_NAME)
GET_POOLS = "GET POOLS"
MAX_REQUEST_BYTES = 4096
HEADER_BYTES = 1024  # what the 2019 clients read the header with: recv(1024)
ELLIPSIS = "..."
_SPACE = b" \t\r\n"
_ERROR_OVERHEAD = len(json.dumps({"type": "error", "message": ""}))


def response_header(size: int) -> bytes:
    return _padded(json.dumps({"type": "response", "size": size}))


def error_header(message: str) -> bytes:
    """The error header, the message shortened (with "...") when it would not fit."""
    shown = _fitting(message, HEADER_BYTES - _ERROR_OVERHEAD)
    return _padded(json.dumps({"type": "error", "message": shown}))


def _padded(header: str) -> bytes:
    encoded = header.encode("ascii")  # json.dumps escapes everything else
    if len(encoded) > HEADER_BYTES:
        raise ValueError(f"a 2019 header has at most {HEADER_BYTES} bytes")
    return encoded.ljust(HEADER_BYTES, b" ")


def _fitting(message: str, room: int) -> str:
    """The longest start of ``message`` whose JSON string body fits in ``room`` bytes."""
    if len(json.dumps(message)) - 2 <= room:
        return message
    used, room = 0, room - len(ELLIPSIS)
    for index, char in enumerate(message):
        used += len(json.dumps(char)) - 2  # 1 byte, or an escape of up to 12
        if used > room:
            return message[:index] + ELLIPSIS
    return message


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
        """The client stopped sending: say so if it sent no whole request; then close."""
        if not self._done:
            self._fail("The connection ended before a whole request arrived.")
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
            request = load_json(raw)
        except TooDeepError as error:
            self._fail(
                f"The request nests deeper than {error.limit} levels; "
                "a 2019 request is one flat object."
            )
            return
        except ValueError:  # UnicodeDecodeError included
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
        """The padded header and the body, then close; a 2019 client splits them by length."""
        self._done = True
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        if self._admitted:
            self._context.registry.busy(transport)  # answering: not to be evicted now
        transport.write(header + body)
        if self._timer is not None:
            self._timer.cancel()
        # A client that never reads may not hold its slot (and the buffer) for ever.
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self._context.read_timeout, transport.abort)
        transport.close()  # after the buffer is sent
        if access.isEnabledFor(logging.INFO):
            self._log(outcome, len(header) + len(body), header if outcome == "error" else b"")

    def _timed_out(self) -> None:
        self._timer = None
        if not self._done:
            self._fail(f"No whole request arrived within {self._context.read_timeout:g} s.")

    def _log(self, outcome: str, size: int, error: bytes) -> None:
        ms = (time.perf_counter() - self._started) * 1000
        detail = f" {error.decode('ascii').rstrip()}" if error else ""
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
