"""Mask answers: the exact masks of pools.masks, checked questions, bounded memory."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pools import masks as pools_masks
from pools.errors import PoolNotFoundError
from pools.masks import MaskError, exclude_job_mask, exclude_mask, matches, pool_job_masks
from pools.model import Pool
from pools.schedules import Schedule, window
from poolserver.mask_answers import MaskBook, MaskQuery, parse_query
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


def test_exclude_is_every_other_known_host_and_the_jobs_own_exclude() -> None:
    got = answer(MaskQuery("lighting", kind="exclude", user_mask="ws-", user_type="find"))
    outside = exclude_mask(POOLS[0].hostnames, ["rnd-a01", "rnd-a02", "rnd-a03", "gpu-01"])
    assert got["mask"] == exclude_job_mask(outside, "ws-", "find")
    assert [n for n in ("rnd-a01", "gpu-01", "ws-anna") if matches(str(got["mask"]), n)] == [
        "gpu-01",
        "ws-anna",
    ]


def test_an_unknown_pool_is_not_found() -> None:
    with pytest.raises(PoolNotFoundError, match="no pool named 'nope'"):
        book().answer(MaskQuery("nope"))


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


hostnames = st.text(alphabet="abr-01.", min_size=1, max_size=6)
user_masks = st.one_of(
    st.just(""),
    st.sampled_from(["rnd", "r,a", "b-0 a", "(?:a|b).*", "r[a-]+", "x"]),
)


@given(
    hosts=st.sets(hostnames, max_size=8),
    user_mask=user_masks,
    user_exclude=user_masks,
    user_type=st.sampled_from(["find", "regex"]),
)
def test_include_answers_are_exactly_pool_job_masks(
    hosts: set[str], user_mask: str, user_exclude: str, user_type: str
) -> None:
    pool = Pool("p", tuple(sorted(hosts)))
    masks = MaskBook(Snapshot(StoreData(1, (pool,), ()), [], AFSERVER_OK))
    try:
        expected = pool_job_masks(
            pool.hostnames, user_mask or None, user_exclude or None, user_type
        )
    except MaskError as error:
        with pytest.raises(MaskError, match=re.escape(str(error))):
            masks.answer(MaskQuery("p", "include", user_mask, user_type, user_exclude))
        return
    got = answer(MaskQuery("p", "include", user_mask, user_type, user_exclude), masks)
    assert got["mask"] == expected.hosts_mask
    assert got["hosts_mask_exclude"] == expected.hosts_mask_exclude


def test_a_new_question_does_not_rebuild_the_pools_regex(monkeypatch: pytest.MonkeyPatch) -> None:
    """The snapshot holds each pool's regex: 5,000 hosts cost ~11 ms to factor again."""
    big = Pool("farm", tuple(f"rnd-{i:04d}" for i in range(5000)))
    masks = MaskBook(Snapshot(StoreData(1, (big,), ()), [], AFSERVER_OK))
    factored: list[int] = []
    real = pools_masks.words_regex

    def counting(names: Iterable[str]) -> Any:
        names = list(names)
        factored.append(len(names))
        return real(names)

    monkeypatch.setattr(pools_masks, "words_regex", counting)
    for user_mask in ("rnd-00", "rnd-01", "rnd-49"):
        mask = str(answer(MaskQuery("farm", user_mask=user_mask), masks)["mask"])
        assert matches(mask, f"{user_mask}42")
        assert not matches(mask, "rnd-4242" if user_mask != "rnd-49" else "rnd-0042")
    assert max(factored) < len(big.hostnames)  # only the user's own masks were factored


def test_a_scheduled_member_out_of_its_window_is_in_no_mask_the_service_gives() -> None:
    """Plugins build their jobs' masks from the service: the same members as the agent's."""
    night = Pool(
        "night",
        ("rnd-a01", "ws-anna"),
        schedules=(Schedule("ws-anna", window("20:00", "07:00", "mon-fri")),),
        schedule_out=("ws-anna",),
    )
    masks = MaskBook(Snapshot(StoreData(7, (night,), ()), [], AFSERVER_OK))

    include = answer(MaskQuery("night"), masks)
    exclude = answer(MaskQuery("night", kind="exclude"), masks)
    (legacy,) = json.loads(Snapshot(StoreData(7, (night,), ()), [], AFSERVER_OK).legacy_body)

    assert include["hosts"] == 1
    assert matches(str(include["mask"]), "rnd-a01")
    assert not matches(str(include["mask"]), "ws-anna")
    assert matches(str(exclude["mask"]), "ws-anna")
    assert [c["hostname"] for c in legacy["clients"]] == ["rnd-a01"]
