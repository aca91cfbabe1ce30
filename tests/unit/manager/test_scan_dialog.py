"""The Scan network dialog over a made-up machine: defaults, remembered choices, refusals."""

from __future__ import annotations

import ipaddress

from PyQt5.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from manager.scan_dialog import ScanDialog
from scanner.network import Interface, NetworkInfo


def interface(name: str, *addresses: str, up: bool = True) -> Interface:
    return Interface(
        name,
        "02:00:00:00:00:01",
        tuple(ipaddress.IPv4Interface(a) for a in addresses),
        up,
        True,
    )


LOOPBACK = Interface("lo", "", (ipaddress.IPv4Interface("127.0.0.1/8"),), True, False)
LAN = interface("eth0", "10.1.2.7/24")
STUDIO = interface("eth1", "192.168.40.3/23", "10.9.0.3/20")
DOWN = interface("eth2", "10.3.0.2/24", up=False)


def lan(default: str) -> NetworkInfo:
    return NetworkInfo((LOOPBACK, LAN, STUDIO, DOWN), default)


def dialog(qtbot: QtBot, info: NetworkInfo | None, *args: object, **more: object) -> ScanDialog:
    shown = ScanDialog(info, *args, **more)  # type: ignore[arg-type]
    qtbot.addWidget(shown)
    return shown


def can_scan(shown: ScanDialog) -> bool:
    return bool(shown.buttons.button(QDialogButtonBox.Ok).isEnabled())


def test_it_offers_the_default_routes_interface_and_its_whole_network(qtbot: QtBot) -> None:
    shown = dialog(qtbot, lan("eth1"))

    assert [shown.interface_box.itemData(i) for i in range(shown.interface_box.count())] == [
        "eth0",
        "eth1",
    ]
    assert shown.interface == "eth1"
    assert shown.range_text == "192.168.40.0/23, 10.9.0.0/20"
    assert can_scan(shown) is False  # 10.9.0.0/20 is wider than a /22: not before the tick


def test_without_a_default_route_an_interface_is_chosen_and_can_be_changed(
    qtbot: QtBot,
) -> None:
    shown = dialog(qtbot, lan(""))

    assert (shown.interface, shown.range_text) == ("eth0", "10.1.2.0/24")
    assert shown.summary.text() == "253 addresses: 10.1.2.0/24 on eth0."
    assert can_scan(shown) and shown.cidrs == ["10.1.2.0/24"] and not shown.allow_wide

    shown.interface_box.setCurrentIndex(shown.interface_box.findData("eth1"))
    assert shown.range_text == "192.168.40.0/23, 10.9.0.0/20"


def test_a_wide_range_needs_the_tick(qtbot: QtBot) -> None:
    shown = dialog(qtbot, lan(""))

    shown.interface_box.setCurrentIndex(shown.interface_box.findData("eth1"))
    shown.range_edit.setText("10.9.0.0/20")

    assert not shown.wide_box.isHidden()
    assert "Sweep all 4,093 addresses: more than a /22" in shown.wide_box.text()
    assert not can_scan(shown)
    shown.wide_box.setChecked(True)
    assert can_scan(shown) and shown.allow_wide

    shown.range_edit.setText("10.9.1.0/24")
    assert shown.wide_box.isHidden() and can_scan(shown) and not shown.allow_wide


def test_a_range_the_scanner_refuses_is_explained_in_its_words(qtbot: QtBot) -> None:
    shown = dialog(qtbot, lan(""))

    for text, sentence in (
        ("10.1.3.0/24", "10.1.3.0/24 is not inside the network of eth0 (10.1.2.0/24)."),
        ("10.1.2.0/33", "'10.1.2.0/33' is not an IPv4 range such as 192.168.1.0/24."),
        ("8.8.8.0/24", "8.8.8.0/24 is not a private address range"),
    ):
        shown.range_edit.setText(text)
        assert shown.problem.text().startswith(sentence)
        assert not can_scan(shown)

    shown.range_edit.setText("10.1.2.0/26, 10.1.2.128/26")
    assert shown.problem.text() == "" and can_scan(shown)
    assert shown.summary.text() == ("123 addresses: 10.1.2.0/26 on eth0, 10.1.2.128/26 on eth0.")


def test_the_last_choice_comes_back_while_its_interface_is_here(qtbot: QtBot) -> None:
    shown = dialog(qtbot, lan("eth0"), ("eth1", "192.168.41.0/24"))
    assert (shown.interface, shown.range_text) == ("eth1", "192.168.41.0/24")

    gone = dialog(qtbot, lan("eth0"), ("eth7", "10.7.0.0/24"))
    assert (gone.interface, gone.range_text) == ("eth0", "10.1.2.0/24")


def test_nothing_to_scan_says_why(qtbot: QtBot) -> None:
    nothing = dialog(qtbot, NetworkInfo((LOOPBACK, DOWN), ""))
    assert nothing.problem.text() == (
        "No network interface here can be scanned (none is up with IPv4)."
    )
    assert not can_scan(nothing)

    unread = dialog(qtbot, None, problem="Scanning needs iproute2's `ip` command.")
    assert unread.problem.text() == "Scanning needs iproute2's `ip` command."
    assert not can_scan(unread)
