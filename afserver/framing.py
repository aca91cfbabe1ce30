"""The two ways afserver frames a JSON message on its TCP port.

Raw framing (what CGRU's Python API speaks): ``AFANASY <len> JSON<body>``, both ways, where
``<len>`` is the body's length in UTF-8 *bytes* (af.py counts characters, which breaks on
non-ASCII names). HTTP framing (what the web GUI speaks): ``POST /`` with an ``AFANASY: <len>``
header, answered by a plain HTTP reply with ``Content-Length``.

afserver never closes a connection first, so a reply ends exactly where its declared length
says; ``ReplyDecoder`` stops there and ignores anything after it (the server's 0x20 probes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

RAW_MAGIC = b"AFANASY "
RAW_KIND = b" JSON"
MAX_LENGTH_DIGITS = 12
MAX_HTTP_HEADER_BYTES = 16 * 1024
DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024
_PREVIEW_BYTES = 40
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
_BETWEEN_OBJECTS = re.compile(r"\}[ \t\n\r]*,[ \t\n\r]*\{")
STEP_CHARACTERS = 200_000  # about 400 renders: some milliseconds of decoding a step

JsonObject = dict[str, Any]


class FrameError(Exception):
    """Bytes that are not a well-formed afserver reply.

    ``problem`` completes the sentence "afserver at host:port sent ...".
    """

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _preview(data: bytes) -> str:
    return repr(bytes(data[:_PREVIEW_BYTES]).decode("ascii", "backslashreplace"))


def encode_json(obj: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON; afserver's rapidjson reads raw UTF-8 as well as ``\\u`` escapes."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode_raw(body: bytes) -> bytes:
    """Wrap a JSON body in raw framing; the length counts bytes, not characters."""
    return b"AFANASY %d JSON" % len(body) + body


def encode_http(body: bytes, host_header: str) -> bytes:
    """Wrap a JSON body in the web GUI's POST; afserver drops a POST without ``AFANASY:``."""
    head = (
        "POST / HTTP/1.1\r\n"
        f"Host: {host_header}\r\n"
        "Content-Type: application/json\r\n"
        f"AFANASY: {len(body)}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    )
    return head.encode("ascii") + body


def encode_request(obj: Mapping[str, Any], *, http: bool = False, host_header: str = "") -> bytes:
    """One request, ready for ``sendall``."""
    body = encode_json(obj)
    return encode_http(body, host_header) if http else encode_raw(body)


def parse_json_object(body: bytes) -> JsonObject:
    """Decode a reply body; every afserver reply is one JSON object."""
    try:
        value = loads_in_steps(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise FrameError("a reply that is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise FrameError(
            f"a reply that is not JSON ({error.msg} at byte {error.pos}: {_preview(body)})"
        ) from None
    if not isinstance(value, dict):
        raise FrameError(f"a JSON reply that is not an object ({type(value).__name__})")
    return value


def loads_in_steps(text: str) -> Any:
    """``json.loads``, reading the lists of a top-level object some items at a time.

    One ``json.loads`` of 20,000 renders is a single call of 150 ms that holds the interpreter
    all along: a board polling afserver would freeze that long, whatever its window was doing.
    In steps, other threads get their turn every few milliseconds. Anything this does not
    expect goes to ``json.loads`` whole, which decodes it or says what is wrong the usual way.
    """
    decode = _DECODER.raw_decode
    at = _skip(text, 0)
    if not text.startswith("{", at):
        return json.loads(text)
    value: dict[str, Any] = {}
    at = _skip(text, at + 1)
    if text.startswith("}", at):
        at += 1
    else:
        while True:
            if not text.startswith('"', at):
                return json.loads(text)
            key, at = decode(text, at)
            at = _skip(text, at)
            if not text.startswith(":", at):
                return json.loads(text)
            at = _skip(text, at + 1)
            if text.startswith("[", at):
                value[key], at = _list_in_steps(text, at)
            else:
                value[key], at = decode(text, at)
            at = _skip(text, at)
            if text.startswith(",", at):
                at = _skip(text, at + 1)
                continue
            if not text.startswith("}", at):
                return json.loads(text)
            at += 1
            break
    if _skip(text, at) != len(text):
        return json.loads(text)
    return value


def _list_in_steps(text: str, at: int) -> tuple[list[Any], int]:
    """The list that starts at ``at`` (a ``[``), decoded some items at a time; where it ends.

    A step takes the items up to a ``},{`` some way on. Only a cut between two items of this
    list reads as a list: a cut inside a string leaves it unterminated, and a cut inside a
    nested value leaves brackets open, so a step that does not read is read item by item.
    """
    decode = _DECODER.raw_decode
    items: list[Any] = []
    at = _skip(text, at + 1)
    if text.startswith("]", at):
        return items, at + 1
    careful_until = 0  # past a seam that was no cut, item by item: no step is tried twice
    while True:
        if at >= careful_until and text.startswith("{", at):
            cut = _BETWEEN_OBJECTS.search(text, at + STEP_CHARACTERS)
            if cut is not None:
                try:
                    items += json.loads("[" + text[at : cut.start() + 1] + "]")
                except ValueError:
                    careful_until = cut.end()
                else:
                    at = cut.end() - 1
                    continue
        item, at = decode(text, at)
        items.append(item)
        at = _skip(text, at)
        if text.startswith(",", at):
            at = _skip(text, at + 1)
        elif text.startswith("]", at):
            return items, at + 1
        else:
            raise json.JSONDecodeError("Expecting ',' delimiter", text, at)


def _skip(text: str, at: int) -> int:
    """Past the JSON white space that starts at ``at``."""
    found = _SPACE.match(text, at)
    return found.end() if found else at


class ReplyDecoder:
    """Reads one reply from fragments of any size, stopping at its declared length."""

    def __init__(self, *, http: bool = False, max_body: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self._http = http
        self._max_body = max_body
        self._head = bytearray()
        self._body = bytearray()
        self._declared: int | None = None
        self._received = 0

    @property
    def declared_length(self) -> int | None:
        """The body length the header announced, once the header is complete."""
        return self._declared

    @property
    def body_received(self) -> int:
        """Body bytes kept so far (never more than the declared length)."""
        return len(self._body)

    @property
    def bytes_received(self) -> int:
        """Every byte fed, header and trailing extras included."""
        return self._received

    @property
    def complete(self) -> bool:
        return self._declared is not None and len(self._body) >= self._declared

    @property
    def body(self) -> bytes:
        """The whole body; only valid once ``complete``."""
        if not self.complete:
            raise RuntimeError("the reply is not complete yet")
        return bytes(self._body)

    def feed(self, data: bytes) -> bool:
        """Take the next fragment; return True once the reply is complete."""
        self._received += len(data)
        if self.complete:
            return True
        if self._declared is None:
            self._head += data
            header_end = self._parse_http_head() if self._http else self._parse_raw_head()
            if header_end is None:
                return False
            data = bytes(self._head[header_end:])
            self._head.clear()
        assert self._declared is not None
        missing = self._declared - len(self._body)
        self._body += data[:missing]
        return self.complete

    def _accept_length(self, declared: int) -> None:
        if declared > self._max_body:
            raise FrameError(
                f"a reply of {declared} bytes, more than the {self._max_body} bytes afpools accepts"
            )
        self._declared = declared

    def _parse_raw_head(self) -> int | None:
        """Check the header as it grows so garbage is refused at its first wrong byte."""
        head = bytes(self._head)
        known = min(len(head), len(RAW_MAGIC))
        if head[:known] != RAW_MAGIC[:known]:
            raise FrameError(
                f"a reply that does not start with an AFANASY header ({_preview(head)})"
            )
        if len(head) <= len(RAW_MAGIC):
            return None
        rest = head[len(RAW_MAGIC) :]
        digits = 0
        while digits < len(rest) and rest[digits : digits + 1].isdigit():
            digits += 1
        if digits > MAX_LENGTH_DIGITS:
            raise FrameError(f"a reply header with an impossible length ({_preview(head)})")
        after = rest[digits:]
        if not after:
            return None
        known = min(len(after), len(RAW_KIND))
        if digits == 0 or after[:known] != RAW_KIND[:known]:
            raise FrameError(f"a malformed AFANASY reply header ({_preview(head)})")
        if len(after) < len(RAW_KIND):
            return None
        self._accept_length(int(rest[:digits]))
        return len(RAW_MAGIC) + digits + len(RAW_KIND)

    def _parse_http_head(self) -> int | None:
        head = bytes(self._head)
        known = min(len(head), len(b"HTTP/"))
        if head[:known] != b"HTTP/"[:known]:
            raise FrameError(f"a reply that is not HTTP ({_preview(head)})")
        end = head.find(b"\r\n\r\n")
        if end < 0:
            if len(head) > MAX_HTTP_HEADER_BYTES:
                raise FrameError(f"an HTTP reply header longer than {MAX_HTTP_HEADER_BYTES} bytes")
            return None
        if end > MAX_HTTP_HEADER_BYTES:
            raise FrameError(f"an HTTP reply header longer than {MAX_HTTP_HEADER_BYTES} bytes")
        lines = head[:end].decode("latin-1").split("\r\n")
        _check_status_line(lines[0])
        headers = _parse_header_lines(lines[1:])
        if "transfer-encoding" in headers:
            raise FrameError("a chunked HTTP reply, which afserver never sends")
        length = headers.get("content-length")
        if length is None:
            raise FrameError("an HTTP reply without Content-Length")
        if not length.isdigit() or len(length) > MAX_LENGTH_DIGITS:
            raise FrameError(f"an HTTP reply with a bad Content-Length ({length!r})")
        self._accept_length(int(length))
        return end + 4


def _check_status_line(line: str) -> None:
    parts = line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise FrameError(f"a malformed HTTP status line ({line[:_PREVIEW_BYTES]!r})")
    if parts[1] != "200":
        raise FrameError(f"an HTTP {' '.join(parts[1:])} reply instead of 200 OK")


def _parse_header_lines(lines: list[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in lines:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise FrameError(f"a malformed HTTP header line ({line[:_PREVIEW_BYTES]!r})")
        key = name.lower()
        value = value.strip()
        if key in headers and headers[key] != value:
            raise FrameError(f"an HTTP reply with two different {name} headers")
        headers[key] = value
    return headers
