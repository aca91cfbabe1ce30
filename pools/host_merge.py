"""One ``Host`` per machine, from afserver's renders, the store's known hosts and pool members.

The board merges one name at a time as polls and store changes arrive (``pools.farm.Farm``);
the service merges a whole snapshot at once (``merge_hosts``). Both ask
``HostSources.merged``, so the two faces cannot tell an admin different things about the
same machine. The rules:

- A render is the machine as afserver knows it; its own fields win.
- A known host (a scan sighting, a name typed by hand) joins the render of the same name
  whatever the case: afrender may say ``RENDER-01`` where DNS says ``render-01``. It fills
  in what the render lacks (IP, MAC), and the two sets of sources are united.
- A known host that joined a render has no entry of its own, unless a pool holds that very
  spelling: the pool's mask names it, so the admin must see it.
- A pool member that nobody reports is still a machine, with the source ``pool``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from pools.model import Host, KnownHost, Pool, memberships

POOL_SOURCE = "pool"
_FROM_POOL = frozenset({POOL_SOURCE})


class HostSources:
    """What each source says, indexed so that one name merges in constant time."""

    def __init__(self) -> None:
        self.renders: dict[str, Host] = {}
        self.known: dict[str, KnownHost] = {}
        self.member_of: Mapping[str, tuple[str, ...]] = {}
        self._render_folds: dict[str, set[str]] = {}  # casefolded -> afserver's spellings
        self._known_folds: dict[str, set[str]] = {}

    # -- feeding ------------------------------------------------------------------------

    def set_render(self, host: Host) -> None:
        self.renders[host.name] = host
        self._render_folds.setdefault(host.name.casefold(), set()).add(host.name)

    def drop_render(self, name: str) -> bool:
        """Forget a render afserver no longer lists; False if it was not there."""
        if self.renders.pop(name, None) is None:
            return False
        fold = name.casefold()
        spellings = self._render_folds[fold]
        spellings.discard(name)
        if not spellings:  # afserver may list RENDER-01 and render-01: the other one stays
            del self._render_folds[fold]
        return True

    def set_known(self, known: Mapping[str, KnownHost]) -> None:
        self.known = dict(known)
        self._known_folds = {}
        for name in self.known:
            self._known_folds.setdefault(name.casefold(), set()).add(name)

    def set_members(self, member_of: Mapping[str, tuple[str, ...]]) -> None:
        self.member_of = member_of

    # -- reading ------------------------------------------------------------------------

    def names(self) -> set[str]:
        """Every name some source mentions; ``merged`` decides which of them are machines."""
        return set(self.renders) | set(self.known) | set(self.member_of)

    def spellings(self, names: Iterable[str]) -> set[str]:
        """The other spellings of the same machines: a change to one may change the other."""
        found: set[str] = set()
        for name in names:
            fold = name.casefold()
            found |= self._render_folds.get(fold, set())
            found |= self._known_folds.get(fold, set())
        return found

    def merged(self, name: str) -> Host | None:
        """The machine called ``name``, or None when no entry of that name is to be shown."""
        render = self.renders.get(name)
        if render is not None:
            sightings = self._known_for_render(name)
            if not sightings:
                return render
            return dataclasses.replace(
                render,
                ip=render.ip or _first(k.ip for k in sightings),
                mac=render.mac or _first(k.mac for k in sightings),
                sources=render.sources.union(*(k.sources for k in sightings)),
            )
        member = name in self.member_of
        known = self.known.get(name)
        if known is not None:
            if not member and name.casefold() in self._render_folds:
                return None  # shown with the render, under afserver's spelling
            return Host(name=name, ip=known.ip, mac=known.mac, sources=frozenset(known.sources))
        if member:
            return Host(name=name, sources=_FROM_POOL)
        return None

    def _known_for_render(self, render: str) -> list[KnownHost]:
        """What the store knows under any spelling of the render's name; its own first."""
        spellings = self._known_folds.get(render.casefold()) if self._known_folds else None
        if not spellings:
            return []
        ordered = sorted(spellings, key=lambda name: (name != render, name))
        return [self.known[name] for name in ordered]


def _first(values: Iterable[str]) -> str:
    return next((value for value in values if value), "")


def merge_hosts(
    renders: Iterable[Host], known: Iterable[KnownHost], pools: Iterable[Pool]
) -> dict[str, Host]:
    """Every machine at once, by name: what the service answers ``/v1/hosts`` from."""
    sources = HostSources()
    for render in renders:
        sources.set_render(render)
    sources.set_known({entry.name: entry for entry in known})
    sources.set_members(memberships(pools))
    merged: dict[str, Host] = {}
    for name in sources.names():
        host = sources.merged(name)
        if host is not None:
            merged[name] = host
    return merged
