"""The status bar: a message on the left; the scan, edits being saved, afserver, the last poll
and the database on the right.

The lasting parts on the right stay short (a long one is shortened in the middle, whole in its
tooltip), so that a message on the left is not cut off at 1,024 px: the embedded database's
address is a socket path longer than the window is wide.
"""

from __future__ import annotations

import time

from PyQt5.QtCore import Qt, QTimer
from PyQt5.QtWidgets import QLabel, QStatusBar, QWidget

from manager.scan_status import ScanStatus
from manager.session import BoardSession
from pools.wording import plural

# The longest a state on the right may be: a database at an IP address and port fits whole; a
# socket path or a long host name is shortened.
LONGEST_STATE = "● embedded nx-27017 at 255.255.255.255:65535"
OK, WARNING, ERROR = "#81c784", "#ffb74d", "#e57373"


class BoardStatusBar(QStatusBar):
    """Follows the sessions: afserver's and the database's state, polls, saving, scans."""

    def __init__(self, session: BoardSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.afserver_label = QLabel("afserver: connecting…")
        self.store_label = QLabel("database: connecting…")
        self.poll_label = QLabel()
        self.saving_label = QLabel()
        self.scan_status = ScanStatus(session.network)
        self.setSizeGripEnabled(False)
        self.addWidget(self.scan_status)
        for label in (self.saving_label, self.afserver_label, self.poll_label, self.store_label):
            self.addPermanentWidget(label)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._update_poll_label)
        self._clock.start()
        session.farm_session.afserver_state.connect(self._on_farm_session_afserver_state)
        session.edits.store_state.connect(self._on_edits_store_state)
        session.edits.busy_changed.connect(self._on_edits_busy_changed)

    def stop(self) -> None:
        self._clock.stop()

    @staticmethod
    def show_state(label: QLabel, sentence: str, color: str) -> None:
        """ "● sentence" in its colour; shortened in the middle when long, whole in the tooltip."""
        metrics = label.fontMetrics()
        text = f"● {sentence}"
        room = metrics.horizontalAdvance(LONGEST_STATE)
        label.setText(metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, room))
        label.setToolTip(text)
        label.setStyleSheet(f"color: {color};")

    def _on_farm_session_afserver_state(self, ok: bool, sentence: str) -> None:
        self.show_state(
            self.afserver_label, sentence if ok else "afserver unreachable", (OK if ok else WARNING)
        )

    def _on_edits_store_state(self, ok: bool, sentence: str) -> None:
        self.show_state(
            self.store_label, sentence if ok else "database unreachable", (OK if ok else ERROR)
        )

    def _on_edits_busy_changed(self, pending: int) -> None:
        self.saving_label.setText(f"saving {plural(pending, 'change')}…" if pending else "")

    def _update_poll_label(self) -> None:
        farm = self.session.farm_session
        if farm.seconds_since_poll() is None:
            self.poll_label.setText("")
            return
        stamp = time.strftime("%H:%M:%S", time.localtime(farm.last_poll))
        self.poll_label.setText(f"last poll {stamp}")
