"""The farm's time zone: a name, or this machine's own with its daylight-saving rules."""

from __future__ import annotations

import datetime as dt

import pytest

from config.settings import load_settings
from config.timezone import farm_zone, zone_name
from pools.errors import SettingsError


def test_a_named_zone_follows_its_daylight_saving() -> None:
    zone = farm_zone(load_settings({"AFPOOLS_FARM_TIMEZONE": "Europe/Berlin"}))

    winter = dt.datetime(2026, 1, 15, 12, tzinfo=zone).utcoffset()
    summer = dt.datetime(2026, 7, 15, 12, tzinfo=zone).utcoffset()

    assert (winter, summer) == (dt.timedelta(hours=1), dt.timedelta(hours=2))
    assert zone_name(zone) == "Europe/Berlin"


def test_empty_is_this_machine_s_zone_as_tz_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")

    zone = farm_zone(load_settings({}))

    assert dt.datetime(2026, 7, 15, 12, tzinfo=zone).utcoffset() == dt.timedelta(hours=-4)
    assert dt.datetime(2026, 1, 15, 12, tzinfo=zone).utcoffset() == dt.timedelta(hours=-5)


def test_a_zone_that_does_not_exist_is_one_sentence() -> None:
    with pytest.raises(SettingsError) as refused:
        farm_zone(load_settings({"AFPOOLS_FARM_TIMEZONE": "Mars/Olympus_Mons"}))

    assert str(refused.value).startswith(
        "farm_timezone 'Mars/Olympus_Mons' is not a time zone this machine knows;"
    )
