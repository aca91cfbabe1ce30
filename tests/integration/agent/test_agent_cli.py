"""``main.py agent`` as an admin runs it: one pass, a dry run, the foreground loop and its
clean stop, the lease, and one sentence when afserver or MongoDB cannot be reached."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.app import main
from storage.store import PoolStore
from tests.support.agent_farm import actions, agent_env, runs_on
from tests.support.cli import Run
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm
from tests.support.fake_jobs import token_job
from tests.support.poolservice import wait_until
from tests.support.ports import unused_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def env(
    nx_server: str, database_name: str, afserver: FakeAfserver, pools: PoolStore
) -> dict[str, str]:
    return agent_env(nx_server, database_name, afserver)


@pytest.fixture
def cli(cli: Run, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Run:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return cli


def test_once_makes_one_pass_exits_0_and_gives_the_lease_up(
    cli: Run, farm: FakeFarm, pools: PoolStore
) -> None:
    job_id = farm.submit_job(token_job("shot", "@lighting"))[0]

    code, out, _ = cli("agent", "--once")

    assert (code, out) == (0, "Wrote the masks of 1 job in 1 action.\n")
    assert runs_on(farm.job(job_id)) == ["rnd-a01", "rnd-a02"]
    assert pools.leases.current() is None


def test_once_with_nothing_to_do_says_so(cli: Run, farm: FakeFarm) -> None:
    farm.submit_job(token_job("shot", "@lighting"))
    cli("agent", "--once")

    code, out, _ = cli("agent", "--once")

    assert (code, out) == (
        0,
        "Nothing to write: 1 job with pool tokens or bindings, each holding its masks already.\n",
    )


def test_once_writes_nothing_while_another_agent_holds_the_lease(
    cli: Run, farm: FakeFarm, afserver: FakeAfserver, pools: PoolStore
) -> None:
    job_id = farm.submit_job(token_job("shot", "@lighting"))[0]
    submitted = farm.job(job_id)
    pools.leases.take("elsewhere", "render-mgr pid 77", 60)

    code, out, err = cli("agent", "--once")

    assert (code, out) == (1, "")
    assert err.endswith(
        "Another agent (render-mgr pid 77) holds the lease, so this one wrote nothing; "
        "it writes the masks itself.\n"
    )
    assert farm.job(job_id) == submitted
    assert actions(afserver) == []
    assert pools.bindings.all().bindings == {}


def test_once_exits_1_when_afserver_did_not_take_a_mask(cli: Run, farm: FakeFarm) -> None:
    job_id = farm.submit_job(token_job("shot", "@lighting"))[0]
    farm.ignore_params(job_id)

    code, _, err = cli("agent", "--once")

    assert code == 1
    assert err.endswith(
        f"afserver did not take the masks of job {job_id}; the next pass sends them again.\n"
    )


def test_unreachable_afserver_is_one_sentence_and_exit_1(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = unused_port()
    monkeypatch.setenv("CGRU_AF_SERVERPORT", str(port))

    code, out, err = cli("agent", "--once")

    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == f"afserver at 127.0.0.1:{port} refused the connection."


def test_unreachable_mongodb_is_one_sentence_and_exit_1(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = unused_port()
    monkeypatch.setenv("AFPOOLS_MONGODB_URI", f"mongodb://127.0.0.1:{port}/?directConnection=true")
    monkeypatch.setenv("AFPOOLS_MONGODB_TIMEOUT", "0.5")

    code, out, err = cli("agent", "--once")

    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert err.startswith(f"MongoDB at 127.0.0.1:{port} cannot be reached")


def test_a_dry_run_prints_what_it_would_write_and_writes_nothing(
    cli: Run, farm: FakeFarm, afserver: FakeAfserver, pools: PoolStore
) -> None:
    job_id = farm.submit_job(token_job("shot", "@gpu", exclude="rnd"))[0]

    code, out, _ = cli("agent", "--dry-run")

    assert code == 0
    assert out == (
        f"Job {job_id} (shot, anna):\n"
        "  hosts_mask: '@gpu' -> 'gpu-01'\n"
        "  hosts_mask_exclude: 'rnd' -> 'rnd.*'\n"
        "  hosts_mask_type: 'find' -> 'regex'\n"
    )
    assert actions(afserver) == []
    assert pools.bindings.all().bindings == {}
    assert pools.leases.current() is None


def test_help_documents_the_token_grammar(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["agent", "--help"])
    text = capsys.readouterr().out

    assert done.value.code == 0
    assert "'@lighting rnd-a'" in text
    assert "'@NAME' in the exclude mask takes that pool's hosts away" in text
    assert "A token that names no pool leaves the job as it is" in text


# ------------------------------------------------------------------ the foreground agent


def start_agent(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "agent"],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )


@pytest.fixture
def running(env: dict[str, str]) -> Iterator[list[subprocess.Popen[str]]]:
    """Agents started in processes of their own; each is killed after the test."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_agent_runs_until_sigterm_or_ctrl_c_and_gives_its_lease_up(
    env: dict[str, str],
    running: list[subprocess.Popen[str]],
    farm: FakeFarm,
    pools: PoolStore,
    signum: signal.Signals,
) -> None:
    job_id = farm.submit_job(token_job("shot", "@lighting"))[0]
    process = start_agent(env)
    running.append(process)
    wait_until(lambda: farm.job(job_id).get("hosts_mask_type") == "regex", "the job bound")
    pools.add_hosts("lighting", ["rnd-a03"])
    wait_until(lambda: "rnd-a03" in runs_on(farm.job(job_id)), "the pool change followed")

    process.send_signal(signum)
    _out, err = process.communicate(timeout=60)

    assert process.returncode == 0
    assert err.rstrip().endswith("The agent stopped.")
    assert pools.leases.current() is None


def test_an_agent_killed_mid_pass_loses_nothing_and_doubles_nothing_on_restart(
    cli: Run,
    env: dict[str, str],
    running: list[subprocess.Popen[str]],
    farm: FakeFarm,
    afserver: FakeAfserver,
    pools: PoolStore,
) -> None:
    afserver.server_cycle = 0.5  # every action waits half a second: time to be killed
    masks = ["@lighting", "@gpu", "@lighting @gpu", "@lighting rnd-b", "@gpu rnd-a0"]
    ids = [farm.submit_job(token_job(f"shot{n}", masks[n % 5]))[0] for n in range(20)]
    blocks = farm.submit_job(token_job("blocks", block_masks=("@gpu", "rnd.b0")))[0]
    process = start_agent(env)
    running.append(process)
    wait_until(lambda: len(actions(afserver)) >= 2, "the pass half done", timeout=60)
    process.kill()  # SIGKILL: no lease given up, no pass finished
    process.communicate(timeout=30)
    afserver.server_cycle = 0.05

    wait_until(lambda: cli("agent", "--once")[0] == 0, "a new agent once the lease expired")
    sent = len(afserver.requests)
    again = cli("agent", "--once")

    expected = {
        "@lighting": ["rnd-a01", "rnd-a02"],
        "@gpu": ["gpu-01"],
        "@lighting @gpu": ["rnd-a01", "rnd-a02", "gpu-01"],
        "@lighting rnd-b": ["rnd-a01", "rnd-a02", "rnd-b01", "rnd-b02"],
        "@gpu rnd-a0": ["rnd-a01", "rnd-a02", "rnd-a03", "rnd-a04", "gpu-01"],
    }
    for n, job_id in enumerate(ids):
        assert runs_on(farm.job(job_id)) == expected[masks[n % 5]], job_id
        assert "(?=" not in farm.job(job_id)["hosts_mask"]  # never a mask inside a mask
    assert runs_on(farm.job(blocks), 0) == ["gpu-01"]
    assert runs_on(farm.job(blocks), 1) == []  # "rnd.b0" is a prefix no render name starts with
    assert farm.job(blocks)["blocks"][1]["hosts_mask"] == "rnd[.]b0.*"  # no backslash
    stored = pools.bindings.all()
    assert sorted(b.job_id for b in stored.bindings.values()) == [*ids, blocks]
    assert stored.unreadable == ()
    assert again[0] == 0
    assert actions(afserver, sent) == []
