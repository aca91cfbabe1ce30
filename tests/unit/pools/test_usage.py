"""A usage point per pool: what counts as idle, what waits, and the stored text of an hour."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from pools.job_masks import JobView, Masks
from pools.model import Host, HostState, RenderFlags
from pools.usage import FARM, Point, measure
from pools.usage_charts import SPANS, chart_csv, chart_from_buckets, chart_from_minutes
from pools.usage_codec import Bucket, decode_buckets, decode_hour, encode_buckets, encode_hour

ON, BUSY, NIMBY, NIMBY_ALL, PAUSED = (
    RenderFlags.ONLINE,
    RenderFlags.BUSY,
    RenderFlags.NIMBY_OWNER,
    RenderFlags.NIMBY_ALL,
    RenderFlags.PAUSED,
)


def host(name: str, flags: RenderFlags, tasks: int = 0) -> Host:
    return Host(name, state=HostState.from_flags(flags), flags=flags, tasks=tasks)


def job(job_id: int, ready: int, st: int = 1) -> JobView:
    return JobView(job_id, 1, f"j{job_id}", "anna", st, 0, (0,), Masks.of("find", {}), ready)


FARM_HOSTS = {
    h.name: h
    for h in (
        host("a1", ON),
        host("a2", ON | BUSY, tasks=2),
        host("a3", ON | NIMBY),
        host("a4", ON | NIMBY_ALL),
        host("a5", ON | PAUSED),
        host("a6", RenderFlags(0)),
        host("g1", ON),
    )
}


def test_idle_hosts_are_online_and_neither_busy_paused_nor_in_either_nimby() -> None:
    points = measure({"p": ["a1", "a2", "a3", "a4", "a5", "a6", "gone"]}, FARM_HOSTS, [])

    assert points["p"] == Point(
        total=7, online=5, busy=1, idle=1, running=2, waiting_jobs=0, waiting_tasks=0
    )
    assert points["p"].offline == 2


def test_jobs_wait_with_ready_tasks_unless_paused_done_or_held_by_a_dependency() -> None:
    jobs = [
        (job(1, 40), ["p"]),
        (job(2, 5, st=1 | 512), ["p"]),  # paused (OFF)
        (job(3, 5, st=1 | 4), ["p"]),  # waits for a dependency
        (job(4, 0, st=2), ["p"]),  # all its tasks run
        (job(5, 3), ["p", "q"]),  # bound to two pools: waits for both
    ]

    points = measure({"p": ["a1"], "q": ["g1"]}, FARM_HOSTS, jobs)

    assert (points["p"].waiting_jobs, points["p"].waiting_tasks) == (2, 43)
    assert (points["q"].waiting_jobs, points["q"].waiting_tasks) == (1, 3)
    assert (points[FARM].waiting_jobs, points[FARM].waiting_tasks) == (2, 43)


def test_the_farm_counts_a_host_of_two_pools_once() -> None:
    points = measure({"p": ["a1", "a2"], "q": ["a2", "g1"]}, FARM_HOSTS, [])

    assert points[FARM].total == 3
    assert points[FARM].busy == 1


counts = st.integers(min_value=0, max_value=100_000)
points = st.builds(Point, counts, counts, counts, counts, counts, counts, counts)
hours = st.lists(st.one_of(st.none(), points), min_size=0, max_size=60)


@given(hours)
def test_an_hour_reads_back_as_written(slots: list[Point | None]) -> None:
    text = encode_hour(slots)

    assert decode_hour(text) == slots + [None] * (60 - len(slots))


def test_a_quiet_minute_costs_two_bytes() -> None:
    quiet = [Point(20, 18, 10, 8, 12, 0, 0)] * 60

    assert len(encode_hour(quiet)) == len("20,18,10,8,12,0,0") + 59 * 2


@given(hours)
def test_ten_minute_means_read_back(slots: list[Point | None]) -> None:
    buckets = decode_buckets(encode_buckets(slots))

    for index, bucket in enumerate(buckets):
        chosen = [p for p in slots[index * 10 : index * 10 + 10] if p is not None]
        if not chosen:
            assert bucket is None
            continue
        assert bucket is not None
        assert bucket.n == len(chosen)
        assert math.isclose(
            bucket.busy, sum(p.busy for p in chosen) / len(chosen), abs_tol=0.0501
        )  # one decimal


def test_a_chart_of_minutes_has_gaps_where_nothing_was_recorded() -> None:
    span = SPANS["24h"]
    now = 1_800_000_000.0
    last = int(now) // 60 * 60
    chart = chart_from_minutes("p", span, now, {last: Point(5, 4, 3, 1, 3, 1, 7)})

    assert len(chart.busy) == 1440
    assert chart.times[-1] == last
    assert (chart.busy[-1], chart.idle[-1], chart.offline[-1], chart.waiting_tasks[-1]) == (
        3,
        1,
        1,
        7,
    )
    assert math.isnan(chart.busy[-2])


def test_a_half_hour_step_weighs_its_buckets_by_their_minutes() -> None:
    span = SPANS["30d"]
    now = 1_800_000_000.0
    first = span.start(now) + (span.count - 1) * span.step
    buckets = {first: Bucket(10, 4, 0, 4, 4, 0), first + 600: Bucket(5, 1, 0, 4, 6, 0)}

    chart = chart_from_buckets("p", span, now, buckets)

    assert chart.busy[-1] == 3.0
    assert chart.offline[-1] == (10 * 4 + 5 * 6) / 15 - 4


def test_csv_has_a_row_per_step_and_empty_cells_for_gaps() -> None:
    span = SPANS["24h"]
    now = 1_800_000_000.0
    chart = chart_from_minutes("p", span, now, {int(now) // 60 * 60: Point(5, 4, 3, 1, 3, 1, 7)})

    lines = chart_csv(chart, local=False).splitlines()

    assert lines[0] == "time,busy,idle,offline,waiting_tasks,online"
    assert len(lines) == 1441
    assert lines[-1].endswith(",3,1,1,7,4")
    assert lines[-2].endswith(",,,,,")
    assert lines[-1].startswith("2027-01-15T08:00:00+0000")
