"""The Native pools view in the window: its tab, its menus and dialogs, and the item that
makes a native pool from one of ours.

The tab shows only once afserver answered ``get pools`` (CGRU 3.0+); on an older server
there is no tab and no menu item, and nothing else changes. Every gesture becomes a request
to ``NativeSession``; what afserver answers comes back as one sentence in the status bar.
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt5.QtCore import QPoint, Qt
from PyQt5.QtGui import QKeySequence
from PyQt5.QtWidgets import (
    QAction,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLayout,
    QLineEdit,
    QMenu,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from manager.board import Board
from manager.dialogs import grow_to_fit
from manager.native_session import NativeSession
from manager.native_view import NativeBoard, NativeListView
from pools.native_moves import FromPoolPlan
from pools.native_paths import child_path, name_problem, path_for_pool, path_problem
from pools.wording import plural

POOLS_TAB, NATIVE_TAB = 0, 1


class NativePathDialog(QDialog):
    """A native pool's name or path, checked as it is typed: afserver keeps only
    ``A-Z a-z 0-9 _`` in a name, and the sentence says so before anything is sent."""

    def __init__(
        self,
        title: str,
        prompt: str,
        text: str,
        to_path: Callable[[str], str],
        parent: QWidget,
        *,
        problem: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self._to_path = to_path
        self._problem = problem or (lambda typed: path_problem(to_path(typed)))
        self.edit = QLineEdit(text)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #ff8a80;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addWidget(self.edit)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.edit.textChanged.connect(self._check)
        self._check()

    @property
    def path(self) -> str:
        return self._to_path(self.edit.text())

    def _check(self) -> None:
        text = self.edit.text().strip()
        problem = self._problem(text) if text else ""
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        grow_to_fit(self)
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(bool(text) and not problem)


class NativeFace:
    """The tab bar over the board, the native view beside it, and their gestures."""

    def __init__(
        self,
        window: QWidget,
        board: Board,
        native: NativeSession,
        *,
        confirm: Callable[[str, str], bool],
        show_status: Callable[[str, int], None],
        copy_names: Callable[[list[str]], None],
        copy_text: Callable[[str, str], None],
    ) -> None:
        self.window = window
        self.board = board
        self.native = native
        self.confirm = confirm
        self.show_status = show_status
        self.copy_names = copy_names
        self.copy_text = copy_text
        self.view = NativeBoard(board.source, native, board.pool_color)
        self.view.hide()
        self.tabs = QTabBar()
        self.tabs.setObjectName("ViewTabs")
        self.tabs.addTab("Pools")
        self.tabs.addTab("Native pools (afserver)")
        self.tabs.setTabToolTip(POOLS_TAB, "afpools' pools: soft, overlapping, offline hosts too")
        self.tabs.setTabToolTip(
            NATIVE_TAB, "afserver's own pool tree (CGRU 3.0+): every render in exactly one"
        )
        self.tabs.setDrawBase(False)
        self.tabs.hide()
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.toggle_action = QAction("&Native pools (afserver)", window)
        self.toggle_action.setCheckable(True)
        self.toggle_action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.toggle_action.setEnabled(False)
        self.toggle_action.toggled.connect(
            lambda on: self.tabs.setCurrentIndex(NATIVE_TAB if on else POOLS_TAB)
        )
        window.addAction(self.toggle_action)
        self.from_pool_action = QAction("Make &native pool from this pool…", window)
        self.from_pool_action.setToolTip(
            "Create an afserver pool (CGRU 3.0+) and move this pool's idle renders into it"
        )
        self.from_pool_action.setVisible(False)
        self.from_pool_action.triggered.connect(lambda _checked=False: self.make_from_pool())
        self.view.menu_requested.connect(self.pool_menu)
        self.view.host_menu_requested.connect(self.host_menu)
        native.supported_changed.connect(self._on_native_supported_changed)
        native.consent_needed.connect(self._on_native_consent_needed)

    def place(self, layout: QLayout | None) -> None:
        """The tab bar right above the board, the native view beside it (one shows)."""
        assert isinstance(layout, QVBoxLayout)
        index = layout.indexOf(self.board)
        layout.insertWidget(index, self.tabs, 0, Qt.AlignmentFlag.AlignLeft)
        layout.insertWidget(index + 2, self.view, 1)

    @property
    def showing(self) -> bool:
        return self.tabs.currentIndex() == NATIVE_TAB and not self.tabs.isHidden()

    def _on_native_supported_changed(self, supported: bool) -> None:
        """Hidden only when afserver does not know native pools."""
        self.tabs.setVisible(supported)
        self.toggle_action.setEnabled(supported)
        self.from_pool_action.setVisible(supported)
        if not supported:
            self.tabs.setCurrentIndex(POOLS_TAB)

    def _on_tabs_current_changed(self, index: int) -> None:
        native = index == NATIVE_TAB
        self.board.setVisible(not native)
        self.view.setVisible(native)
        self.view.set_in_sight(native)
        self.toggle_action.setChecked(native)

    # -- menus ---------------------------------------------------------------------------

    def pool_menu(self, path: str, where: QPoint) -> None:
        """A native column's ⋮: a new child, delete (an empty pool), copy the path."""
        menu = QMenu(self.window)
        menu.addAction("New child pool…", lambda: self.new_child(path))
        delete = menu.addAction("Delete pool…", lambda: self.delete(path))
        problem = self.native.delete_problem(path)  # only an empty pool can go
        delete.setEnabled(not problem)
        delete.setToolTip(problem)
        menu.setToolTipsVisible(True)
        menu.addSeparator()
        menu.addAction("Copy path", lambda: self.copy_text(path, f"Copied '{path}'."))
        menu.exec(where)

    def host_menu(self, view: NativeListView, pos: QPoint) -> None:
        names = view.selected_names()
        if not names:
            return
        here = view.native_model().path
        menu = QMenu(self.window)
        move = menu.addMenu("Move to native pool")
        for path in self.native.pools:
            if path != here:
                move.addAction(path, lambda p=path: self.native.move(names, p))
        menu.addAction("Copy names", lambda: self.copy_names(names))
        menu.exec(view.viewport().mapToGlobal(pos))

    # -- gestures ------------------------------------------------------------------------

    def new_child(self, parent: str) -> None:
        dialog = NativePathDialog(
            "New native pool",
            f"Name of the new pool under '{parent}' (letters, digits and '_'):",
            "",
            lambda text: child_path(parent, text),
            self.window,
            problem=name_problem,  # one level: '/', '.' and '..' are refused as they are typed
        )
        if dialog.exec() == QDialog.Accepted:
            self.native.create_child(parent, dialog.edit.text())

    def delete(self, path: str) -> None:
        if self.confirm("Delete native pool", f"Delete the native pool '{path}' on afserver?"):
            self.native.delete(path)

    def make_from_pool(self) -> None:
        """The current pool (of the pools view) becomes a native pool of its idle renders."""
        pool = self.board.current_pool
        if pool is None:
            self.show_status("Choose a pool first: click its column.", 6000)
            return
        members = len(self.board.farm.members(pool))
        dialog = NativePathDialog(
            "Make native pool",
            f"afserver pool for '{pool}' ({plural(members, 'host')}); its renders that are "
            "not busy move there, with one action:",
            path_for_pool(pool),
            str.strip,
            self.window,
        )
        if dialog.exec() == QDialog.Accepted:
            self.native.make_from_pool(pool, dialog.path)

    def _on_native_consent_needed(self, plan: FromPoolPlan, question: str) -> None:
        if self.confirm("Make native pool", question):
            self.native.from_pool(plan)
        else:
            self.show_status("Nothing was changed.", 6000)
