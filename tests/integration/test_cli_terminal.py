"""Stored text never drives the admin's terminal: escape sequences are printed as escapes.

The 2019 tool stored whatever its dialogs took, and a history ``user`` came from HTTP writes
before they refused control characters: an ESC there cleared the screen or recoloured it when
``pools history`` printed it raw.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pymongo import MongoClient

from storage.store import PoolStore
from tests.support.cli import Run

pytestmark = pytest.mark.integration

CLEAR = "\x1b[2J\x1b[H"  # clear the screen, cursor home
TITLE = "\x1b]0;pwned\x07"  # set the window title
RLO = "\u202e"  # right-to-left override: the rest of the line reads backwards
C1_CSI = "\x9b"  # the 8-bit form of ESC [


@pytest.fixture
def hostile(mongo: MongoClient[dict[str, Any]], database_name: str, store: PoolStore) -> None:
    """A 2019 pool with escapes in its description and a host, changed by an ESC 'user'."""
    mongo[database_name]["pools"].insert_one(
        {
            "name": "lighting",
            "description": f"Lighting{CLEAR} farm{C1_CSI}31m",
            "clients": [{"hostname": f"rnd{TITLE}-a01", "engine": "", "ip": "", "port": ""}],
        }
    )
    intruder = PoolStore(mongo[database_name], user=f"evil{CLEAR}{RLO}nimda")
    intruder.create("gpu")
    intruder.add_hosts("gpu", ["gpu-01"])


def assert_no_raw_controls(text: str) -> None:
    for raw in ("\x1b", "\x07", RLO, C1_CSI):
        assert raw not in text


@pytest.mark.usefixtures("hostile")
def test_pools_history_prints_escapes_not_escape_sequences(cli: Run) -> None:
    code, out, _ = cli("pools", "history")

    assert code == 0
    assert_no_raw_controls(out)
    assert out.splitlines()[1].endswith(
        "evil\\x1b[2J\\x1b[H\\u202enimda  added gpu-01 to pool 'gpu'"
    )


@pytest.mark.usefixtures("hostile")
def test_pools_list_and_show_print_escapes(cli: Run) -> None:
    _, listed, _ = cli("pools", "list")
    _, shown, _ = cli("pools", "show", "gpu")
    _, lighting, _ = cli("pools", "show", "lighting")

    for out in (listed, shown, lighting):
        assert_no_raw_controls(out)
    assert "Lighting\\x1b[2J\\x1b[H farm\\x9b31m" in listed
    assert "by evil\\x1b[2J\\x1b[H\\u202enimda)" in shown
    assert "  rnd\\x1b]0;pwned\\x07-a01" in lighting


@pytest.mark.usefixtures("hostile")
def test_json_output_keeps_the_text_and_hides_the_controls(cli: Run) -> None:
    _, out, _ = cli("pools", "list", "--json")

    assert_no_raw_controls(out)
    described = {p["name"]: p["description"] for p in json.loads(out)}
    assert described["lighting"] == f"Lighting{CLEAR} farm{C1_CSI}31m"
