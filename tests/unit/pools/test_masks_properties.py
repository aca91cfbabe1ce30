"""Random host sets: the generated masks select exactly the intended renders.

Python's ``re`` (``fullmatch`` with ``re.ASCII``) stands in for std::regex here to keep
these fast; tests/integration/test_masks_cxx.py repeats the exactness with std::regex.
"""

from __future__ import annotations

import re
from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from pools.masks import (
    MATCH_NOTHING,
    admits_any,
    combine,
    either,
    exclude_job_mask,
    exclude_mask,
    find_to_regex,
    find_tokens,
    include_mask,
    matches,
    pool_job_masks,
)

ALPHABET = "abcxyzAZ0123456789.-_+()[]*?$^|{}\\/ éüжß"
FIND_SEPARATORS = "|;,: "

odd_names = st.text(alphabet=ALPHABET, min_size=1, max_size=8)
numbered_names = st.builds(
    lambda prefix, number, width: f"{prefix}{number:0{width}d}",
    st.sampled_from(["rnd-", "rnd-a", "gpu-", "ws-", "comp-", "pc-0"]),
    st.integers(min_value=0, max_value=1200),
    st.integers(min_value=1, max_value=4),
)
hostnames = st.one_of(numbered_names, odd_names)
siblings = st.builds(
    lambda stem, middles, tail: [stem + middle + tail for middle in middles],
    st.text(alphabet=ALPHABET, max_size=3),
    st.sets(st.sampled_from(ALPHABET), min_size=2, max_size=8),
    st.text(alphabet=ALPHABET, max_size=2),
)  # names differing in one place: these become [...] classes, ranges and escapes
host_sets = st.one_of(
    st.lists(hostnames, min_size=1, max_size=40),
    st.builds(lambda group, extra: group + extra, siblings, st.lists(hostnames, max_size=5)),
)


def near_misses(names: list[str]) -> list[str]:
    """Names one step away from members: the ones a sloppy mask would let through."""
    misses: list[str] = []
    for name in names:
        misses += [name[:-1], name + "0", name + "é", "x" + name, name[1:], name.upper()]
        misses.append(name + name[-1:])
        for index, char in enumerate(name):  # neighbours catch off-by-one class ranges
            for other in (chr(ord(char) - 1), chr(ord(char) + 1), "b"):
                misses.append(name[:index] + other + name[index + 1 :])
    return misses


@st.composite
def farm_and_outsiders(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    members = draw(host_sets)
    outsiders = draw(st.lists(hostnames, max_size=20)) + near_misses(members)
    return members, outsiders


def find_semantics(mask: str, name: str) -> bool:
    """afserver's "find": a name matches if it starts with any non-empty token."""
    tokens = [token for token in re.split("[|;,: ]", mask) if token]
    return not tokens or any(name.startswith(token) for token in tokens)


@settings(max_examples=300, deadline=None)
@given(farm_and_outsiders())
def test_include_mask_matches_exactly_the_members(case: tuple[list[str], list[str]]) -> None:
    members, outsiders = case
    mask = include_mask(members)
    for name in {*members, *outsiders}:
        assert matches(mask, name) == (name in members), (mask, name)


@settings(max_examples=200, deadline=None)
@given(host_sets, st.randoms(use_true_random=False))
def test_include_mask_ignores_order_and_duplicates(members: list[str], rng: Random) -> None:
    shuffled = members * 2
    rng.shuffle(shuffled)
    assert include_mask(shuffled) == include_mask(members)


def group_openings(mask: str) -> list[str]:
    """What follows each unescaped '(' outside classes: "?:" for a non-capturing group."""
    openings: list[str] = []
    index = 0
    while index < len(mask):
        char = mask[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index += 1
            while mask[index] != "]":
                index += 2 if mask[index] == "\\" else 1
        elif char == "(":
            openings.append(mask[index + 1 : index + 3])
        index += 1
    return openings


@settings(max_examples=200, deadline=None)
@given(host_sets)
def test_include_mask_uses_only_non_capturing_groups(members: list[str]) -> None:
    mask = include_mask(members)
    assert set(group_openings(mask)) <= {"?:"}, mask


@settings(max_examples=200, deadline=None)
@given(host_sets, host_sets, st.lists(hostnames, max_size=10))
def test_exclude_mask_matches_exactly_the_other_known_hosts(
    pool: list[str], others: list[str], strangers: list[str]
) -> None:
    farm = pool + others
    mask = exclude_mask(pool, farm)
    outside = set(farm) - set(pool)
    if not outside:
        assert mask == MATCH_NOTHING
    for name in {*farm, *strangers, *near_misses(farm)}:
        assert matches(mask, name) == (name in outside), (mask, name)


find_masks = st.lists(
    st.one_of(odd_names, st.text(alphabet=FIND_SEPARATORS, min_size=1, max_size=3)),
    max_size=6,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(find_masks, st.lists(hostnames, max_size=15))
def test_find_to_regex_agrees_with_prefix_semantics(mask: str, names: list[str]) -> None:
    regex = find_to_regex(mask)
    tokens = [token for token in re.split("[|;,: ]", mask) if token]
    probes = {*names, *tokens, *near_misses(tokens), ""}
    if regex is None:
        assert not tokens
        return
    for name in probes:
        assert matches(regex, name) == find_semantics(mask, name), (mask, regex, name)


@settings(max_examples=200, deadline=None)
@given(farm_and_outsiders(), find_masks)
def test_combine_is_the_intersection(case: tuple[list[str], list[str]], user_mask: str) -> None:
    members, outsiders = case
    user_regex = find_to_regex(user_mask)
    both = combine(user_regex, include_mask(members))
    for name in {*members, *outsiders}:
        user_ok = user_regex is None or matches(user_regex, name)
        assert matches(both, name) == (user_ok and name in members), (both, name)


def find_excludes(mask: str, name: str) -> bool:
    """afserver's "find" exclude mask: an empty one excludes nothing."""
    return bool(find_to_regex(mask)) and find_semantics(mask, name)


@settings(max_examples=200, deadline=None)
@given(farm_and_outsiders(), st.one_of(st.none(), host_sets))
def test_either_is_the_union(case: tuple[list[str], list[str]], first: list[str] | None) -> None:
    second, outsiders = case
    joined = either(include_mask(first) if first else None, include_mask(second))
    for name in {*second, *(first or ()), *outsiders, *near_misses(first or [])}:
        assert matches(joined, name) == (name in second or name in (first or ())), (joined, name)


def test_either_with_a_pool_that_matches_nothing_is_the_other_mask() -> None:
    assert either("rnd-.*", MATCH_NOTHING) == "rnd-.*"
    assert either(None, MATCH_NOTHING) == MATCH_NOTHING


@settings(max_examples=200, deadline=None)
@given(host_sets, host_sets, find_masks)
def test_the_2019_exclude_mask_is_the_other_hosts_and_the_users_own_exclude(
    pool: list[str], others: list[str], user_exclude: str
) -> None:
    farm = pool + others
    mask = exclude_job_mask(exclude_mask(pool, farm), user_exclude or None, "find")
    outside = set(farm) - set(pool)
    for name in {*farm, *near_misses(farm), *find_tokens(user_exclude)}:
        expected = name in outside or find_excludes(user_exclude, name)
        assert matches(mask, name) == expected, (mask, name)


@settings(max_examples=300, deadline=None)
@given(farm_and_outsiders(), find_masks, find_masks, st.randoms(use_true_random=False))
def test_admits_any_says_whether_one_candidate_is_left(
    case: tuple[list[str], list[str]], user_mask: str, user_exclude: str, rng: Random
) -> None:
    members, outsiders = case
    everyone = sorted({*members, *outsiders})
    candidates = rng.sample(everyone, rng.randint(0, len(everyone)))
    masks = pool_job_masks(members, user_mask or None, user_exclude or None, "find")
    left = [
        name
        for name in candidates
        if name in members
        and find_semantics(user_mask, name)
        and not find_excludes(user_exclude, name)
    ]
    assert admits_any(masks, candidates) == bool(left), (masks, candidates)
