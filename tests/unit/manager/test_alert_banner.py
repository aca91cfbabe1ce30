"""The starved-pool banner, fed the alerts of ``pools.alerts`` directly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PyQt5.QtWidgets import QWidget

from manager.alert_banner import SHOWN_ALERTS, AlertBanner
from pools.alerts import find_alerts
from pools.usage import Point

NOW = 1_800_000_000
STARVED = Point(3, 3, 3, 0, 3, 2, 40)
IDLE = Point(8, 8, 0, 8, 0, 0, 0)


def minutes(point: Point, count: int, end: int = NOW) -> dict[int, Point]:
    return {end - i * 60: point for i in range(count)}


@pytest.fixture
def banner(qapp: object) -> Iterator[AlertBanner]:
    window = QWidget()
    made = AlertBanner(window)
    window.show()
    yield made
    window.deleteLater()


def show(banner: AlertBanner, recent: dict[str, dict[int, Point]], fix: str = "") -> list[str]:
    alerts = find_alerts(recent, NOW, 10).alerts
    keys = frozenset((a.starved.pool, a.starved.since) for a in alerts)
    sentences = [a.sentence for a in alerts]
    banner.show_alerts(sentences, keys, fix=fix)
    return sentences


def test_a_starved_pool_and_an_idle_one_make_the_sentence_and_the_fix(
    banner: AlertBanner,
) -> None:
    show(banner, {"lighting": minutes(STARVED, 12), "gpu": minutes(IDLE, 30)}, "Lend 8 hosts")

    assert banner.text() == (
        "lighting: 40 tasks waiting, no idle host for 12 min; gpu has 8 idle hosts."
    )
    assert banner.fix_button.isVisible() and banner.fix_button.text() == "Lend 8 hosts"


def test_no_alert_or_a_short_wait_shows_no_banner(banner: AlertBanner) -> None:
    show(banner, {"lighting": minutes(STARVED, 12)})
    assert banner.isVisible()

    show(banner, {"lighting": minutes(STARVED, 9), "gpu": minutes(IDLE, 30)})

    assert not banner.isVisible()


def test_without_a_lender_there_is_no_button_and_the_banner_says_why(banner: AlertBanner) -> None:
    alerts = find_alerts({"lighting": minutes(STARVED, 12)}, NOW, 10).alerts
    banner.show_alerts(
        [a.sentence for a in alerts],
        frozenset({("lighting", 0)}),
        why_no_fix="Pool 'gpu' has no idle host to lend now.",
    )

    assert "no pool has idle hosts to lend" in banner.text()
    assert banner.text().endswith("Pool 'gpu' has no idle host to lend now.")
    assert not banner.fix_button.isVisible()


def test_dismiss_holds_until_another_pool_starts_to_starve(banner: AlertBanner) -> None:
    recent = {"lighting": minutes(STARVED, 12), "gpu": minutes(IDLE, 30)}
    show(banner, recent, "Lend")
    banner.dismiss_button.click()
    assert not banner.isVisible()

    show(banner, recent, "Lend")  # the same run, a minute later: still dismissed
    assert not banner.isVisible()
    show(banner, {**recent, "comp": minutes(STARVED, 11)}, "Lend")

    assert banner.isVisible()
    assert banner.text().startswith("comp: 40 tasks waiting")


def test_many_starved_pools_are_counted_past_the_first_few(banner: AlertBanner) -> None:
    recent = {f"pool-{i}": minutes(STARVED, 12) for i in range(SHOWN_ALERTS + 2)}

    show(banner, recent)

    lines = banner.text().splitlines()
    assert len(lines) == SHOWN_ALERTS + 1
    assert lines[-1] == "… and 2 more starved pools."
