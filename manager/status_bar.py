"""The status bar: a message on the left; the scan, edits being saved, afserver, the last poll
and the database on the right.

The lasting parts on the right stay short (a long one is shortened in the middle, whole in its
tooltip), so that a message on the left is not cut off at 1,024 px: the embedded database's
address is a socket path longer than the window is wide. A message longer than the room left
for it ends in "…" (Qt's own would be cut off mid-letter) and is whole in the status bar's
tooltip and in ``currentMessage()``; it is fitted again whenever that room changes. So are
the status tips Qt shows there itself (hovering an action).
"""

from __future__ import annotations

import time

from PyQt5.QtCore import QEvent, QObject, Qt, QTimer
from PyQt5.QtGui import QResizeEvent
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
        self.store_label.setContentsMargins(0, 0, 8, 0)  # off the window's edge
        self._message = ""  # the whole message; what shows may be shortened
        self._shown = ""
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self.clearMessage)
        self.messageChanged.connect(self._on_message_changed)
        self.saving_label.installEventFilter(self)  # the first on the right: where room ends
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._update_poll_label)
        self._clock.start()
        session.farm_session.afserver_state.connect(self._on_farm_session_afserver_state)
        session.edits.store_state.connect(self._on_edits_store_state)
        session.edits.busy_changed.connect(self._on_edits_busy_changed)

    def stop(self) -> None:
        self._clock.stop()
        self._message_timer.stop()

    # -- the message on the left ----------------------------------------------------------

    def showMessage(self, message: str | None, msecs: int = 0) -> None:
        """As QStatusBar's, shortened to its room when it does not fit."""
        self._message = message or ""
        self._message_timer.stop()
        if msecs > 0 and self._message:
            self._message_timer.start(msecs)
        self._fit_message()

    def clearMessage(self) -> None:
        self._message = ""
        self._message_timer.stop()
        self._fit_message()

    def currentMessage(self) -> str:
        return self._message or super().currentMessage()

    def message_room(self) -> int:
        """The width Qt paints a message in: up to the first lasting part on the right."""
        return self.saving_label.x() - 2 - 6 if self.saving_label.isVisible() else self.width() - 18

    def _fit_message(self) -> None:
        metrics = self.fontMetrics()
        room = self.message_room()
        shown = self._message
        if shown and room > 0 and metrics.horizontalAdvance(shown) > room:
            shown = metrics.elidedText(shown, Qt.TextElideMode.ElideRight, room)
        self.setToolTip(self._message if shown != self._message else "")
        self._shown = shown
        if shown != super().currentMessage():
            super().showMessage(shown)

    def _on_message_changed(self, text: str) -> None:
        if text != self._shown:  # Qt's own (an action's status tip) replaced ours: fitted too
            self._message = text
            self._message_timer.stop()  # Qt clears its own
            self._fit_message()

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:
        moved = event is not None and event.type() in (QEvent.Type.Move, QEvent.Type.Resize)
        if moved and self._message:
            self._fit_message()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        if self._message:
            self._fit_message()

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
