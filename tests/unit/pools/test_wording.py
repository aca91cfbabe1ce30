"""The words the board, the CLI and the column headers share."""

from __future__ import annotations

import pytest

from pools.model import Host, HostState, RenderFlags
from pools.wording import (
    cores_text,
    counts_text,
    memory_text,
    noun_for,
    origin_text,
    plural,
    state_text,
)


@pytest.mark.parametrize(
    ("mb", "long", "short"),
    [
        (24105, "24 GiB", "24G"),  # what afserver reports for a 24 GiB machine
        (32768, "32 GiB", "32G"),
        (1536, "2 GiB", "2G"),  # half up, not to even
        (2560, "3 GiB", "3G"),
        (512, "512 MiB", "512M"),
        (None, "", ""),
        (0, "", ""),
    ],
)
def test_memory_reads_as_people_say_it(mb: int | None, long: str, short: str) -> None:
    assert memory_text(mb) == long
    assert memory_text(mb, short=True) == short


def test_one_of_a_thing_is_singular() -> None:
    assert plural(1, "host") == "1 host"
    assert plural(0, "host") == "0 hosts"
    assert plural(2, "change is", "changes are") == "2 changes are"
    assert noun_for(1, "job") == "job"
    assert noun_for(3, "job") == "jobs"
    assert cores_text(1) == "1 core"
    assert cores_text(8, short=True) == "8c"
    assert counts_text(1, 1, 0) == "1 host · 1 online · 0 busy"


def test_a_machine_named_by_hand_reads_the_same_whoever_named_it() -> None:
    on_the_board = Host("ws-off", sources=frozenset({"manual", "pool"}))
    with_the_cli = Host("ws-off", sources=frozenset({"pool"}))  # main.py pools add
    scanned = Host("ws-scan", sources=frozenset({"arp", "manual"}))

    assert origin_text(on_the_board) == origin_text(with_the_cli) == "added by name"
    assert state_text(with_the_cli) == "added by name"
    assert origin_text(scanned) == "seen by scan"


def test_a_busy_machine_counts_its_tasks() -> None:
    busy = Host(
        "rnd-01", state=HostState.BUSY, flags=RenderFlags.ONLINE | RenderFlags.BUSY, tasks=2
    )

    assert state_text(busy) == "busy · 2 tasks"
    assert state_text(busy, short=True) == "busy (2)"
    assert state_text(busy, waking=True) == "waking…"
