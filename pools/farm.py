"""The farm as the board shows it: every machine once, merged from all sources, and filtered.

afserver renders, hosts the store knows (scanned or typed in) and pool members that nobody
reports become one ``Host`` per hostname. Updates return a ``FarmChange`` naming exactly what
changed, so a view can follow with fine-grained row signals instead of rebuilding.
Plain Python: the board's Qt models only adapt this.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from pools.farm_counts import ONLINE_STATES, HostCounts, StateTally
from pools.host_merge import HostSources
from pools.model import Host, HostState, KnownHost, Pool, memberships

_DIGITS = re.compile(r"(\d+)")
DIFF_STEP = 2000  # hosts compared between two turns given to other threads


NaturalKey = tuple[bool | int | str, ...]


def natural_key(name: str) -> NaturalKey:
    """Sort rnd-2 before rnd-10, the way an admin counts machines (and names that start with
    a digit, such as a machine known only by its IP, after the others)."""
    parts: list[int | str] = list(_DIGITS.split(name.casefold()))  # text, number, text, ...
    parts[1::2] = map(int, parts[1::2])
    return (parts[0] == "", *parts)


STATE_FILTERS: dict[str, frozenset[HostState] | None] = {
    "all": None,
    "online": ONLINE_STATES,
    "busy": frozenset({HostState.BUSY}),
    "offline": frozenset({HostState.OFFLINE, HostState.UNKNOWN}),
}


@dataclass(frozen=True)
class HostFilter:
    """The board's find field and state filter; every word must appear somewhere."""

    text: str = ""
    state: str = "all"
    words: tuple[str, ...] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", tuple(self.text.casefold().split()))

    @property
    def active(self) -> bool:
        return bool(self.words) or STATE_FILTERS.get(self.state) is not None

    def narrows(self, before: HostFilter) -> bool:
        """Whether every host this filter shows was shown under ``before`` too (a word typed
        further, or one added): then only those need looking at again."""
        return self.state == before.state and all(
            any(word in new for new in self.words) for word in before.words
        )


@dataclass
class FarmChange:
    """What one update changed; empty collections mean nothing to do."""

    hosts_added: set[str] = field(default_factory=set)
    hosts_removed: set[str] = field(default_factory=set)
    hosts_changed: set[str] = field(default_factory=set)
    pools_added: set[str] = field(default_factory=set)
    pools_removed: set[str] = field(default_factory=set)
    pools_changed: set[str] = field(default_factory=set)  # members or description/colour
    pools_renamed: dict[str, str] = field(default_factory=dict)  # old name -> new (in changed)

    def __bool__(self) -> bool:
        return bool(
            self.hosts_added
            or self.hosts_removed
            or self.hosts_changed
            or self.pools_added
            or self.pools_removed
            or self.pools_changed
            or self.pools_renamed
        )


class Farm:
    """Merged hosts and pools, with the search text and sort key of each host kept ready."""

    def __init__(self) -> None:
        self._sources = HostSources()  # the merge rules the service follows too
        self.pools: dict[str, Pool] = {}
        self.hosts: dict[str, Host] = {}
        self._member_of: dict[str, tuple[str, ...]] = {}
        self._haystack: dict[str, str] = {}
        self._sort_key: dict[str, tuple[NaturalKey, str]] = {}
        self._by_state: dict[HostState, set[str]] = {state: set() for state in HostState}
        self._tally = StateTally()
        self.filter = HostFilter()
        self._shown: set[str] | None = None  # None: no filter, everything shows
        self.waking: set[str] = set()  # sent Wake-on-LAN, not up yet

    # -- reading ------------------------------------------------------------------------

    def pools_of(self, name: str) -> tuple[str, ...]:
        return self._member_of.get(name, ())

    def sort_key(self, name: str) -> tuple[NaturalKey, str]:
        """The natural order, and the name itself where it ties (RND-3, rnd-3): every column
        sorts the same names the same way, whichever way it got them."""
        key = self._sort_key.get(name)
        if key is None:
            key = self._sort_key[name] = (natural_key(name), name)
        return key

    def sorted_names(self, names: Iterable[str]) -> list[str]:
        return sorted(names, key=self.sort_key)

    def members(self, pool: str) -> tuple[str, ...]:
        found = self.pools.get(pool)
        return found.hostnames if found else ()

    def counts(self, pool: str | None = None) -> HostCounts:
        """The numbers of a pool's column, or of the whole farm's, in constant time."""
        total = len(self.hosts) if pool is None else len(self.members(pool))
        return self._tally.counts(pool, total)

    def visible(self, name: str) -> bool:
        """Whether the current filter shows this host (in every column alike)."""
        return self._shown is None or name in self._shown

    @property
    def shown(self) -> AbstractSet[str] | None:
        """The hosts the filter shows; None when there is no filter and every host shows."""
        return self._shown

    def _matches(self, name: str) -> bool:
        spec = self.filter
        states = STATE_FILTERS.get(spec.state)
        host = self.hosts.get(name)
        if states is not None and (host is None or host.state not in states):
            return False
        haystack = self._haystack.get(name, name.casefold())
        return all(word in haystack for word in spec.words)

    def _all_matching(self, among: AbstractSet[str] | None = None) -> set[str]:
        """The farm (or the hosts ``among`` it) against the filter: one pass per word."""
        spec = self.filter
        states = STATE_FILTERS.get(spec.state)
        candidates: AbstractSet[str] = self._haystack.keys() if among is None else among
        if states is not None:
            in_state = set().union(*(self._by_state[state] for state in states))
            candidates = candidates & in_state
        haystack = self._haystack
        shown = set(candidates)
        for word in spec.words:
            shown = {name for name in shown if word in haystack[name]}
        return shown

    def _refilter(self, names: Iterable[str] | None = None, *, narrower: bool = False) -> None:
        """Decide visibility once per host, not once per column: a keystroke stays cheap."""
        if not self.filter.active:
            self._shown = None
            return
        if names is None or self._shown is None:
            among = self._shown if narrower else None
            self._shown = self._all_matching(among)
            return
        for name in names:
            if name in self.hosts and self._matches(name):
                self._shown.add(name)
            else:
                self._shown.discard(name)

    # -- updating -----------------------------------------------------------------------

    def set_filter(self, spec: HostFilter) -> bool:
        changed = spec != self.filter
        narrower = spec.narrows(self.filter)
        self.filter = spec
        if changed:
            self._refilter(narrower=narrower)
        return changed

    def apply_renders(self, changed: Iterable[Host], removed: Iterable[str] = ()) -> FarmChange:
        """afserver's news: only the renders that differ from the last poll."""
        touched: set[str] = set()
        for host in changed:
            self._sources.set_render(host)
            touched.add(host.name)
        for name in removed:
            if self._sources.drop_render(name):
                touched.add(name)
        return self._remerge(touched)

    def replace_renders(self, renders: Iterable[Host]) -> FarmChange:
        new = {h.name: h for h in renders}
        current = self._sources.renders
        gone = set(current) - set(new)
        changed = [h for name, h in new.items() if current.get(name) != h]
        return self.apply_renders(changed, gone)

    def apply_store(self, pools: Iterable[Pool], known: Iterable[KnownHost]) -> FarmChange:
        """The store's pools and known hosts, as loaded after a change of its revision."""
        new_pools = {p.name: p for p in pools}
        new_known = {k.name: k for k in known}
        change = FarmChange(
            pools_added=set(new_pools) - set(self.pools),
            pools_removed=set(self.pools) - set(new_pools),
            pools_changed={
                n for n in set(new_pools) & set(self.pools) if new_pools[n] != self.pools[n]
            },
        )
        old_known = self._sources.known
        touched = {
            n for n in set(new_known) | set(old_known) if new_known.get(n) != old_known.get(n)
        }
        change.pools_renamed = _renames(self.pools, new_pools, change)
        old_members = self._member_of
        self.pools = new_pools
        self._member_of = memberships(new_pools.values())
        self._sources.set_known(new_known)
        self._sources.set_members(self._member_of)
        touched |= {
            n
            for n in set(old_members) | set(self._member_of)
            if old_members.get(n) != self._member_of.get(n)
        }
        merged = self._remerge(touched)
        change.hosts_added, change.hosts_removed = merged.hosts_added, merged.hosts_removed
        change.hosts_changed = merged.hosts_changed
        self._tally.keep_only([None, *self.pools])
        for name in change.pools_added | change.pools_changed:
            hosts = (self.hosts.get(member) for member in self.members(name))
            self._tally.recount(name, (host.state for host in hosts if host is not None))
        return change

    def _remerge(self, names: set[str]) -> FarmChange:
        names = names | self._sources.spellings(names)
        change = self._merge_names(names)
        self._refilter(names)
        return change

    def _merge_names(self, names: set[str]) -> FarmChange:
        """Merge these names again; a pool whose members changed is counted by the caller.
        Runs once per host on the store's first load and on the first poll of a big farm,
        both while the window waits: keep it lean (locals only, the tally told only of the
        states it counts)."""
        change = FarmChange()
        hosts, haystack, by_state, tally = self.hosts, self._haystack, self._by_state, self._tally
        merged_host, member_of = self._sources.merged, self._member_of
        online, busy = HostState.ONLINE, HostState.BUSY  # is_online, inlined: once per host
        added, changed, removed = (
            change.hosts_added.add,
            change.hosts_changed.add,
            change.hosts_removed.add,
        )
        for name in names:
            merged = merged_host(name)
            before = hosts.get(name)
            pools = member_of.get(name, ())
            if before is not None:
                old = before.state
                if merged is None or merged.state is not old:
                    by_state[old].discard(name)
                    if old is online or old is busy:
                        tally.add((None, *pools), old, -1)
                if merged is None:
                    del hosts[name]
                    haystack.pop(name, None)
                    removed(name)
                    continue
                changed(name)  # pools may have changed even if the host did not
            elif merged is None:
                continue
            hosts[name] = merged
            state = merged.state
            haystack[name] = " ".join(
                (name, merged.ip, merged.state_label, merged.native_pool, *pools)
            ).casefold()
            if before is None:
                added(name)
            elif state is before.state:
                continue
            by_state[state].add(name)
            if state is online or state is busy:
                tally.add((None, *pools), state, 1)
        return change


def _renames(before: dict[str, Pool], after: dict[str, Pool], change: FarmChange) -> dict[str, str]:
    """Pools that vanished and reappeared alike under another name: renames, taken out of
    ``change``'s added and removed, so that a view renames a column rather than rebuilding it
    at the end of the row."""
    pairs = {}
    for old in sorted(change.pools_removed):
        gone = before[old]
        twins = [
            new
            for new in sorted(change.pools_added)
            if (after[new].hostnames, after[new].description, after[new].color)
            == (gone.hostnames, gone.description, gone.color)
        ]
        if len(twins) == 1:
            pairs[old] = twins[0]
            change.pools_removed.discard(old)
            change.pools_added.discard(twins[0])
            change.pools_changed.add(twins[0])
    return pairs


def diff_hosts(
    previous: Mapping[str, Host],
    current: Iterable[Host],
    between_steps: Callable[[], None] | None = None,
) -> tuple[list[Host], set[str]]:
    """What a poll changed compared to the one before: run it off the UI thread
    (``between_steps`` is called every ``DIFF_STEP`` hosts)."""
    seen: set[str] = set()
    changed: list[Host] = []
    for count, host in enumerate(current, 1):
        if between_steps is not None and not count % DIFF_STEP:
            between_steps()
        seen.add(host.name)
        before = previous.get(host.name)
        if before is not host and before != host:  # the same object: a render that was as it was
            changed.append(host)
    return changed, set(previous) - seen
