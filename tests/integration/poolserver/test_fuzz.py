"""Malformed requests thrown at both listeners: the service answers or closes, never dies."""

from __future__ import annotations

import json
import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from poolserver.service import BackgroundService
from tests.support.poolservice import LEGACY_HEADER_BYTES, call

pytestmark = pytest.mark.integration

FUZZ = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def text(max_size: int) -> st.SearchStrategy[bytes]:
    return st.text(max_size=max_size).map(lambda s: s.encode("utf-8", "surrogatepass"))


methods = st.sampled_from([b"GET", b"POST", b"DELETE", b"HEAD", b"PUT", b"CONNECT", b"PRI"]) | text(
    12
)
paths = st.sampled_from(
    [b"/v1/pools", b"/v1/pools/lighting/mask", b"/v1/hosts", b"/v1/health", b"*", b"/v1/pools/%ZZ"]
) | text(80).map(lambda s: b"/" + s)
queries = st.just(b"") | text(60).map(lambda s: b"?" + s)
versions = st.sampled_from([b"HTTP/1.1", b"HTTP/1.0", b"HTTP/2.0", b"HTTP/1.1 x", b"", b"HTTP/9"])
ends = st.sampled_from([b"\r\n", b"\n", b"\r", b"\r\r\n"])
headers = st.lists(st.tuples(text(20), text(60)), max_size=6)
lengths = st.none() | st.integers(-5, 100_000).map(lambda n: str(n).encode()) | text(6)


@st.composite
def http_requests(draw: st.DrawFn) -> bytes:
    end = draw(ends)
    line = draw(methods) + b" " + draw(paths) + draw(queries) + b" " + draw(versions)
    lines = [line]
    if draw(st.booleans()):
        lines.append(b"Host: localhost")
    lines += [name + b": " + value for name, value in draw(headers)]
    length = draw(lengths)
    if length is not None:
        lines.append(b"Content-Length: " + length)
    if draw(st.booleans()):
        lines.append(b"Transfer-Encoding: " + draw(st.sampled_from([b"chunked", b"gzip", b"x"])))
    return end.join(lines) + end + end + draw(st.binary(max_size=300))


def exchange(port: int, payload: bytes) -> bytes:
    """Send, stop sending, and read until the service closes (a hang fails the read)."""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        try:
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            return b""  # the service hung up first, which is allowed
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    return received


def assert_http_answer_or_nothing(received: bytes) -> None:
    if not received:
        return
    head, _, body = received.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0]
    assert status_line.startswith((b"HTTP/1.1 ", b"HTTP/1.0 ")), status_line
    status = int(status_line.split()[1])
    lowered = head.lower()
    if status >= 400 and b"content-length:" in lowered:
        assert b"content-type: application/json" in lowered, head
        length = int(lowered.split(b"content-length:")[1].split(b"\r\n")[0])
        assert "error" in json.loads(body[:length])


@FUZZ
@given(payload=http_requests() | st.binary(max_size=600))
def test_http_listener_answers_or_closes_and_never_dies(
    service: BackgroundService, payload: bytes
) -> None:
    assert_http_answer_or_nothing(exchange(service.http_port, payload))
    assert call(service.http_port, "/v1/health").status == 200


legacy_objects = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
near_requests = st.fixed_dictionaries(
    {"type": st.sampled_from(["request", "response", "x"]) | st.text(max_size=8)},
    optional={"command": st.sampled_from(["GET POOLS", "get pools", "PUT POOLS"]) | legacy_objects},
).map(lambda d: json.dumps(d).encode())


@FUZZ
@given(
    payload=near_requests
    | legacy_objects.map(lambda o: json.dumps(o).encode())
    | st.binary(max_size=600)
    | text(200)
)
def test_legacy_listener_answers_with_a_header_or_closes_and_never_dies(
    service: BackgroundService, payload: bytes
) -> None:
    received = exchange(service.legacy_port, payload)
    if received:
        header = json.loads(received[:LEGACY_HEADER_BYTES])  # as the 2019 clients read it
        assert header["type"] in ("response", "error")
        if header["type"] == "response":
            assert len(received) == LEGACY_HEADER_BYTES + header["size"]
        else:
            assert len(received) == LEGACY_HEADER_BYTES
            assert isinstance(header["message"], str)
    assert call(service.http_port, "/v1/health").status == 200
