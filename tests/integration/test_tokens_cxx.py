"""The masks the agent writes for pool tokens, checked with libstdc++'s std::regex."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pools.job_masks import read_job
from pools.jobs import BOUND, PoolIndex, decide
from pools.masks import MATCH_NOTHING, find_tokens
from pools.model import Pool
from pools.tokens import NEUTRAL_MASK, regex_reading_within_find
from tests.support.cxx_regex import CxxRegex
from tests.unit.pools.test_masks_properties import (
    find_masks,
    find_semantics,
    hostnames,
    near_misses,
)
from tests.unit.pools.test_tokens_properties import Case, cases, written_masks

pytestmark = pytest.mark.cxx


@pytest.fixture(scope="module")
def cxx() -> Iterator[CxxRegex]:
    yield CxxRegex()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cases(), min_size=5, max_size=5))
def test_token_masks_admit_pools_and_plain_prefixes_minus_exclusions_under_std_regex(
    cxx: CxxRegex, batch: list[Case]
) -> None:
    checks: list[tuple[str, list[str]]] = []
    for case in batch:
        include, exclude = written_masks(case)
        probes = case.probes()
        checks.append((include or ".*", probes))
        checks.append((exclude or MATCH_NOTHING, probes))
    results = cxx.match_batches(checks)
    for index, case in enumerate(batch):
        included, excluded = results[2 * index], results[2 * index + 1]
        for name, yes, no in zip(case.probes(), included, excluded, strict=True):
            assert (yes and not no) == case.expected(name), (case, name)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(find_masks, st.lists(hostnames, max_size=10)), min_size=5, max_size=5))
def test_a_find_mask_read_as_a_regex_admits_no_more_under_std_regex(
    cxx: CxxRegex, batch: list[tuple[str, list[str]]]
) -> None:
    checks = []
    for mask, names in batch:
        if regex_reading_within_find(mask):
            tokens = find_tokens(mask)
            checks.append((mask, sorted({*names, *tokens, *near_misses(tokens)} - {""})))
    for (mask, probes), hits in zip(checks, cxx.match_batches(checks), strict=True):
        for name, hit in zip(probes, hits, strict=True):
            assert not hit or find_semantics(mask, name), (mask, name)


def test_a_job_bound_to_a_deleted_or_empty_pool_admits_no_hostname(cxx: CxxRegex) -> None:
    farm = ["rnd-a01", "gpu-01", "(?!)", "@lighting", "lighting", ".*", "a"]
    index = PoolIndex([("id-empty", Pool("empty"))])
    for mask in ("@empty", "@empty|@empty"):
        job = read_job({"id": 3, "serial": 1, "hosts_mask": mask, "hosts_mask_type": "find"})
        decision = decide(job, None, index, 0.0)
        assert decision.status == BOUND
        assert decision.target is not None
        include = decision.target.get((-1, "hosts_mask"))
        assert include == MATCH_NOTHING
        assert cxx.match_many(include, farm) == [False] * len(farm)


def test_a_job_whose_pool_was_deleted_after_it_was_bound_admits_no_hostname(
    cxx: CxxRegex,
) -> None:
    farm = ["rnd-a01", "rnd-a02", "gpu-01", "@lighting"]
    job = read_job({"id": 3, "serial": 1, "hosts_mask": "@lighting", "hosts_mask_type": "find"})
    bound = decide(job, None, PoolIndex([("id-l", Pool("lighting", ("rnd-a01",)))]), 0.0)
    assert bound.target is not None
    written = read_job(
        {
            "id": 3,
            "serial": 1,
            "hosts_mask": bound.target.get((-1, "hosts_mask")),
            "hosts_mask_type": "regex",
        }
    )

    after = decide(written, bound.binding, PoolIndex([]), 1.0)

    assert after.status == BOUND
    assert after.runs_nowhere == ("lighting",)
    assert after.target is not None
    include = after.target.get((-1, "hosts_mask"))
    assert cxx.match_many(include, farm) == [False] * len(farm)


def test_the_transitional_block_mask_admits_nothing_as_a_regex(cxx: CxxRegex) -> None:
    assert cxx.match_many(NEUTRAL_MASK, ["", "rnd-a01", "(?!)", "x"]) == [False] * 4
