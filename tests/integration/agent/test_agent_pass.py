"""One pass of the agent against the afserver stand-in and a real nx-27017: jobs with pool
tokens get their exact masks, and nothing else is touched or sent twice."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from agent.apply import apply_pool
from agent.loop import Agent, LeaseLostError
from agent.passes import PassResult
from agent.standalone import standalone_agent
from config.settings import Settings
from pools.edits import Edit, apply_step
from pools.job_masks import Masks
from pools.masks import MATCH_NOTHING
from storage.bindings import Bindings
from storage.store import PoolStore
from tests.support.agent_farm import actions, runs_on
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm
from tests.support.fake_jobs import job_from_submission, token_job

pytestmark = pytest.mark.integration


def write_pass(agent: Agent) -> PassResult:
    agent.take_lease()
    return agent.run_pass(write=True)


def test_a_token_job_runs_on_its_pools_after_one_pass(
    agent: Agent, farm: FakeFarm, afserver: FakeAfserver
) -> None:
    job_id, _ = farm.submit_job(token_job("shot", "@lighting rnd-b", exclude="@gpu"))

    result = write_pass(agent)

    assert runs_on(farm.job(job_id)) == ["rnd-a01", "rnd-a02", "rnd-b01", "rnd-b02"]
    assert result.not_taken == ()
    assert all(a["type"] == "jobs" and a["user_name"] == "tester" for a in actions(afserver))


def test_jobs_that_get_the_same_masks_share_one_action(
    agent: Agent, farm: FakeFarm, afserver: FakeAfserver
) -> None:
    ids = [farm.submit_job(token_job(f"shot{n}", "@lighting"))[0] for n in range(5)]

    write_pass(agent)

    (sent,) = actions(afserver)
    assert sorted(sent["ids"]) == ids


def test_block_masks_are_resolved_and_converted_through_block_ids(
    agent: Agent, farm: FakeFarm, afserver: FakeAfserver
) -> None:
    job_id, _ = farm.submit_job(token_job("blocks", block_masks=("@gpu", "rnd-b")))

    write_pass(agent)

    assert runs_on(farm.job(job_id), 0) == ["gpu-01"]
    assert runs_on(farm.job(job_id), 1) == ["rnd-b01", "rnd-b02"]
    assert any("block_ids" in a for a in actions(afserver))


def test_block_masks_keep_afserver_s_job_list_readable(
    agent: Agent, farm: FakeFarm, afserver: FakeAfserver, pools: PoolStore
) -> None:
    """afserver lists a block's masks unescaped: a pool of ten numbered hosts (``\\d``) or a
    dotted prefix (``\\.``) written there as is would break every job list it answers (the
    agent's next pass, the board, CGRU's web GUI) and the job's store file."""
    pools.create("big", hosts=[f"rnd-a{n:02d}" for n in range(10)])
    job_id = farm.submit_job(token_job("blocks", block_masks=("@big", "gpu ws-anna.farm")))[0]

    write_pass(agent)
    again = write_pass(agent)

    assert runs_on(farm.job(job_id), 0) == ["rnd-a01", "rnd-a02", "rnd-a03", "rnd-a04"]
    assert runs_on(farm.job(job_id), 1) == ["gpu-01"]
    assert again.writes == ()
    assert all("\\" not in a["params"]["hosts_mask"] for a in actions(afserver) if "block_ids" in a)


def test_a_backslash_afserver_lists_unescaped_in_a_block_mask_stops_nothing(
    agent: Agent, farm: FakeFarm, pools: PoolStore
) -> None:
    """One job whose block mask holds a backslash (an artist's own regex, or a mask an agent
    before afpools wrote them without one) makes afserver's job list invalid JSON: the agent
    still binds the other jobs, and rewrites its own such mask as it writes them now."""
    pools.create("big", hosts=[f"rnd-a{n:02d}" for n in range(10)])
    healed = farm.submit_job(token_job("healed", block_masks=("@big",)))[0]
    write_pass(agent)
    old = "rnd-a0\\d"  # what the agent wrote before
    (binding,) = pools.bindings.all().bindings.values()
    written = Masks.of("regex", {**binding.written.fields, (0, "hosts_mask"): old})
    pools.bindings.save([dataclasses.replace(binding, written=written)])
    farm.handle(
        {
            "action": {
                "user_name": "admin",
                "host_name": "ws",
                "type": "jobs",
                "ids": [healed],
                "block_ids": [0],
                "params": {"hosts_mask": old},
            }
        }
    )
    artists = token_job("own", block_masks=("rnd-b0\\d",), hosts_mask_type="regex")
    own = farm.submit_job(artists)[0]
    bound = farm.submit_job(token_job("bound", "@gpu"))[0]

    write_pass(agent)

    assert runs_on(farm.job(bound)) == ["gpu-01"]
    assert farm.job(healed)["blocks"][0]["hosts_mask"] == "rnd-a0[0-9]"
    assert farm.job(own)["blocks"][0]["hosts_mask"] == "rnd-b0\\d"


def test_a_pass_with_nothing_changed_sends_nothing_and_writes_no_binding(
    agent: Agent, farm: FakeFarm, afserver: FakeAfserver, store: PoolStore
) -> None:
    farm.submit_job(token_job("shot", "@lighting"))
    write_pass(agent)
    sent, counter = len(afserver.requests), store.bindings.counter()

    result = write_pass(agent)

    assert actions(afserver, sent) == []
    assert result.writes == ()
    assert store.bindings.counter() == counter


def test_a_restarted_agent_finds_everything_right_and_sends_nothing(
    agent: Agent, farm: FakeFarm, afserver: FakeAfserver
) -> None:
    farm.submit_job(token_job("shot", "@lighting rnd-b"))
    farm.submit_job(token_job("blocks", block_masks=("@gpu", "rnd-b")))
    write_pass(agent)
    agent.release_lease()
    agent.engine.memory.forget()  # what a new process knows: only the store and afserver
    sent = len(afserver.requests)

    write_pass(agent)

    assert actions(afserver, sent) == []


def test_a_pool_change_rewrites_every_unfinished_bound_job_in_one_pass(
    agent: Agent, farm: FakeFarm, pools: PoolStore
) -> None:
    waiting = farm.submit_job(token_job("queued", "@lighting"))[0]
    finished = farm.submit_job(token_job("done", "@lighting"))[0]
    write_pass(agent)
    farm.finish_job(finished)
    before = farm.job(finished)

    pools.add_hosts("lighting", ["rnd-a03"])
    write_pass(agent)

    assert runs_on(farm.job(waiting)) == ["rnd-a01", "rnd-a02", "rnd-a03"]
    assert farm.job(finished) == before


def test_a_renamed_pool_keeps_its_jobs(agent: Agent, farm: FakeFarm, pools: PoolStore) -> None:
    job_id = farm.submit_job(token_job("shot", "@lighting"))[0]
    write_pass(agent)

    pools.rename("lighting", "lights")
    pools.add_hosts("lights", ["rnd-a04"])
    write_pass(agent)

    assert runs_on(farm.job(job_id)) == ["rnd-a01", "rnd-a02", "rnd-a04"]


def test_a_mask_edited_by_hand_without_tokens_is_released_and_never_touched_again(
    agent: Agent, farm: FakeFarm, afserver: FakeAfserver, pools: PoolStore
) -> None:
    job_id = farm.submit_job(token_job("shot", "@lighting"))[0]
    write_pass(agent)
    by_hand = {"hosts_mask": "rnd-b0.", "hosts_mask_type": "regex"}
    farm.handle(
        {
            "action": {
                "user_name": "anna",
                "host_name": "ws",
                "type": "jobs",
                "ids": [job_id],
                "params": by_hand,
            }
        }
    )
    write_pass(agent)
    sent = len(afserver.requests)

    pools.add_hosts("lighting", ["rnd-a03"])
    result = write_pass(agent)

    assert actions(afserver, sent) == []
    assert farm.job(job_id)["hosts_mask"] == "rnd-b0."
    assert [d.job.id for d in result.decisions] == []
    assert pools.bindings.all().bindings == {}


def test_a_host_excluded_by_hand_keeps_the_job_on_its_pool_as_the_pool_changes(
    agent: Agent, farm: FakeFarm, pools: PoolStore
) -> None:
    """An admin excludes a failing host in afwatch: only the exclude mask was edited, so the
    job still follows @lighting (it used to be released, frozen on the hosts of that day)."""
    job_id = farm.submit_job(token_job("shot", "@lighting"))[0]
    write_pass(agent)
    farm.handle(
        {
            "action": {
                "user_name": "admin",
                "host_name": "ws",
                "type": "jobs",
                "ids": [job_id],
                "params": {"hosts_mask_exclude": "rnd-a02"},
            }
        }
    )
    write_pass(agent)

    pools.add_hosts("lighting", ["rnd-a03"])
    pools.remove_hosts("lighting", ["rnd-a01"])
    result = write_pass(agent)

    assert runs_on(farm.job(job_id)) == ["rnd-a03"]
    assert farm.job(job_id)["hosts_mask_exclude"] == "rnd-a02"
    assert [d.pools for d in result.decisions] == [("lighting",)]


def test_a_token_naming_no_pool_leaves_the_job_untouched_and_waiting_until_it_exists(
    agent: Agent, farm: FakeFarm, afserver: FakeAfserver, pools: PoolStore
) -> None:
    job_id = farm.submit_job(token_job("shot", "@lighting @comp rnd-b"))[0]
    submitted = farm.job(job_id)

    result = write_pass(agent)

    assert farm.job(job_id) == submitted
    assert actions(afserver) == []
    (decision,) = result.decisions
    assert (decision.status, decision.unknown) == ("waiting", ("comp",))

    pools.create("comp", hosts=["ws-anna"])
    write_pass(agent)

    assert runs_on(farm.job(job_id)) == ["rnd-a01", "rnd-a02", "rnd-b01", "rnd-b02", "ws-anna"]


def test_a_deleted_pool_leaves_its_jobs_no_host_and_the_log_says_why(
    agent: Agent, farm: FakeFarm, pools: PoolStore, caplog: pytest.LogCaptureFixture
) -> None:
    job_id = farm.submit_job(token_job("shot", "@gpu"))[0]
    write_pass(agent)

    pools.delete("gpu")
    with caplog.at_level(logging.WARNING, logger="afpools.agent"):
        write_pass(agent)

    assert farm.job(job_id)["hosts_mask"] == MATCH_NOTHING
    assert runs_on(farm.job(job_id)) == []
    assert [r.getMessage() for r in caplog.records] == [
        f"Job {job_id} (shot) gets no host from pool 'gpu': deleted, or without hosts."
    ]


def test_a_deleted_pool_in_an_exclude_mask_does_not_let_its_hosts_in(
    agent: Agent, farm: FakeFarm, pools: PoolStore, caplog: pytest.LogCaptureFixture
) -> None:
    """The artist said "not on @desks": deleting that pool must not send the job to the
    artists' desks (the log says the job gets no host, and so it must be)."""
    pools.create("desks", hosts=["rnd-a03"])
    job_id = farm.submit_job(token_job("shot", "rnd-a", exclude="@desks"))[0]
    write_pass(agent)
    assert runs_on(farm.job(job_id)) == ["rnd-a01", "rnd-a02", "rnd-a04"]

    pools.delete("desks")
    with caplog.at_level(logging.WARNING, logger="afpools.agent"):
        write_pass(agent)

    assert runs_on(farm.job(job_id)) == []
    assert [r.getMessage() for r in caplog.records] == [
        f"Job {job_id} (shot) gets no host from pool 'desks': deleted, or without hosts."
    ]


def test_a_deleted_pool_brought_back_with_undo_gets_its_jobs_back(
    agent: Agent, farm: FakeFarm, pools: PoolStore
) -> None:
    """Undo brings a deleted pool back as a new document (a new ``_id``): the jobs whose
    token names it, and those given to it with apply, run on it again instead of on nothing
    for ever."""
    typed = farm.submit_job(token_job("shot", "@gpu"))[0]
    applied = farm.submit_job(token_job("plain"))[0]
    apply_pool(agent, "gpu", [applied])
    write_pass(agent)
    step = apply_step(pools, "Delete gpu", [Edit("delete", "gpu")])
    assert step is not None
    write_pass(agent)
    assert runs_on(farm.job(typed)) == runs_on(farm.job(applied)) == []

    apply_step(pools, "Undo", step.inverse)
    write_pass(agent)

    assert runs_on(farm.job(typed)) == ["gpu-01"]
    assert runs_on(farm.job(applied)) == ["gpu-01"]


def test_an_invalid_artist_mask_leaves_the_job_alone_with_one_sentence_however_many_passes(
    agent: Agent, farm: FakeFarm, afserver: FakeAfserver, caplog: pytest.LogCaptureFixture
) -> None:
    bad = farm.submit_job(token_job("bad", "@gpu", exclude="gpu-0[1-", hosts_mask_type="regex"))[0]
    good = farm.submit_job(token_job("good", "@gpu"))[0]
    submitted = farm.job(bad)

    with caplog.at_level(logging.WARNING, logger="afpools.agent"):
        write_pass(agent)
        write_pass(agent)

    assert farm.job(bad) == submitted
    assert runs_on(farm.job(good)) == ["gpu-01"]
    assert [r.getMessage() for r in caplog.records] == [
        f"Job {bad} (bad): The hosts mask 'gpu-0[1-' is not a valid regular expression: "
        "unterminated character set."
    ]


def test_a_mask_afserver_did_not_take_is_reported_and_sent_again_next_pass(
    agent: Agent, farm: FakeFarm, caplog: pytest.LogCaptureFixture
) -> None:
    job_id = farm.submit_job(token_job("shot", "@gpu"))[0]
    farm.ignore_params(job_id)

    with caplog.at_level(logging.WARNING, logger="afpools.agent"):
        first = write_pass(agent)
    farm.heed_params()
    second = write_pass(agent)

    assert first.not_taken == (job_id,)
    assert f"afserver did not take the masks of job {job_id}; they are sent again next pass." in [
        r.getMessage() for r in caplog.records
    ]
    assert second.not_taken == ()
    assert runs_on(farm.job(job_id)) == ["gpu-01"]


def test_a_job_that_takes_the_id_of_one_being_written_is_kept_off_every_host(
    agent: Agent, farm: FakeFarm, afserver: FakeAfserver, caplog: pytest.LogCaptureFixture
) -> None:
    """afserver gives a new job the lowest free id and actions name jobs by id alone: an
    artist deletes a job and resubmits it as the agent writes the first one's masks, and the
    new one gets them. It must not run on the other job's pool: it is kept off every host,
    gets no block masks meant for the other, and the log says why."""
    job_id = farm.submit_job(token_job("shot", "@lighting", block_masks=("@gpu",)))[0]

    def resubmit() -> None:
        farm.delete_job(job_id)
        farm.add_job(job_from_submission(token_job("shot_v2", "rnd-b"), job_id, 99))

    farm.before_next_action(resubmit)
    with caplog.at_level(logging.WARNING, logger="afpools.agent"):
        write_pass(agent)
        write_pass(agent)

    stranger = farm.job(job_id)
    assert stranger["serial"] == 99
    assert runs_on(stranger) == []
    assert "hosts_mask" not in stranger["blocks"][0]
    assert [r.getMessage() for r in caplog.records] == [
        f"Job {job_id} (shot_v2) came in under the id of a job deleted as the agent wrote its "
        "masks, and got them; it is kept off every host until its hosts mask is set again."
    ]


def test_unexpected_jobs_in_afserver_s_answer_get_one_sentence_and_the_others_go_on(
    agent: Agent, farm: FakeFarm, caplog: pytest.LogCaptureFixture
) -> None:
    farm.add_job({"id": 90, "serial": 90, "name": "typeless", "hosts_mask": "@gpu", "blocks": []})
    farm.add_job(
        {
            "id": 91,
            "serial": 91,
            "name": "odd",
            "hosts_mask": 7,
            "hosts_mask_type": "find",
            "extra": [1],
        }
    )
    good = farm.submit_job(token_job("good", "@gpu"))[0]
    farm.add_job({"id": [92], "serial": {"n": 1}, "name": "listed", "hosts_mask_type": "find"})

    with caplog.at_level(logging.WARNING, logger="afpools.agent"):
        write_pass(agent)

    assert runs_on(farm.job(good)) == ["gpu-01"]
    assert sorted(r.getMessage() for r in caplog.records) == [
        "Job 90 came without a hosts_mask_type, so afpools cannot tell how afserver reads "
        "its masks; it is left alone.",
        "Job 91 has a hosts_mask that is not text (7).",
        "afserver listed a job without a numeric id "
        "({'id': [92], 'serial': {'n': 1}, 'name': 'listed', 'hosts...).",
    ]
    assert farm.job(90)["hosts_mask"] == "@gpu"


def test_bindings_of_deleted_and_finished_jobs_are_dropped_after_a_day(
    agent: Agent, farm: FakeFarm, pools: PoolStore
) -> None:
    deleted = farm.submit_job(token_job("deleted", "@gpu"))[0]
    finished = farm.submit_job(token_job("finished", "@gpu"))[0]
    kept = farm.submit_job(token_job("kept", "@gpu"))[0]
    now = [1_000_000.0]
    agent.engine._clock = lambda: now[0]  # the agent's clock, moved by the test
    write_pass(agent)
    farm.delete_job(deleted)
    farm.finish_job(finished)

    write_pass(agent)
    marked = pools.bindings.all().bindings
    now[0] += 23 * 3600
    write_pass(agent)
    within_a_day = sorted(b.job_id for b in pools.bindings.all().bindings.values())
    now[0] += 2 * 3600
    write_pass(agent)

    assert {b.job_id: b.gone_since for b in marked.values()} == {
        deleted: 1_000_000.0,
        finished: 1_000_000.0,
        kept: 0.0,
    }
    assert within_a_day == [deleted, finished, kept]
    assert [b.job_id for b in pools.bindings.all().bindings.values()] == [kept]
    write_pass(agent)  # the finished job is still listed: its binding stays dropped
    assert [b.job_id for b in pools.bindings.all().bindings.values()] == [kept]


def test_a_job_given_to_apply_while_the_agent_saves_bindings_is_written_by_the_next_pass(
    agent: Agent,
    farm: FakeFarm,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``main.py apply`` saves its binding and leaves the writing to the agent holding the
    lease; when it comes in while that agent saves its own, the agent must still see it."""
    farm.submit_job(token_job("shot", "@lighting"))
    plain = farm.submit_job(token_job("plain"))[0]
    real_bump = Bindings.bump
    applied: list[bool] = []

    def bump_after_an_apply(self: Bindings) -> int:
        monkeypatch.setattr(Bindings, "bump", real_bump)
        with standalone_agent(settings) as other:  # an admin's apply, at this very moment
            applied.append(apply_pool(other, "gpu", [plain]).written_here)
        return real_bump(self)

    monkeypatch.setattr(Bindings, "bump", bump_after_an_apply)
    write_pass(agent)
    write_pass(agent)

    assert applied == [False]
    assert runs_on(farm.job(plain)) == ["gpu-01"]


def test_an_agent_without_the_lease_writes_nothing(
    agent: Agent, farm: FakeFarm, afserver: FakeAfserver, pools: PoolStore
) -> None:
    farm.submit_job(token_job("shot", "@gpu"))
    pools.leases.take("elsewhere", "render-mgr pid 77", 60)
    agent.take_lease()

    with pytest.raises(LeaseLostError):
        agent.run_pass(write=True)

    assert actions(afserver) == []
    assert pools.bindings.all().bindings == {}
