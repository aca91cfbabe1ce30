"""Scan sightings in the store's ``hosts``: named, nameless (kept under the IP), renamed."""

from __future__ import annotations

import pytest

from pools.errors import HostNotFoundError, NothingChangedError
from scanner.sighting import Sighting
from storage.store import PoolStore

pytestmark = pytest.mark.integration


def seen(ip: str, mac: str = "", hostname: str = "", *sources: str, at: float = 100.0) -> Sighting:
    return Sighting(ip, mac, hostname, frozenset(sources or ("arp",)), at)


def hosts(store: PoolStore) -> dict[str, tuple[str, str, tuple[str, ...], float, float]]:
    return {
        h.name: (h.ip, h.mac, tuple(sorted(h.sources)), h.first_seen, h.last_seen)
        for h in store.known_hosts()
    }


def test_sightings_are_kept_under_their_name_or_else_their_ip(store: PoolStore) -> None:
    names = store.record_sightings(
        [
            seen("10.0.0.5", "02:00:00:00:00:05", "ws-anna", "arp", "dns"),
            seen("10.0.0.6", "02:00:00:00:00:06"),
        ]
    )

    assert names == ["ws-anna", "10.0.0.6"]
    assert hosts(store) == {
        "ws-anna": ("10.0.0.5", "02:00:00:00:00:05", ("arp", "dns"), 100.0, 100.0),
        "10.0.0.6": ("10.0.0.6", "02:00:00:00:00:06", ("arp",), 100.0, 100.0),
    }


def test_a_later_scan_keeps_first_seen_and_adds_sources(store: PoolStore) -> None:
    store.record_sightings([seen("10.0.0.5", "02:00:00:00:00:05", "ws-anna", "arp", at=100.0)])
    store.record_sightings([seen("10.0.0.9", "", "ws-anna", "zeroconf", at=200.0)])

    assert hosts(store) == {
        "ws-anna": ("10.0.0.9", "02:00:00:00:00:05", ("arp", "zeroconf"), 100.0, 200.0)
    }


def test_a_name_found_later_replaces_the_ip_entry(store: PoolStore) -> None:
    store.record_sightings([seen("10.0.0.6", "02:00:00:00:00:06", at=100.0)])
    store.record_sightings([seen("10.0.0.6", "02:00:00:00:00:06", "ws-bob", "dns", at=200.0)])

    assert hosts(store) == {
        "ws-bob": ("10.0.0.6", "02:00:00:00:00:06", ("arp", "dns"), 100.0, 200.0)
    }


def test_a_nameless_sighting_of_a_known_mac_updates_the_named_host(store: PoolStore) -> None:
    store.record_sightings([seen("10.0.0.5", "02:00:00:00:00:05", "ws-anna", at=100.0)])

    names = store.record_sightings([seen("10.0.0.50", "02:00:00:00:00:05", at=300.0)])

    assert names == ["ws-anna"]
    assert hosts(store) == {"ws-anna": ("10.0.0.50", "02:00:00:00:00:05", ("arp",), 100.0, 300.0)}


def test_naming_by_hand_moves_the_ip_entry_to_the_name(store: PoolStore) -> None:
    store.record_sightings([seen("10.0.0.6", "02:00:00:00:00:06", at=100.0)])

    named = store.name_host("10.0.0.6", " ws-carol ")

    assert named.name == "ws-carol"
    assert hosts(store) == {
        "ws-carol": ("10.0.0.6", "02:00:00:00:00:06", ("arp", "manual"), 100.0, 100.0)
    }


def test_naming_an_unknown_host_or_to_the_same_name_is_one_sentence(store: PoolStore) -> None:
    store.record_sightings([seen("10.0.0.6")])

    with pytest.raises(HostNotFoundError, match=r"^There is no known host named '10\.0\.0\.7'\.$"):
        store.name_host("10.0.0.7", "ws-dan")
    with pytest.raises(NothingChangedError):
        store.name_host("10.0.0.6", "10.0.0.6")
    assert list(hosts(store)) == ["10.0.0.6"]


def test_pools_follow_a_machine_when_it_gets_its_name(store: PoolStore) -> None:
    """Dragged into a pool while known only by its IP, it must not stay an IP in the mask."""
    store.record_host("10.0.0.9", source="arp", ip="10.0.0.9", mac="02:00:00:00:00:09")
    store.create("night")
    store.add_hosts("night", ["10.0.0.9", "ws-anna"])

    store.name_host("10.0.0.9", "ws-kim")

    assert store.pool("night").hostnames == ("ws-anna", "ws-kim")
    last = store.history("night", limit=1)[0]
    assert last.describe() == "renamed host 10.0.0.9 to ws-kim in pool 'night'"


def test_pools_follow_a_machine_when_a_later_scan_finds_its_name(store: PoolStore) -> None:
    store.record_sightings([seen("10.0.0.7", "02:00:00:00:00:07")])
    store.create("gpu")
    store.add_hosts("gpu", ["10.0.0.7"])

    store.record_sightings([seen("10.0.0.7", "02:00:00:00:00:07", "gpu-07", "arp", "dns")])

    assert store.pool("gpu").hostnames == ("gpu-07",)


def test_forgetting_takes_exactly_the_named_machines_and_tells_the_boards(
    store: PoolStore,
) -> None:
    store.record_host("rnd-a0l", source="manual")  # mistyped
    store.record_host("RND-A0L", source="manual")  # another machine: names match exactly
    store.record_host("ws-anna", source="scan")
    before = store.revision()

    forgotten = store.forget_hosts(["rnd-a0l", "rnd-a0l", "never-known"])

    assert forgotten == ["rnd-a0l"]
    assert [h.name for h in store.known_hosts()] == ["RND-A0L", "ws-anna"]
    assert store.revision() > before  # boards reload their farm
    assert store.forget_hosts(["never-known"]) == []
