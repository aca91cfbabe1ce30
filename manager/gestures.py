"""What the board's menus, dialogs and keys do: each gesture becomes a session request."""

from __future__ import annotations

import datetime as dt
import ipaddress
import time
from collections.abc import Callable
from typing import Protocol

from PyQt5.QtCore import QPoint
from PyQt5.QtWidgets import (
    QApplication,
    QColorDialog,
    QInputDialog,
    QMenu,
    QMessageBox,
    QWidget,
)

from manager import theme
from manager.dialogs import AddHostsDialog, PoolForm
from manager.edit_session import EditSession
from manager.host_view import HostListView
from manager.jobs_session import JobsSession
from manager.network_session import NetworkSession
from manager.scan_dialog import ScanDialog
from manager.schedule_menu import add_schedule_menu
from pools.edits import Edit
from pools.errors import AfpoolsError
from pools.farm import Farm
from pools.model import Pool
from pools.wording import plural
from scanner.network import NetworkInfo


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class PoolChoice(Protocol):
    """What gestures need of the board (``Board`` is one): its pools in their order, and the
    current one, which only ``set_current_pool`` changes, so that the window hears of it."""

    @property
    def current_pool(self) -> str | None: ...
    def set_current_pool(self, pool: str | None) -> None: ...
    def order(self) -> list[str]: ...


class ScanMemory(Protocol):
    """Where the last scan's interface and ranges are kept between runs (``BoardMemory``)."""

    def scan_choice(self) -> tuple[str, str]: ...
    def remember_scan(self, interface: str, ranges: str) -> None: ...


class Gestures:
    """Dialogs and context menus of one window; the current pool is the focused column's."""

    def __init__(
        self,
        parent: QWidget,
        pools: PoolChoice,
        *,
        farm: Farm,
        edits: EditSession,
        network: NetworkSession,
        scans: ScanMemory,
        show_status: Callable[[str, int], None],
        jobs: JobsSession | None = None,
    ) -> None:
        self.parent = parent  # of the dialogs and menus
        self.pools = pools
        self.farm = farm
        self.edits = edits
        self.network = network
        self.scans = scans
        self.show_status = show_status  # a sentence, for so many milliseconds
        self.jobs = jobs  # afserver's jobs as last read: deleting a pool names its jobs
        self.confirm: Callable[[str, str], bool] = self._ask  # tests answer for the user
        self.read_network: Callable[[], NetworkInfo] = NetworkInfo.read  # tests: a made-up LAN
        self.farm_zone: dt.tzinfo | None = None  # schedules' time zone, for their next change

    def _current(self) -> Pool | None:
        return self.farm.pools.get(self.pools.current_pool or "")

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
            self.copy_text("\n".join(names), f"Copied {plural(len(names), 'name')}.")

    def copy_text(self, text: str, said: str) -> None:
        """To the clipboard, and ``said`` in the status bar."""
        QApplication.clipboard().setText(text)
        self.show_status(said, 4000)

    def remove_selected(self) -> None:
        view = self.focused_view()
        pool = view.host_model().pool if view is not None else None
        if view is not None and pool is not None and view.selected_names():
            self.edits.remove_from_pool(view.selected_names(), pool)

    def add_hosts_by_name(self) -> None:
        dialog = AddHostsDialog(
            self.pools.order(), self.pools.current_pool, self.parent, known=self.farm.hosts.keys()
        )
        if dialog.exec() == AddHostsDialog.Accepted:
            names, pool = dialog.hostnames, dialog.pool
            if pool is None:
                self.edits.remember_hosts(names)
            else:
                self.edits.add_to_pool(names, pool, remember=True)

    def name_host(self, current: str) -> None:
        """A machine a scan found without a name is shown by its IP until named here."""
        new, ok = QInputDialog.getText(self.parent, "Name this machine", f"Name for {current}:")
        if ok and new.strip():
            self.network.name_host(current, new.strip())

    # -- pools --------------------------------------------------------------------------

    def new_pool(self) -> None:
        pools = self.farm.pools.values()
        fresh = theme.distinct_color(theme.pool_color(p.name, p.color) for p in pools)
        form = PoolForm("New pool", self.farm.pools, color=fresh, parent=self.parent)
        if form.exec() == PoolForm.Accepted and self.edits.request(
            f"create pool {form.name}",
            [Edit("create", form.name, description=form.description, color=form.color)],
        ):
            self.pools.set_current_pool(form.name)  # once its column comes

    def rename_pool(self) -> None:
        """Only the name changes here; the description and colour are shown as they are."""
        current = self._current()
        if current is None:
            return
        pool = current.name
        form = PoolForm(
            f"Rename pool {pool}",
            self.farm.pools,
            name=pool,
            description=current.description,
            color=current.color,
            parent=self.parent,
        )
        for widget in (form.description_edit, form.color_button, form.clear_color):
            widget.setEnabled(False)
        if form.exec() == PoolForm.Accepted and form.name != pool:
            self.edits.request(
                f"rename {pool} to {form.name}", [Edit("rename", pool, value=form.name)]
            )
            self.pools.set_current_pool(form.name)

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
            parent=self.parent,
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
        chosen = QColorDialog.getColor(start, self.parent, f"Colour of pool {pool.name}")
        if chosen.isValid() and chosen.name() != pool.color:
            self.edits.request(
                f"colour {pool.name} {chosen.name()}",
                [Edit("recolor", pool.name, value=chosen.name())],
            )

    def delete_pool(self) -> None:
        pool = self._current()
        if pool is None:
            return
        question = self._deletion_question(pool)
        if self.confirm("Delete pool", question):
            self.edits.request(f"delete pool {pool.name}", [Edit("delete", pool.name)])

    def _deletion_question(self, pool: Pool) -> str:
        """Whether to delete, naming the jobs bound to the pool (they lose its hosts)."""
        question = f"Delete pool '{pool.name}' with its {plural(len(pool.hostnames), 'host')}?"
        if self.jobs is None:
            return f"{question} Undo brings the pool back."
        return f"{question}\n\n{self.jobs.deletion_words(pool.name)}"

    # -- context menus ------------------------------------------------------------------

    def host_menu(self, view: HostListView, pos: QPoint) -> None:
        names = view.selected_names()
        if not names:
            return
        source = view.host_model().pool
        menu = QMenu(self.parent)
        add_menu = menu.addMenu("Add to pool")
        targets = [p for p in self.pools.order() if p != source]
        for pool in targets:
            add_menu.addAction(pool, lambda p=pool: self.edits.add_to_pool(names, p))
        add_menu.setEnabled(bool(targets))
        if source is not None:
            menu.addAction(
                f"Remove from {source}", lambda: self.edits.remove_from_pool(names, source)
            )
            self._schedule_menu(menu, names, source)
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
        forgettable = self.network.forgettable(names)
        if forgettable:  # a name mistyped in Add hosts, a machine long gone
            forget = menu.addAction(
                "Forget this machine"
                if len(forgettable) == 1
                else f"Forget {plural(len(forgettable), 'machine')}",
                lambda: self.network.forget_machines(forgettable),
            )
            forget.setToolTip("Take it off the board: afserver does not know it, no pool holds it.")
        menu.addAction("Copy names", lambda: self.copy_names(names))
        menu.exec(view.viewport().mapToGlobal(pos))

    def _schedule_menu(self, menu: QMenu, names: list[str], source: str) -> None:
        """Members of a pool follow the clock: a window, or while the user is away."""
        pool = self.farm.pools.get(source)
        if pool is not None:
            add_schedule_menu(
                menu,
                pool,
                names,
                self.edits.request,
                self.parent,
                zone=self.farm_zone,
                now=time.time(),
            )

    # -- the network --------------------------------------------------------------------

    def scan_network(self) -> None:
        """The interface and ranges to sweep, as last time or the scanner's defaults."""
        info: NetworkInfo | None = None
        problem = ""
        try:
            info = self.read_network()
        except AfpoolsError as error:
            problem = str(error)
        dialog = ScanDialog(info, self.scans.scan_choice(), self.parent, problem=problem)
        if dialog.exec() == ScanDialog.Accepted:
            self.scans.remember_scan(dialog.interface, dialog.range_text)
            self.network.scan_network(
                [dialog.interface], dialog.cidrs, allow_wide=dialog.allow_wide
            )

    def confirm_wide_scan(self, sentence: str) -> None:
        """The network changed between the dialog and the scan: the range grew too wide."""
        if self.confirm("Scan a wide network", f"{sentence} Scan it anyway? It can take a while."):
            self.network.scan_again_wide()

    def _ask(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(
            self.parent, title, question, QMessageBox.Yes | QMessageBox.Cancel, QMessageBox.Cancel
        )
        return bool(answer == QMessageBox.Yes)
