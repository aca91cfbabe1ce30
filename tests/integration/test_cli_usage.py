"""``main.py alerts`` (exit 3 for cron) and ``main.py pools schedule`` as an admin types
them, with one sentence for every bad input and nothing changed by it."""

from __future__ import annotations

import json
import time

import pytest

from pools.usage import Point
from storage.store import PoolStore
from tests.support.cli import Run

pytestmark = pytest.mark.integration

STARVED = Point(10, 10, 10, 0, 10, 3, 40)
IDLE = Point(8, 8, 0, 8, 0, 0, 0)


def record(store: PoolStore, minutes: int, points: dict[str, Point]) -> None:
    writer = store.usage_writer()
    now = int(time.time()) // 60 * 60
    keys = {name: store.pool_id(name) for name in points}
    for back in range(minutes - 1, -1, -1):
        writer.record(now - back * 60, {keys[n]: (n, p) for n, p in points.items()})


def test_alerts_exit_0_without_and_3_with_a_starved_pool(cli: Run, store: PoolStore) -> None:
    store.create("lighting", hosts=["rnd-01"])
    store.create("gpu", hosts=["gpu-01"])

    quiet = cli("alerts")
    record(store, 12, {"lighting": STARVED, "gpu": IDLE})
    code, out, _ = cli("alerts")
    json_code, json_out, _ = cli("alerts", "--json")

    assert quiet == (0, "", "No pool has been starved or idle for 10 minutes.\n")
    assert code == 3
    assert out.splitlines() == [
        "lighting: 40 tasks waiting, no idle host for 12 min; gpu has 8 idle hosts.",
        "gpu: 8 idle hosts, nothing waiting for 12 min.",
    ]
    assert json_code == 3
    answer = json.loads(json_out)
    assert [(a["pool"], a["waiting_tasks"], a["lender"]["pool"]) for a in answer["alerts"]] == [
        ("lighting", 40, "gpu")
    ]
    assert cli("alerts", "--minutes", "20")[0] == 0


def test_a_schedule_is_added_listed_and_removed(cli: Run, store: PoolStore) -> None:
    store.create("night-farm", hosts=["ws-01", "ws-02", "rnd-01"])

    added = cli(
        "pools", "schedule", "night-farm", "add", "ws-01", "ws-02",
        "--from", "20:00", "--to", "07:00", "--days", "mon-fri",
    )  # fmt: skip
    weekend = cli(
        "pools", "schedule", "night-farm", "add", "ws-01",
        "--from", "00:00", "--to", "24:00", "--days", "sat,sun",
    )  # fmt: skip
    listed_code, out, _ = cli("pools", "schedule", "night-farm", "list", "--json")
    removed = cli("pools", "schedule", "night-farm", "remove", "ws-02")

    assert added[0] == 0
    assert added[1].startswith("ws-01, ws-02 in pool 'night-farm' 20:00-07:00 mon-fri (")
    assert weekend[0] == 0
    assert listed_code == 0
    listed = {s["host"]: s["when"] for s in json.loads(out)}
    assert listed == {
        "ws-01": ["20:00-07:00 mon-fri", "00:00-24:00 sat,sun"],
        "ws-02": ["20:00-07:00 mon-fri"],
    }
    assert removed == (0, "ws-02 in pool 'night-farm' at all times now.\n", "")
    assert store.pool("night-farm").hostnames == ("ws-01", "ws-02", "rnd-01")


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (
            ["add", "ws-01", "--from", "08:00", "--to", "08:00"],
            "--from and --to are both 08:00: a window needs two different times "
            "(00:00 to 24:00 is the whole day).",
        ),
        (
            ["add", "ws-01", "--from", "20:00", "--to", "07:00", "--days", "mo-fr"],
            "'mo-fr' is not a list of days: use mon, tue, wed, thu, fri, sat, sun, ranges "
            "such as mon-fri, and commas (sat,sun), or all.",
        ),
        (
            ["add", "ws-09", "--from", "20:00", "--to", "07:00"],
            "ws-09 is not in pool 'night-farm'; add it first "
            "('main.py pools add night-farm ws-09'). Nothing was changed.",
        ),
        (["add", "ws-01", "--from", "20:00"], "A schedule needs --from HH:MM and --to HH:MM "),
        (["remove", "ws-01"], "ws-01 has no schedule in pool 'night-farm'; nothing changed."),
    ],
)
def test_a_bad_schedule_is_one_sentence_and_changes_nothing(
    cli: Run, store: PoolStore, argv: list[str], sentence: str
) -> None:
    store.create("night-farm", hosts=["ws-01"])
    before = store._db.pools.find_one({"name": "night-farm"})

    code, out, err = cli("pools", "schedule", "night-farm", *argv)

    assert (code, out) == (1, "")
    assert err.startswith(sentence)
    assert len(err.strip().splitlines()) == 1
    assert store._db.pools.find_one({"name": "night-farm"}) == before


def test_a_time_zone_that_does_not_exist_is_one_sentence(
    cli: Run, store: PoolStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.create("night-farm", hosts=["ws-01"])
    monkeypatch.setenv("AFPOOLS_FARM_TIMEZONE", "Europe/Berln")
    before = store._db.pools.find_one({"name": "night-farm"})

    code, out, err = cli(
        "pools", "schedule", "night-farm", "add", "ws-01", "--from", "20:00", "--to", "07:00"
    )

    assert (code, out) == (1, "")
    assert err == (
        "farm_timezone 'Europe/Berln' is not a time zone this machine knows; use an IANA name "
        "such as Europe/Berlin or America/Los_Angeles, or leave it empty for this machine's "
        "own.\n"
    )
    assert store._db.pools.find_one({"name": "night-farm"}) == before


def test_show_and_mask_tell_the_members_in_the_pool_now(cli: Run, store: PoolStore) -> None:
    store.create("night-farm", hosts=["ws-01", "rnd-01"])
    cli("pools", "schedule", "night-farm", "add", "ws-01", "--from", "20:00", "--to", "07:00")
    store.apply_schedule_out("night-farm", lambda pool: frozenset({"ws-01"}))  # the agent's

    shown = cli("pools", "show", "night-farm")[1].splitlines()
    mask = cli("mask", "night-farm")[1]

    assert shown[-2:] == ["  ws-01  (scheduled 20:00-07:00 every day: out now)", "  rnd-01"]
    assert mask == "rnd-01\n"


def test_the_agent_does_not_start_in_a_time_zone_that_does_not_exist(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AFPOOLS_FARM_TIMEZONE", "Europe/Berln")

    code, out, err = cli("agent", "--once")

    assert (code, out) == (1, "")
    assert err.startswith("farm_timezone 'Europe/Berln' is not a time zone this machine knows;")
