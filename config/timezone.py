"""The farm's time zone, in which member schedules are read.

``farm_timezone`` names an IANA zone (``Europe/Berlin``); empty means the local zone of the
machine that runs the agent, found as the system keeps it (``TZ``, ``/etc/localtime``), so
that its daylight-saving changes are followed too. A name this machine does not know is one
sentence, never a fall back to another zone.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from config.settings import Settings
from pools.errors import SettingsError

LOCALTIME = Path("/etc/localtime")


def farm_zone(settings: Settings) -> dt.tzinfo:
    return zone_named(settings.farm_timezone)


def zone_named(name: str) -> dt.tzinfo:
    """The zone ``name`` names, or the local one for ''."""
    name = name.strip()
    if not name:
        return local_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise SettingsError(
            f"farm_timezone '{name}' is not a time zone this machine knows; "
            "use an IANA name such as Europe/Berlin or America/Los_Angeles, or leave it "
            "empty for this machine's own."
        ) from None


def local_zone() -> dt.tzinfo:
    """This machine's zone with its daylight-saving rules where the system keeps them;
    else its current offset (which cannot follow a change: set farm_timezone then)."""
    named = os.environ.get("TZ", "").lstrip(":")
    if named:
        try:
            return ZoneInfo(named)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    try:
        target = str(LOCALTIME.resolve())
        if "zoneinfo/" in target:
            return ZoneInfo(target.split("zoneinfo/", 1)[1])
        with LOCALTIME.open("rb") as handle:
            return ZoneInfo.from_file(handle, key="localtime")
    except (OSError, ValueError, ZoneInfoNotFoundError):
        zone = dt.datetime.now().astimezone().tzinfo
        return zone if zone is not None else dt.UTC


def zone_name(zone: dt.tzinfo) -> str:
    """How a zone is named to people."""
    key = getattr(zone, "key", None)
    return str(key) if key else str(zone)
