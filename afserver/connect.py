"""The afserver client the settings describe."""

from __future__ import annotations

from afserver.client import AfserverClient
from config.settings import Settings


def client_for(settings: Settings) -> AfserverClient:
    return AfserverClient(
        settings.afserver_host,
        settings.afserver_port,
        user_name=settings.user_name,
        host_name=settings.host_name,
        http=settings.afserver_http,
        timeout=settings.afserver_timeout,
    )
