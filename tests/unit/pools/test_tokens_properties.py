"""Random pools, tokens and artist masks: what the agent writes admits exactly

    (the union of the named pools, and the hosts the artist's plain parts admit)
    minus the excluded pools, minus the artist's own exclusions.

Python's ``re`` stands in for std::regex here to keep these fast;
tests/integration/test_tokens_cxx.py checks the same cases with std::regex.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from pools.job_masks import read_job
from pools.jobs import BOUND, PoolIndex, decide
from pools.masks import find_tokens, matches
from pools.model import Pool
from pools.tokens import regex_reading_within_find
from tests.unit.pools.test_masks_properties import (
    FIND_SEPARATORS,
    find_masks,
    find_semantics,
    hostnames,
    near_misses,
)

POOL_NAMES = ["lighting", "gpu", "comp", "gpu.*", "a+b", "x[1]", "büro"]
PREFIX_ALPHABET = "abcxyz0123456789.-_()[]*?$^{}\\/é"

plain_parts = st.text(alphabet=PREFIX_ALPHABET, min_size=1, max_size=6)
pools_strategy = st.dictionaries(
    st.sampled_from(POOL_NAMES), st.lists(hostnames, max_size=12), min_size=1, max_size=5
)


@dataclass(frozen=True)
class Case:
    """One farm: pools, a job's include and exclude masks, and names to probe them with."""

    pools: dict[str, list[str]]
    include: list[str]  # the parts, "@name" for a token
    exclude: list[str]
    include_text: str
    exclude_text: str
    others: list[str]

    def job(self) -> dict[str, object]:
        job: dict[str, object] = {"id": 7, "serial": 1, "name": "shot", "hosts_mask_type": "find"}
        if self.include_text:
            job["hosts_mask"] = self.include_text
        if self.exclude_text:
            job["hosts_mask_exclude"] = self.exclude_text
        job["blocks"] = [{"block_num": 0}]
        return job

    def index(self) -> PoolIndex:
        return PoolIndex(
            (f"id-{name}", Pool(name, tuple(dict.fromkeys(hosts))))
            for name, hosts in self.pools.items()
        )

    def probes(self) -> list[str]:
        members = [host for hosts in self.pools.values() for host in hosts]
        plain = [part for part in self.include + self.exclude if not part.startswith("@")]
        return sorted({*members, *near_misses(members), *plain, *near_misses(plain), *self.others})

    def expected(self, name: str) -> bool:
        return self._admits(self.include, name, empty=True) and not self._admits(
            self.exclude, name, empty=False
        )

    def _admits(self, parts: list[str], name: str, *, empty: bool) -> bool:
        if not parts:
            return empty
        for part in parts:
            if part.startswith("@"):
                if name in self.pools.get(part[1:], ()):
                    return True
            elif name.startswith(part):
                return True
        return False


@st.composite
def cases(draw: st.DrawFn) -> Case:
    pools = draw(pools_strategy)
    token = st.sampled_from(sorted(pools)).map(lambda name: "@" + name)
    part = st.one_of(token, plain_parts)
    include = draw(st.lists(part, max_size=4).filter(lambda p: any(x[0] == "@" for x in p)))
    exclude = draw(st.lists(part, max_size=3))
    return Case(
        pools=pools,
        include=include,
        exclude=exclude,
        include_text=draw(joined(include)),
        exclude_text=draw(joined(exclude)),
        others=draw(st.lists(hostnames, max_size=8)),
    )


def joined(parts: list[str]) -> st.SearchStrategy[str]:
    """The parts with separators between them, as an artist might type them."""
    separators = st.text(alphabet=FIND_SEPARATORS, min_size=1, max_size=2)
    return st.lists(separators, min_size=len(parts) + 1, max_size=len(parts) + 1).map(
        lambda seps: seps[0].strip() + "".join(p + s for p, s in zip(parts, seps[1:], strict=True))
    )


def written_masks(case: Case) -> tuple[str, str]:
    """What the agent writes for the case's job: the include and exclude regexes."""
    decision = decide(read_job(case.job()), None, case.index(), 0.0)
    assert decision.status == BOUND, decision.reason
    assert decision.target is not None
    assert decision.target.kind == "regex"
    _kind, include, exclude = decision.target.job_level()
    return include, exclude


def admits(include: str, exclude: str, name: str) -> bool:
    return (not include or matches(include, name)) and not (exclude and matches(exclude, name))


@settings(max_examples=400, deadline=None)
@given(cases())
def test_the_written_masks_admit_the_pools_and_plain_prefixes_minus_the_exclusions(
    case: Case,
) -> None:
    include, exclude = written_masks(case)
    for name in case.probes():
        assert admits(include, exclude, name) == case.expected(name), (case, include, name)


@settings(max_examples=300, deadline=None)
@given(find_masks, st.lists(hostnames, max_size=10))
def test_a_find_mask_said_to_read_the_same_as_a_regex_admits_no_more_that_way(
    mask: str, names: list[str]
) -> None:
    if not regex_reading_within_find(mask):
        return
    tokens = find_tokens(mask)
    for name in {*names, *tokens, *near_misses(tokens)} - {""}:  # no host is named ""
        if matches(mask, name):
            assert find_semantics(mask, name), (mask, name)
