"""The main window: menus and shortcuts, the find field, banners, the board, the status bar."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PyQt5.QtCore import QPoint, Qt
from PyQt5.QtGui import QCloseEvent, QKeySequence
from PyQt5.QtWidgets import (
    QAction,
    QComboBox,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from config.settings import Settings
from manager import theme
from manager.banners import Banner
from manager.board import Board
from manager.board_memory import BoardMemory
from manager.column import PoolColumn
from manager.gestures import Gestures
from manager.jobs_panel import JobsBanner, JobsDock
from manager.native_face import NativeFace
from manager.service_dialog import ServiceDialog
from manager.session import BoardSession
from manager.status_bar import BoardStatusBar
from manager.toolbar import BoardToolbar
from manager.usage_board import BoardUsage, zone_or_none
from pools.wording import plural

FILTER_HINT = "Name, IP, state or pool (Ctrl+F)"
FILTER_ROOM = 64  # the search icon, the clear button and the frame around the text
MENU_LABEL_CHARS = 60  # an undo step named in the Edit menu; the tooltip has all of it

STATE_CHOICES = (
    ("All machines", "all"),
    ("Online", "online"),
    ("Busy", "busy"),
    ("Offline", "offline"),
)


def _menu_text(label: str) -> str:
    """An undo step's name as a menu shows it: short, and an ``&`` in a pool name is no
    keyboard accelerator."""
    if len(label) > MENU_LABEL_CHARS:
        label = label[: MENU_LABEL_CHARS - 1] + "…"
    return label.replace("&", "&&")


class MainWindow(QMainWindow):
    """Lays out the board and gives every gesture a menu entry and a shortcut."""

    def __init__(self, settings: Settings, session: BoardSession | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Render Pools — afpools")
        self.session = session or BoardSession(settings, self)
        self.board = Board(self.session.evented)
        self.board.drop_requested.connect(self.session.edits.drop)
        self.memory = BoardMemory(self.board)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(FILTER_HINT)
        self.filter_edit.setToolTip(FILTER_HINT)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.addAction(theme.icon("search"), QLineEdit.LeadingPosition)
        hint_width = self.filter_edit.fontMetrics().horizontalAdvance(FILTER_HINT)
        self.filter_edit.setMinimumWidth(hint_width + FILTER_ROOM)  # the hint, the icons
        self.filter_edit.setMaximumWidth(2 * (hint_width + FILTER_ROOM))  # not a wide stripe
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
        self.status = BoardStatusBar(self.session)
        self.setStatusBar(self.status)
        self.scan_status = self.status.scan_status
        self.afserver_label, self.store_label = self.status.afserver_label, self.status.store_label

        self.gestures = Gestures(
            self,
            self.board,
            farm=self.session.farm,
            edits=self.session.edits,
            network=self.session.network,
            scans=self.memory,
            show_status=self.status.showMessage,
            jobs=self.session.jobs,
        )
        self._add_jobs(layout)
        self._build_actions()
        self._build_menus_and_toolbar()
        self._build_usage(settings)
        self._build_native()
        self._connect()
        self.memory.restore_geometry(self)
        self.board.farm_column.view.setFocus()  # Ctrl+Z is the board's, not the find field's

    # -- building -----------------------------------------------------------------------

    def _add_jobs(self, layout: QVBoxLayout) -> None:
        """The jobs panel under the board, following the current pool, and a banner while
        jobs with tokens wait and no agent holds the lease (see manager/jobs_panel.py)."""
        self.jobs_dock = JobsDock(self.session.jobs, self)
        self.jobs_dock.place(self, self.memory.prefs)
        self.board.current_changed.connect(self.jobs_dock.set_pool)
        self.jobs_banner = JobsBanner(self.session.jobs)
        layout.insertWidget(layout.indexOf(self.board), self.jobs_banner)

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence.StandardKey = "",
        icon: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if icon:
            action.setIcon(theme.icon(icon))

        def run(_checked: bool = False) -> None:
            slot()

        action.triggered.connect(run)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        g = self.gestures
        self.new_pool_action = a("&New pool…", g.new_pool, "Ctrl+N", "pool-new")
        self.add_hosts_action = a(
            "&Add hosts by name…", g.add_hosts_by_name, "Ctrl+Shift+N", "host-add"
        )
        self.add_hosts_action.setIconText("Add hosts…")
        self.rename_action = a("&Rename pool…", g.rename_pool, "F2")
        self.describe_action = a("&Describe pool…", g.describe_pool, "Ctrl+Shift+D")
        self.recolor_action = a("&Colour…", g.recolor_pool, "Ctrl+Shift+K")
        self.delete_pool_action = a("De&lete pool…", g.delete_pool, "Ctrl+Shift+Del")
        self.collapse_action = a("Collapse or e&xpand column", self.toggle_collapse, "Ctrl+Shift+C")
        self.move_left_action = a(
            "Move column &left", lambda: self._move_column(-1), "Ctrl+Shift+Left"
        )
        self.move_right_action = a(
            "Move column r&ight", lambda: self._move_column(1), "Ctrl+Shift+Right"
        )
        self.undo_action = a("&Undo", self.session.edits.undo, "Ctrl+Z", "undo")
        self.redo_action = a("&Redo", self.session.edits.redo, "Ctrl+Shift+Z", "redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.undo_action.setIconText("Undo")  # the step it undoes: in the tooltip and menu
        self.redo_action.setIconText("Redo")
        self.find_action = a("&Find…", self.focus_filter, "Ctrl+F", "search")
        self.copy_action = a("&Copy names", g.copy_names, "Ctrl+C")
        self.remove_action = a("Remove from &pool", g.remove_selected, "Del")
        for action in (self.copy_action, self.remove_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.removeAction(action)
            self.board.addAction(action)
        self.refresh_action = a("&Reload pools", self.session.edits.reload_requested.emit, "F5")
        self.scan_action = a("&Scan network…", g.scan_network, "Ctrl+Shift+S", "scan")
        self.scan_action.setToolTip(
            "Find machines on the LAN (ARP, zeroconf, DNS) that afserver does not list"
        )
        self.quit_action = a("&Quit", self.close, "Ctrl+Q")
        self.about_action = a("&About afpools", self._about)
        self.service_action = a("Pool &service settings…", self._configure_service)
        self.service_action.setToolTip(
            "Address, ports, TLS and write token of 'main.py serve', the service for plugins"
        )
        self.state_actions = [
            a(label, partial(self.state_box.setCurrentIndex, index), f"Alt+{index + 1}")
            for index, (label, _) in enumerate(STATE_CHOICES)
        ]

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.scan_action)
        file_menu.addAction(self.refresh_action)
        file_menu.addSeparator()
        file_menu.addAction(self.service_action)
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
        pool_menu = self.pool_bar_menu = bar.addMenu("&Pool")
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
        view_menu = self.view_bar_menu = bar.addMenu("&View")
        for action in self.state_actions:
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.jobs_dock.toggleViewAction())
        bar.addMenu("&Help").addAction(self.about_action)

        tools = BoardToolbar(self)
        self.addToolBar(tools)
        tools.addAction(self.new_pool_action)
        tools.addAction(self.add_hosts_action)
        tools.addSeparator()
        tools.addAction(self.undo_action)
        tools.addAction(self.redo_action)
        tools.addSeparator()
        tools.addWidget(self.filter_edit)
        tools.addWidget(self.state_box)
        tools.addSeparator()
        tools.addAction(self.scan_action)
        tools.compact_first(
            [
                [self.new_pool_action, self.add_hosts_action],
                [self.undo_action, self.redo_action],
                [self.scan_action],
            ]
        )
        self.toolbar = tools

    def _build_usage(self, settings: Settings) -> None:
        """Sparklines in the headers, the starved-pool banner, Pool ▸ Usage…, schedules."""
        self.usage = BoardUsage(
            self, self.board, self.session.usage, self.session.edits, self.status.showMessage
        )
        layout = self.centralWidget().layout()
        layout.insertWidget(layout.indexOf(self.board), self.usage.banner)
        self.usage.action.setShortcut(QKeySequence("Ctrl+Shift+U"))
        self.addAction(self.usage.action)
        self.pool_bar_menu.insertAction(self.collapse_action, self.usage.action)
        self.pool_bar_menu.insertSeparator(self.collapse_action)
        self.gestures.farm_zone = zone_or_none(settings)

    def _build_native(self) -> None:
        """afserver's native pools (CGRU 3.0+): a tab beside the board, shown once afserver
        answers ``get pools``; Make native pool… in the Pool menu (see manager/native_face.py)."""
        self.native = NativeFace(
            self,
            self.board,
            self.session.native,
            # looked up at each question: tests answer for the user through gestures.confirm
            confirm=lambda title, question: self.gestures.confirm(title, question),  # noqa: PLW0108
            show_status=self.status.showMessage,
            copy_names=self.gestures.copy_names,
            copy_text=self.gestures.copy_text,
        )
        self.native.place(self.centralWidget().layout())
        self.memory.follow_native(self.native.view)
        self.pool_bar_menu.insertAction(self.delete_pool_action, self.native.from_pool_action)
        self.view_bar_menu.addAction(self.native.toggle_action)

    def _connect(self) -> None:
        edits, network = self.session.edits, self.session.network
        self.session.farm_session.afserver_state.connect(self._on_farm_session_afserver_state)
        self.session.message.connect(self._on_session_message)
        edits.store_state.connect(self._on_edits_store_state)
        edits.history_changed.connect(self._update_undo_actions)
        edits.busy_changed.connect(self._on_edits_busy_changed)
        network.scan_running.connect(lambda running: self.scan_action.setEnabled(not running))
        network.scan_wide_confirm.connect(self.gestures.confirm_wide_scan)
        self.board.host_menu_requested.connect(self.gestures.host_menu)
        self.board.pool_menu_requested.connect(self._pool_menu)
        self.board.columns_changed.connect(self._update_pool_actions)
        self.board.current_changed.connect(self._update_pool_actions)
        self.native.tabs.currentChanged.connect(self._update_pool_actions)
        self.native.tabs.currentChanged.connect(self._update_undo_actions)
        self.session.native.supported_changed.connect(self._update_pool_actions)
        self._update_undo_actions()
        self._update_pool_actions()

    # -- state from the sessions --------------------------------------------------------

    def _on_farm_session_afserver_state(self, ok: bool, sentence: str) -> None:
        if ok:
            self.afserver_banner.hide()
        else:
            self.afserver_banner.show_message(
                f"{sentence} Cards show the last known state; pools stay editable."
            )

    def _on_edits_store_state(self, ok: bool, sentence: str) -> None:
        if ok:
            self.store_banner.hide()
        else:
            self.store_banner.show_message(
                f"{sentence} Edits are refused until it is back; reconnecting every second."
            )
        self._update_pool_actions()

    def _on_session_message(self, level: str, sentence: str) -> None:
        if level == "resolved":  # a warning that no longer holds goes, if it still shows
            if self.message_banner.text() == sentence:
                self.message_banner.hide()
            return
        if level in ("error", "warning"):
            self.message_banner.set_kind(level)
            self.message_banner.show_message(sentence)
        self.status.showMessage(sentence, 8000)

    def _on_edits_busy_changed(self, _pending: int) -> None:
        self._update_undo_actions()

    def _update_undo_actions(self, *_: object) -> None:
        """Undo and Redo step through the pools view's edits, while it shows: over the
        Native pools tab, Ctrl+Z would change a pool out of sight (a native move is not
        undone; drag the renders back)."""
        history, idle = self.session.edits.history, not self.session.edits.pending
        here = not self.native.showing
        self.undo_action.setEnabled(history.can_undo() and idle and here)
        self.redo_action.setEnabled(history.can_redo() and idle and here)
        for action, verb, label, shortcut in (
            (self.undo_action, "Undo", history.undo_label(), "Ctrl+Z"),
            (self.redo_action, "Redo", history.redo_label(), "Ctrl+Shift+Z"),
        ):
            whole = f"{verb} {label}" if label else f"Nothing to {verb.lower()}"
            if label and not here:
                whole = f"{verb} {label}, in the Pools tab"
            action.setText(f"&{verb} {_menu_text(label)}" if label else f"&{verb}")
            action.setToolTip(f"{whole} ({shortcut})")
            action.setStatusTip(whole)

    def _update_pool_actions(self, *_: object) -> None:
        """The current pool's actions, while the pools view shows it: over the Native pools
        tab, F2 or Ctrl+Shift+Del would act on a pool out of sight."""
        has_pool = self.board.current_pool is not None and not self.native.showing
        for action in (
            self.rename_action,
            self.describe_action,
            self.recolor_action,
            self.delete_pool_action,
            self.collapse_action,
            self.move_left_action,
            self.move_right_action,
            self.native.from_pool_action,
        ):
            action.setEnabled(has_pool)

    def _on_filter_changed(self) -> None:
        self.session.farm_session.set_filter(
            self.filter_edit.text(), str(self.state_box.currentData())
        )

    # -- gestures -----------------------------------------------------------------------

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def toggle_collapse(self) -> None:
        column = self.board.columns.get(self.board.current_pool or "")
        if column is not None:
            column.set_collapsed(not column.collapsed)

    def _move_column(self, delta: int) -> None:
        pool = self.board.current_pool
        if pool is not None:
            self.board.move_column(pool, delta)
            self.board.scroll_to(pool)

    def _pool_menu(self, column: PoolColumn, where: QPoint) -> None:
        """A column's ⋮ button: the Pool menu's actions, for that column's pool."""
        self.board.set_current_pool(column.pool)
        menu = QMenu(self)
        for action in (
            self.rename_action,
            self.describe_action,
            self.recolor_action,
            None,
            self.usage.action,
            None,
            self.collapse_action,
            self.move_left_action,
            self.move_right_action,
            None,
            self.native.from_pool_action,
            self.delete_pool_action,
        ):
            menu.addAction(action) if action else menu.addSeparator()
        menu.exec(where)

    def _configure_service(self) -> None:
        dialog = ServiceDialog(self.session.settings, self)
        dialog.settings_saved.connect(
            lambda path: self.status.showMessage(
                f"Pool service settings saved to {path}; restart 'main.py serve' to use them.", 8000
            )
        )
        dialog.exec()

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About afpools",
            "<b>afpools</b> — render pools for CGRU's Afanasy.<br>"
            "Drag machines from the Farm into pool columns; Ctrl+drag copies.<br>"
            "Jobs use a pool through its exact regex host mask.",
        )

    # -- closing ------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        pending = self.session.edits.pending
        if pending and not self.gestures.confirm(
            "Changes still being saved",
            f"{plural(pending, 'change is', 'changes are')} still being saved. Close anyway? "
            "What has not reached the database yet is lost.",
        ):
            event.ignore()
            return
        self.memory.save(self)
        self.status.stop()
        self.session.shutdown()
        super().closeEvent(event)
