"""The board's *Scan network* button and *Wake* menu, inside the namespace LAN."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from tests.support.netns_lan import Lan, wait_ready

pytestmark = [pytest.mark.netns, pytest.mark.integration, pytest.mark.gui]


def board_scan(lan: Lan, options: dict[str, Any]) -> dict[str, Any]:
    done = lan.run(
        lan.scanner_ns,
        [sys.executable, "tests/support/board_scan.py", json.dumps(options)],
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_scan_fills_the_farm_merges_renders_and_wakes(lan: Lan) -> None:
    render = next(h for h in lan.hosts if h.hosts_file_name)  # also an (offline) afserver render
    sleeper = next(h for h in lan.hosts if h.dns_name and h is not render)
    listener = lan.python(lan.hosts[-1].namespace, "tests/support/wol_listener.py", "9")
    wait_ready(listener, "the Wake-on-LAN listener")

    seen = board_scan(
        lan,
        {
            "render": render.hosts_file_name,
            "render_ip": render.ip,
            "wake": sleeper.dns_name,
            "expect": len(lan.hosts),
        },
    )
    caught, _ = listener.communicate(timeout=30)

    assert seen["finished"] and seen["recorded"], seen["messages"]
    cards = seen["cards"]
    for host in lan.hosts:
        name = host.expected_name or host.ip
        assert cards[name]["mac"] == host.mac, name
        assert cards[name]["ip"] == host.ip, name
    merged = cards[render.hosts_file_name]
    assert merged["state"] == "offline"  # afserver's word on the state...
    assert "afserver" in merged["sources"] and "arp" in merged["sources"]  # ...and the scan's MAC
    unknown = cards[sleeper.dns_name]
    assert unknown["state"] == "unknown" and "arp" in unknown["sources"]
    assert len(cards) == len(lan.hosts)  # one card per machine, no phantoms
    assert seen["status_visible_while_scanning"] and not seen["status_visible_after"]
    assert seen["progress"][0] == len(lan.hosts)
    assert seen["cards_after_wake"][sleeper.dns_name]["waking"] is True
    assert json.loads(caught)["payload"] == "ff" * 6 + sleeper.mac.replace(":", "") * 16
    assert seen["cancel_finished"]
    assert seen["dialogs"] == ["Scan network", "Scan network"]  # each scan asked where first
    assert any("cancelled after" in text for _, text in seen["messages"])
