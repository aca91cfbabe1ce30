"""Observations from ARP, TCP, zeroconf and DNS merge into one sighting per address."""

from __future__ import annotations

import pytest

from scanner.sighting import (
    Observation,
    Sighting,
    SightingBook,
    merge_sightings,
    normalize_mac,
    short_hostname,
)


@pytest.mark.parametrize(
    ("raw", "short"),
    [
        ("rnd-a01.studio.lan.", "rnd-a01"),
        ("WS-Anna.local.", "ws-anna"),
        ("gpu_07", "gpu_07"),
        ("", ""),
        ("bad name.local.", ""),
        ("-dash.lan", ""),
        ("1234", ""),
    ],
)
def test_names_become_afrender_style_short_names(raw: str, short: str) -> None:
    assert short_hostname(raw) == short


@pytest.mark.parametrize(
    ("raw", "mac"),
    [
        ("02:77:00:00:00:0A", "02:77:00:00:00:0a"),
        ("02-77-00-00-00-0a", "02:77:00:00:00:0a"),
        ("0277.0000.000a", "02:77:00:00:00:0a"),
        ("02770000000a", "02:77:00:00:00:0a"),
        ("02:77:00:00:00", ""),
        ("zz:77:00:00:00:0a", ""),
    ],
)
def test_macs_are_normalised_or_rejected(raw: str, mac: str) -> None:
    assert normalize_mac(raw) == mac


def test_sources_merge_per_address_in_address_order() -> None:
    merged = merge_sightings(
        [
            Observation("10.0.0.10", "arp", mac="02:00:00:00:00:10", seen_at=1.0),
            Observation("10.0.0.9", "zeroconf", name="ws-nine.local.", seen_at=2.0),
            Observation("10.0.0.10", "dns", name="rnd-10.studio.lan.", seen_at=3.0),
            Observation("10.0.0.9", "arp", mac="02:00:00:00:00:09", seen_at=4.0),
        ]
    )

    assert merged == [
        Sighting("10.0.0.9", "02:00:00:00:00:09", "ws-nine", frozenset({"arp", "zeroconf"}), 4.0),
        Sighting("10.0.0.10", "02:00:00:00:00:10", "rnd-10", frozenset({"arp", "dns"}), 3.0),
    ]


@pytest.mark.parametrize("dns_first", [True, False])
def test_a_dns_name_wins_over_a_zeroconf_name_whatever_the_order(dns_first: bool) -> None:
    dns = Observation("10.0.0.5", "dns", name="rnd-05.lan.")
    zeroconf = Observation("10.0.0.5", "zeroconf", name="anna-laptop.local.")

    (sighting,) = merge_sightings([dns, zeroconf] if dns_first else [zeroconf, dns])

    assert sighting.hostname == "rnd-05"


def test_a_machine_without_a_name_is_called_by_its_ip() -> None:
    (sighting,) = merge_sightings([Observation("10.0.0.7", "arp", mac="02:00:00:00:00:07")])

    assert sighting.hostname == ""
    assert sighting.name == "10.0.0.7"


def test_an_arp_reply_is_not_overruled_by_a_cached_mac() -> None:
    (sighting,) = merge_sightings(
        [
            Observation("10.0.0.7", "arp", mac="02:00:00:00:00:07"),
            Observation("10.0.0.7", "tcp", mac="02:00:00:00:00:99"),
        ]
    )

    assert sighting.mac == "02:00:00:00:00:07"


def test_the_book_reports_only_changes_a_user_would_see() -> None:
    book = SightingBook()

    first = book.add(Observation("10.0.0.7", "arp", mac="02:00:00:00:00:07", seen_at=1.0))
    repeat = book.add(Observation("10.0.0.7", "arp", mac="02:00:00:00:00:07", seen_at=2.0))
    named = book.add(Observation("10.0.0.7", "dns", name="ws-seven", seen_at=3.0))

    assert first is not None and first.name == "10.0.0.7"
    assert repeat is None
    assert named is not None and named.name == "ws-seven"
    assert len(book) == 1


def test_json_has_the_fields_of_a_sighting() -> None:
    sighting = Sighting("10.0.0.7", "02:00:00:00:00:07", "", frozenset({"tcp", "arp"}), 5.0)

    assert sighting.to_json() == {
        "ip": "10.0.0.7",
        "mac": "02:00:00:00:00:07",
        "hostname": "",
        "sources": ["arp", "tcp"],
        "seen_at": 5.0,
    }
