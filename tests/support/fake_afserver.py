"""A real TCP stand-in for afserver on 127.0.0.1, speaking raw and HTTP framing on one port.

It behaves like the recorded CGRU 3.4.1 server where a client can notice: it never closes a
connection after replying (the client must stop at the declared length), it drops requests
it cannot frame without a word, and its answers come from ``FakeFarm``. Knobs make it slow,
truncated or garbled for failure tests; ``stop()`` ends every connection and joins every
thread, so tests do not leak threads even while a reply is being delayed.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal

from tests.support.fake_farm import FakeFarm, answers_after_a_cycle
from tests.support.fake_nodes import error_reply
from tests.support.fake_wire import parse_error_text, serialize_reply

Fault = Literal["truncate", "garbage", "not_json", "hang_up"]
Framing = Literal["raw", "http"]
Ending = Literal["client_closed", "no_reply", "idle_limit", "stopped"]

FAULTS: tuple[Fault, ...] = ("truncate", "garbage", "not_json", "hang_up")
GARBAGE_REPLY = b"HELLO 42 XML<this is not afserver talking>"
NOT_JSON_BODY = b"this is not JSON at all"
PROBE_BYTES = b"   "  # afserver's "are you still there" spaces after a reply
MAX_HEADER_BYTES = 16 * 1024
ACCEPT_POLL_SECONDS = 0.05
JOIN_SECONDS = 5.0
_RAW_HEADER = re.compile(rb"AFANASY (\d{1,12}) JSON")
_HTTP_REPLY_HEAD = (
    "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: {length}\r\n"
    "Content-Type: application/json\r\nCache-Control: max-age=0\r\n"
    "Server: afanasy/3.4.1\r\n\r\n"
)


@dataclass(frozen=True)
class ReceivedRequest:
    """One framed request as it arrived; ``obj`` is None when the body was not a JSON object."""

    framing: Framing
    body: bytes
    obj: dict[str, Any] | None


@dataclass(frozen=True)
class ConnectionRecord:
    """How one connection ended: ``client_closed`` proves the client stopped reading itself."""

    framing: Framing | None
    replied: bool
    ending: Ending


class _Reader:
    """Buffered reads from one socket against a deadline; False/None means EOF or time up."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.buffer = bytearray()

    def more(self, deadline: float) -> bool:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        self._sock.settimeout(left)
        try:
            chunk = self._sock.recv(65536)
        except OSError:
            return False
        self.buffer += chunk
        return bool(chunk)

    def until(self, marker: bytes, limit: int, deadline: float) -> bytes | None:
        while (end := self.buffer.find(marker)) < 0:
            if len(self.buffer) > limit or not self.more(deadline):
                return None
        head = bytes(self.buffer[: end + len(marker)])
        del self.buffer[: end + len(marker)]
        return head

    def exact(self, count: int, deadline: float) -> bytes | None:
        while len(self.buffer) < count:
            if not self.more(deadline):
                return None
        data = bytes(self.buffer[:count])
        del self.buffer[:count]
        return data


class FakeAfserver:
    """``with FakeAfserver() as srv: AfserverClient("127.0.0.1", srv.port, ...)``."""

    host = "127.0.0.1"

    def __init__(
        self,
        farm: FakeFarm | None = None,
        *,
        reply_delay: float = 0.0,
        action_delay: float = 0.0,
        server_cycle: float = 0.0,
        fault: Fault | None = None,
        truncate_keep: int | None = None,
        receive_timeout: float = 2.0,
        idle_close_after: float = 30.0,
        send_probes: bool = False,
        remember_reads: bool = False,
    ) -> None:
        if fault is not None and fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; use one of {FAULTS}")
        self.farm = farm if farm is not None else FakeFarm.recorded()
        # Knobs: plain attributes, so a test may change them while the server runs.
        self.reply_delay = reply_delay
        self.action_delay = action_delay
        # afserver applies actions once per cycle of its run thread and answers after it:
        # with a cycle, an action waits for the next tick, and all of one tick apply together.
        self.server_cycle = server_cycle
        self._cycle_origin = time.monotonic()
        self.fault: Fault | None = fault  # see FAULTS; "hang_up" closes without a reply
        self.truncate_keep = truncate_keep  # body bytes actually sent; None = half
        self.receive_timeout = receive_timeout  # afserver's is 12 s
        self.idle_close_after = idle_close_after
        self.send_probes = send_probes
        # A benchmark's farm, changed only through this server (its methods and actions):
        # a read asked again is answered with the bytes of last time, as cheap for the
        # board's machine as afserver's C++ answer from another machine (a Python encoding
        # of 5,000 renders takes 35 ms of the machine the board is measured on).
        self.remember_reads = remember_reads
        self._remembered: dict[bytes, bytes] = {}
        self._stopping = threading.Event()
        self._changed = threading.Condition()
        self._received: list[ReceivedRequest] = []
        self._connections: list[ConnectionRecord] = []
        self._open_sockets: set[socket.socket] = set()
        self._threads: set[threading.Thread] = set()
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._port = 0

    # -- life cycle --------------------------------------------------------------------

    def start(self) -> FakeAfserver:
        if self._listener is not None:
            raise RuntimeError("the fake afserver is already running")
        self._stopping.clear()
        self._listener = socket.create_server((self.host, 0))
        self._listener.settimeout(ACCEPT_POLL_SECONDS)
        self._port = self._listener.getsockname()[1]
        self._accept_thread = threading.Thread(
            target=self._accept_loop, name=f"fake-afserver-{self._port}", daemon=True
        )
        self._accept_thread.start()
        return self

    def stop(self) -> None:
        """Close the port and every connection, then wait for every thread to end."""
        self._stopping.set()
        if self._accept_thread is not None:
            self._accept_thread.join(JOIN_SECONDS)
        if self._listener is not None:
            self._listener.close()
        with self._changed:
            for sock in self._open_sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            threads = list(self._threads)
        for thread in threads:
            thread.join(JOIN_SECONDS)
        alive = [thread.name for thread in threads if thread.is_alive()]
        if self._accept_thread is not None and self._accept_thread.is_alive():
            alive.append(self._accept_thread.name)
        self._listener = None
        self._accept_thread = None
        if alive:
            raise RuntimeError(f"fake afserver threads did not stop: {alive}")

    def __enter__(self) -> FakeAfserver:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if not self._port:
            raise RuntimeError("the fake afserver has not been started")
        return self._port

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    # -- what happened -----------------------------------------------------------------

    @property
    def received(self) -> list[ReceivedRequest]:
        with self._changed:
            return list(self._received)

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The parsed request objects, oldest first."""
        return [entry.obj for entry in self.received if entry.obj is not None]

    def actions(self, operation: str) -> list[dict[str, Any]]:
        """The actions of this operation type (``set_pool``...) received, oldest first."""
        actions = (r.get("action") for r in self.requests if isinstance(r, dict))
        return [
            a
            for a in actions
            if isinstance(a, dict)
            and isinstance(a.get("operation"), dict)
            and a["operation"].get("type") == operation
        ]

    @property
    def connections(self) -> list[ConnectionRecord]:
        """Connections that have ended, in the order they ended."""
        with self._changed:
            return list(self._connections)

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[ReceivedRequest]:
        """Block until ``count`` framed requests have arrived."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._received) >= count, timeout):
                raise TimeoutError(f"{len(self._received)} of {count} requests arrived")
            return list(self._received)

    def wait_for_connections(self, count: int, timeout: float = 5.0) -> list[ConnectionRecord]:
        """Block until ``count`` connections have ended (a condition wait, not a sleep)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._connections) >= count, timeout):
                raise TimeoutError(f"{len(self._connections)} of {count} connections ended")
            return list(self._connections)

    # -- farm shortcuts for board tests ------------------------------------------------

    def set_render_state(self, name: str, st: int) -> None:
        self._remembered.clear()
        self.farm.set_render_state(name, st)

    def update_render(self, name: str, **fields: Any) -> None:
        self._remembered.clear()
        self.farm.update_render(name, **fields)

    def add_render(self, render: dict[str, Any]) -> dict[str, Any]:
        self._remembered.clear()
        return self.farm.add_render(render)

    def remove_render(self, name: str) -> None:
        self._remembered.clear()
        self.farm.remove_render(name)

    # -- serving -----------------------------------------------------------------------

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                sock, _peer = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            with self._changed:
                if self._stopping.is_set():
                    sock.close()
                    break
                self._open_sockets.add(sock)
                thread = threading.Thread(
                    target=self._serve,
                    args=(sock,),
                    name=f"fake-afserver-{self._port}-conn",
                    daemon=True,
                )
                self._threads.add(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        framing: Framing | None = None
        replied = False
        ending: Ending = "no_reply"
        try:
            framing, replied, ending = self._converse(sock)
        finally:
            with self._changed:
                self._open_sockets.discard(sock)
                sock.close()
                self._threads.discard(threading.current_thread())
                self._connections.append(ConnectionRecord(framing, replied, ending))
                self._changed.notify_all()

    def _converse(self, sock: socket.socket) -> tuple[Framing | None, bool, Ending]:
        reader = _Reader(sock)
        framing, body = self._read_request(reader, time.monotonic() + self.receive_timeout)
        if framing is None or body is None:
            return framing, False, self._no_reply_ending()
        reply = self._reply_to(framing, body)
        if reply is None:
            return framing, False, "stopped"
        if self.fault == "hang_up":
            return framing, False, "no_reply"
        try:
            sock.sendall(self._frame(framing, reply))
        except OSError:
            return framing, False, self._no_reply_ending()
        return framing, True, self._wait_for_client_close(reader)

    def _read_request(
        self, reader: _Reader, deadline: float
    ) -> tuple[Framing | None, bytes | None]:
        """The framing and body of a request; body None when afserver would not answer."""
        while len(reader.buffer) < len(b"AFANASY"):
            if not reader.more(deadline):
                return None, None
        framing: Framing
        if reader.buffer.startswith(b"AFANASY"):
            framing, length = "raw", self._raw_length(reader, deadline)
        elif reader.buffer.startswith(b"POST"):
            framing, length = "http", self._http_length(reader, deadline)
        else:
            return None, None
        if length is None:  # no length, no body: afserver closes at once
            return framing, None
        body = reader.exact(length, deadline)
        if body is not None and body.lstrip().startswith(b"{"):
            return framing, body
        # afserver skips to the first "{" and waits for it until its receive timeout.
        while reader.more(deadline):
            reader.buffer.clear()
        return framing, None

    def _raw_length(self, reader: _Reader, deadline: float) -> int | None:
        header = reader.until(b" JSON", 64, deadline)
        match = _RAW_HEADER.fullmatch(header) if header is not None else None
        return int(match.group(1)) if match else None

    def _http_length(self, reader: _Reader, deadline: float) -> int | None:
        """afserver takes the length from ``AFANASY:`` and drops a POST without it."""
        head = reader.until(b"\r\n\r\n", MAX_HEADER_BYTES, deadline)
        if head is None:
            return None
        for line in head.decode("latin-1").split("\r\n")[1:]:
            name, _colon, value = line.partition(":")
            if name.strip().lower() == "afanasy" and value.strip().isdigit():
                return int(value.strip())
        return None

    def _reply_to(self, framing: Framing, body: bytes) -> bytes | None:
        """The reply body, after the configured delays; None when stopped meanwhile."""
        read = False  # a request that only reads (``get``)
        try:
            text = body.decode("utf-8")
            request = json.loads(text)
        except UnicodeDecodeError:
            self._record(ReceivedRequest(framing, body, None))
            reply = error_reply("Invalid encoding in string.")
        except json.JSONDecodeError as error:
            self._record(ReceivedRequest(framing, body, None))
            reply = error_reply(parse_error_text(text, error))
        else:
            self._record(ReceivedRequest(framing, body, request))
            delay = self.reply_delay + (self.action_delay if answers_after_a_cycle(request) else 0)
            if answers_after_a_cycle(request):
                delay += self._until_next_cycle()
            if delay > 0 and self._stopping.wait(delay):
                return None
            read = isinstance(request, dict) and set(request) == {"get"}
            remembered = self._remembered.get(body) if self.remember_reads and read else None
            if remembered is not None:
                return None if self._stopping.is_set() else remembered
            if not read:
                self._remembered.clear()  # an action may change what a read answers
            reply = self.farm.handle(request)
        if self._stopping.is_set():
            return None
        data = serialize_reply(reply)
        if self.remember_reads and read:
            self._remembered[body] = data
        return data

    def _until_next_cycle(self) -> float:
        """Seconds to the run thread's next tick (none without a cycle)."""
        cycle = self.server_cycle
        if cycle <= 0:
            return 0.0
        elapsed = time.monotonic() - self._cycle_origin
        return cycle - (elapsed % cycle)

    def _frame(self, framing: Framing, body: bytes) -> bytes:
        if self.fault == "garbage":
            return GARBAGE_REPLY
        if self.fault == "not_json":
            body = NOT_JSON_BODY
        declared = len(body)
        if self.fault == "truncate":
            keep = self.truncate_keep if self.truncate_keep is not None else declared // 2
            body = body[: min(keep, declared - 1)]
        if framing == "raw":
            head = b"AFANASY %d JSON" % declared
        else:
            head = _HTTP_REPLY_HEAD.format(length=declared).encode("ascii")
        probes = PROBE_BYTES if self.send_probes and self.fault is None else b""
        return head + body + probes

    def _wait_for_client_close(self, reader: _Reader) -> Ending:
        """Like afserver, never close first: wait for the client's EOF (or give up late)."""
        deadline = time.monotonic() + self.idle_close_after
        while True:
            reader.buffer.clear()
            if not reader.more(deadline):
                break
        if self._stopping.is_set():
            return "stopped"
        return "client_closed" if time.monotonic() < deadline else "idle_limit"

    def _no_reply_ending(self) -> Ending:
        return "stopped" if self._stopping.is_set() else "no_reply"

    def _record(self, entry: ReceivedRequest) -> None:
        with self._changed:
            self._received.append(entry)
            self._changed.notify_all()
