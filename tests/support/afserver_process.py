"""The afserver stand-in in a process of its own, as afserver is: for benchmarks.

A benchmark of the board must not let the stand-in's Python JSON work steal the board
process's interpreter. ``with AfserverProcess(hosts, pools) as farm:`` starts it; ``farm.port``
is where it listens and ``farm.set_render_state(name, st)`` changes a render in it.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection
from typing import Any

from tests.support.fake_afserver import FakeAfserver
from tests.support.studio_farm import studio_farm


def _serve(hosts: int, pools: int, native_pools: int, pipe: Connection) -> None:
    farm = studio_farm(hosts, pools, native_pools=native_pools).farm
    server = FakeAfserver(farm, remember_reads=True).start()  # changed only through its pipe
    pipe.send(server.port)
    while True:
        command, *args = pipe.recv()
        if command == "stop":
            server.stop()
            pipe.send("stopped")
            return
        if command == "set_render_state":
            server.set_render_state(*args)
            pipe.send("ok")
        if command == "actions":  # how many actions of this operation type arrived
            pipe.send(len(server.actions(args[0])))


class AfserverProcess:
    def __init__(self, hosts: int, pools: int, native_pools: int = 0) -> None:
        self._pipe, child = multiprocessing.Pipe()
        context = multiprocessing.get_context("spawn")
        self._process = context.Process(
            target=_serve, args=(hosts, pools, native_pools, child), daemon=True
        )
        self.port = 0

    def __enter__(self) -> AfserverProcess:
        self._process.start()
        self.port = int(self._pipe.recv())
        return self

    def set_render_state(self, name: str, st: int) -> None:
        self._pipe.send(("set_render_state", name, st))
        self._pipe.recv()

    def actions(self, operation: str) -> int:
        """Actions of this operation type (``set_pool``...) the stand-in received so far."""
        self._pipe.send(("actions", operation))
        return int(self._pipe.recv())

    def __exit__(self, *exc: Any) -> None:
        self._pipe.send(("stop",))
        self._pipe.recv()
        self._process.join(timeout=10)
