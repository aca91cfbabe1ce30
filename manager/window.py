"""The main window: menus and shortcuts, the find field, banners, the board, the status bar."""

from __future__ import annotations

import time
from collections.abc import Callable

from PyQt5.QtCore import QPoint, QSettings, Qt, QTimer
from PyQt5.QtGui import QCloseEvent, QKeySequence
from PyQt5.QtWidgets import (
    QAction,
    QApplication,
    QColorDialog,
    QComboBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from manager import theme
from manager.banners import Banner
from manager.column import HostListView, PoolColumn
from manager.controller import BoardController, plural
from manager.dialogs import AddHostsDialog, PoolForm
from pools.edits import Edit
from pools.model import Pool
from pools.settings import Settings, user_config_dir

STATE_CHOICES = (
    ("All machines", "all"),
    ("Online", "online"),
    ("Busy", "busy"),
    ("Offline", "offline"),
)


class MainWindow(QMainWindow):
    """Lays out the board and gives every gesture a menu entry and a shortcut."""

    def __init__(self, settings: Settings, controller: BoardController | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Render Pools — afpools")
        self.controller = controller or BoardController(settings, self)
        self.board = self.controller.board
        self.current_pool: str | None = None
        self.confirm: Callable[[str, str], bool] = self._ask  # tests answer for the user
        self._prefs = QSettings(str(user_config_dir() / "board.ini"), QSettings.IniFormat)
        self._collapsed: set[str] = set(self._prefs.value("columns/collapsed", [], list) or [])

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by name, IP, state or pool   (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.addAction(theme.icon("search"), QLineEdit.LeadingPosition)
        self.filter_edit.setMinimumWidth(320)
        self.state_box = QComboBox()
        for label, value in STATE_CHOICES:
            self.state_box.addItem(label, value)
        self.filter_edit.textChanged.connect(self._on_filter_changed)
        self.state_box.currentIndexChanged.connect(self._on_filter_changed)

        self.afserver_banner = Banner("warning")
        self.store_banner = Banner("error")
        self.message_banner = Banner("error", dismissable=True)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for banner in (self.store_banner, self.afserver_banner, self.message_banner):
            layout.addWidget(banner)
        layout.addWidget(self.board, 1)
        self.setCentralWidget(central)

        self._build_actions()
        self._build_menus_and_toolbar()
        self._build_status_bar()
        self._connect()
        self._restore()
        self.board.farm_column.view.setFocus()  # Ctrl+Z is the board's, not the find field's

    # -- building -----------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[[], None],
        shortcut: str | QKeySequence.StandardKey = "",
        icon: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if icon:
            action.setIcon(theme.icon(icon))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.new_pool_action = a("&New pool…", self.new_pool, "Ctrl+N", "pool-new")
        self.add_hosts_action = a(
            "&Add hosts by name…", self.add_hosts_by_name, "Ctrl+Shift+N", "host-add"
        )
        self.rename_action = a("&Rename pool…", self.rename_pool, "F2")
        self.describe_action = a("&Describe pool…", self.describe_pool, "Ctrl+Shift+D")
        self.recolor_action = a("&Colour…", self.recolor_pool, "Ctrl+Shift+K")
        self.delete_pool_action = a("De&lete pool…", self.delete_pool, "Ctrl+Shift+Del")
        self.collapse_action = a("Collapse or e&xpand column", self.toggle_collapse, "Ctrl+Shift+C")
        self.move_left_action = a(
            "Move column &left", lambda: self._move_column(-1), "Ctrl+Shift+Left"
        )
        self.move_right_action = a(
            "Move column r&ight", lambda: self._move_column(1), "Ctrl+Shift+Right"
        )
        self.undo_action = a("&Undo", self.controller.undo, "Ctrl+Z", "undo")
        self.redo_action = a("&Redo", self.controller.redo, "Ctrl+Shift+Z", "redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.find_action = a("&Find…", self.focus_filter, "Ctrl+F", "search")
        self.copy_action = a("&Copy names", self.copy_names, "Ctrl+C")
        self.remove_action = a("Remove from &pool", self.remove_selected, "Del")
        for action in (self.copy_action, self.remove_action):
            action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
            self.removeAction(action)
            self.board.addAction(action)
        self.refresh_action = a("&Reload pools", self.controller.reload_requested.emit, "F5")
        self.quit_action = a("&Quit", self.close, "Ctrl+Q")
        self.about_action = a("&About afpools", self._about)
        self.state_actions = [
            a(label, lambda _=False, i=i: self.state_box.setCurrentIndex(i), f"Alt+{i + 1}")
            for i, (label, _) in enumerate(STATE_CHOICES)
        ]

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.refresh_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        for action in (
            self.undo_action,
            self.redo_action,
            None,
            self.copy_action,
            self.remove_action,
            None,
            self.find_action,
        ):
            edit_menu.addAction(action) if action else edit_menu.addSeparator()
        pool_menu = bar.addMenu("&Pool")
        for action in (
            self.new_pool_action,
            self.add_hosts_action,
            None,
            self.rename_action,
            self.describe_action,
            self.recolor_action,
            None,
            self.collapse_action,
            self.move_left_action,
            self.move_right_action,
            None,
            self.delete_pool_action,
        ):
            pool_menu.addAction(action) if action else pool_menu.addSeparator()
        view_menu = bar.addMenu("&View")
        for action in self.state_actions:
            view_menu.addAction(action)
        bar.addMenu("&Help").addAction(self.about_action)

        tools = self.addToolBar("Board")
        tools.setObjectName("BoardToolbar")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        tools.addAction(self.new_pool_action)
        tools.addAction(self.add_hosts_action)
        tools.addSeparator()
        tools.addAction(self.undo_action)
        tools.addAction(self.redo_action)
        tools.addSeparator()
        tools.addWidget(self.filter_edit)
        tools.addWidget(self.state_box)
        self.toolbar = tools

    def _build_status_bar(self) -> None:
        self.afserver_label = QLabel("afserver: connecting…")
        self.store_label = QLabel("database: connecting…")
        self.poll_label = QLabel()
        self.saving_label = QLabel()
        status = self.statusBar()
        for label in (self.saving_label, self.afserver_label, self.poll_label, self.store_label):
            status.addPermanentWidget(label)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._update_poll_label)
        self._clock.start()

    def _connect(self) -> None:
        c = self.controller
        c.afserver_state.connect(self._on_controller_afserver_state)
        c.store_state.connect(self._on_controller_store_state)
        c.message.connect(self._on_controller_message)
        c.history_changed.connect(self._update_undo_actions)
        c.busy_changed.connect(self._on_controller_busy_changed)
        c.pools_changed.connect(self._on_controller_pools_changed)
        self.board.column_added.connect(self._on_board_column_added)
        self.board.order_changed.connect(lambda order: self._prefs.setValue("columns/order", order))
        self._wire_column(self.board.farm_column)
        self._update_undo_actions()
        self._update_pool_actions()

    def _wire_column(self, column: PoolColumn) -> None:
        view = column.view
        view.focused.connect(lambda: self._set_current_pool(column.model.pool))
        view.customContextMenuRequested.connect(lambda pos: self._host_menu(view, pos))
        column.menu_requested.connect(lambda where: self._pool_menu(column, where))
        column.collapsed_changed.connect(
            lambda collapsed: self._on_column_collapsed(column, collapsed)
        )

    # -- state from the controller ------------------------------------------------------

    def _on_controller_afserver_state(self, ok: bool, sentence: str) -> None:
        if ok:
            self.afserver_banner.hide()
            self.afserver_label.setText(f"● {sentence}")
            self.afserver_label.setStyleSheet("color: #81c784;")
        else:
            self.afserver_banner.show_message(
                f"{sentence} Cards show the last known state; pools stay editable."
            )
            self.afserver_label.setText("● afserver unreachable")
            self.afserver_label.setStyleSheet("color: #ffb74d;")

    def _on_controller_store_state(self, ok: bool, sentence: str) -> None:
        if ok:
            self.store_banner.hide()
            self.store_label.setText(f"● {sentence}")
            self.store_label.setStyleSheet("color: #81c784;")
        else:
            self.store_banner.show_message(
                f"{sentence} Edits are refused until it is back; reconnecting every second."
            )
            self.store_label.setText("● database unreachable")
            self.store_label.setStyleSheet("color: #e57373;")
        self._update_pool_actions()

    def _on_controller_message(self, level: str, sentence: str) -> None:
        if level == "error":
            self.message_banner.show_message(sentence)
        self.statusBar().showMessage(sentence, 8000)

    def _on_controller_busy_changed(self, pending: int) -> None:
        self.saving_label.setText(f"saving {plural(pending, 'change')}…" if pending else "")

    def _update_poll_label(self) -> None:
        since = self.controller.seconds_since_poll()
        if since is None:
            self.poll_label.setText("")
            return
        stamp = time.strftime("%H:%M:%S", time.localtime(self.controller.last_poll))
        self.poll_label.setText(f"last poll {stamp}")

    def _update_undo_actions(self) -> None:
        history = self.controller.history
        self.undo_action.setEnabled(history.can_undo())
        self.redo_action.setEnabled(history.can_redo())
        self.undo_action.setText(f"&Undo {history.undo_label()}" if history.can_undo() else "&Undo")
        self.redo_action.setText(f"&Redo {history.redo_label()}" if history.can_redo() else "&Redo")

    def _on_controller_pools_changed(self) -> None:
        self.board.set_order(self._saved_order())
        if self.current_pool is not None and self.current_pool not in self.board.columns:
            self.current_pool = None
        self._update_pool_actions()

    def _on_board_column_added(self, column: PoolColumn) -> None:
        self._wire_column(column)
        if column.model.pool in self._collapsed:
            column.set_collapsed(True)

    def _on_column_collapsed(self, column: PoolColumn, collapsed: bool) -> None:
        name = column.model.pool
        if name is None:
            return
        (self._collapsed.add if collapsed else self._collapsed.discard)(name)
        self._prefs.setValue("columns/collapsed", sorted(self._collapsed))

    def _set_current_pool(self, pool: str | None) -> None:
        self.current_pool = pool
        self._update_pool_actions()

    def _update_pool_actions(self) -> None:
        has_pool = self.current_pool is not None
        for action in (
            self.rename_action,
            self.describe_action,
            self.recolor_action,
            self.delete_pool_action,
            self.move_left_action,
            self.move_right_action,
        ):
            action.setEnabled(has_pool)

    def _on_filter_changed(self) -> None:
        self.controller.set_filter(self.filter_edit.text(), str(self.state_box.currentData()))

    # -- gestures -----------------------------------------------------------------------

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def _focused_view(self) -> HostListView | None:
        widget = QApplication.focusWidget()
        return widget if isinstance(widget, HostListView) else None

    def copy_names(self) -> None:
        view = self._focused_view()
        names = view.selected_names() if view else []
        if names:
            QApplication.clipboard().setText("\n".join(names))
            self.statusBar().showMessage(f"Copied {plural(len(names), 'name')}.", 4000)

    def remove_selected(self) -> None:
        view = self._focused_view()
        if view is None or view.host_model().pool is None:
            return
        names = view.selected_names()
        if names:
            self.controller.remove_from_pool(names, view.host_model().pool)

    def new_pool(self) -> None:
        form = PoolForm("New pool", self.controller.farm.pools, parent=self)
        if form.exec() == PoolForm.Accepted:
            self.controller.request(
                f"create pool {form.name}",
                [Edit("create", form.name, description=form.description, color=form.color)],
            )
            self.current_pool = form.name

    def rename_pool(self) -> None:
        pool = self.current_pool
        if pool is None:
            return
        form = PoolForm(f"Rename pool {pool}", self.controller.farm.pools, name=pool, parent=self)
        form.description_edit.setEnabled(False)
        form.color_button.setEnabled(False)
        form.clear_color.setEnabled(False)
        if form.exec() == PoolForm.Accepted and form.name != pool:
            self.controller.request(
                f"rename {pool} to {form.name}", [Edit("rename", pool, value=form.name)]
            )
            self.current_pool = form.name

    def describe_pool(self) -> None:
        pool = self._current()
        if pool is None:
            return
        form = PoolForm(
            f"Describe pool {pool.name}",
            self.controller.farm.pools,
            name=pool.name,
            description=pool.description,
            color=pool.color,
            parent=self,
        )
        form.name_edit.setEnabled(False)
        if form.exec() == PoolForm.Accepted:
            edits = []
            if form.description != pool.description:
                edits.append(Edit("describe", pool.name, value=form.description))
            if form.color != pool.color:
                edits.append(Edit("recolor", pool.name, value=form.color))
            if edits:
                self.controller.request(f"change the looks of {pool.name}", edits)

    def recolor_pool(self) -> None:
        pool = self._current()
        if pool is None:
            return
        start = theme.pool_color(pool.name, pool.color)
        chosen = QColorDialog.getColor(start, self, f"Colour of pool {pool.name}")
        if chosen.isValid() and chosen.name() != pool.color:
            self.controller.request(
                f"colour {pool.name} {chosen.name()}",
                [Edit("recolor", pool.name, value=chosen.name())],
            )

    def delete_pool(self) -> None:
        pool = self._current()
        if pool is None:
            return
        count = plural(len(pool.hostnames), "host")
        question = f"Delete pool '{pool.name}' with its {count}? Jobs using it keep their masks; Undo brings the pool back."
        if self.confirm("Delete pool", question):
            self.controller.request(f"delete pool {pool.name}", [Edit("delete", pool.name)])

    def add_hosts_by_name(self) -> None:
        dialog = AddHostsDialog(self.board.order(), self.current_pool, self)
        if dialog.exec() == AddHostsDialog.Accepted:
            names, pool = dialog.hostnames, dialog.pool
            if pool is None:
                self.controller.remember_hosts(names)
            else:
                self.controller.add_to_pool(names, pool, remember=True)

    def toggle_collapse(self) -> None:
        column = self.board.columns.get(self.current_pool or "")
        if column is not None:
            column.set_collapsed(not column.collapsed)

    def _move_column(self, delta: int) -> None:
        if self.current_pool is not None:
            self.board.move_column(self.current_pool, delta)
            self.board.scroll_to(self.current_pool)

    def _current(self) -> Pool | None:
        return self.controller.farm.pools.get(self.current_pool or "")

    # -- menus --------------------------------------------------------------------------

    def _host_menu(self, view: HostListView, pos: QPoint) -> None:
        names = view.selected_names()
        if not names:
            return
        source = view.host_model().pool
        menu = QMenu(self)
        add_menu = menu.addMenu("Add to pool")
        targets = [p for p in self.board.order() if p != source]
        for pool in targets:
            add_menu.addAction(pool, lambda p=pool: self.controller.add_to_pool(names, p))
        add_menu.setEnabled(bool(targets))
        if source is not None:
            menu.addAction(
                f"Remove from {source}", lambda: self.controller.remove_from_pool(names, source)
            )
        menu.addSeparator()
        menu.addAction("Copy names", lambda: QApplication.clipboard().setText("\n".join(names)))
        menu.exec(view.viewport().mapToGlobal(pos))

    def _pool_menu(self, column: PoolColumn, where: QPoint) -> None:
        self._set_current_pool(column.model.pool)
        menu = QMenu(self)
        for action in (
            self.rename_action,
            self.describe_action,
            None,
            self.collapse_action,
            self.move_left_action,
            self.move_right_action,
            None,
            self.delete_pool_action,
        ):
            menu.addAction(action) if action else menu.addSeparator()
        menu.exec(where)

    def _ask(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(
            self, title, question, QMessageBox.Yes | QMessageBox.Cancel, QMessageBox.Cancel
        )
        return answer == QMessageBox.Yes

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About afpools",
            "<b>afpools</b> — render pools for CGRU's Afanasy.<br>"
            "Drag machines from the Farm into pool columns; Ctrl+drag copies.<br>"
            "Jobs use a pool through its exact regex host mask.",
        )

    # -- window state -------------------------------------------------------------------

    def _saved_order(self) -> list[str]:
        return list(self._prefs.value("columns/order", [], list) or [])

    def _restore(self) -> None:
        geometry = self._prefs.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._prefs.setValue("window/geometry", self.saveGeometry())
        self._prefs.setValue("columns/order", self.board.order())
        self._prefs.sync()
        self._clock.stop()
        self.controller.shutdown()
        super().closeEvent(event)
