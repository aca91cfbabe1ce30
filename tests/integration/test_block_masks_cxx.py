"""Block masks written without a backslash admit exactly what the generated regex admits,
checked with libstdc++'s std::regex (the engine inside afserver)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pools.block_masks import block_safe
from pools.masks import MaskError, find_to_regex, include_mask
from tests.support.cxx_regex import CxxRegex
from tests.unit.pools.test_masks_properties import find_masks, host_sets, near_misses

pytestmark = pytest.mark.cxx


@pytest.fixture(scope="module")
def cxx() -> Iterator[CxxRegex]:
    yield CxxRegex()


generated = st.one_of(
    host_sets.map(lambda hosts: (include_mask(hosts), hosts)),
    find_masks.map(lambda mask: (find_to_regex(mask) or ".*", mask.split())),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(generated, min_size=5, max_size=5))
def test_a_block_mask_without_backslashes_admits_exactly_the_same_names_under_std_regex(
    cxx: CxxRegex, batch: list[tuple[str, list[str]]]
) -> None:
    checks: list[tuple[str, list[str]]] = []
    for regex, names in batch:
        try:
            safe = block_safe(regex)
        except MaskError:
            assert any(char in regex for char in '\\]"')  # only those cannot be written
            continue
        assert "\\" not in safe and '"' not in safe
        probes = sorted({*names, *near_misses(names), "", "x"} - {""}) or ["x"]
        checks += [(regex, probes), (safe, probes)]
    results = cxx.match_batches(checks)
    for index in range(0, len(checks), 2):
        assert results[index] == results[index + 1], (checks[index][0], checks[index + 1][0])
