"""A scheduled member's card: a clock badge with its window, dimmed while it is out."""

from __future__ import annotations

from PyQt5.QtCore import QRect
from PyQt5.QtGui import QColor, QImage, QPainter
from PyQt5.QtWidgets import QApplication, QStyleOptionViewItem

from manager.card_schedule import PoolSchedules, badge_for
from manager.evented_farm import EventedFarm
from manager.host_card import SCHEDULE_COLOR, HostCardDelegate
from manager.host_model import HostListModel
from pools.model import Pool
from pools.schedules import Schedule, window
from tests.unit.manager.farm_data import render

NIGHT = window("20:00", "07:00", "mon-fri")
WEEKEND = window("00:00", "24:00", "sat,sun")


def night_farm(evented: EventedFarm, *, out: tuple[str, ...] = ()) -> HostListModel:
    pool = Pool(
        "night",
        ("ws-01", "ws-02"),
        schedules=(Schedule("ws-01", NIGHT), Schedule("ws-01", WEEKEND)),
        schedule_out=out,
    )
    evented.apply_store([pool], [])
    evented.apply_renders([render("ws-01", ip="10.0.0.1"), render("ws-02", ip="10.0.0.2")])
    return HostListModel(evented, "night")


def paint(delegate: HostCardDelegate, model: HostListModel, name: str, width: int) -> QImage:
    image = QImage(width + 20, 60, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#1b1e21"))
    option = QStyleOptionViewItem()
    option.font = QApplication.font()
    option.rect = QRect(0, 0, width, 54)
    painter = QPainter(image)
    delegate.paint(painter, option, model.index(model.row_of(name) or 0))
    painter.end()
    return image


def clock_pixels(image: QImage) -> int:
    def near(color: QColor) -> bool:
        pairs = zip(color.getRgb()[:3], SCHEDULE_COLOR.getRgb()[:3], strict=True)
        return all(abs(a - b) < 24 for a, b in pairs)

    return sum(
        near(QColor(image.pixel(x, y))) for x in range(image.width()) for y in range(image.height())
    )


def test_the_badge_names_the_first_window_and_counts_the_others() -> None:
    pool = Pool("night", ("ws-01",), schedules=(Schedule("ws-01", NIGHT), Schedule("ws-01")))

    badge = badge_for(pool, "ws-01")

    assert badge is not None and not badge.out
    assert badge.texts == ("20:00-07:00 mon-fri +1", "20:00-07:00 +1", "")
    assert "while the user is away" in badge.tip and "In the pool now" in badge.tip
    assert badge_for(pool, "ws-02") is None


def test_a_member_out_of_its_window_says_so() -> None:
    pool = Pool("night", ("ws-01",), schedules=(Schedule("ws-01"),), schedule_out=("ws-01",))

    badge = badge_for(pool, "ws-01")

    assert badge is not None and badge.out
    assert badge.texts[0] == "out · while the user is away"
    assert "Out of the pool now" in badge.tip


def test_badges_are_made_once_per_loaded_pool() -> None:
    first = Pool("night", ("ws-01",), schedules=(Schedule("ws-01", NIGHT),))
    again = Pool("night", ("ws-01",), schedules=(Schedule("ws-01", WEEKEND),))
    badges = PoolSchedules()

    made = badges.badge(first, "ws-01")

    assert badges.badge(first, "ws-01") is made
    later = badges.badge(again, "ws-01")
    assert later is not None and later.texts[0] == "00:00-24:00 sat,sun"


def test_only_the_scheduled_members_card_shows_the_clock(evented: EventedFarm) -> None:
    model = night_farm(evented)
    delegate = HostCardDelegate(lambda name: QColor("#e0a33a"), own_pool="night")

    scheduled = paint(delegate, model, "ws-01", 300)
    plain = paint(delegate, model, "ws-02", 300)

    assert clock_pixels(scheduled) > 20
    assert clock_pixels(plain) == 0
    farm_column = HostCardDelegate(lambda name: QColor("#e0a33a"))  # the Farm column: no pool
    assert clock_pixels(paint(farm_column, HostListModel(evented, None), "ws-01", 300)) == 0


def test_out_of_its_window_the_badge_is_grey_and_a_narrow_card_keeps_the_clock(
    evented: EventedFarm,
) -> None:
    delegate = HostCardDelegate(lambda name: QColor("#e0a33a"), own_pool="night")
    wide = paint(delegate, night_farm(evented), "ws-01", 300)
    narrow = paint(delegate, night_farm(evented), "ws-01", 150)

    out = paint(delegate, night_farm(evented, out=("ws-01",)), "ws-01", 300)

    assert clock_pixels(out) < clock_pixels(wide) // 4
    assert 0 < clock_pixels(narrow) < clock_pixels(wide)  # the window's words left out
