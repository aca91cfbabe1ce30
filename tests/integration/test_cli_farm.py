"""``renders``, ``mask`` and ``apply`` against the afserver stand-in and a real nx-27017.

The stand-in's farm is the one recorded from CGRU 3.4.1: renders rnd-a01..a04, rnd-b01/02,
gpu-01 and the offline ws-anna; job 2 (find mask ``rnd-a03``), job 3 (regex masks), job 4
(no mask, paused).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pools.masks import matches
from storage.store import PoolStore
from tests.support.cli import Run
from tests.support.fake_afserver import FakeAfserver

pytestmark = pytest.mark.integration

RENDERS = ["rnd-a01", "rnd-a02", "rnd-a03", "rnd-a04", "rnd-b01", "rnd-b02", "gpu-01", "ws-anna"]


@pytest.fixture
def afserver() -> Iterator[FakeAfserver]:
    with FakeAfserver() as server:
        yield server


@pytest.fixture
def cli(cli: Run, afserver: FakeAfserver, monkeypatch: pytest.MonkeyPatch) -> Run:
    """``main.py`` on the test database and the afserver stand-in."""
    monkeypatch.setenv("CGRU_AF_SERVERNAME", "127.0.0.1")
    monkeypatch.setenv("CGRU_AF_SERVERPORT", str(afserver.port))
    return cli


def job(afserver: FakeAfserver, job_id: int) -> dict[str, object]:
    return afserver.farm.job(job_id)


def actions(afserver: FakeAfserver) -> list[dict[str, object]]:
    return [r["action"] for r in afserver.requests if "action" in r]


def eligible(afserver: FakeAfserver, job_id: int) -> list[str]:
    """The renders afserver would give this job, by its regex include and exclude masks."""
    data = job(afserver, job_id)
    assert data["hosts_mask_type"] == "regex"
    include, exclude = str(data.get("hosts_mask", "")), str(data.get("hosts_mask_exclude", ""))
    return [
        r
        for r in RENDERS
        if (not include or matches(include, r)) and not (exclude and matches(exclude, r))
    ]


def test_renders_shows_state_ip_and_pools(cli: Run, store: PoolStore) -> None:
    store.create("lighting")
    store.add_hosts("lighting", ["rnd-a01", "rnd-a02"])
    store.create("all-a")
    store.add_hosts("all-a", ["rnd-a01"])

    code, out, _ = cli("renders")

    rows = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert code == 0
    assert list(rows) == RENDERS
    assert "paused" in rows["rnd-a02"]
    assert "24 GiB" in rows["rnd-a01"]  # 24,105 MB, as the board's card says it
    assert "busy (1)" in rows["rnd-a03"]
    assert "nimby" in rows["rnd-a04"]
    assert "offline" in rows["ws-anna"]
    assert rows["rnd-a01"].endswith("all-a, lighting")
    assert rows["gpu-01"].endswith("-")


def test_renders_json_has_cores_memory_and_pools(cli: Run, store: PoolStore) -> None:
    store.create("gpu")
    store.add_hosts("gpu", ["gpu-01"])

    renders = {r["name"]: r for r in json.loads(cli("renders", "--json")[1])}

    assert renders["gpu-01"]["pools"] == ["gpu"]
    assert renders["gpu-01"]["native_pool"] == "/gpu"
    assert renders["rnd-a01"]["cpu_num"] == 2
    assert renders["ws-anna"]["cpu_num"] is None
    assert renders["ws-anna"]["state"] == "offline"


def test_an_unreachable_afserver_is_one_sentence(cli: Run, afserver: FakeAfserver) -> None:
    port = afserver.port
    afserver.stop()

    code, out, err = cli("renders")

    assert (code, out) == (1, "")
    assert err == f"afserver at 127.0.0.1:{port} refused the connection.\n"


def test_pool_include_mask_matches_exactly_its_hosts(cli: Run, store: PoolStore) -> None:
    store.create("a-side")
    store.add_hosts("a-side", ["rnd-a01", "rnd-a02", "rnd-a03", "rnd-a04"])

    code, out, _ = cli("mask", "a-side")

    assert code == 0
    assert out == "rnd-a0[1-4]\n"


def test_pool_exclude_mask_covers_every_other_known_render(cli: Run, store: PoolStore) -> None:
    store.create("gpu")
    store.add_hosts("gpu", ["gpu-01", "gpu-02"])  # gpu-02 is switched off: not on afserver
    store.record_host("scanned-ws", source="arp")

    mask = cli("mask", "gpu", "--exclude")[1].strip()

    excluded = [name for name in [*RENDERS, "gpu-02", "scanned-ws"] if matches(mask, name)]
    assert excluded == [r for r in RENDERS if r != "gpu-01"] + ["scanned-ws"]


def test_mask_for_hostnames_in_files(cli: Run, tmp_path: Path) -> None:
    pool_file = tmp_path / "pool.txt"
    pool_file.write_text("# lighting\nrnd-a01\n\nrnd-a02\n", encoding="utf-8")
    all_file = tmp_path / "all.txt"
    all_file.write_text(
        "\n".join(["rnd-a01", "rnd-a02", "odd(name)", "rnd-a010"]), encoding="utf-8"
    )

    include = cli("mask", "--hosts-file", str(pool_file))[1].strip()
    exclude = cli("mask", "--hosts-file", str(pool_file), "--exclude", "--all-file", str(all_file))[
        1
    ]

    assert [n for n in ["rnd-a01", "rnd-a02", "rnd-a010", "rnd-a0"] if matches(include, n)] == [
        "rnd-a01",
        "rnd-a02",
    ]
    assert [n for n in ["rnd-a01", "odd(name)", "rnd-a010"] if matches(exclude.strip(), n)] == [
        "odd(name)",
        "rnd-a010",
    ]


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (("mask",), "Name a pool or give --hosts-file, not both and not neither.\n"),
        (("mask", "ghost"), "There is no pool named 'ghost'.\n"),
        (
            ("mask", "--hosts-file", "/nonexistent/hosts.txt"),
            "The file /nonexistent/hosts.txt cannot be read: No such file or directory.\n",
        ),
    ],
)
def test_mask_mistakes_are_one_sentence(cli: Run, argv: tuple[str, ...], sentence: str) -> None:
    assert cli(*argv) == (1, "", sentence)


def test_a_bad_line_in_a_hosts_file_names_the_line(cli: Run, tmp_path: Path) -> None:
    hosts = tmp_path / "hosts.txt"
    hosts.write_text("rnd-a01\nrnd a02\n", encoding="utf-8")

    code, _, err = cli("mask", "--hosts-file", str(hosts))

    assert code == 1
    assert (
        err == f"{hosts} line 2: The host name 'rnd a02' contains a space or a control character.\n"
    )


def test_apply_restricts_jobs_to_the_pool_and_keeps_their_own_masks(
    cli: Run, store: PoolStore, afserver: FakeAfserver
) -> None:
    store.create("a-side")
    store.add_hosts("a-side", ["rnd-a01", "rnd-a02", "rnd-a03"])

    code, out, _ = cli("apply", "a-side", "2", "4")

    assert code == 0
    assert out == "Pool 'a-side' (3 hosts) applied to jobs 2 (busy_on_a03), 4 (gpu_pool_job).\n"
    assert eligible(afserver, 4) == ["rnd-a01", "rnd-a02", "rnd-a03"]
    assert eligible(afserver, 2) == ["rnd-a03"]  # its own find mask "rnd-a03" still holds
    assert all(a["user_name"] == "tester" for a in actions(afserver))


def test_apply_keeps_a_jobs_regex_exclude(
    cli: Run, store: PoolStore, afserver: FakeAfserver
) -> None:
    store.create("a-side")
    store.add_hosts("a-side", ["rnd-a01", "rnd-a02", "rnd-a03"])

    cli("apply", "a-side", "3")  # job 3: regex rnd-a0[12], exclude rnd-a01

    assert eligible(afserver, 3) == ["rnd-a02"]


def test_jobs_that_get_the_same_masks_share_one_action(
    cli: Run, store: PoolStore, afserver: FakeAfserver
) -> None:
    twin = copy.deepcopy(job(afserver, 4))
    twin.update(id=5, serial=4, name="gpu_pool_job_2")
    afserver.farm.add_job(twin)
    store.create("gpu")
    store.add_hosts("gpu", ["gpu-01"])

    cli("apply", "gpu", "4", "5")

    sent = actions(afserver)
    assert len(sent) == 1
    assert sent[0]["ids"] == [4, 5]
    assert eligible(afserver, 4) == eligible(afserver, 5) == ["gpu-01"]


def test_applying_again_starts_from_the_jobs_own_masks(
    cli: Run, store: PoolStore, afserver: FakeAfserver
) -> None:
    store.create("a-side")
    store.add_hosts("a-side", ["rnd-a01", "rnd-a03"])
    cli("apply", "a-side", "2")
    first = job(afserver, 2)["hosts_mask"]
    store.add_hosts("a-side", ["rnd-a02"])
    cli("apply", "a-side", "2")
    cli("apply", "a-side", "2")

    assert job(afserver, 2)["hosts_mask"] != first
    assert str(job(afserver, 2)["hosts_mask"]).count("(?=") == 1  # never nested
    assert eligible(afserver, 2) == ["rnd-a03"]


def test_apply_warns_about_a_job_that_its_own_mask_keeps_off_the_pool(
    cli: Run, store: PoolStore, afserver: FakeAfserver
) -> None:
    store.create("gpu")
    store.add_hosts("gpu", ["gpu-01"])

    code, out, err = cli("apply", "gpu", "2", "4")  # job 2 asks for rnd-a03 by its own mask

    assert code == 0
    assert err == (
        "Warning: job 2 (busy_on_a03) will not run: its own hosts masks and pool 'gpu' "
        "have no host in common.\n"
    )
    assert out == "Pool 'gpu' (1 host) applied to jobs 2 (busy_on_a03), 4 (gpu_pool_job).\n"
    assert eligible(afserver, 2) == []
    assert eligible(afserver, 4) == ["gpu-01"]


def test_an_empty_pool_applied_lets_the_job_run_nowhere(
    cli: Run, store: PoolStore, afserver: FakeAfserver
) -> None:
    store.create("empty")

    code, _, err = cli("apply", "empty", "4")

    assert code == 0
    assert err == "Pool 'empty' has no hosts: these jobs will not run until hosts are added.\n"
    assert eligible(afserver, 4) == []


def test_unknown_jobs_change_nothing(cli: Run, store: PoolStore, afserver: FakeAfserver) -> None:
    store.create("gpu")

    code, out, err = cli("apply", "gpu", "4", "999")

    assert (code, out) == (1, "")
    assert err == f"afserver at {afserver.address} has no job with id 999; nothing was changed.\n"
    assert actions(afserver) == []
    assert "hosts_mask" not in job(afserver, 4)


def test_a_job_with_a_broken_regex_mask_is_refused_before_anything_is_sent(
    cli: Run, store: PoolStore, afserver: FakeAfserver
) -> None:
    afserver.farm.handle(
        {
            "action": {
                "user_name": "anna",
                "host_name": "ws-anna",
                "type": "jobs",
                "ids": [4],
                "params": {"hosts_mask": "gpu-0[1-", "hosts_mask_type": "regex"},
            }
        }
    )
    store.create("gpu")

    code, _, err = cli("apply", "gpu", "4")

    assert code == 1
    assert err == (
        "Job 4 (gpu_pool_job): The hosts mask 'gpu-0[1-' is not a valid regular expression: "
        "unterminated character set. Nothing was changed.\n"
    )
    assert actions(afserver) == []


@pytest.mark.parametrize(
    ("fault", "sentence"),
    [
        ("truncate", "sent a truncated reply"),
        ("garbage", "sent"),
        ("not_json", "sent"),
    ],
)
def test_a_broken_afserver_reply_is_one_sentence_and_writes_nothing(
    cli: Run,
    store: PoolStore,
    afserver: FakeAfserver,
    monkeypatch: pytest.MonkeyPatch,
    fault: str,
    sentence: str,
) -> None:
    monkeypatch.setenv("AFPOOLS_AFSERVER_TIMEOUT", "1")  # a truncated reply ends in a timeout
    store.create("gpu")
    afserver.fault = fault  # type: ignore[assignment]
    before = (store.pools(), store.revision())

    code, out, err = cli("apply", "gpu", "4")

    assert (code, out) == (1, "")
    assert err.startswith(f"afserver at {afserver.address} {sentence}")
    assert err.count("\n") == 1
    assert (store.pools(), store.revision()) == before
