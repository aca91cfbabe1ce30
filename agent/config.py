"""The agent's timings, from the settings, checked once so a mistake is one sentence."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from config.settings import Settings
from config.timezone import farm_zone
from pools.errors import SettingsError

LOGGER_NAME = "afpools.agent"


@dataclass(frozen=True)
class AgentConfig:
    jobs_interval: float  # seconds between two reads of afserver's jobs
    watch_interval: float  # seconds between two checks of the pools' change token
    lease_seconds: float  # how long the lease lasts without a renewal
    description: str  # who holds the lease, for people: "host pid 1234"
    zone: dt.tzinfo = field(default=dt.UTC)  # the farm's, for member schedules

    @classmethod
    def from_settings(cls, settings: Settings) -> AgentConfig:
        for name, value, least in (
            ("agent_jobs_interval", settings.agent_jobs_interval, 0.05),
            ("agent_watch_interval", settings.agent_watch_interval, 0.01),
            ("agent_lease_seconds", settings.agent_lease_seconds, 0.5),
        ):
            if value < least:
                raise SettingsError(f"{name} must be at least {least}, not {value}.")
        return cls(
            jobs_interval=settings.agent_jobs_interval,
            watch_interval=min(settings.agent_watch_interval, settings.agent_jobs_interval),
            lease_seconds=settings.agent_lease_seconds,
            description=f"{settings.host_name} pid {os.getpid()}",
            zone=farm_zone(settings),
        )

    @property
    def renew_every(self) -> float:
        """A third of the lease: two renewals may fail before another agent may take it."""
        return self.lease_seconds / 3

    @property
    def write_margin(self) -> float:
        """No write is started this close to the lease's end (the action takes a cycle)."""
        return self.lease_seconds / 4
