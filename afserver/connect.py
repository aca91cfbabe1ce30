"""The afserver client the settings describe."""

from __future__ import annotations

from afserver.client import AfserverClient
from config.settings import Settings
from pools.errors import SettingsError


def client_for(settings: Settings) -> AfserverClient:
    """A bad address or timeout in the settings is one sentence, whoever asks for a client."""
    try:
        return AfserverClient(
            settings.afserver_host,
            settings.afserver_port,
            user_name=settings.user_name,
            host_name=settings.host_name,
            http=settings.afserver_http,
            timeout=settings.afserver_timeout,
        )
    except ValueError as error:
        raise SettingsError(f"The afserver address cannot be used: {error}.") from None
