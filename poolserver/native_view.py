"""What ``GET /v1/native`` answers: afserver's native pool tree as of the keeper's last poll.

The keeper already reads afserver's renders on its own clock; each poll adds one cheap
``get pools`` and builds the tree from both, off the event loop. A request is answered from
the bytes kept here, never by asking afserver, so a plugin polling the service costs
afserver nothing. The bytes change only when the tree does, so the ETag stays put between
changes. When afserver stops answering, the last tree stays, marked "unreachable".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from afserver.client import AfserverClient
from afserver.native import NativePools, NativePoolsUnsupportedError
from pools.errors import AfpoolsError
from pools.json_shapes import native_tree_json
from pools.model import Host
from pools.native import NativeTree
from poolserver.logs import LOGGER_NAME
from poolserver.snapshot import AFSERVER_DOWN, AFSERVER_OK, Resource, resource

log = logging.getLogger(LOGGER_NAME)


@dataclass(frozen=True)
class NativeView:
    """One immutable state, replaced whole: handlers read it without a lock."""

    answer: Resource | None = None  # None until a tree was read
    problem: str = ""  # why the tree is missing or old: one sentence
    unsupported: bool = False  # afserver answers ``get pools`` with an error


class NativeBook:
    """Keeps the last tree and its ready answer; ``read`` runs in a worker thread."""

    def __init__(self) -> None:
        self.view = NativeView(problem="afserver has not been read yet.")
        self._data: dict[str, Any] | None = None

    def read(self, client: AfserverClient, hosts: Sequence[Host]) -> None:
        """Read the pools (the renders were just read and decoded by the caller) and publish
        the tree."""
        try:
            tree = NativePools(client).tree(hosts)
        except NativePoolsUnsupportedError as error:
            if not self.view.unsupported:
                log.info("%s /v1/native says so.", error)
            self._data = None
            self.view = NativeView(problem=str(error), unsupported=True)
            return
        except (AfpoolsError, OSError) as error:
            self.unreachable(str(error))
            return
        self._publish(tree)

    def unreachable(self, sentence: str) -> None:
        """afserver did not answer: keep the last tree, say it may be old."""
        if self._data is not None and self._data["afserver"] != AFSERVER_DOWN:
            self._data = {**self._data, "afserver": AFSERVER_DOWN}
            self.view = NativeView(resource(self._data), sentence)
        elif self._data is None and not self.view.unsupported:
            self.view = NativeView(problem=sentence)

    def _publish(self, tree: NativeTree) -> None:
        data = {"afserver": AFSERVER_OK, **native_tree_json(tree)}
        if data != self._data or self.view.answer is None:
            self._data = data
            self.view = NativeView(resource(data))
