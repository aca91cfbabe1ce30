"""Schedules of pool members, and the boundaries the agent applies, as pool writes.

Schedules live in the pool document's own ``schedules`` field and the members out of their
schedule now in ``schedule_out``: the 2019 tool reads ``name`` and ``clients`` only, and
``clients`` (the stored membership) never changes with the clock. Every write here is a
compare-and-set update of the pool document that carries its history record, as every
pool write is (``storage.journal``): a boundary is recorded exactly once, by the write that
applies it, whichever agent makes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pools.errors import NothingChangedError
from pools.model import Pool, unique_hostnames
from pools.schedules import Schedule, ScheduleError, Window
from storage.documents import Clients, pool_from_doc, schedule_entry, schedules_of
from storage.journal import Journal
from storage.mongo_errors import translate_errors

Document = dict[str, Any]


class SchedulesMixin:
    """Needs ``_journal`` and ``_write`` from the store it is mixed into."""

    _journal: Journal

    def _write(self, name: str, attempt: Callable[[Document], Document | None]) -> Document:
        raise NotImplementedError

    @translate_errors
    def add_schedule(
        self, name: str, hosts: Iterable[str], window: Window | None
    ) -> tuple[Pool, tuple[str, ...]]:
        """Give members a window (None: while the user is away); a host may have several.
        Returns the pool and the hosts that got it."""
        wanted = unique_hostnames(hosts)
        changed: list[tuple[str, ...]] = []

        def attempt(doc: Document) -> Document | None:
            members = set(Clients.of(doc).hostnames)
            strangers = [h for h in wanted if h not in members]
            if strangers:
                pool = str(doc["name"])
                raise ScheduleError(
                    f"{', '.join(strangers)} {'is' if len(strangers) == 1 else 'are'} not in "
                    f"pool '{pool}'; add {'it' if len(strangers) == 1 else 'them'} first "
                    f"('main.py pools add {pool} {' '.join(strangers)}'). Nothing was changed."
                )
            readable, unreadable = schedules_of(doc)
            new = [Schedule(h, window) for h in wanted if Schedule(h, window) not in readable]
            if not new:
                text = new_text(window)
                raise NothingChangedError(
                    f"{', '.join(wanted)} already {'has' if len(wanted) == 1 else 'have'} "
                    f"the schedule {text} in pool '{doc['name']}'; nothing changed."
                )
            hosts = tuple(s.host for s in new)
            stored = [*(schedule_entry(s) for s in readable), *unreadable]
            stored += [schedule_entry(s) for s in new]
            marker = self._journal.marker(
                "schedule", str(doc["name"]), hosts, None, {"when": new[0].text()}
            )
            written = self._journal.update(
                doc, {"schedules": stored, **self._journal.stamp()}, marker
            )
            if written is not None:
                changed.append(hosts)
            return written

        after = self._write(name, attempt)
        return pool_from_doc(after), changed[-1]

    @translate_errors
    def remove_schedule(
        self, name: str, hosts: Iterable[str], *, when: str | None = None
    ) -> tuple[Pool, tuple[str, ...]]:
        """Take the schedules of these members away (only the one whose text is ``when``,
        when given): without any left, a member is in the pool at all times."""
        wanted = tuple(dict.fromkeys(h.strip() for h in hosts if h.strip()))
        changed: list[tuple[str, ...]] = []

        def attempt(doc: Document) -> Document | None:
            readable, unreadable = schedules_of(doc)
            dropped = [
                s for s in readable if s.host in wanted and (when is None or s.text() == when)
            ]
            gone = tuple(dict.fromkeys(s.host for s in dropped))
            if not gone:
                which = "no schedule" if when is None else f"no schedule {when}"
                raise NothingChangedError(
                    f"{', '.join(wanted)} {'has' if len(wanted) == 1 else 'have'} {which} "
                    f"in pool '{doc['name']}'; nothing changed."
                )
            left = [s for s in readable if s not in dropped]
            kept = [schedule_entry(s) for s in left]
            still = {s.host for s in left}
            out = [h for h in pool_from_doc(doc).schedule_out if h not in gone or h in still]
            fields = {"schedules": [*kept, *unreadable], "schedule_out": out}
            marker = self._journal.marker(
                "unschedule", str(doc["name"]), gone, None, {"when": when} if when else None
            )
            written = self._journal.update(doc, {**fields, **self._journal.stamp()}, marker)
            if written is not None:
                changed.append(gone)
            return written

        after = self._write(name, attempt)
        return pool_from_doc(after), changed[-1]

    @translate_errors
    def apply_schedule_out(
        self, name: str, out: Callable[[Pool], frozenset[str]]
    ) -> tuple[Pool, frozenset[str], frozenset[str]] | None:
        """The agent's write at a boundary: ``out(pool)`` says which scheduled members are out
        now (asked again of the pool as read for each attempt). Returns the pool with the
        members that joined and left, or None when nothing changed."""
        moved: list[tuple[frozenset[str], frozenset[str]]] = []

        def attempt(doc: Document) -> Document | None:
            pool = pool_from_doc(doc)
            now_out, was_out = out(pool), frozenset(pool.schedule_out)
            if now_out == was_out:
                raise NothingChangedError("No member crossed a boundary.")
            joined, left = was_out - now_out, now_out - was_out
            hosts = (*sorted(joined), *sorted(left))
            marker = self._journal.marker(
                "boundary",
                pool.name,
                hosts,
                {"out": sorted(was_out), "joined": sorted(joined)},
                {"out": sorted(now_out), "left": sorted(left)},
            )
            fields = {"schedule_out": sorted(now_out)}
            written = self._journal.update(doc, fields, marker)
            if written is not None:
                moved.append((joined, left))
            return written

        try:
            after = self._write(name, attempt)
        except NothingChangedError:
            return None
        joined, left = moved[-1]
        return pool_from_doc(after), joined, left


def new_text(window: Window | None) -> str:
    return Schedule("", window).text()
