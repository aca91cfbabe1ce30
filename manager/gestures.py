"""What the board's menus, dialogs and keys do: each gesture becomes a session request."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import TYPE_CHECKING

from PyQt5.QtCore import QPoint
from PyQt5.QtWidgets import QApplication, QColorDialog, QInputDialog, QMenu, QMessageBox

from manager import theme
from manager.column import HostListView, PoolColumn
from manager.controller import plural
from manager.dialogs import AddHostsDialog, PoolForm
from pools.edits import Edit
from pools.model import Pool

if TYPE_CHECKING:
    from manager.window import MainWindow


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class Gestures:
    """Dialogs and context menus of one window; the current pool is the focused column's."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.farm = window.session.farm
        self.edits = window.session.edits
        self.network = window.session.network
        self.board = window.board
        self.confirm: Callable[[str, str], bool] = self._ask  # tests answer for the user

    def _current(self) -> Pool | None:
        return self.farm.pools.get(self.window.current_pool or "")

    @staticmethod
    def focused_view() -> HostListView | None:
        widget = QApplication.focusWidget()
        return widget if isinstance(widget, HostListView) else None

    # -- hosts --------------------------------------------------------------------------

    def copy_names(self, names: list[str] | None = None) -> None:
        if names is None:
            view = self.focused_view()
            names = view.selected_names() if view else []
        if names:
            QApplication.clipboard().setText("\n".join(names))
            self.window.statusBar().showMessage(f"Copied {plural(len(names), 'name')}.", 4000)

    def remove_selected(self) -> None:
        view = self.focused_view()
        pool = view.host_model().pool if view is not None else None
        if view is not None and pool is not None and view.selected_names():
            self.edits.remove_from_pool(view.selected_names(), pool)

    def add_hosts_by_name(self) -> None:
        dialog = AddHostsDialog(self.board.order(), self.window.current_pool, self.window)
        if dialog.exec() == AddHostsDialog.Accepted:
            names, pool = dialog.hostnames, dialog.pool
            if pool is None:
                self.edits.remember_hosts(names)
            else:
                self.edits.add_to_pool(names, pool, remember=True)

    def name_host(self, current: str) -> None:
        """A machine a scan found without a name is shown by its IP until named here."""
        new, ok = QInputDialog.getText(self.window, "Name this machine", f"Name for {current}:")
        if ok and new.strip():
            self.network.name_host(current, new.strip())

    # -- pools --------------------------------------------------------------------------

    def new_pool(self) -> None:
        form = PoolForm("New pool", self.farm.pools, parent=self.window)
        if form.exec() == PoolForm.Accepted:
            self.edits.request(
                f"create pool {form.name}",
                [Edit("create", form.name, description=form.description, color=form.color)],
            )
            self.window.current_pool = form.name

    def rename_pool(self) -> None:
        pool = self.window.current_pool
        if pool is None:
            return
        form = PoolForm(f"Rename pool {pool}", self.farm.pools, name=pool, parent=self.window)
        for widget in (form.description_edit, form.color_button, form.clear_color):
            widget.setEnabled(False)
        if form.exec() == PoolForm.Accepted and form.name != pool:
            self.edits.request(
                f"rename {pool} to {form.name}", [Edit("rename", pool, value=form.name)]
            )
            self.window.current_pool = form.name

    def describe_pool(self) -> None:
        pool = self._current()
        if pool is None:
            return
        form = PoolForm(
            f"Describe pool {pool.name}",
            self.farm.pools,
            name=pool.name,
            description=pool.description,
            color=pool.color,
            parent=self.window,
        )
        form.name_edit.setEnabled(False)
        if form.exec() == PoolForm.Accepted:
            edits = []
            if form.description != pool.description:
                edits.append(Edit("describe", pool.name, value=form.description))
            if form.color != pool.color:
                edits.append(Edit("recolor", pool.name, value=form.color))
            if edits:
                self.edits.request(f"change the looks of {pool.name}", edits)

    def recolor_pool(self) -> None:
        pool = self._current()
        if pool is None:
            return
        start = theme.pool_color(pool.name, pool.color)
        chosen = QColorDialog.getColor(start, self.window, f"Colour of pool {pool.name}")
        if chosen.isValid() and chosen.name() != pool.color:
            self.edits.request(
                f"colour {pool.name} {chosen.name()}",
                [Edit("recolor", pool.name, value=chosen.name())],
            )

    def delete_pool(self) -> None:
        pool = self._current()
        if pool is None:
            return
        count = plural(len(pool.hostnames), "host")
        question = (
            f"Delete pool '{pool.name}' with its {count}? "
            "Jobs using it keep their masks; Undo brings the pool back."
        )
        if self.confirm("Delete pool", question):
            self.edits.request(f"delete pool {pool.name}", [Edit("delete", pool.name)])

    # -- context menus ------------------------------------------------------------------

    def host_menu(self, view: HostListView, pos: QPoint) -> None:
        names = view.selected_names()
        if not names:
            return
        source = view.host_model().pool
        menu = QMenu(self.window)
        add_menu = menu.addMenu("Add to pool")
        targets = [p for p in self.board.order() if p != source]
        for pool in targets:
            add_menu.addAction(pool, lambda p=pool: self.edits.add_to_pool(names, p))
        add_menu.setEnabled(bool(targets))
        if source is not None:
            menu.addAction(
                f"Remove from {source}", lambda: self.edits.remove_from_pool(names, source)
            )
        menu.addSeparator()
        wakeable = self.network.wakeable(names)
        wake = menu.addAction(
            f"Wake {plural(len(wakeable), 'machine')}" if len(wakeable) > 1 else "Wake",
            lambda: self.network.wake(names),
        )
        wake.setEnabled(bool(wakeable))
        wake.setToolTip("Send Wake-on-LAN to the machines that are down and have a known MAC.")
        if len(names) == 1 and _is_address(names[0]):
            menu.addAction("Name this machine…", lambda: self.name_host(names[0]))
        menu.addAction("Copy names", lambda: self.copy_names(names))
        menu.exec(view.viewport().mapToGlobal(pos))

    def pool_menu(self, column: PoolColumn, where: QPoint) -> None:
        window = self.window
        window.set_current_pool(column.model.pool)
        menu = QMenu(window)
        for action in (
            window.rename_action,
            window.describe_action,
            window.recolor_action,
            None,
            window.collapse_action,
            window.move_left_action,
            window.move_right_action,
            None,
            window.delete_pool_action,
        ):
            menu.addAction(action) if action else menu.addSeparator()
        menu.exec(where)

    def confirm_wide_scan(self, sentence: str) -> None:
        if self.confirm("Scan a wide network", f"{sentence} Scan it anyway? It can take a while."):
            self.network.scan_network(allow_wide=True)

    def _ask(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(
            self.window, title, question, QMessageBox.Yes | QMessageBox.Cancel, QMessageBox.Cancel
        )
        return bool(answer == QMessageBox.Yes)
