"""A cap on the open connections of one port that idle clients cannot use to lock others out.

Every connection is registered when it opens. At the cap, the connection that has been
idle (waiting for a request) the longest is closed to make room, so hundreds of slowloris
clients only ever push each other out; a new connection is refused only when every slot is
busy answering. Memory therefore stays bounded by the cap, whatever a flood does.
"""

from __future__ import annotations

import asyncio
import time


class ConnectionRegistry:
    """Open connections of one listener, with the idle ones in the order they became idle."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self._open: set[asyncio.BaseTransport] = set()
        self._idle: dict[asyncio.BaseTransport, float] = {}  # insertion order: oldest first
        self.evicted = 0
        self.refused = 0

    def __len__(self) -> int:
        return len(self._open)

    def admit(self, transport: asyncio.BaseTransport) -> bool:
        """Register a new connection; False when every slot is busy and it must be refused."""
        if len(self._open) >= self.limit:
            if not self._idle:
                self.refused += 1
                return False
            victim = next(iter(self._idle))
            self.forget(victim)
            self.evicted += 1
            _abort(victim)
        self._open.add(transport)
        self._idle[transport] = time.monotonic()
        return True

    def busy(self, transport: asyncio.BaseTransport | None) -> None:
        """A whole request has arrived on this connection; it is not to be evicted now."""
        if transport is not None:
            self._idle.pop(transport, None)

    def idle(self, transport: asyncio.BaseTransport | None) -> None:
        """The connection waits for its next request; it goes to the back of the queue."""
        if transport is not None and transport in self._open:
            self._idle.pop(transport, None)
            self._idle[transport] = time.monotonic()

    def expire(self, max_idle: float, now: float | None = None) -> int:
        """Close connections idle for longer than ``max_idle`` seconds; returns how many.

        The protocols' own timers close idle clients first; this catches the rest, such as
        a client that pipelines requests and never reads the answers.
        """
        now = time.monotonic() if now is None else now
        expired = 0
        for transport, since in list(self._idle.items()):  # oldest first
            if now - since <= max_idle:
                break
            self.forget(transport)
            _abort(transport)
            expired += 1
        return expired

    def forget(self, transport: asyncio.BaseTransport) -> None:
        self._open.discard(transport)
        self._idle.pop(transport, None)

    def close_all(self) -> None:
        for transport in list(self._open):
            self.forget(transport)
            _abort(transport)


def _abort(transport: asyncio.BaseTransport) -> None:
    """Close at once, dropping anything a client that does not read left in the buffer."""
    abort = getattr(transport, "abort", None)
    if abort is not None:
        abort()
    else:
        transport.close()
