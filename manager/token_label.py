"""The token a pool's header shows: what artists type into a hosts mask (``@lighting``).

Selectable, so that an admin can copy it into a chat or a submitter; a double click selects
all of it (Qt's own double click stops at the ``@`` and at a ``-``), and the right-click menu
copies it whole. A pool whose name afserver would split (a space, ``| ; , :``) has no token:
the label says so, and its tooltip says why and what binds jobs to it instead.
"""

from __future__ import annotations

from PyQt5.QtCore import Qt
from PyQt5.QtGui import QContextMenuEvent, QMouseEvent
from PyQt5.QtWidgets import QApplication, QLabel, QMenu, QSizePolicy, QWidget

from pools.tokens import pool_token, untypeable_reason

NO_TOKEN = "no token"


def token_tip(pool: str) -> str:
    """What the header's token means, or why a pool has none."""
    token = pool_token(pool)
    if token is not None:
        return (
            f"Artists type {token} into a job's hosts mask (any submitter) to render on this "
            "pool. Double-click to select it, right-click to copy it."
        )
    return (
        f"Artists cannot name this pool in a hosts mask: {untypeable_reason(pool)}. Rename it "
        "to use a token, or bind jobs to it with 'main.py apply'."
    )


class TokenLabel(QLabel):
    """``@name`` of one pool, or "no token"; ``set_pool`` again after a rename."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ColumnToken")
        # As wide as the column allows: a long name is cut at the edge, whole in the tooltip.
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.token: str | None = None

    def set_pool(self, pool: str) -> None:
        self.token = pool_token(pool)
        self.setText(self.token or NO_TOKEN)
        self.setToolTip(token_tip(pool))
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            if self.token
            else Qt.TextInteractionFlag.NoTextInteraction
        )
        self.setProperty("typeable", self.token is not None)
        self.style().unpolish(self)
        self.style().polish(self)

    def mouseDoubleClickEvent(self, event: QMouseEvent | None) -> None:
        if self.token:
            self.setSelection(0, len(self.token))
        elif event is not None:
            super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent | None) -> None:
        if event is None or not self.token:
            return
        menu = QMenu(self)
        menu.addAction(f"Copy {self.token}", self.copy_token)
        menu.exec(event.globalPos())

    def copy_token(self) -> None:
        """The whole token to the clipboard, however much of it the column shows."""
        if self.token:
            QApplication.clipboard().setText(self.token)
