"""The stand-in on the wire: recorded bytes in, afserver's framing and silences out.

These use plain sockets, not ``AfserverClient``, so they pin down the stand-in itself.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from afserver.client import AfserverClient
from tests.support.afserver_fixtures import recorded_request, recorded_response
from tests.support.fake_afserver import FakeAfserver

pytestmark = pytest.mark.integration

WAIT = 5.0
# The raw request of transcript_raw_framing.txt and the POST of transcript_http_post.txt.
RAW_RENDERS_REQUEST = b'AFANASY 46 JSON{"get": {"type": "renders", "mask": "rnd-a0"}}'
HTTP_POOLS_REQUEST = (
    b"POST / HTTP/1.1\r\nHost: 127.0.0.1:51000\r\nContent-Type: application/json\r\n"
    b'AFANASY: 26\r\nContent-Length: 26\r\n\r\n{"get": {"type": "pools"}}'
)


@pytest.fixture
def server() -> Iterator[FakeAfserver]:
    with FakeAfserver(receive_timeout=0.3) as srv:
        yield srv


def connect(srv: FakeAfserver) -> socket.socket:
    sock = socket.create_connection((srv.host, srv.port), timeout=WAIT)
    sock.settimeout(WAIT)
    return sock


def read_exact(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        assert chunk, f"closed after {len(data)} of {count} bytes"
        data += chunk
    return data


def read_raw_reply(sock: socket.socket) -> bytes:
    header = b""
    while not header.endswith(b" JSON"):
        header += read_exact(sock, 1)
    return read_exact(sock, int(header.split()[1]))


def read_until_closed(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(4096):
        data += chunk
    return data


def test_raw_request_gets_a_raw_reply_and_the_connection_stays_open(
    server: FakeAfserver,
) -> None:
    with connect(server) as sock:
        sock.sendall(RAW_RENDERS_REQUEST)
        body = read_raw_reply(sock)
        assert json.loads(body) == recorded_response("03")
        assert body.startswith(b'{"renders":[\n{\n"name":"rnd-a01",\n"id":1,\n')
        sock.settimeout(0.2)
        with pytest.raises(TimeoutError):
            sock.recv(1)  # afserver never closes first
    (record,) = server.wait_for_connections(1)
    assert (record.framing, record.replied, record.ending) == ("raw", True, "client_closed")


def test_http_post_gets_an_http_reply_on_the_same_port(server: FakeAfserver) -> None:
    with connect(server) as sock:
        sock.sendall(HTTP_POOLS_REQUEST)
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            head += read_exact(sock, 1)
        lines = head.decode("ascii").split("\r\n")
        length = int(next(line for line in lines if line.startswith("Content-Length:"))[15:])
        body = read_exact(sock, length)
    assert lines[0] == "HTTP/1.1 200 OK"
    assert "Connection: close" in lines
    assert "Server: afanasy/3.4.1" in lines
    assert json.loads(body) == recorded_response("06")
    assert server.received[0].framing == "http"


def test_malformed_json_gets_the_error_envelope(server: FakeAfserver) -> None:
    body = recorded_request("12a").encode()
    with connect(server) as sock:
        sock.sendall(b"AFANASY %d JSON" % len(body) + body)
        reply = json.loads(read_raw_reply(sock))
    assert reply == recorded_response("12a")


@pytest.mark.parametrize(
    "request_bytes",
    [
        pytest.param(b"AFANASY 9 JSON[1, 2, 3]", id="12f-not-an-object"),
        pytest.param(recorded_request("12h").encode(), id="12h-declared-too-long"),
        pytest.param(recorded_request("12i").encode(), id="12i-post-without-afanasy"),
        pytest.param(b"GET / HTTP/1.1\r\n\r\n", id="not-afanasy-at-all"),
    ],
)
def test_requests_it_cannot_take_are_dropped_without_a_byte(
    server: FakeAfserver, request_bytes: bytes
) -> None:
    with connect(server) as sock:
        sock.sendall(request_bytes)
        assert read_until_closed(sock) == b""
    (record,) = server.wait_for_connections(1)
    assert (record.replied, record.ending) == (False, "no_reply")


def test_probes_follow_the_reply_when_asked(server: FakeAfserver) -> None:
    server.send_probes = True
    with connect(server) as sock:
        sock.sendall(RAW_RENDERS_REQUEST)
        read_raw_reply(sock)
        assert read_exact(sock, 3) == b"   "


def test_stop_interrupts_a_delayed_reply_and_leaves_no_threads() -> None:
    srv = FakeAfserver(reply_delay=60, receive_timeout=60).start()
    idle = connect(srv)  # a client that connects and never sends
    slow = connect(srv)
    slow.sendall(RAW_RENDERS_REQUEST)
    srv.wait_for_requests(1)

    started = time.monotonic()
    srv.stop()

    assert time.monotonic() - started < 3
    assert read_until_closed(slow) == b""
    assert read_until_closed(idle) == b""
    slow.close()
    idle.close()
    assert not [t for t in threading.enumerate() if t.name.startswith(f"fake-afserver-{srv.port}")]
    assert {record.ending for record in srv.connections} == {"stopped"}


def test_a_benchmark_stand_in_answers_a_read_again_from_memory_until_its_farm_changes() -> None:
    with FakeAfserver(remember_reads=True) as server:
        client = AfserverClient("127.0.0.1", server.port, user_name="admin", host_name="ws")

        def pool_and_state(name: str) -> tuple[str, int]:
            render = next(r for r in client.renders() if r["name"] == name)
            return render["pool"], render["st"]

        before = pool_and_state("gpu-01")
        assert pool_and_state("gpu-01") == before
        server.set_render_state("gpu-01", 0)  # through the server: remembered reads go
        assert pool_and_state("gpu-01") == (before[0], 0)
        client.action("renders", mask="gpu-01", operation={"type": "set_pool", "name": "/"})
        assert pool_and_state("gpu-01") == ("/", 0)  # an action: remembered reads go too
