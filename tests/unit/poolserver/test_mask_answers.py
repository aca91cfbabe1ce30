"""Mask answers: the exact masks of pools.masks, checked questions, bounded memory."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pools.errors import PoolNotFoundError
from pools.masks import MaskError, matches, pool_job_masks
from pools.model import Pool
from poolserver.mask_answers import MaskBook, MaskQuery, either, parse_query
from poolserver.snapshot import AFSERVER_OK, Snapshot, StoreData

POOLS = (Pool("lighting", ("rnd-a01", "rnd-a02", "rnd-a03")), Pool("gpu", ("gpu-01",)))


def book(limit: int = 2048) -> MaskBook:
    return MaskBook(Snapshot(StoreData(7, POOLS, ()), [], AFSERVER_OK), limit=limit)


def answer(query: MaskQuery, masks: MaskBook | None = None) -> dict[str, object]:
    found: dict[str, object] = json.loads((masks or book()).answer(query).body)
    return found


def test_include_is_pool_job_masks() -> None:
    got = answer(MaskQuery("lighting", user_mask="rnd-a0[12]", user_type="regex"))
    expected = pool_job_masks(("rnd-a01", "rnd-a02", "rnd-a03"), "rnd-a0[12]", None, "regex")
    assert got["mask"] == expected.hosts_mask
    assert got["revision"] == 7


def test_an_unknown_pool_is_not_found() -> None:
    with pytest.raises(PoolNotFoundError, match="no pool named 'nope'"):
        book().answer(MaskQuery("nope"))


names = st.text(alphabet="ab-1.", min_size=1, max_size=6)


@given(first=st.sets(names, max_size=5), second=st.sets(names, max_size=5), probe=names)
def test_either_matches_what_one_of_the_two_matches(
    first: set[str], second: set[str], probe: str
) -> None:
    from pools.masks import include_mask

    joined = either(include_mask(first) if first else None, include_mask(second))
    assert matches(joined, probe) == (probe in first or probe in second)


def test_answers_are_kept_but_only_so_many() -> None:
    masks = book(limit=2)
    first = masks.answer(MaskQuery("lighting"))
    assert masks.answer(MaskQuery("lighting")) is first
    masks.answer(MaskQuery("gpu"))
    masks.answer(MaskQuery("lighting", user_mask="rnd"))
    assert masks.answer(MaskQuery("lighting")) is not first


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "both"},
        {"user_mask_type": "glob"},
        {"colour": "red"},
        {"user_mask": "x" * 3000},
        {"kind": "exclude", "user_exclude": "rnd"},
    ],
)
def test_questions_are_checked(query: dict[str, str]) -> None:
    with pytest.raises(MaskError) as caught:
        parse_query("lighting", query, set())
    assert str(caught.value).endswith(".")


def test_a_repeated_parameter_is_refused() -> None:
    with pytest.raises(MaskError, match="more than once"):
        parse_query("lighting", {"kind": "include"}, {"kind"})
