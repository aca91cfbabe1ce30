"""``main.py scan`` and ``main.py wake`` as an admin runs them, inside the namespace LAN.

Each CLI run uses its own embedded store (nx-27017 on the scanner namespace's loopback),
so scan results really go through the store before ``wake`` looks the MAC up.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.scanner.conftest import cli_in
from tests.support.netns_lan import Lan, wait_ready

pytestmark = [pytest.mark.netns, pytest.mark.integration]


def magic_payload(mac: str) -> str:
    return "ff" * 6 + mac.replace(":", "") * 16


def test_scan_records_every_host_and_wake_sends_the_magic_packet_on_the_lan(
    lan: Lan, tmp_path: Path
) -> None:
    host = next(h for h in lan.hosts if h.hosts_file_name)
    listener = lan.python(lan.hosts[-1].namespace, "tests/support/wol_listener.py", "9")
    wait_ready(listener, "the Wake-on-LAN listener")

    scanned = cli_in(lan, tmp_path, "scan")
    woken = cli_in(lan, tmp_path, "wake", host.hosts_file_name)
    caught, _ = listener.communicate(timeout=30)

    assert scanned.returncode == 0, scanned.stderr
    lines = scanned.stdout.splitlines()
    assert lines[0].split() == ["NAME", "IP", "MAC", "SEEN", "BY"]
    assert len(lines) == 1 + len(lan.hosts)
    assert f"{host.hosts_file_name}  {host.ip}" in scanned.stdout
    assert scanned.stderr.startswith(f"Found {len(lan.hosts)} machines on 10.77.0.0/24 on eth0 in ")
    assert "Scanning:" not in scanned.stderr  # no progress line into a pipe
    assert woken.returncode == 0, woken.stderr
    assert woken.stdout == (
        f"Sent a Wake-on-LAN packet for {host.hosts_file_name} ({host.mac}) to 10.77.0.255:9.\n"
    )
    assert json.loads(caught) == {"source": lan.scanner_ip, "payload": magic_payload(host.mac)}


def test_a_nameless_machine_is_kept_under_its_ip_and_can_be_woken_by_it(
    lan: Lan, tmp_path: Path
) -> None:
    nameless = next(h for h in lan.hosts if not h.expected_name)
    listener = lan.python(lan.hosts[0].namespace, "tests/support/wol_listener.py", "9")
    wait_ready(listener, "the Wake-on-LAN listener")

    scanned = cli_in(lan, tmp_path, "scan", "--json")
    woken = cli_in(lan, tmp_path, "wake", nameless.ip, "--json")
    caught, _ = listener.communicate(timeout=30)

    sightings = {s["ip"]: s for s in json.loads(scanned.stdout)["sightings"]}
    assert sightings[nameless.ip]["hostname"] == ""
    assert sightings[nameless.ip]["name"] == nameless.ip
    assert json.loads(woken.stdout) == [
        {"host": nameless.ip, "mac": nameless.mac, "sent_to": "10.77.0.255:9"}
    ]
    assert json.loads(caught)["payload"] == magic_payload(nameless.mac)


def test_progress_line_is_shown_on_a_terminal(lan: Lan, tmp_path: Path) -> None:
    watched = cli_in(lan, tmp_path, "scan", "--no-save", stderr_tty=True)

    assert watched.returncode == 0, watched.stderr
    assert "\rScanning: " in watched.stderr
    assert f"Found {len(lan.hosts)} machines" in watched.stderr


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            ["--cidr", "8.8.8.0/24"],
            "8.8.8.0/24 is not a private address range; afpools scans only private networks",
        ),
        (
            ["--cidr", "10.77.0.0/20"],
            "10.77.0.0/20 has 4094 addresses, more than a /22; confirm the wide scan (--wide",
        ),
        (
            ["--cidr", "10.78.0.0/20", "--wide"],
            "10.78.0.0/20 is not inside the network of eth0 (10.77.0.0/24).",
        ),
        (["--interface", "wlan7"], "There is no network interface named 'wlan7'"),
        (["--cidr", "10.77.0/24x"], "'10.77.0/24x' is not an IPv4 range such as 192.168.1.0/24."),
    ],
)
def test_bad_choices_are_refused_in_one_sentence_before_anything_is_sent(
    lan: Lan, tmp_path: Path, args: list[str], sentence: str
) -> None:
    refused = cli_in(lan, tmp_path, "scan", *args)

    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.startswith(sentence)
    assert refused.stderr.count("\n") == 1
