"""aiohttp's HTTP/1.1 connection, with JSON errors and a place in the connection registry.

aiohttp parses requests (llhttp) and answers unparsable ones itself, in text/plain; here
those answers become ``{"error": "<one sentence>"}`` like every other error of the API.
aiohttp's keep-alive timer also starts when a connection opens, so a client that does not
finish a request within the read timeout is closed: slowloris clients expire on their own.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, cast

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.http import HttpVersion10, HttpVersion11
from aiohttp.http_exceptions import LineTooLong
from aiohttp.web_protocol import RequestHandler

from poolserver.connections import ConnectionRegistry
from poolserver.logs import ACCESS_LOGGER_NAME, LOGGER_NAME
from poolserver.snapshot import to_json

log = logging.getLogger(LOGGER_NAME)
JSON_TYPE = "application/json"
# Set on a request that named another HTTP version than 1.0 or 1.1.
ASKED_VERSION: web.RequestKey[str] = web.RequestKey("asked_version", str)
REQUEST_LINE = re.compile(rb"[A-Z]+ [^ :]")

_BUSY_BODY = to_json({"error": "The pool service is at its connection limit; try again shortly."})
BUSY_RESPONSE = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    b"Content-Length: " + str(len(_BUSY_BODY)).encode() + b"\r\nConnection: close\r\n\r\n"
) + _BUSY_BODY


def json_error(status: int, sentence: str, headers: dict[str, str] | None = None) -> web.Response:
    response = web.Response(
        status=status, body=to_json({"error": sentence}), content_type=JSON_TYPE, headers=headers
    )
    return response


def printable(text: object, limit: int = 120) -> str:
    """Client-supplied text made safe for one log line or one error sentence."""
    flat = repr(str(text))[1:-1]
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


class ServiceRequestHandler(RequestHandler):
    """One HTTP connection of the service."""

    def __init__(
        self,
        manager: web.Server,
        *,
        registry: ConnectionRegistry,
        loop: asyncio.AbstractEventLoop,
        **kwargs: Any,
    ) -> None:
        super().__init__(manager, loop=loop, **kwargs)
        self._registry = registry
        self._refused = False
        self._own_transport: asyncio.BaseTransport | None = None
        make_request = self._request_factory
        assert make_request is not None

        def request_factory(message: Any, *args: Any) -> web.BaseRequest:
            """aiohttp echoes the request's version in its status line ("HTTP/2.0 200"), which
            no HTTP/1 client reads: answer as HTTP/1.1, and say the version is not spoken."""
            asked = message.version
            if asked in (HttpVersion10, HttpVersion11):
                return make_request(message, *args)
            request = make_request(message._replace(version=HttpVersion11), *args)
            request[ASKED_VERSION] = f"HTTP/{asked.major}.{asked.minor}"
            return request

        self._request_factory = request_factory

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not self._registry.admit(transport):
            self._refused = True
            writer = cast(asyncio.WriteTransport, transport)  # uvloop's are not subclasses
            writer.write(BUSY_RESPONSE)
            writer.close()
            return
        self._own_transport = transport
        super().connection_made(transport)

    def connection_lost(self, exc: BaseException | None) -> None:
        if self._refused:
            return
        if self._own_transport is not None:
            self._registry.forget(self._own_transport)
        super().connection_lost(exc)

    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        """A request aiohttp could not parse (400) or a handler crash (500), as JSON."""
        if request.writer.output_size > 0:
            raise ConnectionError("the response was already under way when the error came")
        peer = request.remote or "?"
        if isinstance(exc, LineTooLong):
            status, sentence = _too_long(exc)
            log.warning("Request from %s refused: %s", peer, sentence)
        elif status >= 500:
            log.error("Request from %s failed", peer, exc_info=exc)
            sentence = "The pool service failed to answer this request; its log says why."
        else:
            reason = (message or str(exc) or "unreadable").strip().splitlines()[0]
            log.warning("Unreadable request from %s: %s", peer, printable(reason))
            sentence = f"The request is not valid HTTP/1.1 ({printable(reason, 80)})."
        response = json_error(status, sentence)
        response.force_close()
        return response


def _too_long(exc: LineTooLong) -> tuple[int, str]:
    """414 for a request line past the limit, 431 for a header line.

    aiohttp's C parser reports the URL alone (``/v1/...``), its Python parser the whole
    line (``GET /v1/... HTTP/1.1``); a header is reported as its name or value.
    """
    reported = exc.args[0] if exc.args else b""
    line = bytes(reported) if isinstance(reported, bytes | bytearray) else b""
    limit = exc.args[1] if len(exc.args) > 1 else "so many"
    if line.startswith((b"/", b"*", b"http:", b"https:")) or REQUEST_LINE.match(line):
        return 414, f"The request line can have at most {limit} bytes."
    return 431, f"A request header line can have at most {limit} bytes."


class AccessLogger(AbstractAccessLogger):
    """``127.0.0.1 "GET /v1/pools HTTP/1.1" 200 512 0.4ms``, one line per answered request."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        version = request.version
        line = (
            f"{request.method} {printable(request.raw_path, 300)} "
            f"HTTP/{version.major}.{version.minor}"
        )
        self.logger.info(
            '%s "%s" %d %d %.1fms',
            request.remote or "-",
            line,
            response.status,
            response.body_length,
            time * 1000,
            extra={
                "fields": {
                    "client": request.remote or "",
                    "method": request.method,
                    "path": request.raw_path,
                    "status": response.status,
                    "bytes": response.body_length,
                    "ms": round(time * 1000, 2),
                }
            },
        )

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)


def access_logger() -> logging.Logger:
    return logging.getLogger(ACCESS_LOGGER_NAME)
