"""How one host looks on the board: a card with state marker, name, address and pool badges."""

from __future__ import annotations

from collections.abc import Callable

from PyQt5.QtCore import QModelIndex, QRect, QRectF, QSize, Qt
from PyQt5.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPen
from PyQt5.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from manager import theme
from manager.host_model import HOST_ROLE, POOLS_ROLE, STALE_ROLE, WAKING_ROLE
from pools.model import Host, HostState
from pools.wording import cores_text, memory_text, state_text

MAX_BADGES = 3


def detail_texts(host: Host, *, waking: bool = False) -> list[str]:
    """The second line, from the fullest to the most compact: the card shows the first that
    fits, so a narrow column or a big font shortens words before it cuts anything off."""
    state = state_text(host, waking=waking)
    compact = state_text(host, waking=waking, short=True)
    address = [host.ip]
    sizes = [cores_text(host.cpu_num), memory_text(host.mem_total_mb)]
    small = [cores_text(host.cpu_num, short=True), memory_text(host.mem_total_mb, short=True)]
    variants = ([state, *address, *sizes], [compact, *address, *sizes], [compact, *address, *small])
    return [" · ".join(part for part in parts if part) for parts in variants]


class HostCardDelegate(QStyledItemDelegate):
    """Paints cards; sizes follow the font, so 200 % scaling stays readable."""

    def __init__(self, color_of: Callable[[str], QColor], *, own_pool: str | None = None) -> None:
        super().__init__()
        self.color_of = color_of
        self.own_pool = own_pool  # a pool column does not badge its own pool

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        return QSize(200, metrics.height() * 2 + self._pad(metrics) * 3 + 2)

    @staticmethod
    def _pad(metrics: QFontMetrics) -> int:
        return max(3, metrics.height() // 4)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        host: Host | None = index.data(HOST_ROLE)
        if host is None:
            return
        stale = bool(index.data(STALE_ROLE)) and "afserver" in host.sources
        pools = tuple(p for p in index.data(POOLS_ROLE) or () if p != self.own_pool)
        metrics = QFontMetrics(option.font)
        pad = self._pad(metrics)
        card = QRectF(option.rect).adjusted(pad, 2, -pad, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)

        painter.save()
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(QPen(theme.CARD_BORDER, 1))
        painter.setBrush(theme.CARD_SELECTED if selected else theme.CARD_BACKGROUND)
        if host.state is HostState.UNKNOWN:
            painter.setPen(
                QPen(
                    QColor(theme.STATE_COLORS[HostState.UNKNOWN]).darker(140),
                    1,
                    Qt.PenStyle.DashLine,
                )
            )
        painter.drawRoundedRect(card, 4, 4)
        state_color = QColor(theme.STATE_COLORS[host.state])
        if stale:
            state_color = state_color.darker(170)
        painter.fillRect(QRectF(card.left() + 1, card.top() + 3, 3, card.height() - 6), state_color)

        icon_size = metrics.height()
        icon_rect = QRect(int(card.left()) + pad + 4, int(card.top()) + pad, icon_size, icon_size)
        mode = QIcon.Mode.Disabled if stale else QIcon.Mode.Normal
        theme.state_icon(host.state).paint(painter, icon_rect, Qt.AlignmentFlag.AlignCenter, mode)

        text_left = icon_rect.right() + pad + 2
        badge_room = self._paint_badges(painter, option.font, card, pools, pad)
        name_font = QFont(option.font)
        name_font.setBold(True)
        painter.setFont(name_font)
        painter.setPen(theme.TEXT_STALE if stale else theme.TEXT)
        name_rect = QRect(
            text_left,
            int(card.top()) + pad,
            int(card.right()) - text_left - badge_room - pad,
            metrics.height(),
        )
        name = QFontMetrics(name_font).elidedText(
            host.name, Qt.TextElideMode.ElideMiddle, name_rect.width()
        )
        painter.drawText(
            name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name
        )

        detail_font = QFont(option.font)
        detail_font.setPointSizeF(option.font.pointSizeF() * 0.9)
        detail_font.setItalic(stale)
        painter.setFont(detail_font)
        detail_rect = QRect(
            text_left,
            name_rect.bottom() + pad // 2,
            int(card.right()) - text_left - pad,
            metrics.height(),
        )
        detail_metrics = QFontMetrics(detail_font)
        variants = detail_texts(host, waking=bool(index.data(WAKING_ROLE)))
        if stale:
            variants = [text + " · last known" for text in variants]
        width = detail_rect.width()
        fitting = next((t for t in variants if detail_metrics.horizontalAdvance(t) <= width), None)
        painter.setPen(theme.TEXT_STALE if stale else theme.TEXT_DIM)
        painter.drawText(
            detail_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fitting or detail_metrics.elidedText(variants[-1], Qt.TextElideMode.ElideRight, width),
        )
        painter.restore()

    def _paint_badges(
        self, painter: QPainter, base: QFont, card: QRectF, pools: tuple[str, ...], pad: int
    ) -> int:
        """Small pool badges at the top right; returns the width they took."""
        if not pools:
            return 0
        font = QFont(base)
        font.setPointSizeF(base.pointSizeF() * 0.78)
        metrics = QFontMetrics(font)
        painter.setFont(font)
        shown = list(pools[:MAX_BADGES])
        labels = [p if len(p) <= 10 else p[:9] + "…" for p in shown]
        if len(pools) > MAX_BADGES:
            labels.append(f"+{len(pools) - MAX_BADGES}")
        right = int(card.right()) - pad
        top = int(card.top()) + pad
        height = metrics.height() + 2
        for index in range(len(labels) - 1, -1, -1):
            label = labels[index]
            width = metrics.horizontalAdvance(label) + 8
            rect = QRectF(right - width, top, width, height)
            color = self.color_of(shown[index]) if index < len(shown) else QColor("#59636b")
            painter.setPen(Qt.PenStyle.NoPen)
            fill = QColor(color)
            fill.setAlpha(70)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, height / 2, height / 2)
            painter.setPen(color.lighter(135))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
            right -= width + 3
        return int(card.right()) - pad - right
