"""The usage parts of one window: the headers' sparklines, the starved-pool banner with its
one-click loan, the Pool ▸ Usage… chart, and cards that follow their pool's schedules.

What the usage session reads goes to the columns and the banner here. The loan is planned
when the button is clicked, from the farm as the board has it then (afserver's states of
the last poll): only hosts idle at that moment are lent, never one running a task, in one
undoable edit. A run of starved minutes that was lent for is not shown again; a pool that
is still starved once the agent has recorded a newer minute is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PyQt5.QtCore import QObject
from PyQt5.QtWidgets import QAction, QWidget

from config.settings import Settings
from config.timezone import farm_zone
from manager.alert_banner import AlertBanner
from manager.board import Board
from manager.column import PoolColumn
from manager.edit_session import EditSession
from manager.usage_session import UsageSession
from manager.usage_worker import UsageNews
from pools.alerts import Alert, Alerts, Loan, plan_loan
from pools.errors import AfpoolsError
from pools.farm import Farm, FarmChange

if TYPE_CHECKING:
    from manager.usage_dialog import UsageDialog

NO_ALERTS = Alerts((), ())


def zone_or_none(settings: Settings) -> dt.tzinfo | None:
    """The farm's time zone, or None with a setting this machine does not know (the agent
    says so; the board only leaves out when a schedule changes next)."""
    try:
        return farm_zone(settings)
    except AfpoolsError:
        return None


class BoardUsage(QObject):
    """Made by the window, which places ``banner`` and ``action``."""

    def __init__(
        self,
        window: QWidget,
        board: Board,
        usage: UsageSession,
        edits: EditSession,
        show_status: Callable[[str, int], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.board = board
        self.farm: Farm = board.farm
        self.usage = usage
        self.edits = edits
        self.show_status = show_status
        self.banner = AlertBanner()
        self.banner.fix_requested.connect(self._on_fix_requested)
        self.action = QAction("&Usage…", window)
        self.action.setToolTip("Busy, idle and offline hosts and waiting tasks over time")
        self.action.triggered.connect(self._on_action_triggered)
        self.dialog: UsageDialog | None = None
        self.alerts: Alerts = NO_ALERTS
        self._lent: set[tuple[str, int]] = set()  # (pool, latest minute) lent for
        usage.news.connect(self._on_usage_news)
        board.column_added.connect(self._on_board_column_added)
        board.source.changed.connect(self._on_farm_changed)

    # -- sparklines ---------------------------------------------------------------------

    def _on_usage_news(self, news: UsageNews) -> None:
        for name, column in self.board.columns.items():
            column.show_usage(news.sparklines.get(name))
        self.alerts = news.alerts
        self.show_alerts()

    def _on_board_column_added(self, column: PoolColumn) -> None:
        news = self.usage.latest
        if news is not None:
            column.show_usage(news.sparklines.get(column.title))

    def _on_farm_changed(self, change: FarmChange) -> None:
        """A pool's schedules changed (a new load of it): its cards' clock badges follow.
        A renamed pool keeps its sparkline until the next read names it anew."""
        for name in change.pools_changed:
            column = self.board.columns.get(name)
            if column is not None and column.in_sight:
                column.view.viewport().update()

    # -- the banner ---------------------------------------------------------------------

    def current_alerts(self) -> list[Alert]:
        return [
            a for a in self.alerts.alerts if (a.starved.pool, a.starved.latest) not in self._lent
        ]

    def plan(self, alert: Alert) -> Loan:
        """The loan that fixes ``alert`` now; one sentence (AfpoolsError) when none can."""
        if alert.lender is None:
            raise AfpoolsError("No pool has had idle hosts long enough to lend them.")
        lender = self.farm.pools.get(alert.lender.pool)
        borrower = self.farm.pools.get(alert.starved.pool)
        if lender is None or borrower is None:
            missing = alert.lender.pool if lender is None else alert.starved.pool
            raise AfpoolsError(f"There is no pool named '{missing}' any more.")
        waiting = alert.starved.point.waiting_tasks
        return plan_loan(lender, borrower, self.farm.hosts, waiting_tasks=waiting)

    def _fixable(self) -> tuple[Alert | None, Loan | None, str]:
        """The first alert a loan can fix now, its loan, or why none can."""
        why = ""
        for alert in self.current_alerts():
            try:
                return alert, self.plan(alert), ""
            except AfpoolsError as error:
                why = why or str(error)
        return None, None, why

    def show_alerts(self) -> None:
        alerts = self.current_alerts()
        _, loan, why = self._fixable()
        keys = frozenset((a.starved.pool, a.starved.since) for a in alerts)
        self.banner.show_alerts(
            [a.sentence for a in alerts], keys, fix=loan.label if loan else "", why_no_fix=why
        )

    def _on_fix_requested(self) -> None:
        self.lend()

    def _on_action_triggered(self) -> None:
        self.show_chart()

    def lend(self) -> bool:
        """The banner's button: plan the loan again from the farm as it is now, and send it."""
        alert, loan, why = self._fixable()
        if alert is None or loan is None:
            self.show_status(why or "No starved pool to lend hosts to.", 8000)
            self.show_alerts()
            return False
        if not self.edits.request(loan.label, [loan.edit]):
            return False
        self._lent.add((alert.starved.pool, alert.starved.latest))
        self.show_status(f"{loan.label}: {', '.join(loan.hosts)}.", 8000)
        self.show_alerts()
        return True

    # -- the chart ----------------------------------------------------------------------

    def show_chart(self, pool: str | None = None) -> UsageDialog:
        """The chart of ``pool`` (by default the current pool; the Farm column: all pools)."""
        # pyqtgraph and numpy load with the first chart: 0.2 s and 27 MB a board that never
        # opens one does not pay at its start.
        from manager.usage_dialog import UsageDialog

        wanted = pool if pool is not None else self.board.current_pool
        if self.dialog is None:
            self.dialog = UsageDialog(self.usage, self.board.order(), wanted, self.window)
        else:
            self.dialog.set_pools(self.board.order())
            self.dialog.choose(wanted)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog
