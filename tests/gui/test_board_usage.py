"""Usage on a real board: sparklines in the headers, the starved-pool banner and its loan,
the usage chart saved as PNG and CSV, and schedules set from the context menu.

The minutes are written through the store as the agent records them, at a fixed time; the
board's usage worker reads them with its clock set to that time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PyQt5.QtCore import QItemSelectionModel, Qt, QTimer
from PyQt5.QtGui import QColor, QContextMenuEvent, QImage
from PyQt5.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from manager.host_card import SCHEDULE_COLOR, HostCardDelegate
from manager.host_model import HOST_ROLE
from manager.window import MainWindow
from pools.usage import Point
from storage.store import PoolStore
from tests.gui.conftest import WAIT_MS, BoardFactory, column, focus, wait_members
from tests.support.usage_data import record_minutes, steady, working_day

pytestmark = pytest.mark.gui

NOW = 1_800_000_000 // 60 * 60  # 2027-01-15 08:00 UTC
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
STARVED = Point(1, 1, 0, 0, 0, 2, 40)  # lighting: 40 tasks waiting, its one host paused
IDLE = Point(4, 4, 1, 2, 1, 0, 0)  # comp: two of its four hosts idle, nothing waiting


@pytest.fixture
def usage_farm(store: PoolStore) -> PoolStore:
    """lighting (rnd-a02, paused) starved for 15 minutes; comp idle as long, with rnd-a03
    running a task, rnd-a04 in nimby and rnd-b01, rnd-b02 idle; gpu with nothing recorded."""
    store.create("lighting", hosts=["rnd-a01", "rnd-a02"])
    store.create("comp", hosts=["rnd-a03", "rnd-a04", "rnd-b01", "rnd-b02"])
    store.create("gpu", hosts=["gpu-01"])
    record_minutes(store, {"lighting": steady(STARVED), "comp": steady(IDLE)}, NOW, 15)
    return store


def usage_board(make_board: BoardFactory, qtbot: QtBot) -> MainWindow:
    """A board whose usage clock shows NOW, after its first read at that time."""
    window = make_board()
    qtbot.waitUntil(lambda: window.session.farm_session.afserver_ok is True, timeout=WAIT_MS)
    worker = window.session.usage_worker
    worker.clock = lambda: NOW
    with qtbot.waitSignal(
        window.session.usage.news,
        check_params_cb=lambda news: news.at == NOW,
        timeout=WAIT_MS,
    ):
        window.session.usage.refresh()
    return window


def test_headers_show_the_last_24_hours_of_the_pools_with_usage(
    qtbot: QtBot, usage_farm: PoolStore, make_board: BoardFactory
) -> None:
    board = usage_board(make_board, qtbot)

    lighting, comp, gpu = (column(board, name) for name in ("lighting", "comp", "gpu"))
    assert lighting.sparkline.isVisibleTo(lighting)
    assert comp.sparkline.isVisibleTo(comp)
    assert not gpu.sparkline.isVisibleTo(gpu)  # nothing recorded: no empty strip
    assert "lately 1 of 4 online hosts busy" in comp.sparkline.tooltip()
    assert comp.sparkline.line is not None and comp.sparkline.line.ratio[-1] == 0.25


def test_a_starved_pool_gets_a_banner_and_its_fix_lends_only_idle_hosts_until_undone(
    qtbot: QtBot, usage_farm: PoolStore, make_board: BoardFactory
) -> None:
    board = usage_board(make_board, qtbot)
    banner = board.usage.banner

    qtbot.waitUntil(lambda: banner.fix_button.isVisibleTo(banner), timeout=WAIT_MS)
    assert banner.text() == (
        "lighting: 40 tasks waiting, no idle host for 15 min; comp has 2 idle hosts."
    )
    assert banner.fix_button.text() == "Lend 2 hosts of comp to lighting"
    qtbot.mouseClick(banner.fix_button, Qt.MouseButton.LeftButton)

    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02", "rnd-b01", "rnd-b02"])
    wait_members(qtbot, board, "comp", ["rnd-a03", "rnd-a04"])  # busy and nimby stay
    assert not banner.isVisible()
    assert usage_farm.history("lighting")[0].op == "lend"
    qtbot.waitUntil(board.undo_action.isEnabled, timeout=WAIT_MS)
    assert board.undo_action.text() == "&Undo Lend 2 hosts of comp to lighting"

    board.undo_action.trigger()

    wait_members(qtbot, board, "comp", ["rnd-a03", "rnd-a04", "rnd-b01", "rnd-b02"])
    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02"])
    assert usage_farm.history("lighting")[0].op == "return"


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen platform's
def test_the_usage_chart_shows_a_day_and_saves_it_as_png_and_csv(
    qtbot: QtBot, store: PoolStore, make_board: BoardFactory, tmp_path: Path
) -> None:
    store.create("lighting", hosts=["rnd-a01", "rnd-a02"])
    store.create("gpu", hosts=["gpu-01"])
    outage = (NOW - 9 * 3600, NOW - 8 * 3600)
    record_minutes(store, {"lighting": working_day(12, 40, gap=outage)}, NOW, 24 * 60)
    board = usage_board(make_board, qtbot)
    board.board.set_current_pool("lighting")

    board.usage.action.trigger()  # Pool ▸ Usage…
    dialog = board.usage.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.chart_shown is not None, timeout=WAIT_MS)
    chart = dialog.chart_shown
    assert chart is not None and chart.name == "lighting" and chart.span.name == "24h"
    assert "lighting, last 24 hours: on average" in dialog.status.text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "usage-chart-dialog.png"))  # looked at by a person

    saved: list[str] = []
    dialog.ask_path = lambda _title, suggested, _pattern: (
        saved.append(suggested) or str(tmp_path / Path(suggested).name)
    )
    png, csv = dialog.save_png(), dialog.save_csv()

    assert [Path(s).name for s in saved] == ["usage-lighting-24h.png", "usage-lighting-24h.csv"]
    assert png is not None and csv is not None
    picture = QImage(str(png))
    assert (picture.width(), picture.height()) == (dialog.chart.width(), dialog.chart.height())
    rows = csv.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "time,busy,idle,offline,waiting_tasks,online"
    assert len(rows) == 1 + 24 * 60
    assert sum(1 for row in rows[1:] if row.endswith(",,,,,")) == 60  # the hour not recorded
    assert any(row.split(",")[4] == "40" for row in rows[1:])  # noon's peak of waiting tasks

    with qtbot.waitSignal(dialog.usage.chart_ready, timeout=WAIT_MS):
        dialog.choose(None, "7d")  # all pools, a week
    assert dialog.chart_shown is not None and dialog.chart_shown.name == "All pools"
    assert dialog.chart_shown.span.name == "7d"

    store.rename("gpu", "gpu-a100")  # pools change while the dialog was away
    store.create("comp")
    qtbot.waitUntil(lambda: "comp" in board.board.columns, timeout=WAIT_MS)
    board.usage.action.trigger()
    offered = [dialog.pool_box.itemText(i) for i in range(dialog.pool_box.count())]
    assert offered == ["All pools", "lighting", "gpu-a100", "comp"]


@pytest.mark.qt_log_ignore(  # the offscreen platform's remarks on a popup menu
    "This plugin does not support raise", "This plugin does not support grabbing the keyboard"
)
def test_a_schedule_set_from_the_context_menu_shows_on_the_card_until_undone(
    qtbot: QtBot, usage_farm: PoolStore, make_board: BoardFactory
) -> None:
    board = usage_board(make_board, qtbot)
    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02"])
    view = focus(board, "lighting")
    model = view.host_model()
    row = model.index(model.row_of("rnd-a01") or 0)
    view.selectionModel().select(row, QItemSelectionModel.ClearAndSelect)
    delegate = view.itemDelegate()
    assert isinstance(delegate, HostCardDelegate)
    card = view.visualRect(row)
    before = view.viewport().grab(card).toImage()
    offered: list[str] = []

    def choose_weeknights() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, choose_weeknights)
            return
        schedule = next(a for a in menu.actions() if a.text() == "Schedule").menu()
        offered.extend(a.text() for a in schedule.actions() if a.text())
        next(a for a in schedule.actions() if a.text().startswith("Weeknights")).trigger()
        menu.close()

    QTimer.singleShot(0, choose_weeknights)
    where = card.center()
    QApplication.sendEvent(view.viewport(), QContextMenuEvent(QContextMenuEvent.Mouse, where))

    assert offered == [
        "Weeknights: 20:00-07:00 mon-fri",
        "Weekends: 00:00-24:00 sat,sun",
        "In while the user is away",
        "Other hours…",
    ]
    qtbot.waitUntil(
        lambda: (
            [s.text() for s in usage_farm.pool("lighting").schedules] == ["20:00-07:00 mon-fri"]
        ),
        timeout=WAIT_MS,
    )
    host = model.data(row, HOST_ROLE)
    qtbot.waitUntil(lambda: delegate.schedule_badge(row, host) is not None, timeout=WAIT_MS)
    badge = delegate.schedule_badge(row, host)
    assert badge is not None and badge.texts[0] == "20:00-07:00 mon-fri" and not badge.out
    after = view.viewport().grab(card).toImage()
    assert clock_pixels(after) > 10 and clock_pixels(before) == 0
    assert board.undo_action.text() == "&Undo schedule rnd-a01 in lighting: 20:00-07:00 mon-fri"

    board.undo_action.trigger()

    qtbot.waitUntil(lambda: not usage_farm.pool("lighting").schedules, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: delegate.schedule_badge(row, host) is None, timeout=WAIT_MS)
    assert clock_pixels(view.viewport().grab(card).toImage()) == 0


def clock_pixels(image: QImage) -> int:
    """Pixels of the clock badge's light blue in a card."""
    wanted = SCHEDULE_COLOR
    count = 0
    for x in range(image.width()):
        for y in range(image.height()):
            color = QColor(image.pixel(x, y))
            if all(
                abs(a - b) < 24
                for a, b in zip(color.getRgb()[:3], wanted.getRgb()[:3], strict=True)
            ):
                count += 1
    return count
