"""A pool header's sparkline, drawn from the ten-minute means of the last 24 hours."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from PyQt5.QtGui import QColor, QImage
from PyQt5.QtWidgets import QWidget

from manager.sparkline import LINE, SparklineWidget, summary
from pools.usage_charts import Sparkline

NAN = math.nan
STEPS = 144  # ten-minute steps in 24 hours


def line(busy: list[float], online: list[float]) -> Sparkline:
    return Sparkline(0, busy, online)


@pytest.fixture
def header(qapp: object) -> Iterator[QWidget]:
    """Where the widgets live, as in a column's header."""
    holder = QWidget()
    yield holder
    holder.deleteLater()


def shown(widget: SparklineWidget, width: int = 300) -> QImage:
    widget.resize(width, widget.height())
    return widget.grab().toImage()


def orange(color: QColor) -> bool:
    return color.red() > 120 and color.green() > 60 and color.red() > color.blue() * 2


def orange_columns(image: QImage) -> set[int]:
    """The x of every pixel column where the busy line or its fill shows."""
    found = set()
    for x in range(image.width()):
        for y in range(image.height()):
            if orange(QColor(image.pixel(x, y))):
                found.add(x)
                break
    return found


def test_a_busy_morning_and_nothing_recorded_after_it_draws_a_line_then_a_gap(
    header: QWidget,
) -> None:
    half = STEPS // 2
    widget = SparklineWidget(header)
    widget.set_line(line([8.0] * half + [NAN] * half, [8.0] * half + [NAN] * half))

    image = shown(widget)
    columns = orange_columns(image)

    assert widget.isVisibleTo(header)
    assert columns, "the busy part is drawn"
    assert max(columns) < image.width() // 2, "no line through the steps with nothing recorded"
    assert min(columns) <= 4  # 24 hours ago is at the left end
    assert "100 %" in widget.tooltip() and "8 of 8 online hosts busy" in widget.tooltip()


def test_a_quiet_pool_draws_low_and_a_busy_one_high(header: QWidget) -> None:
    quiet, busy = SparklineWidget(header), SparklineWidget(header)
    quiet.set_line(line([1.0] * STEPS, [10.0] * STEPS))
    busy.set_line(line([9.0] * STEPS, [10.0] * STEPS))

    def top_of_line(image: QImage) -> int:
        x = image.width() // 3
        return min(y for y in range(image.height()) if orange(QColor(image.pixel(x, y))))

    assert top_of_line(shown(busy)) < top_of_line(shown(quiet))


def test_nothing_recorded_in_24_hours_shows_no_empty_strip(header: QWidget) -> None:
    widget = SparklineWidget(header)
    assert not widget.isVisibleTo(header)  # until the first read
    widget.set_line(line([8.0] * STEPS, [8.0] * STEPS))
    assert widget.isVisibleTo(header)

    widget.set_line(line([NAN] * STEPS, [NAN] * STEPS))

    assert not widget.isVisibleTo(header)
    assert widget.tooltip() == ""


def test_new_data_is_drawn_again_and_the_same_size_is_not(header: QWidget) -> None:
    widget = SparklineWidget(header)
    widget.set_line(line([2.0] * STEPS, [10.0] * STEPS))
    first = shown(widget)
    assert shown(widget) == first  # painted from what it kept

    widget.set_line(line([10.0] * STEPS, [10.0] * STEPS))

    assert shown(widget) != first


def test_the_summary_says_the_last_step_and_the_mean() -> None:
    text = summary(line([2.0, 6.0, NAN], [4.0, 8.0, NAN]))

    assert "lately 6 of 8 online hosts busy" in text
    assert "mean 62 %" in text  # (50 % + 75 %) / 2
    assert "peak 75 %" in text
    assert LINE.name() == "#ff9800"  # busy is orange on the cards too
