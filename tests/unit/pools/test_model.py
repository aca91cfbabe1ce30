"""What a host's state and a pool's name mean to an admin."""

from __future__ import annotations

import pytest

from pools.errors import InvalidNameError
from pools.model import (
    Host,
    HostState,
    Pool,
    RenderFlags,
    memberships,
    normalize_hostname,
    unique_hostnames,
)


@pytest.mark.parametrize(
    ("st", "state", "label"),
    [
        (0, HostState.OFFLINE, "offline"),
        (1, HostState.ONLINE, "online"),
        (3, HostState.NIMBY, "nimby"),
        (5, HostState.NIMBY, "NIMBY"),
        (9, HostState.BUSY, "busy"),
        (257, HostState.PAUSED, "paused"),
        (265, HostState.PAUSED, "paused"),  # paused while finishing a task
        (513, HostState.SICK, "sick"),
        (8, HostState.OFFLINE, "offline"),  # a stale busy bit on a machine that is off
    ],
)
def test_render_st_bits_decode_to_one_state(st: int, state: HostState, label: str) -> None:
    flags = RenderFlags(st)
    host = Host("rnd-01", state=HostState.from_flags(flags), flags=flags)

    assert host.state is state
    assert host.state_label == label


def test_a_machine_seen_only_by_a_scan_is_unknown_and_not_up() -> None:
    host = Host("ws-new")

    assert host.state is HostState.UNKNOWN
    assert not host.state.is_up
    assert HostState.NIMBY.is_up


def test_hostnames_are_trimmed_deduplicated_and_checked() -> None:
    assert unique_hostnames([" rnd-01", "rnd-02", "rnd-01 "]) == ("rnd-01", "rnd-02")
    assert normalize_hostname("gpu(a)[1]*") == "gpu(a)[1]*"
    with pytest.raises(InvalidNameError, match="cannot be empty"):
        normalize_hostname("  ")
    with pytest.raises(InvalidNameError, match="at most 253"):
        normalize_hostname("h" * 254)


def test_memberships_list_every_pool_of_a_host() -> None:
    pools = [Pool("a", ("h1", "h2")), Pool("b", ("h2",))]

    assert memberships(pools) == {"h1": ("a",), "h2": ("a", "b")}
    assert "h2" in pools[1]
