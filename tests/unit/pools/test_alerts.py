"""Starved and idle pools from their minutes, the banner's sentence, and the loan plan."""

from __future__ import annotations

import pytest

from pools.alerts import find_alerts, plan_loan
from pools.errors import AfpoolsError
from pools.model import Host, HostState, Pool, RenderFlags
from pools.schedules import Schedule, window
from pools.usage import Point

NOW = 1_800_000_000
MINUTE = 60
STARVED = Point(10, 10, 10, 0, 10, 3, 40)
IDLE = Point(8, 8, 0, 8, 0, 0, 0)
BUSY = Point(8, 8, 8, 0, 8, 0, 0)


def minutes(point: Point, count: int, *, gap_at: int | None = None) -> dict[int, Point]:
    last = NOW // MINUTE * MINUTE
    return {last - i * MINUTE: point for i in range(count) if i != gap_at}


def test_a_starved_and_an_idle_pool_make_an_alert_with_the_banner_sentence() -> None:
    found = find_alerts({"lighting": minutes(STARVED, 12), "gpu": minutes(IDLE, 45)}, NOW)

    (alert,) = found.alerts
    assert alert.sentence == (
        "lighting: 40 tasks waiting, no idle host for 12 min; gpu has 8 idle hosts."
    )
    assert [c.pool for c in found.idle] == ["gpu"]
    assert alert.json()["lender"]["idle_hosts"] == 8


def test_not_yet_n_minutes_is_no_alert() -> None:
    found = find_alerts({"lighting": minutes(STARVED, 9), "gpu": minutes(IDLE, 9)}, NOW)

    assert found.alerts == ()
    assert found.idle == ()


def test_a_busy_pool_is_neither_and_a_starved_one_alone_says_none_can_lend() -> None:
    found = find_alerts({"lighting": minutes(STARVED, 30), "comp": minutes(BUSY, 30)}, NOW)

    (alert,) = found.alerts
    assert alert.lender is None
    assert alert.sentence.endswith("; no pool has idle hosts to lend.")


def test_a_minute_not_recorded_does_not_break_a_run_but_an_old_point_is_stale() -> None:
    with_gap = find_alerts({"lighting": minutes(STARVED, 12, gap_at=5)}, NOW)
    stale = find_alerts({"lighting": minutes(STARVED, 30)}, NOW + 10 * MINUTE)

    assert [a.starved.minutes for a in with_gap.alerts] == [12]
    assert stale.alerts == ()


def test_the_run_starts_where_the_pool_last_had_an_idle_host() -> None:
    points = minutes(STARVED, 40)
    points[NOW // MINUTE * MINUTE - 20 * MINUTE] = IDLE

    (alert,) = find_alerts({"lighting": points}, NOW).alerts

    assert alert.starved.minutes == 20


def render(name: str, flags: RenderFlags, tasks: int = 0) -> Host:
    return Host(name, state=HostState.from_flags(flags), flags=flags, tasks=tasks)


ON = RenderFlags.ONLINE
GPU = Pool("gpu", ("gpu-01", "gpu-02", "gpu-03", "gpu-04", "gpu-05", "gpu-06", "ws-01"))
LIGHTING = Pool("lighting", ("rnd-01", "gpu-06"))
HOSTS = {
    h.name: h
    for h in (
        render("gpu-01", ON),
        render("gpu-02", ON | RenderFlags.BUSY, tasks=1),
        render("gpu-03", ON),
        render("gpu-04", ON | RenderFlags.NIMBY_OWNER),
        render("gpu-05", RenderFlags(0)),
        render("gpu-06", ON),
        render("ws-01", ON),
    )
}


def test_a_loan_takes_only_hosts_idle_now_that_the_borrower_lacks() -> None:
    lender = Pool(GPU.name, GPU.hostnames, schedules=(Schedule("ws-01", window("20:00", "07:00")),))

    loan = plan_loan(lender, LIGHTING, HOSTS, waiting_tasks=40)

    assert loan.hosts == ("gpu-01", "gpu-03")
    assert loan.edit.op == "lend"
    assert (loan.edit.pool, loan.edit.value) == ("lighting", "gpu")
    assert loan.label == "Lend 2 hosts of gpu to lighting"


def test_a_loan_lends_no_more_than_asked_or_than_tasks_wait() -> None:
    assert plan_loan(GPU, LIGHTING, HOSTS, 1).hosts == ("gpu-01",)
    assert plan_loan(GPU, LIGHTING, HOSTS, waiting_tasks=2).hosts == ("gpu-01", "gpu-03")


def test_a_lender_without_idle_hosts_is_one_sentence() -> None:
    busy = {name: render(name, ON | RenderFlags.BUSY, tasks=1) for name in GPU.hostnames}

    with pytest.raises(AfpoolsError, match=r"Pool 'gpu' has no idle host to lend now\."):
        plan_loan(GPU, LIGHTING, busy)
