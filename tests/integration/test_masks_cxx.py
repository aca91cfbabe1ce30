"""The masks checked with libstdc++'s std::regex, the engine afserver matches them with."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pools.masks import (
    MATCH_NOTHING,
    MaskError,
    admits_any,
    combine,
    escape,
    exclude_job_mask,
    exclude_mask,
    find_to_regex,
    find_tokens,
    include_mask,
    matches,
    pool_job_masks,
    validate_regex,
)
from tests.support.cxx_regex import CompileError, CxxRegex
from tests.unit.pools.test_masks_properties import (
    find_excludes,
    find_masks,
    find_semantics,
    host_sets,
    hostnames,
    near_misses,
)

pytestmark = pytest.mark.cxx

METACHARACTERS = "\\^$.|?*+()[]{}/"


@pytest.fixture(scope="module")
def cxx() -> Iterator[CxxRegex]:
    yield CxxRegex()


def cxx_matching(cxx: CxxRegex, mask: str, names: list[str]) -> list[str]:
    return [name for name, hit in zip(names, cxx.match_many(mask, names), strict=True) if hit]


def studio_farm(size: int) -> list[str]:
    """Render names as studios name them: numbered racks, GPUs, workstations, odd ones."""
    rng = random.Random(size)
    farm = [f"rnd-{n:04d}" for n in range(1, size * 6 // 10 + 1)]
    farm += [f"gpu-{n:03d}" for n in range(1, size // 10 + 1)]
    farm += [f"comp-{n:02d}" for n in range(1, size // 10 + 1)]
    farm += [f"ws-{rng.choice(['anna', 'bob', 'zoë'])}{n}" for n in range(size // 10 - 6)]
    farm += ["render(1)", "node[2]", "gpu+fast", "tmp.host", "x*y", "büro-1"]
    return farm


# ---------------------------------------------------------------------- random (hypothesis)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(host_sets, st.lists(hostnames, max_size=10)), min_size=5, max_size=5))
def test_include_and_exclude_masks_are_exact_under_std_regex(
    cxx: CxxRegex, cases: list[tuple[list[str], list[str]]]
) -> None:
    batches: list[tuple[str, list[str]]] = []
    expected: list[list[bool]] = []
    for index, (members, strangers) in enumerate(cases):
        others = cases[index - 1][0]
        probes = sorted({*members, *others, *strangers, *near_misses(members), ""})
        batches.append((include_mask(members), probes))
        expected.append([name in members for name in probes])
        outside = set(others) - set(members)
        batches.append((exclude_mask(members, [*members, *others]), probes))
        expected.append([name in outside for name in probes])
    assert cxx.match_batches(batches) == expected


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(find_masks, host_sets), min_size=5, max_size=5))
def test_find_conversion_and_combine_are_exact_under_std_regex(
    cxx: CxxRegex, cases: list[tuple[str, list[str]]]
) -> None:
    batches: list[tuple[str, list[str]]] = []
    expected: list[list[bool]] = []
    for find_mask, members in cases:
        tokens = find_tokens(find_mask)
        probes = sorted({*members, *near_misses(members), *tokens, ""})
        user_regex = find_to_regex(find_mask)
        if user_regex is not None:
            batches.append((user_regex, probes))
            expected.append([find_semantics(find_mask, name) for name in probes])
        batches.append((combine(user_regex, include_mask(members)), probes))
        expected.append([find_semantics(find_mask, name) and name in members for name in probes])
    assert cxx.match_batches(batches) == expected


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(host_sets, host_sets, find_masks, find_masks), min_size=5, max_size=5))
def test_the_2019_exclude_mask_and_admits_any_agree_with_std_regex(
    cxx: CxxRegex, cases: list[tuple[list[str], list[str], str, str]]
) -> None:
    batches: list[tuple[str, list[str]]] = []
    expected: list[list[bool]] = []
    for pool, others, user_mask, user_exclude in cases:
        farm = pool + others
        probes = sorted({*farm, *near_misses(pool), *find_tokens(user_exclude), ""})
        outside = set(farm) - set(pool)
        mask = exclude_job_mask(exclude_mask(pool, farm), user_exclude or None, "find")
        batches.append((mask, probes))
        expected.append([n in outside or find_excludes(user_exclude, n) for n in probes])
        masks = pool_job_masks(pool, user_mask or None, user_exclude or None, "find")
        batches.append((masks.hosts_mask, farm))
        batches.append((masks.hosts_mask_exclude or MATCH_NOTHING, farm))
    results = cxx.match_batches(batches)
    assert results[::3] == expected
    for index, (pool, others, user_mask, user_exclude) in enumerate(cases):
        farm = pool + others
        included, excluded = results[3 * index + 1], results[3 * index + 2]
        runs_on = [n for n, yes, no in zip(farm, included, excluded, strict=True) if yes and not no]
        masks = pool_job_masks(pool, user_mask or None, user_exclude or None, "find")
        assert admits_any(masks, farm) == bool(runs_on), (masks, runs_on)


# ----------------------------------------------------------------------------- fixed cases


@pytest.mark.parametrize("char", list(METACHARACTERS))
def test_each_escaped_metacharacter_is_a_literal_for_std_regex(cxx: CxxRegex, char: str) -> None:
    name = f"h{char}1"
    names = [name, "hx1", "h1", f"h{char}{char}1", "hh1"]
    assert cxx_matching(cxx, escape(name), names) == [name]


def test_pool_of_names_made_of_metacharacters(cxx: CxxRegex) -> None:
    pool = [f"h{char}1" for char in METACHARACTERS] + ["(?!)", ".*", "a|b", "[x]", "{2}"]
    probes = [*pool, "hx1", "h1", "a", "b", "x", "", ".", "h\\\\1", "hh1"]
    assert sorted(cxx_matching(cxx, include_mask(pool), probes)) == sorted(pool)


@pytest.mark.parametrize(
    "pool", [["x^", "xa"], ["x^", "x_"], ["x]", "x\\", "x^"], ["x[", "x:"], ["x-", "x.", "x,"]]
)
def test_class_special_characters_are_literal_for_std_regex(cxx: CxxRegex, pool: list[str]) -> None:
    probes = [*pool, "xb", "x", "x[:", "x\\^", "x/", "x+"]
    assert sorted(cxx_matching(cxx, include_mask(pool), probes)) == sorted(pool)


def test_match_nothing_compiles_and_matches_no_name_not_even_empty(cxx: CxxRegex) -> None:
    assert cxx.compiles(MATCH_NOTHING)
    assert cxx_matching(cxx, MATCH_NOTHING, ["", "a", "(?!)", "rnd-0001"]) == []


def test_std_regex_supports_the_lookahead_used_by_combine(cxx: CxxRegex) -> None:
    mask = combine("gpu.*|ws-anna", include_mask(["gpu-01", "gpu-02", "rnd-01", "ws-anna"]))
    names = ["gpu-01", "gpu-02", "rnd-01", "ws-anna", "ws-anna2", "gpu-03"]
    assert cxx_matching(cxx, mask, names) == ["gpu-01", "gpu-02", "ws-anna"]


def test_lookahead_pins_the_user_mask_to_the_whole_name(cxx: CxxRegex) -> None:
    mask = combine("gpu-0", include_mask(["gpu-0", "gpu-01"]))
    assert cxx_matching(cxx, mask, ["gpu-0", "gpu-01"]) == ["gpu-0"]


def test_find_mask_converted_to_regex_keeps_prefix_semantics(cxx: CxxRegex) -> None:
    regex = find_to_regex("pc-01 | gpu;ws-anna,x.y:")
    assert regex is not None
    names = ["pc-01", "pc-010", "pc-02", "gpu", "gpu-9", "ws-anna1", "ws-ann", "x.y", "xzy"]
    expected = ["pc-01", "pc-010", "gpu", "gpu-9", "ws-anna1", "x.y"]
    assert cxx_matching(cxx, regex, names) == expected


def test_digit_class_means_ascii_digits_only(cxx: CxxRegex) -> None:
    mask = include_mask([f"n{d}" for d in range(10)])
    assert mask == "n\\d"
    assert cxx_matching(cxx, mask, ["n0", "n9", "na", "n٣", "n"]) == ["n0", "n9"]


def test_non_ascii_names_are_matched_byte_exactly(cxx: CxxRegex) -> None:
    pool = ["büro-1", "bürö-1", "ab", "abé", "ws-zoë", "ws-zoe", "ééé"]
    probes = [*pool, "ab\xc3", "abè", "bu\u0308ro-1", "büro-2", "éé", "ws-zo"]
    assert sorted(cxx_matching(cxx, include_mask(pool), probes)) == sorted(pool)


def test_deepest_nesting_a_hostname_allows_is_exact_in_std_regex(cxx: CxxRegex) -> None:
    pool = ["a" * length for length in range(1, 254)] + ["b" * 253]
    probes = [*pool, "", "a" * 254, "b" * 252, "ab"]
    assert cxx_matching(cxx, include_mask(pool), probes) == pool


def test_studio_farm_of_1000_with_a_20_percent_pool(cxx: CxxRegex) -> None:
    farm = studio_farm(1000)
    pool = sorted(random.Random(20).sample(farm, len(farm) // 5))
    include = include_mask(pool)
    exclude = exclude_mask(pool, farm)
    assert len(include) < len("|".join(map(escape, pool))) // 2
    assert cxx_matching(cxx, include, farm) == [name for name in farm if name in pool]
    assert cxx_matching(cxx, exclude, farm) == [name for name in farm if name not in pool]


def test_pool_job_masks_select_pool_hosts_minus_user_exclude(cxx: CxxRegex) -> None:
    farm = studio_farm(1000)
    pool = farm[:300]
    masks = pool_job_masks(pool, "rnd-00", "rnd-001 rnd-002", "find")
    included = cxx.match_many(masks.hosts_mask, farm)
    excluded = cxx.match_many(masks.hosts_mask_exclude, farm)
    allowed = [
        name for name, yes, no in zip(farm, included, excluded, strict=True) if yes and not no
    ]
    assert allowed == [f"rnd-{n:04d}" for n in [*range(1, 10), *range(30, 100)]]


@pytest.mark.parametrize(
    "mask", ["gpu{", "gpu{,3}", "(?i)gpu", "(?P<n>gpu)", "(?<=a)gpu", "(?#c)gpu", "(?>gpu)"]
)
def test_masks_validate_regex_refuses_do_not_compile_in_std_regex(cxx: CxxRegex, mask: str) -> None:
    with pytest.raises(MaskError):
        validate_regex(mask)
    with pytest.raises(CompileError):
        cxx.match_many(mask, ["gpu"])


@pytest.mark.parametrize(
    ("mask", "name"), [("\\Agpu", "Agpu"), ("gpu*+u", "gpuu"), ("[]gpu]", "g")]
)
def test_masks_validate_regex_refuses_mean_something_else_in_std_regex(
    cxx: CxxRegex, mask: str, name: str
) -> None:
    with pytest.raises(MaskError):
        validate_regex(mask)
    assert cxx.match_many(mask, [name]) != [matches(mask, name)]


def test_naive_join_overflows_a_small_stack_where_the_compact_mask_does_not(
    cxx: CxxRegex,
) -> None:
    pool = [f"rnd-{n:05d}" for n in range(4000)]
    probes = [pool[0], pool[-1], "rnd-99999"]
    assert not cxx.survives("|".join(pool), probes, stack_kb=256)
    assert cxx.survives(include_mask(pool), probes, stack_kb=16)


def test_naive_join_of_a_big_farm_exceeds_std_regex_state_limit_but_the_mask_fits(
    cxx: CxxRegex,
) -> None:
    hosts = [f"rnd-{n:05d}" for n in range(12_000)]
    error = cxx.compile_error("|".join(hosts))
    assert error is not None
    assert error.code == "error_space"
    assert cxx.match_many(include_mask(hosts), [hosts[0], hosts[-1], "rnd-12000"]) == [
        True,
        True,
        False,
    ]
