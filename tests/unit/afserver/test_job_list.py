"""afserver's job list decoded for the agent: only the fields it reads, whatever else comes."""

from __future__ import annotations

import json

import pytest

from afserver.client import AfserverClient
from afserver.framing import FrameError
from afserver.job_list import decode_job_list
from tests.support.afserver_fixtures import recorded_response
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm

READ = {"id", "serial", "name", "user_name", "st", "running_tasks_num", "tasks_ready", "hosts_mask"}
READ |= {"hosts_mask_exclude", "hosts_mask_type", "blocks"}


def body(reply: object) -> bytes:
    return json.dumps(reply).encode()


def test_each_job_keeps_only_the_fields_the_agent_reads_with_their_values() -> None:
    reply = recorded_response("14b")  # running jobs, with every field afserver sends

    decoded = decode_job_list(body(reply))

    for cut, whole in zip(decoded["jobs"], reply["jobs"], strict=True):
        assert set(cut) <= READ
        assert {k: v for k, v in whole.items() if k in READ and k != "blocks"} == {
            k: v for k, v in cut.items() if k != "blocks"
        }
        assert all(
            set(b) <= {"block_num", "hosts_mask", "hosts_mask_exclude"} for b in cut["blocks"]
        )


def test_a_reply_of_an_unexpected_shape_is_decoded_whole() -> None:
    reply = {"jobs": [{"id": 2, "blocks": [5]}, {"id": 3, "hosts_mask_type": "find"}]}

    assert decode_job_list(body(reply)) == reply


def test_an_error_reply_keeps_its_info() -> None:
    reply = {"info": {"kind": "error", "text": "Invalid ID"}}

    assert decode_job_list(body(reply)) == reply


def test_a_body_that_is_not_json_is_a_frame_error() -> None:
    with pytest.raises(FrameError, match="not JSON"):
        decode_job_list(b"this is not JSON at all")


def test_the_client_reads_jobs_cut_down_and_all_of_them() -> None:
    with FakeAfserver(FakeFarm.recorded()) as server:
        client = AfserverClient("127.0.0.1", server.port, user_name="u", host_name="h")
        cut, whole = client.job_masks(), client.jobs()

    assert [job["id"] for job in cut] == [job["id"] for job in whole]
    assert all(set(job) <= READ for job in cut)
    assert any(set(job) - READ for job in whole)


def test_a_block_mask_afserver_wrote_unescaped_is_read_as_it_is_and_real_escapes_stay() -> None:
    raw = (
        b'{"jobs":[{"id":2,"serial":1,"name":"a\\"b\\\\d","hosts_mask_type":"regex",'
        b'"blocks":[{"block_num":0,"hosts_mask":"rnd-a0\\d","hosts_mask_exclude":"x\\.y"}]}]}'
    )

    (job,) = decode_job_list(raw)["jobs"]

    assert job["name"] == 'a"b\\d'
    assert job["blocks"][0]["hosts_mask"] == "rnd-a0\\d"
    assert job["blocks"][0]["hosts_mask_exclude"] == "x\\.y"
