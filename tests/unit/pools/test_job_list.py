"""afserver's job list decided once for every face, and what the faces say about it."""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pools.job_list import (
    DecisionCache,
    bound_to,
    deletion_notice,
    job_sentence,
    keyed_changes,
    status_text,
    unattended,
    unwritten,
    waiting,
)
from pools.jobs import BOUND, WAITING, PoolIndex, decide
from pools.model import Pool

LIGHTING = ("rnd-a01", "rnd-a02")


def index(**pools: tuple[str, ...]) -> PoolIndex:
    return PoolIndex((f"id-{name}", Pool(name, hosts, revision=1)) for name, hosts in pools.items())


def listed_job(job_id: int, mask: str, **more: Any) -> dict[str, Any]:
    """A job as afserver's list mode gives it (``AfserverClient.job_masks``)."""
    obj: dict[str, Any] = {
        "id": job_id,
        "serial": job_id + 100,
        "name": f"job{job_id}",
        "user_name": "anna",
        "st": 1,
        "hosts_mask_type": "find",
        "blocks": [{"block_num": 0}],
    }
    if mask:
        obj["hosts_mask"] = mask
    obj.update(more)
    return obj


def test_a_job_as_at_the_last_read_keeps_its_decision_and_a_changed_one_is_decided_again() -> None:
    cache, pools = DecisionCache(), index(lighting=LIGHTING)
    jobs = [listed_job(1, "@lighting"), listed_job(2, "@nope")]
    first = cache.decide_all(jobs, {}, pools, 0.0).decisions

    jobs[1] = listed_job(2, "@lighting")
    second = cache.decide_all(jobs, {}, pools, 0.0).decisions

    assert second[0] is first[0]
    assert (first[1].status, second[1].status) == (WAITING, BOUND)


def test_a_job_whose_binding_changed_is_decided_again() -> None:
    cache, pools = DecisionCache(), index(lighting=LIGHTING)
    jobs = [listed_job(1, "@lighting")]
    first = cache.decide_all(jobs, {}, pools, 0.0).decisions[0]
    assert first.binding is not None

    again = cache.decide_all(jobs, {first.job.key: first.binding}, pools, 0.0).decisions[0]

    assert again is not first
    assert again == decide(first.job, first.binding, pools, 0.0)


def test_a_job_that_cannot_be_read_is_one_problem_and_the_others_are_decided() -> None:
    cache = DecisionCache()
    odd = listed_job(1, "@lighting")
    del odd["hosts_mask_type"]

    found = cache.decide_all([odd, listed_job(2, "@lighting")], {}, index(lighting=LIGHTING), 0.0)

    assert [d.job.id for d in found.decisions] == [2]
    ((key, sentence),) = found.problems
    assert key == "1:101"
    assert "without a hosts_mask_type" in sentence
    assert found.seen == {"2:102"}


def test_lists_and_their_words() -> None:
    pools = index(lighting=LIGHTING, empty=())
    found = DecisionCache().decide_all(
        [
            listed_job(1, "@lighting"),
            listed_job(2, "@nope @gone"),
            listed_job(3, "@empty"),
            listed_job(4, "rnd-a"),
        ],
        {},
        pools,
        0.0,
    )
    bound, waits, empty, plain = found.decisions

    assert [d.job.id for d in waiting(found.decisions)] == [2]
    assert [d.job.id for d in unwritten(found.decisions)] == [1, 3]
    assert bound_to(found.decisions, "lighting") == [bound]
    assert [status_text(d) for d in (bound, waits, empty)] == [
        "bound, masks pending",
        "waiting: @nope, @gone",
        "bound, gets no host",
    ]
    held = dataclasses.replace(bound, job=dataclasses.replace(bound.job, masks=bound.target))
    assert status_text(held) == "bound"
    assert job_sentence(held) == ""
    assert (
        job_sentence(waits) == "Job 2 (job2) waits: @nope, @gone name no pool. It is left as it is."
    )
    assert job_sentence(empty) == (
        "Job 3 (job3) gets no host from pool 'empty': deleted, or without hosts."
    )
    assert plain.status == "untouched"


def test_jobs_with_tokens_are_unattended_only_while_no_agent_holds_the_lease() -> None:
    found = DecisionCache().decide_all(
        [listed_job(1, "@lighting"), listed_job(2, "@lighting")], {}, index(lighting=LIGHTING), 0
    )

    assert unattended(found.decisions, lease_held=True) == ""
    assert unattended(found.decisions, lease_held=False) == (
        "2 jobs hold pool tokens that no agent makes exact: no agent holds the lease; "
        "run 'main.py agent' or 'main.py serve' without --no-agent."
    )
    assert unattended([], lease_held=False) == ""


def test_the_deletion_notice_names_the_jobs_and_may_stop_after_a_few() -> None:
    jobs = [(12, "shot"), (13, ""), (14, "comp")]

    assert deletion_notice("lighting", []) == ""
    assert deletion_notice("lighting", jobs[:1]) == (
        "1 job bound to pool 'lighting' gets none of its hosts from now on (the agent "
        "rewrites them): 12 (shot)."
    )
    assert deletion_notice("lighting", jobs, shown=2).endswith(": 12 (shot), 13, and 1 more.")


def test_keyed_changes_remove_then_insert_in_runs() -> None:
    old = ["1", "2", "3", "5", "6", "9"]
    new = ["0", "1", "3", "4", "6", "7", "8"]

    removed, inserted = keyed_changes(old, new)

    assert removed == [(1, 1), (3, 3), (5, 5)]
    assert inserted == [(0, 0), (3, 3), (5, 6)]
    rows = list(old)
    for first, last in reversed(removed):
        del rows[first : last + 1]
    for first, last in inserted:
        rows[first:first] = new[first : last + 1]
    assert rows == new


@given(st.sets(st.integers(0, 40)), st.sets(st.integers(0, 40)))
def test_applying_the_keyed_changes_to_any_list_gives_the_new_one(
    before: set[int], after: set[int]
) -> None:
    old, new = [str(k) for k in sorted(before)], [str(k) for k in sorted(after)]
    removed, inserted = keyed_changes(old, new)
    rows = list(old)
    for first, last in reversed(removed):
        del rows[first : last + 1]
    for first, last in inserted:
        rows[first:first] = new[first : last + 1]

    assert rows == new
