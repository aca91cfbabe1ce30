"""What the agent decides for one job: bind, rewrite, release, wait, refuse, leave alone."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from pools.job_masks import EXCLUDE, INCLUDE, JOB_LEVEL, JobView, Masks, read_job
from pools.jobs import (
    BOUND,
    FINISHED,
    REFUSED,
    RELEASED,
    UNTOUCHED,
    WAITING,
    Binding,
    Decision,
    PoolIndex,
    decide,
)
from pools.masks import MATCH_NOTHING, matches
from pools.model import Pool
from pools.tokens import NEUTRAL_MASK
from tests.support.afserver_fixtures import recorded_response

FARM = ["rnd-a01", "rnd-a02", "rnd-a03", "rnd-b01", "gpu-01", "gpu-02", "ws-anna"]
JOB_INCLUDE, JOB_EXCLUDE = (JOB_LEVEL, INCLUDE), (JOB_LEVEL, EXCLUDE)


def index(**pools: tuple[str, ...]) -> PoolIndex:
    """Pools by name; each ``_id`` is "id-" and the name it was created with."""
    return PoolIndex((f"id-{name}", Pool(name, hosts, revision=1)) for name, hosts in pools.items())


LIGHTING = ("rnd-a01", "rnd-a02")
GPU = ("gpu-01",)


def job(mask: str = "", exclude: str = "", kind: str = "find", **more: Any) -> JobView:
    obj: dict[str, Any] = {"id": 7, "serial": 3, "name": "shot", "user_name": "anna"}
    obj["hosts_mask_type"] = kind
    if mask:
        obj["hosts_mask"] = mask
    if exclude:
        obj["hosts_mask_exclude"] = exclude
    obj["blocks"] = more.pop("blocks", [{"block_num": 0}])
    obj.update(more)
    return read_job(obj)


def runs_on(masks: Masks, block: int = JOB_LEVEL) -> list[str]:
    include, exclude = masks.get((block, INCLUDE)), masks.get((block, EXCLUDE))
    return [
        name
        for name in FARM
        if (not include or matches(include, name)) and not (exclude and matches(exclude, name))
    ]


def written(view: JobView, decision: Decision) -> JobView:
    """The job as afserver holds it once the decision's masks landed."""
    assert decision.target is not None
    return dataclasses.replace(view, masks=decision.target)


def bind(view: JobView, pools: PoolIndex) -> tuple[JobView, Binding]:
    decision = decide(view, None, pools, 100.0)
    assert decision.binding is not None
    return written(view, decision), decision.binding


def test_a_job_without_tokens_is_not_the_agents_business() -> None:
    decision = decide(job("rnd-a"), None, index(lighting=LIGHTING), 0.0)

    assert decision.status == UNTOUCHED
    assert decision.binding is None
    assert not decision.writes


def test_the_recorded_token_job_runs_on_its_pool_and_its_prefix_minus_the_excluded_pool() -> None:
    tokjob = read_job(recorded_response("15")["jobs"][0])  # "@lighting rnd-a", exclude "@gpu"
    pools = index(lighting=("rnd-a01", "rnd-b01"), gpu=GPU)

    decision = decide(tokjob, None, pools, 0.0)

    assert decision.status == BOUND
    assert decision.target is not None
    assert decision.target.kind == "regex"
    assert runs_on(decision.target) == ["rnd-a01", "rnd-a02", "rnd-a03", "rnd-b01"]
    assert decision.pools == ("lighting", "gpu")
    binding = decision.binding
    assert binding is not None
    assert binding.tokens == ("lighting", "gpu")
    assert [(r.name, r.id, r.revision) for r in binding.pools] == [
        ("lighting", "id-lighting", 1),
        ("gpu", "id-gpu", 1),
    ]
    assert binding.before == tokjob.masks
    assert binding.written == decision.target


def test_the_recorded_block_job_gets_its_blocks_converted_and_resolved() -> None:
    blockjob = read_job(recorded_response("15")["jobs"][1])  # blocks "@lighting" and "rnd-b"

    decision = decide(blockjob, None, index(lighting=LIGHTING), 0.0)

    assert decision.target is not None
    assert runs_on(decision.target, 0) == ["rnd-a01", "rnd-a02"]
    assert runs_on(decision.target, 1) == ["rnd-b01"]  # still a prefix, now as a regex
    assert decision.target.get(JOB_INCLUDE) == ""


def test_a_job_that_holds_its_masks_needs_no_write_and_keeps_its_binding() -> None:
    pools = index(lighting=LIGHTING)
    held, binding = bind(job("@lighting"), pools)

    again = decide(held, binding, pools, 200.0)

    assert again.status == BOUND
    assert not again.writes
    assert again.binding is binding


def test_a_new_revision_of_a_pool_rewrites_the_job_from_the_artists_own_mask() -> None:
    held, binding = bind(job("@lighting rnd-b"), index(lighting=LIGHTING))
    changed = PoolIndex([("id-lighting", Pool("lighting", ("rnd-a03",), revision=2))])

    again = decide(held, binding, changed, 200.0)

    assert again.writes
    assert again.target is not None
    assert runs_on(again.target) == ["rnd-a03", "rnd-b01"]
    assert again.binding is not None
    assert again.binding.pools[0].revision == 2
    assert again.binding.user == binding.user  # the artist's "@lighting rnd-b", not our regex


def test_a_renamed_pool_keeps_its_jobs() -> None:
    held, binding = bind(job("@lighting"), index(lighting=LIGHTING))
    renamed = PoolIndex([("id-lighting", Pool("lights", ("rnd-a03",), revision=2))])

    again = decide(held, binding, renamed, 200.0)

    assert again.status == BOUND
    assert again.pools == ("lights",)
    assert again.target is not None
    assert runs_on(again.target) == ["rnd-a03"]


def test_a_deleted_pool_gives_its_jobs_a_mask_that_matches_nothing_and_says_so() -> None:
    held, binding = bind(job("@lighting"), index(lighting=LIGHTING))

    again = decide(held, binding, index(), 200.0)

    assert again.target is not None
    assert again.target.get(JOB_INCLUDE) == MATCH_NOTHING
    assert again.runs_nowhere == ("lighting",)


def test_a_mask_edited_by_hand_without_tokens_releases_the_job() -> None:
    held, binding = bind(job("@lighting"), index(lighting=LIGHTING))
    edited = dataclasses.replace(held, masks=Masks.of("regex", {JOB_INCLUDE: "gpu-0.*"}))

    again = decide(edited, binding, index(lighting=LIGHTING), 200.0)

    assert again.status == RELEASED
    assert again.binding is None
    assert not again.writes


def test_a_mask_edited_by_hand_to_another_token_is_read_afresh() -> None:
    pools = index(lighting=LIGHTING, gpu=GPU)
    held, binding = bind(job("@lighting"), pools)
    edited = dataclasses.replace(held, masks=Masks.of("regex", {JOB_INCLUDE: "@gpu"}))

    again = decide(edited, binding, pools, 200.0)

    assert again.status == BOUND
    assert again.target is not None
    assert runs_on(again.target) == ["gpu-01"]


def test_a_write_afserver_did_not_take_is_written_again_from_the_remembered_masks() -> None:
    pools = index(lighting=LIGHTING)
    original = job("@lighting")
    decision = decide(original, None, pools, 100.0)

    again = decide(original, decision.binding, pools, 200.0)  # still the artist's find mask

    assert again.retry
    assert again.writes
    assert again.target == decision.target


def test_a_token_that_names_no_pool_leaves_the_whole_job_waiting() -> None:
    decision = decide(job("@lighting @nope rnd-a"), None, index(lighting=LIGHTING), 0.0)

    assert decision.status == WAITING
    assert decision.unknown == ("nope",)
    assert decision.reason == "@nope names no pool."
    assert decision.target is None


def test_a_regex_job_of_tokens_alone_is_bound() -> None:
    decision = decide(
        job("@lighting|@gpu", kind="regex"), None, index(lighting=LIGHTING, gpu=GPU), 0.0
    )

    assert decision.target is not None
    assert runs_on(decision.target) == ["rnd-a01", "rnd-a02", "gpu-01"]


def test_a_regex_job_with_a_token_inside_a_regex_is_left_alone_in_one_sentence() -> None:
    decision = decide(job("rnd-a0[12]|@gpu", kind="regex"), None, index(gpu=GPU), 0.0)

    assert decision.status == REFUSED
    assert decision.target is None
    assert decision.reason == (
        "Job 7 (shot): its hosts_mask 'rnd-a0[12]|@gpu' is a regular expression with pool "
        "tokens inside; only a mask of tokens alone is bound, so the job is left as it is."
    )


def test_an_invalid_artist_regex_beside_a_token_leaves_the_job_alone() -> None:
    decision = decide(job("@gpu", "gpu-0[1-", kind="regex"), None, index(gpu=GPU), 0.0)

    assert decision.status == REFUSED
    assert decision.reason.startswith(
        "Job 7 (shot): The hosts mask 'gpu-0[1-' is not a valid regular expression"
    )


@pytest.mark.parametrize(
    ("blocks", "field"),
    [
        ([{"block_num": 0, "hosts_mask_exclude": "rnd\tb"}], "block 0 hosts_mask_exclude"),
        ([{"block_num": 0, "hosts_mask": "@gpu\n"}], "block 0 hosts_mask"),
    ],
)
def test_a_mask_no_person_typed_leaves_the_job_alone_in_one_sentence(
    blocks: list[dict[str, Any]], field: str
) -> None:
    decision = decide(job("@gpu", blocks=blocks), None, index(gpu=GPU), 0.0)

    assert decision.status == REFUSED
    assert decision.reason.startswith(f"Job 7 (shot): its {field} ")
    assert "control character" in decision.reason


def test_a_mask_of_a_thousand_tokens_leaves_the_job_alone_in_one_sentence() -> None:
    decision = decide(job(" ".join(["@gpu"] * 1000)), None, index(gpu=GPU), 0.0)

    assert decision.status == REFUSED
    assert "1,000 parts" in decision.reason


def test_a_pool_named_with_regex_characters_admits_exactly_its_hosts() -> None:
    pools = PoolIndex([("id-x", Pool("gpu.*", ("gpu-01",)))])

    decision = decide(job("@gpu.*"), None, pools, 0.0)

    assert decision.target is not None
    assert runs_on(decision.target) == ["gpu-01"]


def test_a_finished_job_is_not_written_and_its_binding_starts_to_age() -> None:
    held, binding = bind(job("@lighting"), index(lighting=LIGHTING))
    done = dataclasses.replace(held, st=16)

    decision = decide(done, binding, index(lighting=("rnd-a03",)), 500.0)

    assert decision.status == FINISHED
    assert not decision.writes
    assert decision.binding is not None
    assert decision.binding.gone_since == 500.0


def test_apply_keeps_the_job_on_the_pool_and_its_own_mask() -> None:
    pools = index(lighting=("rnd-a01", "rnd-a02", "gpu-01"))

    decision = decide(job("rnd-a"), None, pools, 0.0, apply="id-lighting")

    assert decision.status == BOUND
    assert decision.target is not None
    assert runs_on(decision.target) == ["rnd-a01", "rnd-a02"]
    assert decision.binding is not None
    assert decision.binding.applied == "id-lighting"


def test_a_job_given_to_apply_follows_its_pool_afterwards() -> None:
    pools = index(lighting=("rnd-a01",))
    decision = decide(job("rnd-a"), None, pools, 0.0, apply="id-lighting")
    held = written(job("rnd-a"), decision)
    grown = PoolIndex([("id-lighting", Pool("lighting", ("rnd-a01", "rnd-a03"), revision=2))])

    again = decide(held, decision.binding, grown, 10.0)

    assert again.target is not None
    assert runs_on(again.target) == ["rnd-a01", "rnd-a03"]


def test_a_block_left_on_its_transitional_mask_by_a_killed_agent_keeps_the_artists_mask() -> None:
    pools = index(lighting=LIGHTING)
    original = job(blocks=[{"block_num": 0, "hosts_mask": "@lighting", "hosts_mask_exclude": "x"}])
    first = decide(original, None, pools, 0.0)
    neutral = Masks.of(
        "find", {**original.masks.fields, (0, INCLUDE): NEUTRAL_MASK}
    )  # stage 0 landed, then the agent died

    again = decide(dataclasses.replace(original, masks=neutral), first.binding, pools, 10.0)

    assert again.status == BOUND
    assert again.target == first.target


def test_a_block_mask_edited_by_hand_is_read_afresh_the_others_stay_remembered() -> None:
    pools = index(lighting=LIGHTING, gpu=GPU)
    original = job("@lighting", blocks=[{"block_num": 0, "hosts_mask": "rnd-b"}])
    held, binding = bind(original, pools)
    edited = Masks.of("regex", {**held.masks.fields, (0, INCLUDE): "@gpu"})

    again = decide(dataclasses.replace(held, masks=edited), binding, pools, 200.0)

    assert again.target is not None
    assert runs_on(again.target) == ["rnd-a01", "rnd-a02"]  # the job's own mask: remembered
    assert again.target.get((0, INCLUDE)) == "gpu-01"  # the block: read as it is now
    assert again.binding is not None
    assert again.binding.user[(0, INCLUDE)].text == "@gpu"


def test_a_block_mask_edited_by_hand_keeps_a_job_given_to_apply_on_its_pool() -> None:
    pools = index(lighting=("rnd-a01",))
    original = job("rnd-a", blocks=[{"block_num": 0}])
    decision = decide(original, None, pools, 0.0, apply="id-lighting")
    held = written(original, decision)
    edited = dataclasses.replace(
        held, masks=Masks.of("regex", {**held.masks.fields, (0, INCLUDE): "rnd-a0.*"})
    )
    grown = PoolIndex([("id-lighting", Pool("lighting", ("rnd-a03",), revision=2))])

    again = decide(edited, decision.binding, grown, 10.0)

    assert again.status == BOUND
    assert again.target is not None
    assert runs_on(again.target) == ["rnd-a03"]
    assert again.target.get((0, INCLUDE)) == "rnd-a0.*"


def test_block_masks_are_written_without_backslashes_or_the_job_is_left_alone() -> None:
    pools = index(lighting=tuple(f"rnd-a{n:02d}" for n in range(10)), odd=("rnd]1",))
    blocks = [{"block_num": 0, "hosts_mask": "@lighting"}, {"block_num": 1}]

    fine = decide(job("ws.anna", blocks=blocks), None, pools, 0.0)
    odd = decide(job(blocks=[{"block_num": 0, "hosts_mask": "@odd"}]), None, pools, 0.0)

    assert fine.target is not None
    assert fine.target.get((0, INCLUDE)) == "rnd-a0[0-9]"
    assert fine.target.get(JOB_INCLUDE) == "ws\\.anna.*"  # afserver escapes the job's own
    assert odd.status == REFUSED
    assert odd.reason == (
        "Job 7 (shot): The block mask 'rnd\\]1' would need '\\]', which afserver cannot list "
        "for a block, so the job is left as it is."
    )
