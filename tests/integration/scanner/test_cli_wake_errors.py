"""``main.py wake`` errors: both come before any packet could be sent, so no LAN is needed."""

from __future__ import annotations

import pytest

import cli.scan_cmd
from cli.app import main
from storage.store import PoolStore

pytestmark = pytest.mark.integration


@pytest.fixture
def cli_store(
    store: PoolStore, nx_server: str, database_name: str, monkeypatch: pytest.MonkeyPatch
) -> PoolStore:
    """The CLI talks to the test's own database; sending a packet fails the test."""
    monkeypatch.setenv("AFPOOLS_MONGODB_URI", nx_server)
    monkeypatch.setenv("AFPOOLS_MONGODB_DATABASE", database_name)

    def no_packet(*args: object, **kwargs: object) -> str:
        raise AssertionError("a packet would have been sent")

    monkeypatch.setattr(cli.scan_cmd, "wake", no_packet)
    return store


def test_an_unknown_host_is_one_sentence_naming_the_way_out(
    cli_store: PoolStore, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["wake", "ws-nobody"])

    assert code == 1
    assert capsys.readouterr().err == (
        "There is no known host named 'ws-nobody'; 'main.py scan' records the machines it finds.\n"
    )


def test_a_host_without_a_known_mac_cannot_be_woken_and_says_why(
    cli_store: PoolStore, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_store.record_host("ws-typed", source="manual", ip="10.1.2.3")

    code = main(["wake", "ws-typed"])

    assert code == 1
    assert capsys.readouterr().err == (
        "ws-typed has no known MAC address, so it cannot be woken; "
        "scan the network once while it is switched on.\n"
    )


def test_nothing_is_sent_when_one_of_several_hosts_is_unknown(
    cli_store: PoolStore, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_store.record_host("ws-ok", source="arp", ip="10.1.2.4", mac="02:00:00:00:00:04")

    code = main(["wake", "ws-ok", "ws-nobody"])

    assert code == 1  # (no_packet would have failed the test had ws-ok been woken first)
    assert "ws-nobody" in capsys.readouterr().err
