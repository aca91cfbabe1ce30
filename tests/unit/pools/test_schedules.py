"""Schedule arithmetic: windows by the farm's wall clock, over days, midnight and DST.

The reference is the definition itself, written the slow way: a host is in when the local
wall time (weekday, hour, minute) falls in a window, a window crossing midnight belonging
to the day it starts on.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pools.schedules import (
    Schedule,
    ScheduleError,
    Window,
    days_text,
    inside,
    members_out,
    next_change,
    parse_days,
    transitions,
    window,
)

ZONES = [
    ZoneInfo(name)
    for name in (
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "Australia/Lord_Howe",  # a half-hour daylight-saving shift
        "America/Sao_Paulo",  # (until 2019) changes at midnight: some days have no 00:00
        "Pacific/Apia",  # skipped 30 December 2011 altogether
        "Asia/Kolkata",
    )
]
BERLIN = ZoneInfo("Europe/Berlin")


def reference(windows: list[Window], moment: float, zone: dt.tzinfo) -> bool:
    local = dt.datetime.fromtimestamp(moment, zone)
    minute, day = local.hour * 60 + local.minute, local.weekday()
    for w in windows:
        if w.start < w.end:
            if day in w.days and w.start <= minute < w.end:
                return True
        elif (day in w.days and minute >= w.start) or ((day - 1) % 7 in w.days and minute < w.end):
            return True
    return False


minutes_of_day = st.integers(min_value=0, max_value=24 * 60 - 1)
windows = st.builds(
    Window,
    st.frozensets(st.integers(min_value=0, max_value=6), min_size=1),
    minutes_of_day,
    minutes_of_day,
).filter(lambda w: w.start != w.end or w.start == 0)
moments = st.integers(
    min_value=int(dt.datetime(2010, 1, 1, tzinfo=dt.UTC).timestamp()),
    max_value=int(dt.datetime(2030, 1, 1, tzinfo=dt.UTC).timestamp()),
)


@given(st.lists(windows, min_size=1, max_size=3), moments, st.sampled_from(ZONES))
def test_a_host_is_in_exactly_when_the_wall_clock_is_inside_a_window(
    chosen: list[Window], moment: int, zone: dt.tzinfo
) -> None:
    assert inside(chosen, moment, zone) == reference(chosen, moment, zone)


@settings(max_examples=150, deadline=None)
@given(st.lists(windows, min_size=1, max_size=2), moments, st.sampled_from(ZONES), st.data())
def test_the_next_change_is_the_first_instant_the_state_flips(
    chosen: list[Window], moment: int, zone: dt.tzinfo, data: st.DataObject
) -> None:
    state = inside(chosen, moment, zone)
    change = next_change(chosen, moment, zone)

    if change is None:  # always in (a window covering the whole week), or never
        for step in range(0, 8 * 86400, 3600):
            assert reference(chosen, moment + step, zone) == state
        return
    assert change > moment
    assert reference(chosen, change, zone) != state
    assert reference(chosen, change - 1, zone) == state
    for probe in data.draw(st.lists(st.integers(min_value=moment, max_value=int(change) - 1))):
        assert reference(chosen, probe, zone) == state


def test_a_night_window_crosses_midnight_into_the_next_day() -> None:
    night = [window("20:00", "07:00", "mon-fri")]
    friday_night = dt.datetime(2026, 12, 4, 23, 30, tzinfo=BERLIN).timestamp()
    saturday_morning = dt.datetime(2026, 12, 5, 6, 59, tzinfo=BERLIN).timestamp()
    saturday_night = dt.datetime(2026, 12, 5, 23, 30, tzinfo=BERLIN).timestamp()
    monday_morning = dt.datetime(2026, 12, 7, 6, 0, tzinfo=BERLIN).timestamp()

    assert inside(night, friday_night, BERLIN)
    assert inside(night, saturday_morning, BERLIN)
    assert not inside(night, saturday_night, BERLIN)
    assert not inside(night, monday_morning, BERLIN)  # Sunday is not a night of mon-fri
    assert next_change(night, saturday_morning, BERLIN) == (
        dt.datetime(2026, 12, 5, 7, 0, tzinfo=BERLIN).timestamp()
    )


def test_a_window_starting_in_the_skipped_hour_starts_when_the_clock_jumps() -> None:
    """29 March 2026 in Berlin: 02:00 CET becomes 03:00 CEST; 02:30 never shows."""
    early = [window("02:30", "05:00")]
    before = dt.datetime(2026, 3, 29, 1, 0, tzinfo=BERLIN).timestamp()

    change = next_change(early, before, BERLIN)

    assert change == dt.datetime(2026, 3, 29, 3, 0, tzinfo=BERLIN).timestamp()
    assert change - before == 3600  # one hour of real time: 01:00 CET to 03:00 CEST


def test_the_night_of_the_autumn_change_is_an_hour_longer() -> None:
    """25 October 2026 in Berlin: 03:00 CEST becomes 02:00 CET."""
    night = [window("20:00", "07:00")]
    start = dt.datetime(2026, 10, 24, 20, 0, tzinfo=BERLIN).timestamp()

    end = next_change(night, start, BERLIN)

    assert end is not None
    assert end - start == 12 * 3600


def test_transitions_are_found_to_the_second() -> None:
    start = dt.datetime(2026, 3, 28, tzinfo=dt.UTC).timestamp()

    found = transitions(BERLIN, start, start + 3 * 86400)

    assert found == [dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC).timestamp()]


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("sat,sun", {5, 6}),
        ("fri-mon", {4, 5, 6, 0}),
        ("MON, wed-thu", {0, 2, 3}),
        ("all", set(range(7))),
    ],
)
def test_days_are_read_as_an_admin_writes_them(text: str, days: set[int]) -> None:
    assert parse_days(text) == days
    assert parse_days(days_text(days)) == days


@pytest.mark.parametrize(
    ("start", "end", "days", "says"),
    [
        ("08:00", "08:00", "all", "--from and --to are both 08:00"),
        ("00:00", "00:00", "all", "--from and --to are both 00:00"),
        ("25:00", "07:00", "all", "'25:00' is not a time of day"),
        ("20:00", "7", "all", "'7' is not a time of day"),
        ("24:00", "07:00", "all", "'24:00' is not a time of day"),
        ("20:00", "07:00", "mo-fr", "'mo-fr' is not a list of days"),
        ("20:00", "07:00", "weekend", "'weekend' is not a list of days"),
    ],
)
def test_a_bad_schedule_is_one_sentence(start: str, end: str, days: str, says: str) -> None:
    with pytest.raises(ScheduleError) as refused:
        window(start, end, days)

    assert says in str(refused.value)
    assert str(refused.value).count(".") <= 3


def test_a_whole_day_is_00_00_to_24_00() -> None:
    weekend = window("00:00", "24:00", "sat,sun")
    saturday = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC).timestamp()

    assert inside([weekend], saturday, dt.UTC)
    assert weekend.text() == "00:00-24:00 sat,sun"


def test_members_while_the_user_is_away_follow_nimby_and_stay_put_when_unknown() -> None:
    schedules = [Schedule("ws-anna"), Schedule("ws-bob"), Schedule("ws-carl")]
    members = ["ws-anna", "ws-bob", "ws-carl", "rnd-01"]
    nimby = {"ws-anna": True, "ws-bob": False, "ws-carl": None}

    out = members_out(members, schedules, 0, dt.UTC, nimby=nimby, was_out=["ws-carl"])
    kept_in = members_out(members, schedules, 0, dt.UTC, nimby=nimby, was_out=[])

    assert out == {"ws-anna", "ws-carl"}
    assert kept_in == {"ws-anna"}
