"""The pools the add-on offers: the last list the pool service gave, and why asking failed.

Blender's UI must never wait on the network, so the panel only reads this list. A refresh
asks in a thread of its own and waits for it at most ``wait`` seconds: scripts and
``blender -b`` (where timers never run) get the list before the operator returns, and a
service that does not answer costs the artist those seconds, never more. An answer that
arrives later still fills the list. No bpy here: this part runs without Blender too.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from integrations import client
else:
    from . import client

REFRESH_WAIT = 3.0  # seconds a refresh may keep Blender waiting


class PoolList:
    """The cached pool names and the one sentence that says what went wrong, if anything."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._names: list[str] | None = None  # None: the service never answered yet
        self._error: str | None = None
        self._asked = 0  # the newest request; an older answer never overwrites a newer one
        self._answered = 0

    @property
    def names(self) -> list[str] | None:
        with self._lock:
            return None if self._names is None else list(self._names)

    @property
    def error(self) -> str | None:
        with self._lock:
            return self._error

    @property
    def answers(self) -> int:
        """How many answers came in: the panel redraws when this moves on."""
        with self._lock:
            return self._answered

    @property
    def asking(self) -> bool:
        with self._lock:
            return self._answered < self._asked

    def refresh(self, url: str | None, wait: float = REFRESH_WAIT) -> bool:
        """Ask the service at ``url`` (None: the client's own resolution) and return once the
        list is filled or the service failed, after ``wait`` seconds at the most."""
        done, request = self._ask(url, wait)
        if done.wait(wait):
            return self.error is None
        with self._lock:
            if self._answered < request:
                self._error = (
                    f"The pool service at {_where(url)} did not answer within {wait:g} s"
                    + ("; the list is the last one it gave." if self._names is not None else ".")
                )
        return False

    def refresh_in_background(self, url: str | None) -> None:
        """Ask without waiting (when the add-on starts): the panel shows the list once here."""
        self._ask(url, REFRESH_WAIT)

    def _ask(self, url: str | None, timeout: float) -> tuple[threading.Event, int]:
        with self._lock:
            self._asked += 1
            request = self._asked
        done = threading.Event()
        thread = threading.Thread(
            target=self._answer, args=(url, timeout, request, done), name="afpools-pools"
        )
        thread.daemon = True  # Blender must be able to quit while a service hangs
        thread.start()
        return done, request

    def _answer(self, url: str | None, timeout: float, request: int, done: threading.Event) -> None:
        names: list[str] | None = None
        error: str | None = None
        try:
            pools = client.PoolServiceClient(url, timeout=timeout).list_pools()
            names = [str(pool["name"]) for pool in pools]
        except client.PoolServiceError as failure:
            error = str(failure)
        except Exception as failure:  # never let a surprise reach Blender
            error = f"The pool service could not be asked ({type(failure).__name__}: {failure})."
        with self._lock:
            if request > self._answered:
                self._answered = request
                if names is not None:
                    self._names = names
                    self._error = None
                else:
                    kept = "; the list is the last one it gave" if self._names is not None else ""
                    self._error = f"{error.rstrip('.')}{kept}." if error else None
        done.set()


def _where(url: str | None) -> str:
    try:
        return client.service_url(url)
    except client.PoolServiceError:
        return str(url)
