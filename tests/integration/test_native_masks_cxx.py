"""The masks native pool actions send, checked with libstdc++'s std::regex (afserver's)."""

from __future__ import annotations

import pytest

from pools.masks import include_mask
from tests.support.cxx_regex import CxxRegex

pytestmark = pytest.mark.cxx

PATHS = ["/", "/cpu", "/cpu/big", "/cpu/bigger", "/cpux", "/gpu", "/gpu_2", "cpu", "/cpu/"]
RENDERS = ["node[2]", "node2", "node.x", "nodeax", "a+b", "aab", "rnd-a01", "rnd-a011", "büro-1"]


@pytest.mark.parametrize("path", ["/", "/cpu", "/cpu/big", "/gpu_2"])
def test_a_pool_s_mask_selects_that_pool_alone(path: str) -> None:
    hits = CxxRegex().match_many(include_mask([path]), PATHS)
    assert [name for name, hit in zip(PATHS, hits, strict=True) if hit] == [path]


def test_a_move_s_mask_selects_exactly_the_renders_named() -> None:
    named = ["node[2]", "node.x", "a+b", "rnd-a01", "büro-1"]
    hits = CxxRegex().match_many(include_mask(named), RENDERS)
    assert [name for name, hit in zip(RENDERS, hits, strict=True) if hit] == sorted(
        named, key=RENDERS.index
    )
