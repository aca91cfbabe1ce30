"""Helpers of the Native pools tab's tests: a board with the tab open, drops as a mouse makes
them, and answers to its menus and dialogs."""

from __future__ import annotations

from collections.abc import Callable

from PyQt5.QtCore import QPoint, QTimer
from PyQt5.QtGui import QImage
from PyQt5.QtWidgets import QApplication, QDialog, QMenu

from manager.native_face import NativePathDialog
from manager.native_view import NativeColumn, NativeListView
from manager.window import MainWindow
from tests.gui.conftest import answer_dialog, ok_button
from tests.support.fake_afserver import FakeAfserver
from tests.support.native_drop import drop as drop_on
from tests.support.recording_painter import RecordingPainter

TREE = ["/", "/cpu", "/cpu/big", "/gpu"]


def set_pool_actions(server: FakeAfserver) -> list[dict[str, object]]:
    return server.actions("set_pool")


def all_actions(server: FakeAfserver) -> list[object]:
    return [r["action"] for r in server.requests if "action" in r]


def native_column(window: MainWindow, path: str) -> NativeColumn:
    return window.native.view.columns[path]


def shown_in(window: MainWindow, path: str) -> list[str]:
    return native_column(window, path).model.names()


def drop(window: MainWindow, source: str, names: list[str], target: str) -> bool:
    """What a mouse drag does, through the models' own mimeData/dropMimeData."""
    return drop_on(window.native.view, source, names, target)


def card_texts(view: NativeListView, name: str) -> list[str]:
    """The texts a render's card draws, as painted at its place in the column: its name,
    then its second line."""
    model = view.native_model()
    row = model.row_of(name)
    assert row is not None, f"{name} is not shown"
    index = model.index(row)
    option = view.viewOptions()
    option.rect = view.visualRect(index)
    image = QImage(view.viewport().size(), QImage.Format_ARGB32)
    painter = RecordingPainter(image)
    view.itemDelegate().paint(painter, option, index)
    painter.end()
    return painter.texts


def fill_path(text: str, *, seen: list[str] | None = None, ok: list[bool] | None = None) -> None:
    """Type into the next native path dialog and press OK; when OK is disabled, note the
    sentence the dialog shows (``seen``) and cancel. ``ok`` notes whether OK was enabled."""

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, NativePathDialog)
        dialog.edit.setText(text)
        if seen is not None:
            seen.append(dialog.problem.text() if dialog.problem.isVisibleTo(dialog) else "")
        enabled = ok_button(dialog).isEnabled()
        if ok is not None:
            ok.append(enabled)
        if enabled:
            ok_button(dialog).click()
        else:
            dialog.reject()

    answer_dialog(fill)


def pick_menu_item(label: str, *, submenu: str = "", seen: list[str] | None = None) -> None:
    """Choose an item of the next popup menu (or of one of its submenus), as a click would;
    ``seen`` gets the labels the (sub)menu offered."""

    def pick() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, pick)
            return
        menu.hide()
        actions = menu.actions()
        if submenu:
            holder = next(a for a in actions if a.text().replace("&", "") == submenu)
            inner = holder.menu()
            assert inner is not None
            actions = inner.actions()
        if seen is not None:
            seen.extend(a.text().replace("&", "") for a in actions if not a.isSeparator())
        for action in actions:
            if action.text().replace("&", "") == label:
                action.trigger()

    QTimer.singleShot(0, pick)


def open_column_menu(window: MainWindow, path: str, item: str) -> None:
    pick_menu_item(item)
    native_column(window, path).menu_button.click()


def open_render_menu(
    window: MainWindow, path: str, names: list[str], pick: Callable[[], None]
) -> None:
    """Select ``names`` in ``path``'s column and right-click the first of them."""
    view = native_column(window, path).view
    model = view.native_model()
    view.clearSelection()
    selection = view.selectionModel()
    assert selection is not None
    for name in names:
        row = model.row_of(name)
        assert row is not None, f"{name} is not shown in {path}"
        selection.select(model.index(row), selection.Select)
    first = model.row_of(names[0])
    where: QPoint = view.visualRect(model.index(first or 0)).center()
    pick()
    view.customContextMenuRequested.emit(where)
