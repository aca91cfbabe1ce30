"""Which renders each native pool holds on the board, kept as the farm's hosts change.

afserver says where a render is (``Host.native_pool``, read with every poll); a move that
is under way shows the renders where they were dropped until afserver has answered, and
those it refused go back to where it says they are. The work is in proportion to the
renders that changed, not to the farm: a poll of 5,000 renders that moved none costs a
look at the few whose state changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pools.model import Host


class NativeMembers:
    """Renders by native pool: afserver's word, overlaid with the moves still under way."""

    def __init__(self) -> None:
        self._pool_of: dict[str, str] = {}  # where each render shows
        self._members: dict[str, set[str]] = {}
        self._expected: dict[str, str] = {}  # render -> the pool it was dropped on

    def members(self, path: str) -> set[str]:
        return self._members.get(path, set())

    def pool_of(self, name: str) -> str:
        """The pool a render shows in ('' for a machine afserver does not list)."""
        return self._pool_of.get(name, "")

    def update(self, hosts: Mapping[str, Host], names: Iterable[str]) -> set[str]:
        """These hosts changed (or came, or went); returns the pools whose members changed."""
        touched: set[str] = set()
        for name in names:
            host = hosts.get(name)
            actual = host.native_pool if host is not None and host.render_id is not None else ""
            self._place(name, self._expected.get(name, actual) if actual else "", touched)
        return touched

    def expect(self, names: Iterable[str], path: str) -> set[str]:
        """Show these renders in ``path`` until ``settle``: a drop is seen at once."""
        touched: set[str] = set()
        for name in names:
            if name in self._pool_of:
                self._expected[name] = path
                self._place(name, path, touched)
        return touched

    def settle(self, hosts: Mapping[str, Host], names: Iterable[str]) -> set[str]:
        """These renders show where afserver says they are again."""
        names = list(names)
        for name in names:
            self._expected.pop(name, None)
        return self.update(hosts, names)

    def agreeing(self, hosts: Mapping[str, Host]) -> list[str]:
        """Renders expected where afserver now says they are: nothing left to wait for."""
        return [
            name
            for name, path in self._expected.items()
            if (host := hosts.get(name)) is not None and host.native_pool == path
        ]

    def _place(self, name: str, path: str, touched: set[str]) -> None:
        before = self._pool_of.get(name, "")
        if before == path:
            return
        if before:
            self._members[before].discard(name)
            touched.add(before)
        if path:
            self._pool_of[name] = path
            self._members.setdefault(path, set()).add(name)
            touched.add(path)
        else:
            self._pool_of.pop(name, None)
