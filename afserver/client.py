"""A blocking afserver client: one TCP connection per request, like CGRU's af.py.

Every call may take up to ``timeout`` seconds (actions take about one second on a real
server, since afserver applies them once per cycle), so call it from a worker thread, never
from the UI thread.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Mapping, Sequence
from itertools import repeat
from typing import Any

from afserver.errors import (
    AfserverError,
    AfserverProtocolError,
    AfserverRejectedError,
    AfserverTimeoutError,
    AfserverTruncatedError,
    AfserverUnreachableError,
)
from afserver.framing import FrameError, JsonObject, ReplyDecoder, encode_request, parse_json_object
from afserver.job_list import decode_job_list
from afserver.renders import decode_renders, decode_resources

# Each recv takes the interpreter lock again: while another thread runs Python (the board's
# window), a 64 KiB chunk at a time made 8 MB of renders arrive in 1.1 s instead of 0.2 s.
RECV_CHUNK_BYTES = 1024 * 1024
DEFAULT_PORT = 51000
_MISSING_ONE_JOB = "Invalid ID"


class AfserverClient:
    """Reads and changes the farm through afserver's JSON API."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        user_name: str,
        host_name: str,
        http: bool = False,
        timeout: float = 5.0,
    ) -> None:
        if not host:
            raise ValueError("the afserver host name is empty")
        if not 0 < port < 65536:
            raise ValueError(f"the afserver port {port} is outside 1-65535")
        if not user_name or not host_name:
            raise ValueError("afserver refuses actions without a user_name and a host_name")
        if timeout <= 0:
            raise ValueError(f"the timeout must be positive, not {timeout}")
        self._host = host
        self._port = port
        self._user_name = user_name
        self._host_name = host_name
        self._http = http
        self._timeout = timeout

    @property
    def address(self) -> str:
        """``host:port`` as the error sentences show it."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"{host}:{self._port}"

    @property
    def timeout(self) -> float:
        return self._timeout

    # -- reads ---------------------------------------------------------------------------

    def request(
        self,
        obj: Mapping[str, Any],
        *,
        decode: Callable[[bytes], JsonObject] = parse_json_object,
    ) -> JsonObject:
        """Send one JSON object and return the reply object; raise on an error reply."""
        payload = encode_request(obj, http=self._http, host_header=self.address)
        body = self._exchange(payload)
        try:
            reply = decode(body)
        except FrameError as error:
            raise AfserverProtocolError(self.address, error.problem) from None
        info = reply.get("info")
        if isinstance(info, dict) and info.get("kind") == "error":
            raise AfserverRejectedError(self.address, str(info.get("text", "")))
        return reply

    def renders(
        self,
        mask: str | None = None,
        *,
        ids: Sequence[int] | None = None,
        decode: Callable[[bytes], JsonObject] = decode_renders,
    ) -> list[JsonObject]:
        """Every render, those whose name starts with a token of ``mask`` (find mask), or
        those of ``ids`` that still exist (a cheap read-back after an action), each cut down
        to what its ``Host`` is made of (``renders.decode_renders``). ``decode`` gets the
        reply's body once it has arrived whole."""
        get: JsonObject = {"type": "renders"}
        if ids is not None:
            id_list = _id_list(ids)
            if not id_list:
                return []
            get["ids"] = id_list
        elif mask:
            get["mask"] = mask
        return self._get_list("renders", get, decode)

    def render_resources(
        self, decode: Callable[[bytes], JsonObject] = decode_resources
    ) -> list[JsonObject]:
        """Machine resources per render id (``host_resources``, cut down to the cores and
        the memory: ``renders.decode_resources``); join by id."""
        return self._get_list("renders", {"type": "renders", "mode": "resources"}, decode)

    def jobs(self, ids: Sequence[int] | None = None) -> list[JsonObject]:
        """Every job, or the jobs with these ids that still exist."""
        return self._jobs(ids, parse_json_object)

    def job_masks(self, ids: Sequence[int] | None = None) -> list[JsonObject]:
        """Like ``jobs``, each job cut down to its ids, names, state and masks (cheap to read
        for thousands of jobs); a job of an unexpected shape comes whole."""
        return self._jobs(ids, decode_job_list)

    def _jobs(
        self, ids: Sequence[int] | None, decode: Callable[[bytes], JsonObject]
    ) -> list[JsonObject]:
        get: JsonObject = {"type": "jobs"}
        if ids is not None:
            id_list = _id_list(ids)
            if not id_list:
                return []
            get["ids"] = id_list
        try:
            return self._get_list("jobs", get, decode)
        except AfserverRejectedError as error:
            # afserver answers a one-id query for a vanished job with an error, where any
            # other query simply leaves the job out; treat both the same.
            if ids is not None and len(get["ids"]) == 1 and error.server_text == _MISSING_ONE_JOB:
                return []
            raise

    def native_pools(self) -> list[JsonObject]:
        """afserver's own pool tree (CGRU 3.0+) as a flat list with ``parent`` paths."""
        return self._get_list("pools", {"type": "pools"})

    # -- actions -------------------------------------------------------------------------

    def action(
        self,
        type_: str,
        *,
        ids: Sequence[int] | None = None,
        mask: str | None = None,
        params: Mapping[str, Any] | None = None,
        operation: Mapping[str, Any] | None = None,
        block_ids: Sequence[int] | None = None,
    ) -> str:
        """Change nodes of one type; return afserver's answer ("Action processed.").

        ``mask`` is a whole-name regular expression here, unlike the find masks of reads.
        ``block_ids`` sends a jobs action to those blocks of every job (their own masks).
        """
        action: JsonObject = {
            "user_name": self._user_name,
            "host_name": self._host_name,
            "type": type_,
        }
        id_list = _id_list(ids) if ids is not None else []
        if id_list:
            action["ids"] = id_list
        elif mask:
            action["mask"] = mask
        else:
            raise ValueError("an afserver action needs node ids or a name mask")
        if params is None and operation is None:
            raise ValueError("an afserver action needs params or an operation")
        if block_ids is not None:
            action["block_ids"] = _id_list(block_ids)
        if params is not None:
            action["params"] = dict(params)
        if operation is not None:
            action["operation"] = dict(operation)
        reply = self.request({"action": action})
        info = reply.get("info")
        if not isinstance(info, dict) or not isinstance(info.get("text"), str):
            raise AfserverProtocolError(self.address, "an action reply without an info text")
        text: str = info["text"]
        return text

    def set_job_params(self, ids: Sequence[int], params: Mapping[str, Any]) -> str:
        """Set the same params on many jobs in ONE action (each action costs a server cycle)."""
        if not _id_list(ids):
            raise ValueError("set_job_params needs at least one job id")
        return self.action("jobs", ids=ids, params=params)

    # -- plumbing ------------------------------------------------------------------------

    def _get_list(
        self,
        key: str,
        get: JsonObject,
        decode: Callable[[bytes], JsonObject] = parse_json_object,
    ) -> list[JsonObject]:
        reply = self.request({"get": get}, decode=decode)
        items = reply.get(key)
        if not isinstance(items, list) or not all(map(isinstance, items, repeat(dict))):
            raise AfserverProtocolError(self.address, f'a reply without a "{key}" list')
        return items

    def _exchange(self, payload: bytes) -> bytes:
        """Connect, send, read exactly one reply, close: all within one deadline."""
        deadline = time.monotonic() + self._timeout
        decoder = ReplyDecoder(http=self._http)
        try:
            sock = socket.create_connection((self._host, self._port), timeout=self._timeout)
        except ConnectionRefusedError:
            raise AfserverUnreachableError(self.address) from None
        except TimeoutError:
            raise AfserverTimeoutError(self.address, self._timeout) from None
        except OSError as error:
            raise AfserverUnreachableError(self.address, _os_reason(error)) from None
        with sock:
            try:
                sock.settimeout(_remaining(deadline))
                sock.sendall(payload)
                while not decoder.complete:
                    sock.settimeout(_remaining(deadline))
                    chunk = sock.recv(RECV_CHUNK_BYTES)
                    if not chunk:
                        raise self._ended_early(decoder)
                    decoder.feed(chunk)
            except FrameError as error:
                raise AfserverProtocolError(self.address, error.problem) from None
            except TimeoutError:
                if decoder.bytes_received:
                    raise self._ended_early(decoder) from None
                raise AfserverTimeoutError(self.address, self._timeout) from None
            except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError) as error:
                if decoder.bytes_received:
                    raise self._ended_early(decoder) from None
                raise AfserverUnreachableError(self.address, _os_reason(error)) from None
            except OSError as error:
                raise AfserverUnreachableError(self.address, _os_reason(error)) from None
        return decoder.body

    def _ended_early(self, decoder: ReplyDecoder) -> AfserverError:
        if decoder.bytes_received == 0:
            return AfserverProtocolError(self.address, "nothing before closing the connection")
        declared = decoder.declared_length
        if declared is None:
            return AfserverTruncatedError(self.address, decoder.bytes_received, None)
        return AfserverTruncatedError(self.address, decoder.body_received, declared)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _id_list(ids: Sequence[int]) -> list[int]:
    if isinstance(ids, (str, bytes)):
        raise TypeError("ids must be a sequence of integers, not a string")
    result: list[int] = []
    for node_id in ids:
        if isinstance(node_id, bool) or not isinstance(node_id, int):
            raise TypeError(f"node ids are integers, not {node_id!r}")
        result.append(node_id)
    return result


def _os_reason(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__
