"""Errors of a scan or a wake a user can meet; ``str(error)`` is one sentence."""

from __future__ import annotations

from ipaddress import IPv4Network

from pools.errors import AfpoolsError


class ScanError(AfpoolsError):
    """The scan cannot start: no such interface, a bad range, nothing to scan."""


class PublicRangeError(ScanError):
    """A range outside the private networks; a render farm never needs one swept."""


class TooWideError(ScanError):
    """More addresses than a quick sweep should touch without the admin's say-so.

    The board catches this one, asks, and starts again with ``allow_wide=True``.
    """

    def __init__(self, message: str, networks: tuple[IPv4Network, ...]) -> None:
        super().__init__(message)
        self.networks = networks


class WakeError(AfpoolsError):
    """A Wake-on-LAN request that cannot be sent (no MAC known, a bad address)."""
