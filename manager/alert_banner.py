"""The starved-pool banner: which pools wait with no idle host, and a button that lends
them idle hosts of an idle pool.

The banner only shows; what the button lends is planned by the window's usage part, from
afserver's states at the moment of the click, so that a host that started a task since the
banner appeared is never taken.
"""

from __future__ import annotations

from collections.abc import Sequence

from PyQt5.QtCore import pyqtSignal
from PyQt5.QtWidgets import QPushButton, QWidget

from manager.banners import Banner

SHOWN_ALERTS = 3  # more starved pools than this are counted, not listed


class AlertBanner(Banner):
    """Amber, with the fix (when there is one) and Dismiss, which holds until the alerts
    change: a pool that starts to starve anew shows the banner again."""

    fix_requested = pyqtSignal()
    dismissed = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("warning", parent=parent)
        self.fix_button = QPushButton()
        self.fix_button.clicked.connect(self.fix_requested)
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.clicked.connect(self._on_dismiss_clicked)
        self.layout().addWidget(self.fix_button)
        self.layout().addWidget(self.dismiss_button)
        self._keys: frozenset[tuple[str, int]] = frozenset()
        self._dismissed: frozenset[tuple[str, int]] = frozenset()

    def show_alerts(
        self,
        sentences: Sequence[str],
        keys: frozenset[tuple[str, int]],
        *,
        fix: str = "",
        why_no_fix: str = "",
    ) -> None:
        """The alerts' sentences (none: hidden); ``keys`` say which runs they are (pool and
        start), ``fix`` labels the button, ``why_no_fix`` says why there is none."""
        self._keys = keys
        if not sentences or keys <= self._dismissed:
            self.hide()
            return
        lines = list(sentences[:SHOWN_ALERTS])
        if len(sentences) > SHOWN_ALERTS:
            lines.append(f"… and {len(sentences) - SHOWN_ALERTS} more starved pools.")
        self.fix_button.setText(fix)
        self.fix_button.setVisible(bool(fix))
        self.fix_button.setToolTip(
            "One undoable edit: only hosts idle now are lent, never one running a task."
        )
        if why_no_fix and not fix:
            lines.append(why_no_fix)
        self.show_message("\n".join(lines))

    def _on_dismiss_clicked(self) -> None:
        self._dismissed = self._keys
        self.hide()
        self.dismissed.emit()
