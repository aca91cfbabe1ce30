"""The usage chart drawn offscreen from a chart of stored points."""

from __future__ import annotations

import math

from PyQt5.QtGui import QColor, QImage

from manager.usage_chart import UsageChart, host_layers
from pools.usage import Point
from pools.usage_charts import SPANS, chart_from_minutes

NOW = 1_800_000_000 // 60 * 60
SPAN = SPANS["24h"]


def day(point: Point, *, minutes: int) -> dict[int, Point]:
    """``point`` for the last ``minutes`` minutes up to NOW."""
    return {NOW - i * 60: point for i in range(minutes)}


def test_the_layers_add_up_to_the_pools_hosts() -> None:
    chart = chart_from_minutes("lighting", SPAN, NOW, day(Point(10, 8, 5, 2, 5, 1, 30), minutes=2))

    layers = host_layers(chart)

    assert [layer.label for layer in layers] == ["busy", "idle", "paused or nimby", "offline"]
    assert [layer.values[-1] for layer in layers] == [5, 2, 1, 2]
    assert all(math.isnan(layer.values[0]) for layer in layers)  # nothing recorded then


def color_share(image: QImage, color: str, left: float, right: float) -> float:
    """The share of pixels near ``color`` between two fractions of the width."""
    wanted = QColor(color)
    total = found = 0
    for x in range(int(image.width() * left), int(image.width() * right)):
        for y in range(0, image.height(), 2):
            total += 1
            pixel = QColor(image.pixel(x, y))
            found += all(
                abs(a - b) < 20
                for a, b in zip(pixel.getRgb()[:3], wanted.getRgb()[:3], strict=True)
            )
    return found / total


def test_a_busy_afternoon_is_drawn_where_it_was_recorded(qapp: object) -> None:
    busy = Point(10, 10, 9, 1, 9, 2, 40)
    chart = UsageChart()
    chart.resize(800, 400)
    chart.show_chart(chart_from_minutes("lighting", SPAN, NOW, day(busy, minutes=6 * 60)))

    image = chart.grab().toImage()

    assert color_share(image, "#ff9800", 0.8, 0.97) > 0.2  # the last six hours: busy
    assert color_share(image, "#ff9800", 0.1, 0.7) == 0  # before: a gap, no line through it
    assert color_share(image, "#e06c75", 0.8, 0.97) > 0.02  # tasks waited
    assert chart.title.text == "lighting — last 24 hours"


def test_a_new_chart_replaces_the_one_shown(qapp: object) -> None:
    chart = UsageChart()
    chart.resize(800, 400)
    chart.show_chart(
        chart_from_minutes("lighting", SPAN, NOW, day(Point(4, 4, 4, 0, 4, 0, 0), minutes=600))
    )

    chart.show_chart(
        chart_from_minutes("gpu", SPAN, NOW, day(Point(4, 4, 0, 4, 0, 0, 0), minutes=600))
    )

    image = chart.grab().toImage()
    assert color_share(image, "#ff9800", 0.7, 0.97) == 0
    assert color_share(image, "#4caf50", 0.7, 0.97) > 0.2  # all idle now
    assert (len(chart.hosts.items), len(chart.tasks.items)) == (4, 1)  # the old ones are gone
    assert len(chart.legend.items) == 5
