"""How one host looks on the board: a card with state marker, name, address and pool badges."""

from __future__ import annotations

from collections.abc import Callable

from PyQt5.QtCore import QEvent, QModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PyQt5.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QIcon, QPainter, QPen, QPixmap
from PyQt5.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
)

from manager import theme
from manager.card_schedule import PoolSchedules, ScheduleBadge
from manager.host_model import CARD_ROLE, HOST_ROLE, Card, HostListModel
from pools.model import Host, HostState
from pools.wording import cores_text, memory_text, state_text

MAX_BADGES = 3
BADGES_SHARE = 0.34  # of a card's first line that badges may always take, a long name or not
MORE_BADGE_COLOR = QColor("#59636b")  # "+2": the pools whose badges found no room
SCHEDULE_SHARE = 0.55  # at most this much of a card's width for its schedule
SCHEDULE_COLOR = QColor("#9cc8f0")
TEXTS_KEPT = 20_000  # fitted texts of this many cards are remembered
NOTE_COLOR = QColor("#ffb74d")  # a card's note: why it is not where it was dropped


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


def fitting_text(variants: tuple[str, ...], metrics: QFontMetrics, width: int) -> str:
    """The first of ``variants`` (fullest first) that fits ``width``; else the last, elided."""
    fitting = next((t for t in variants if metrics.horizontalAdvance(t) <= width), None)
    return fitting or metrics.elidedText(variants[-1], Qt.TextElideMode.ElideRight, width)


class HostCardDelegate(QStyledItemDelegate):
    """Paints cards; sizes follow the font, so 200 % scaling stays readable.

    A column repaints a screenful of cards on every keystroke of the filter, so what is the
    same from card to card is made once: the fonts, the card's frame, each pool's badge and
    the texts that fit a host into the column's width.
    """

    def __init__(
        self,
        color_of: Callable[[str], QColor],
        *,
        own_pool: str | None = None,
    ) -> None:
        super().__init__()
        self.color_of = color_of
        self.own_pool = own_pool  # a pool column does not badge its own pool
        self._fonts: dict[str, _Fonts] = {}
        self._pixmaps: dict[tuple[object, ...], QPixmap] = {}
        self._texts: dict[tuple[object, ...], tuple[str, str]] = {}
        self._name_widths: dict[tuple[str, str], int] = {}
        self._schedules = PoolSchedules()  # the clock badges of own_pool's scheduled members
        self._schedule_fits: dict[tuple[object, ...], str] = {}

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        return QSize(200, metrics.height() * 2 + self._pad(metrics) * 3 + 2)

    @staticmethod
    def _pad(metrics: QFontMetrics) -> int:
        return max(3, metrics.height() // 4)

    def _fonts_for(self, font: QFont) -> _Fonts:
        key = font.key()
        fonts = self._fonts.get(key)
        if fonts is None:
            fonts = self._fonts[key] = _Fonts(font)
        return fonts

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        shows: Card | None = index.data(CARD_ROLE)
        if shows is None:
            return
        host = shows.host
        stale = shows.stale and "afserver" in host.sources
        pools = tuple(p for p in shows.pools if p != self.own_pool) if shows.pools else ()
        fonts = self._fonts_for(option.font)
        pad = fonts.pad
        rect = option.rect
        card = QRectF(rect).adjusted(pad, 2, -pad, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)

        painter.save()
        painter.drawPixmap(rect.topLeft(), self._frame(painter, rect.size(), pad, selected, host))
        state_color = QColor(theme.STATE_COLORS[host.state])
        if stale:
            state_color = state_color.darker(170)
        painter.fillRect(QRectF(card.left() + 1, card.top() + 3, 3, card.height() - 6), state_color)

        icon_size = fonts.height
        icon_rect = QRect(int(card.left()) + pad + 4, int(card.top()) + pad, icon_size, icon_size)
        mode = QIcon.Mode.Disabled if stale else QIcon.Mode.Normal
        theme.state_icon(host.state).paint(painter, icon_rect, Qt.AlignmentFlag.AlignCenter, mode)

        text_left = icon_rect.right() + pad + 2
        text_width = int(card.right()) - text_left - pad
        name_width = self._name_width(fonts, host.name) + pad
        # The name first: badges take what it leaves, and at least a third of the line.
        room = max(text_width - name_width, int(text_width * BADGES_SHARE))
        badge_room = self._paint_badges(painter, fonts, card, pools, pad=pad, room=room)
        name_rect = QRect(
            text_left,
            int(card.top()) + pad,
            int(card.right()) - text_left - badge_room - pad,
            fonts.height,
        )
        detail_top = name_rect.bottom() + pad // 2
        badge = self.schedule_badge(index, host)
        schedule_room = self._paint_schedule(painter, fonts, card, badge, detail_top)
        detail_rect = QRect(
            text_left,
            detail_top,
            int(card.right()) - text_left - pad - schedule_room,
            fonts.height,
        )
        name, detail = self._card_texts(
            fonts,
            host,
            waking=shows.waking,
            stale=stale,
            widths=(name_rect.width(), detail_rect.width()),
        )
        # Texts already fit their room: drawn at their baseline, without the layout pass of
        # a rectangle and alignment flags (half a card's paint time otherwise).
        painter.setFont(fonts.name)
        painter.setPen(theme.TEXT_STALE if stale else theme.TEXT)
        painter.drawText(_baseline(name_rect, fonts.name_metrics), name)
        detail_metrics = fonts.detail_stale_metrics if stale else fonts.detail_metrics
        painter.setFont(fonts.detail_stale if stale else fonts.detail)
        painter.setPen(theme.TEXT_STALE if stale else theme.TEXT_DIM)
        if shows.notes:  # rare: fitted here, not remembered
            detail_metrics = fonts.detail_metrics
            painter.setFont(fonts.detail)
            painter.setPen(NOTE_COLOR)
            detail = fitting_text(shows.notes, detail_metrics, detail_rect.width())
        painter.drawText(_baseline(detail_rect, detail_metrics), detail)
        painter.restore()

    def _name_width(self, fonts: _Fonts, name: str) -> int:
        """A name's width in its font, measured once (every paint asks, to give way to it)."""
        key = (fonts.key, name)
        width = self._name_widths.get(key)
        if width is None:
            if len(self._name_widths) > TEXTS_KEPT:
                self._name_widths.clear()
            width = self._name_widths[key] = fonts.name_metrics.horizontalAdvance(name)
        return width

    def _card_texts(
        self, fonts: _Fonts, host: Host, *, waking: bool, stale: bool, widths: tuple[int, int]
    ) -> tuple[str, str]:
        """The name elided to its room, and the fullest second line that fits."""
        key = (fonts.key, host, waking, stale, widths)
        found = self._texts.get(key)
        if found is not None:
            return found
        name_width, width = widths
        name = fonts.name_metrics.elidedText(host.name, Qt.TextElideMode.ElideMiddle, name_width)
        variants = detail_texts(host, waking=waking)
        if stale:
            variants = [text + " · last known" for text in variants]
        metrics = fonts.detail_stale_metrics if stale else fonts.detail_metrics
        detail = fitting_text(tuple(variants), metrics, width)
        if len(self._texts) > TEXTS_KEPT:  # hosts change: forget the old ones now and then
            self._texts.clear()
        self._texts[key] = (name, detail)
        return name, detail

    def _frame(
        self, painter: QPainter, size: QSize, pad: int, selected: bool, host: Host
    ) -> QPixmap:
        """The card's rounded frame, drawn once per size and kind rather than per card."""
        unknown = host.state is HostState.UNKNOWN
        ratio = _pixel_ratio(painter)
        key = ("frame", size.width(), size.height(), pad, selected, unknown, ratio)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            pixmap = self._pixmaps[key] = _blank(size.width(), size.height(), ratio)
            frame = QPainter(pixmap)
            frame.setRenderHint(QPainter.Antialiasing)
            frame.setPen(QPen(theme.CARD_BORDER, 1))
            frame.setBrush(theme.CARD_SELECTED if selected else theme.CARD_BACKGROUND)
            if unknown:
                dashed = QColor(theme.STATE_COLORS[HostState.UNKNOWN]).darker(140)
                frame.setPen(QPen(dashed, 1, Qt.PenStyle.DashLine))
            card = QRectF(0, 0, size.width(), size.height()).adjusted(pad, 2, -pad, -2)
            frame.drawRoundedRect(card, 4, 4)
            frame.end()
        return pixmap

    def _paint_badges(
        self,
        painter: QPainter,
        fonts: _Fonts,
        card: QRectF,
        pools: tuple[str, ...],
        *,
        pad: int,
        room: int,
    ) -> int:
        """Small pool badges at the top right, as many as ``room`` holds (the others counted
        in a last "+N"); returns the width they took."""
        if not pools:
            return 0
        for count in range(min(len(pools), MAX_BADGES), -1, -1):
            badges = [
                self._badge(painter, fonts, _badge_label(pool), self.color_of(pool))
                for pool in pools[:count]
            ]
            if len(pools) > count:
                more = f"+{len(pools) - count}"
                badges.append(self._badge(painter, fonts, more, MORE_BADGE_COLOR))
            widths = [round(b.width() / b.devicePixelRatio()) for b in badges]
            if sum(widths) + 3 * (len(widths) - 1) <= room or count == 0:
                break
        right = int(card.right()) - pad
        top = int(card.top()) + pad
        for badge, width in zip(reversed(badges), reversed(widths), strict=True):
            painter.drawPixmap(right - width, top, badge)
            right -= width + 3
        return int(card.right()) - pad - right

    def helpEvent(
        self,
        event: QHelpEvent | None,
        view: QAbstractItemView | None,
        option: QStyleOptionViewItem,
        index: QModelIndex,
    ) -> bool:
        """A scheduled member's tooltip says its windows too."""
        host: Host | None = index.data(HOST_ROLE)
        badge = self.schedule_badge(index, host) if host is not None else None
        if event is None or badge is None or event.type() != QEvent.Type.ToolTip:
            return bool(super().helpEvent(event, view, option, index))
        tip = index.data(Qt.ItemDataRole.ToolTipRole) or host.name
        QToolTip.showText(event.globalPos(), f"{tip}<br><br>{badge.tip}", view)
        return True

    def schedule_badge(self, index: QModelIndex, host: Host) -> ScheduleBadge | None:
        """A scheduled member of this column's pool has one; other cards have none."""
        model = index.model()
        if self.own_pool is None or not isinstance(model, HostListModel):
            return None
        return self._schedules.badge(model.farm.pools.get(self.own_pool), host.name)

    def _paint_schedule(
        self,
        painter: QPainter,
        fonts: _Fonts,
        card: QRectF,
        badge: ScheduleBadge | None,
        top: int,
    ) -> int:
        """A clock and the member's window at the right of the second line; returns the
        width it took (0: not scheduled)."""
        if badge is None:
            return 0
        pad = fonts.pad
        room = int(card.width() * SCHEDULE_SHARE)
        key = (fonts.key, badge.texts, room)
        text = self._schedule_fits.get(key)
        if text is None:
            fitting = (t for t in badge.texts if _clock_width(fonts, t) <= room)
            text = self._schedule_fits[key] = next(fitting, "")
        pixmap = self._clock_badge(painter, fonts, text, badge.out)
        width = round(pixmap.width() / pixmap.devicePixelRatio())
        height = round(pixmap.height() / pixmap.devicePixelRatio())
        right = int(card.right()) - pad
        painter.drawPixmap(right - width, top + (fonts.height - height) // 2, pixmap)
        return width + pad

    def _clock_badge(self, painter: QPainter, fonts: _Fonts, text: str, out: bool) -> QPixmap:
        ratio = _pixel_ratio(painter)
        key = ("clock", fonts.key, text, out, ratio)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            color = theme.TEXT_STALE if out else SCHEDULE_COLOR
            height = fonts.badge_metrics.height() + 2
            width = _clock_width(fonts, text)
            pixmap = self._pixmaps[key] = _blank(width, height, ratio)
            badge = QPainter(pixmap)
            badge.setRenderHint(QPainter.Antialiasing)
            fill = QColor(color)
            fill.setAlpha(40)
            badge.setPen(Qt.PenStyle.NoPen)
            badge.setBrush(fill)
            badge.drawRoundedRect(QRectF(0, 0, width, height), height / 2, height / 2)
            icon = QRect(3, 1, height - 2, height - 2)
            mode = QIcon.Mode.Disabled if out else QIcon.Mode.Normal
            theme.icon("clock").paint(badge, icon, Qt.AlignmentFlag.AlignCenter, mode)
            if text:
                badge.setFont(fonts.badge)
                badge.setPen(color)
                area = QRectF(icon.right() + 3, 0, width - icon.right() - 3, height)
                badge.drawText(area, Qt.AlignmentFlag.AlignVCenter, text)
            badge.end()
        return pixmap

    def _badge(self, painter: QPainter, fonts: _Fonts, label: str, color: QColor) -> QPixmap:
        ratio = _pixel_ratio(painter)
        key = ("badge", fonts.key, label, color.rgba(), ratio)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            width = fonts.badge_metrics.horizontalAdvance(label) + 8
            height = fonts.badge_metrics.height() + 2
            pixmap = self._pixmaps[key] = _blank(width, height, ratio)
            badge = QPainter(pixmap)
            badge.setRenderHint(QPainter.Antialiasing)
            badge.setFont(fonts.badge)
            rect = QRectF(0, 0, width, height)
            badge.setPen(Qt.PenStyle.NoPen)
            fill = QColor(color)
            fill.setAlpha(70)
            badge.setBrush(fill)
            badge.drawRoundedRect(rect, height / 2, height / 2)
            badge.setPen(color.lighter(135))
            badge.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
            badge.end()
        return pixmap


def _badge_label(pool: str) -> str:
    return pool if len(pool) <= 10 else pool[:9] + "…"


class _Fonts:
    """The fonts and metrics a card uses, derived once from the view's font."""

    def __init__(self, base: QFont) -> None:
        self.key = base.key()
        metrics = QFontMetrics(base)
        self.height = metrics.height()
        self.pad = HostCardDelegate._pad(metrics)
        self.name = QFont(base)
        self.name.setBold(True)
        self.name_metrics = QFontMetrics(self.name)
        self.detail = QFont(base)
        self.detail.setPointSizeF(base.pointSizeF() * 0.9)
        self.detail_metrics = QFontMetrics(self.detail)
        self.detail_stale = QFont(self.detail)
        self.detail_stale.setItalic(True)
        self.detail_stale_metrics = QFontMetrics(self.detail_stale)
        self.badge = QFont(base)
        self.badge.setPointSizeF(base.pointSizeF() * 0.78)
        self.badge_metrics = QFontMetrics(self.badge)


def _clock_width(fonts: _Fonts, text: str) -> int:
    """A clock badge: the icon, and the text after it (if any)."""
    height = fonts.badge_metrics.height() + 2
    if not text:
        return height + 4
    return height + 6 + fonts.badge_metrics.horizontalAdvance(text) + 6


def _baseline(rect: QRect, metrics: QFontMetrics) -> QPointF:
    """Where text starts so that it sits vertically centred in ``rect``, as AlignVCenter."""
    return QPointF(
        rect.left(), rect.top() + (rect.height() - metrics.height()) / 2 + metrics.ascent()
    )


def _pixel_ratio(painter: QPainter) -> float:
    device = painter.device()
    return device.devicePixelRatioF() if device is not None else 1.0


def _blank(width: int, height: int, ratio: float) -> QPixmap:
    """A transparent pixmap of this size in device-independent pixels, sharp at any scale."""
    pixmap = QPixmap(max(1, round(width * ratio)), max(1, round(height * ratio)))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    return pixmap
