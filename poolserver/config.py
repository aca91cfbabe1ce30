"""The service's options, checked once at start so that a mistake is one sentence, not a
half-started service.

The admin-facing options (address, ports, TLS, writes) are checked by the same
``ServiceDraft`` the configurator uses; the limits are checked here.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass

from config.service import ServiceDraft, server_tls_context
from config.settings import Settings
from pools.errors import SettingsError


@dataclass(frozen=True)
class ServiceConfig:
    host: str
    port: int
    legacy_port: int
    tls: ssl.SSLContext | None
    writes: bool
    write_token: str
    max_connections: int
    read_timeout: float
    max_header_bytes: int
    max_body_bytes: int
    refresh_interval: float
    afserver_interval: float
    access_log: bool

    @classmethod
    def from_settings(cls, settings: Settings) -> ServiceConfig:
        draft = ServiceDraft.from_settings(settings)
        # Port 0 asks the system for a free port: tests and benchmarks use it. The address
        # is resolved when its ports open, and an error there names the port.
        problems = draft.with_changes(port=draft.port or 1).problems(resolve=False)
        if problems:
            hint = " Run 'main.py serve --configure' to fix it."
            raise SettingsError(problems[0] + hint)
        for name, value, least in (
            ("service_max_connections", settings.service_max_connections, 1),
            ("service_read_timeout", settings.service_read_timeout, 0.1),
            ("service_max_header_bytes", settings.service_max_header_bytes, 1024),
            ("service_max_body_bytes", settings.service_max_body_bytes, 1024),
            ("service_refresh_interval", settings.service_refresh_interval, 0.05),
            ("service_afserver_interval", settings.service_afserver_interval, 0),
        ):
            if value < least:
                raise SettingsError(f"{name} must be at least {least}, not {value}.")
        tls = None
        if draft.tls:
            tls = server_tls_context(draft.tls_cert, draft.tls_key, draft.tls_client_ca)
        return cls(
            host=draft.host.strip(),
            port=draft.port,
            legacy_port=draft.legacy_port,
            tls=tls,
            writes=draft.writes,
            write_token=draft.write_token,
            max_connections=settings.service_max_connections,
            read_timeout=settings.service_read_timeout,
            max_header_bytes=settings.service_max_header_bytes,
            max_body_bytes=settings.service_max_body_bytes,
            refresh_interval=settings.service_refresh_interval,
            afserver_interval=settings.service_afserver_interval,
            access_log=settings.service_access_log,
        )
