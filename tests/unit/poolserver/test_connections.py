"""The connection cap: the longest idle client makes room; busy ones are never pushed out."""

from __future__ import annotations

import asyncio
import time

from poolserver.connections import ConnectionRegistry


class FakeTransport(asyncio.BaseTransport):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.aborted = False

    def abort(self) -> None:
        self.aborted = True

    def close(self) -> None:
        self.aborted = True


def test_past_the_cap_the_longest_idle_is_closed() -> None:
    registry = ConnectionRegistry(limit=2)
    first, second, third = FakeTransport("1"), FakeTransport("2"), FakeTransport("3")
    assert registry.admit(first)
    assert registry.admit(second)
    registry.busy(first)
    registry.idle(first)  # first was served just now: second has idled longer
    assert registry.admit(third)
    assert second.aborted and not first.aborted
    assert len(registry) == 2
    assert registry.evicted == 1


def test_when_every_slot_is_busy_the_newcomer_is_refused() -> None:
    registry = ConnectionRegistry(limit=1)
    busy, newcomer = FakeTransport("busy"), FakeTransport("new")
    registry.admit(busy)
    registry.busy(busy)
    assert not registry.admit(newcomer)
    assert not busy.aborted
    assert registry.refused == 1


def test_a_forgotten_connection_frees_its_slot() -> None:
    registry = ConnectionRegistry(limit=1)
    gone, next_one = FakeTransport("gone"), FakeTransport("next")
    registry.admit(gone)
    registry.busy(gone)
    registry.forget(gone)
    assert registry.admit(next_one)
    assert registry.evicted == 0


def test_connections_idle_past_the_limit_are_closed_oldest_first() -> None:
    registry = ConnectionRegistry(limit=10)
    old, served, busy = FakeTransport("old"), FakeTransport("served"), FakeTransport("busy")
    for transport in (old, served, busy):
        registry.admit(transport)
    registry.busy(busy)
    registry.idle(served)  # answered a request, idle again
    assert registry.expire(max_idle=30, now=time.monotonic() + 31) == 2
    assert old.aborted and served.aborted and not busy.aborted
    assert len(registry) == 1
    assert registry.expire(max_idle=30) == 0
