"""Small charts for the progress page: daily bars, a line, a streak calendar and mastery bars.

QtCharts is not part of PySide6-Essentials, so these are plain QWidgets painted with QPainter.
Every colour is read from the widget's palette at paint time, so the light and dark themes (and
any system palette) work without extra code. Geometry is computed once per data or size change;
paintEvent only draws what was prepared.
"""

from __future__ import annotations

import bisect
import datetime
import math
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QDate, QEvent, QLocale, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

__all__ = ["BarChart", "HeatMap", "LineChart", "ProgressBars", "StackedBars", "nice_step"]

Role = QPalette.ColorRole

TINT_ALPHA = 110  # bars below the goal, "seen" portions
AREA_ALPHA = 48  # fill under the line, at the top (fades to a quarter at the axis)
TRACK_ALPHA = 110  # empty progress track (Mid)
EMPTY_CELL_ALPHA = 120  # heat-map day without activity (Mid)
HEAT_ALPHAS = (0, 80, 135, 195, 255)  # accent alpha per intensity level; level 0 uses Mid


def nice_step(span: float, intervals: int, whole: bool = False) -> float:
    """The smallest round step (1, 2 or 5 × 10^k) splitting `span` into <= `intervals` + 1 parts.

    One spare interval lets 0-100 use steps of 20 rather than a sparse 0/50/100 at 4 intervals.
    `whole` keeps the step >= 1 (no "2.5 items" ticks).
    """
    if span <= 0 or intervals <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(span / (intervals + 1)))
    for step in (m * magnitude for m in (1, 2, 5, 10, 20)):
        if (not whole or step >= 1) and math.ceil(span / step - 1e-9) <= intervals + 1:
            return float(step)
    return float(magnitude * 20)


def format_number(value: float) -> str:
    """Whole numbers without decimals, others with one."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def with_unit(text: str, unit: str) -> str:
    """'25 items', '80%': a percent sign sticks to the number, other units get a space."""
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def _tick_text(value: float, step: float) -> str:
    decimals = 0 if step >= 1 else max(0, -math.floor(math.log10(step) + 1e-9))
    return f"{value:.{decimals}f}"


def _with_alpha(color: QColor, alpha: int) -> QColor:
    tinted = QColor(color)
    tinted.setAlpha(alpha)
    return tinted


def _crisp(y: float) -> float:
    """Centre a 1 px line on a pixel row so it isn't smeared over two."""
    return math.floor(y) + 0.5


def _rounded_top(rect: QRectF, radius: float) -> QPainterPath:
    """A bar outline with rounded top corners and a flat base sitting on the axis."""
    path = QPainterPath()
    r = min(radius, rect.width() / 2, rect.height())
    if r < 0.5:
        path.addRect(rect)
        return path
    left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
    path.moveTo(left, bottom)
    path.lineTo(left, top + r)
    path.arcTo(QRectF(left, top, 2 * r, 2 * r), 180, -90)
    path.lineTo(right - r, top)
    path.arcTo(QRectF(right - 2 * r, top, 2 * r, 2 * r), 90, -90)
    path.lineTo(right, bottom)
    path.closeSubpath()
    return path


class _Chart(QWidget):
    """Shared plumbing: accessibility, lazy geometry, hover tooltips, palette-driven repaints."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self.setMouseTracking(True)  # hover tooltips without a pressed button
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._laid_out_for: QSize | None = None  # size the cached geometry belongs to
        self._hover: object | None = None
        self._label_font = QFont(self.font())

    # -- public -------------------------------------------------------------------------------

    def summary(self) -> str:
        """A plain-text description of the data, for screen readers and tests."""
        raise NotImplementedError

    def tooltip_at(self, point: QPoint) -> str | None:
        """The tooltip for a position in widget coordinates, or None where there is nothing."""
        self._ensure_layout()
        key = self._hit(QPointF(point))
        return None if key is None else self._tooltip_for(key)

    # -- for subclasses -----------------------------------------------------------------------

    def _is_empty(self) -> bool:
        raise NotImplementedError

    def _relayout(self) -> None:
        """Recompute all geometry for the current size, font and data."""

    def _paint(self, painter: QPainter) -> None:
        raise NotImplementedError

    def _hit(self, pos: QPointF) -> object | None:
        """The data key (index, date, ...) under `pos`."""
        return None

    def _tooltip_for(self, key: object) -> str | None:
        return None

    def _data_changed(self) -> None:
        self._hover = None
        self._invalidate()
        self.updateGeometry()  # sizeHint may depend on the data (heat map weeks, bar rows)
        self.setAccessibleDescription(self.summary())

    def _invalidate(self) -> None:
        self._laid_out_for = None
        self.update()

    def _ensure_layout(self) -> None:
        if self._laid_out_for != self.size():
            self._label_font = self._smaller_font()
            self._relayout()
            self._laid_out_for = QSize(self.size())

    def _smaller_font(self) -> QFont:
        font = QFont(self.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 0.85)
        else:  # pixel-sized fonts (some style sheets) have no point size
            font.setPixelSize(max(8, round(font.pixelSize() * 0.85)))
        return font

    def _color(self, role: QPalette.ColorRole, alpha: int = 255) -> QColor:
        return _with_alpha(self.palette().color(role), alpha)

    def _paint_empty(self, painter: QPainter) -> None:
        painter.setFont(self.font())
        painter.setPen(self._color(Role.PlaceholderText))
        painter.drawText(
            QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.tr("No activity yet")
        )

    # -- Qt events ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        self._ensure_layout()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        if self._is_empty():
            self._paint_empty(painter)
        else:
            self._paint(painter)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._ensure_layout()

    def changeEvent(self, event: QEvent) -> None:
        kind = event.type()
        if kind == QEvent.Type.PaletteChange:
            self.update()  # colours are read at paint time, geometry is unchanged
        elif kind in (
            QEvent.Type.FontChange,
            QEvent.Type.StyleChange,
            QEvent.Type.LocaleChange,
            QEvent.Type.LayoutDirectionChange,
        ):
            self._invalidate()  # label sizes (and month names) may differ
            self.updateGeometry()
        super().changeEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        self._ensure_layout()
        key = self._hit(QPointF(point))
        if key != self._hover:
            self._hover = key
            self.update()
        tip = self.tooltip_at(point)
        if tip:
            QToolTip.showText(event.globalPosition().toPoint(), tip, self)
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._hover is not None:
            self._hover = None
            self.update()
        QToolTip.hideText()
        super().leaveEvent(event)


class _SeriesChart(_Chart):
    """What the bar and line charts share: plot rectangle, round y ticks, sparse x labels."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(accessible_name, parent)
        self._labels: list[str] = []
        self._unit = ""
        self._plot = QRectF()
        self._lo = 0.0
        self._hi = 1.0
        self._slot = 1.0
        self._ticks: list[tuple[float, str]] = []  # (pixel y, label)
        self._x_labels: list[tuple[QRectF, str]] = []

    def sizeHint(self) -> QSize:
        return QSize(320, 160)

    def minimumSizeHint(self) -> QSize:
        return QSize(160, 100)

    def _value_range(self) -> tuple[float, float, bool, bool]:
        """(low, high, whole numbers only, round the range out to the next tick)."""
        raise NotImplementedError

    def _x(self, index: int) -> float:
        return self._plot.left() + self._slot * (index + 0.5)

    def _y(self, value: float) -> float:
        span = self._hi - self._lo or 1.0
        return self._plot.bottom() - (value - self._lo) / span * self._plot.height()

    def _index_at(self, pos: QPointF) -> int | None:
        if not self._labels or self._is_empty():
            return None
        if not (self._plot.left() <= pos.x() < self._plot.right()):
            return None
        if not (0 <= pos.y() <= self.height()):
            return None
        return min(len(self._labels) - 1, int((pos.x() - self._plot.left()) / self._slot))

    def _layout_axes(self, extra_right: float = 0.0) -> None:
        metrics = QFontMetricsF(self._label_font)
        width, height = float(self.width()), float(self.height())
        top = math.ceil(metrics.height() / 2) + 2  # room for the top tick label
        bottom = math.ceil(metrics.height()) + 8
        plot_height = max(1.0, height - top - bottom)

        lo, hi, whole, snap = self._value_range()
        intervals = max(2, min(5, int(plot_height // 40)))  # gridlines >= ~35 px apart
        step = nice_step(hi - lo, intervals, whole)
        if snap:
            lo = math.floor(lo / step + 1e-9) * step
            hi = max(lo + step, math.ceil(hi / step - 1e-9) * step)
        self._lo, self._hi = lo, hi
        first = math.ceil(lo / step - 1e-9)
        values = [k * step for k in range(first, math.floor(hi / step + 1e-9) + 1)]
        texts = [_tick_text(v, step) for v in values]

        left = math.ceil(max((metrics.horizontalAdvance(t) for t in texts), default=0)) + 10
        right = 8 + extra_right
        self._plot = QRectF(left, top, max(1.0, width - left - right), plot_height)
        self._slot = self._plot.width() / max(1, len(self._labels))
        self._ticks = [(self._y(v), t) for v, t in zip(values, texts, strict=True)]

        # Label every Nth day, counting back from the newest so "today" always has a label.
        self._x_labels = []
        if not self._labels:
            return
        widest = max(metrics.horizontalAdvance(label) for label in self._labels)
        every = max(1, math.ceil((widest + 12) / self._slot))
        label_top = self._plot.bottom() + 4
        next_left = math.inf  # left edge of the label to the right (already placed)
        for index in range(len(self._labels) - 1, -1, -every):
            text = self._labels[index]
            text_width = metrics.horizontalAdvance(text) + 2
            x = min(max(0.0, self._x(index) - text_width / 2), width - text_width)
            if x + text_width > next_left - 4:
                continue  # pushed into its neighbour by the edge clamp: leave it out
            self._x_labels.append((QRectF(x, label_top, text_width, metrics.height()), text))
            next_left = x

    def _paint_axes(self, painter: QPainter) -> None:
        grid = QPen(self._color(Role.Midlight), 1)
        grid.setCosmetic(True)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # crisp 1 px rules
        for y, _ in self._ticks:
            painter.setPen(grid)
            if abs(y - self._plot.bottom()) < 0.5:
                painter.setPen(QPen(self._color(Role.Mid), 1))  # the baseline is a bit stronger
            yy = math.floor(y)
            painter.drawLine(QPointF(self._plot.left(), yy), QPointF(self._plot.right(), yy))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)

        painter.setFont(self._label_font)
        painter.setPen(self._color(Role.PlaceholderText))
        half = QFontMetricsF(self._label_font).height() / 2 + 1
        for y, text in self._ticks:
            rect = QRectF(0, y - half, self._plot.left() - 6, 2 * half)
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text
            )
        for rect, text in self._x_labels:
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


class BarChart(_SeriesChart):
    """Daily bars (items or minutes per day) with an optional dashed goal line."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(accessible_name, parent)
        self._values: list[float] = []
        self._goal: float | None = None
        self._bars: list[QRectF] = []
        # One small path per bar: the raster engine fills many small paths far faster than a
        # single path with hundreds of subpaths (~2 ms vs ~30 ms for 365 bars).
        self._full: list[QPainterPath] = []  # bars at or above the goal
        self._tint: list[QPainterPath] = []  # bars below the goal
        # Bars too thin to round (a year on a small widget) are plain rectangles: one call each.
        self._full_rects: list[QRectF] = []
        self._tint_rects: list[QRectF] = []
        self._goal_y: float | None = None
        self._goal_text = ""

    def set_data(
        self, points: Sequence[tuple[str, float]], goal: float | None = None, unit: str = ""
    ) -> None:
        """Show `points` as (short day label, value); `goal` draws a dashed line."""
        self._labels = [str(label) for label, _ in points]
        self._values = [max(0.0, float(value)) for _, value in points]  # no negative activity
        self._goal = float(goal) if goal is not None and goal > 0 else None
        self._unit = unit
        self._data_changed()

    def summary(self) -> str:
        if self._is_empty():
            return self.tr("No activity yet")
        active = [v for v in self._values if v > 0]
        text = self.tr("{days} days, {active} active, max {max}").format(
            days=len(self._values),
            active=len(active),
            max=with_unit(format_number(max(active)), self._unit),
        )
        if self._goal is not None:
            reached = sum(1 for v in self._values if v >= self._goal)
            text += self.tr(", goal {goal} reached on {reached} days").format(
                goal=with_unit(format_number(self._goal), self._unit), reached=reached
            )
        return text

    def bar_rect(self, index: int) -> QRectF:
        """Where bar `index` is drawn (zero height for a zero value), in widget coordinates."""
        self._ensure_layout()
        return QRectF(self._bars[index])

    def _is_empty(self) -> bool:
        return not any(v > 0 for v in self._values)

    def _value_range(self) -> tuple[float, float, bool, bool]:
        high = max([*self._values, self._goal or 0.0, 0.0])
        whole = all(v.is_integer() for v in self._values) and (
            self._goal is None or self._goal.is_integer()
        )
        return 0.0, high or 1.0, whole, True

    def _relayout(self) -> None:
        metrics = QFontMetricsF(self._label_font)
        self._goal_text = ""
        extra_right = 0.0
        if self._goal is not None:
            self._goal_text = self.tr("goal {value}").format(value=format_number(self._goal))
            extra_right = math.ceil(metrics.horizontalAdvance(self._goal_text)) + 6
        self._layout_axes(extra_right)

        self._bars = []
        self._full = []
        self._tint = []
        self._full_rects = []
        self._tint_rects = []
        bar_width = max(1.0, min(self._slot * 0.68, 32.0))
        base = self._plot.bottom()
        for index, value in enumerate(self._values):
            top = self._y(value)
            if value > 0:
                top = min(top, base - 2)  # tiny values stay visible
            rect = QRectF(self._x(index) - bar_width / 2, top, bar_width, base - top)
            self._bars.append(rect)
            if value <= 0:
                continue
            reached = self._goal is None or value >= self._goal
            if bar_width < 4:
                (self._full_rects if reached else self._tint_rects).append(rect)
            else:
                (self._full if reached else self._tint).append(_rounded_top(rect, 4))
        self._goal_y = None if self._goal is None else _crisp(self._y(self._goal))

    def _paint(self, painter: QPainter) -> None:
        self._paint_axes(painter)
        if isinstance(self._hover, int):
            # A soft column behind the hovered day, like a selection.
            x = self._plot.left() + self._slot * self._hover
            column = QRectF(x, self._plot.top(), self._slot, self._plot.height())
            if self._slot > 4:  # a hair of space between neighbouring columns
                column.adjust(1, 0, -1, 0)
            painter.fillRect(column, self._color(Role.Mid, 70))
        accent = self._color(Role.Highlight)
        painter.setPen(Qt.PenStyle.NoPen)
        tint = _with_alpha(accent, TINT_ALPHA)
        for path in self._tint:
            painter.fillPath(path, tint)
        for path in self._full:
            painter.fillPath(path, accent)
        for rects, color in ((self._tint_rects, tint), (self._full_rects, accent)):
            if rects:
                painter.setBrush(color)
                painter.drawRects(rects)

        if self._goal_y is not None:
            pen = QPen(self._color(Role.Text, 150), 1)
            pen.setDashPattern([4, 3])
            painter.setPen(pen)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            y = math.floor(self._goal_y)
            painter.drawLine(QPointF(self._plot.left(), y), QPointF(self._plot.right(), y))
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setFont(self._label_font)
            painter.setPen(self._color(Role.PlaceholderText))
            half = QFontMetricsF(self._label_font).height() / 2 + 1
            rect = QRectF(self._plot.right() + 6, self._goal_y - half, self.width(), 2 * half)
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self._goal_text
            )

    def _hit(self, pos: QPointF) -> object | None:
        return self._index_at(pos)

    def _tooltip_for(self, key: object) -> str | None:
        assert isinstance(key, int)
        value = with_unit(format_number(self._values[key]), self._unit)
        return f"{self._labels[key]}: {value}"


class LineChart(_SeriesChart):
    """A value over time (e.g. accuracy 0-100); None breaks the line (no data that day)."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(accessible_name, parent)
        self._values: list[float | None] = []
        self._y_min = 0.0
        self._y_max = 100.0
        self._points: list[QPointF | None] = []
        # Separate paths per unbroken run: filling one path with many subpaths is much slower.
        self._lines: list[QPainterPath] = []
        self._areas: list[QPainterPath] = []
        self._dots = QPainterPath()
        self._thin = False

    def set_data(
        self,
        points: Sequence[tuple[str, float | None]],
        y_min: float = 0,
        y_max: float = 100,
        unit: str = "",
    ) -> None:
        """Show `points` as (short day label, value or None) on a y axis of at least min..max."""
        self._labels = [str(label) for label, _ in points]
        self._values = [None if value is None else float(value) for _, value in points]
        self._y_min, self._y_max = float(y_min), float(max(y_max, y_min + 1e-9))
        self._unit = unit
        self._data_changed()

    def summary(self) -> str:
        if self._is_empty():
            return self.tr("No activity yet")
        known = [v for v in self._values if v is not None]
        latest = known[-1]
        return self.tr("{days} days, {known} with data, average {avg}, latest {latest}").format(
            days=len(self._values),
            known=len(known),
            avg=with_unit(format_number(round(sum(known) / len(known), 1)), self._unit),
            latest=with_unit(format_number(latest), self._unit),
        )

    def point_at(self, index: int) -> QPointF | None:
        """Where point `index` is drawn, or None for a day without data."""
        self._ensure_layout()
        point = self._points[index]
        return None if point is None else QPointF(point)

    def _is_empty(self) -> bool:
        # Zero everywhere reads as "nothing happened" (callers often fill gaps with 0).
        return not any(v for v in self._values if v is not None)

    def _value_range(self) -> tuple[float, float, bool, bool]:
        known = [v for v in self._values if v is not None]
        lo = min([self._y_min, *known])
        hi = max([self._y_max, *known])
        return lo, hi, False, False

    def _relayout(self) -> None:
        self._layout_axes()
        self._points = [
            None if v is None else QPointF(self._x(i), self._y(v))
            for i, v in enumerate(self._values)
        ]
        # Hundreds of days on a few hundred pixels: draw the mean of each group of days so
        # points are >= 3 px apart. Sub-pixel zigzags carry no information and an antialiased
        # stroke over them is very slow (~40 ms for 365 noisy points instead of < 1 ms).
        per_point = max(1, math.ceil(3 / self._slot))
        drawn = self._points
        if per_point > 1:
            drawn = []
            for first in range(0, len(self._values), per_point):
                last = min(first + per_point, len(self._values)) - 1
                known = [v for v in self._values[first : last + 1] if v is not None]
                x = self._x(first) + (self._x(last) - self._x(first)) / 2
                drawn.append(QPointF(x, self._y(sum(known) / len(known))) if known else None)
        spacing = self._slot * per_point
        self._thin = spacing < 5  # dense data: a 1 px line (fast path, and less blobby)

        runs: list[list[QPointF]] = []
        current: list[QPointF] = []
        for point in drawn:
            if point is None:
                if current:
                    runs.append(current)
                current = []
            else:
                current.append(point)
        if current:
            runs.append(current)

        self._lines = []
        self._areas = []
        self._dots = QPainterPath()
        base = self._plot.bottom()
        show_dots = spacing >= 9  # with hundreds of days, dots would just thicken the line
        for run in runs:
            if len(run) == 1:  # a lone day has no neighbours to connect to: always a dot
                self._dots.addEllipse(run[0], 3.0, 3.0)
                continue
            # Curves only pay off when points are far apart; dense data gets straight segments.
            curve = _smooth_path(run) if spacing >= 6 else _straight_path(run)
            self._lines.append(curve)
            area = QPainterPath(curve)
            area.lineTo(run[-1].x(), base)
            area.lineTo(run[0].x(), base)
            area.closeSubpath()
            self._areas.append(area)
            if show_dots:
                for point in run:
                    self._dots.addEllipse(point, 2.5, 2.5)

    def _paint(self, painter: QPainter) -> None:
        self._paint_axes(painter)
        accent = self._color(Role.Highlight)
        hovered = self._points[self._hover] if isinstance(self._hover, int) else None
        if hovered is not None:
            painter.setPen(QPen(self._color(Role.Mid), 1))
            x = _crisp(hovered.x())
            painter.drawLine(QPointF(x, self._plot.top()), QPointF(x, self._plot.bottom()))

        # The line covers the fill's top edge, and its other edges are straight, so the faint
        # fill needs no antialiasing (which costs several ms for long series).
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        # Fades towards the axis: reads as "area under the line" without weighing on the page.
        fill = QLinearGradient(0, self._plot.top(), 0, self._plot.bottom())
        fill.setColorAt(0, _with_alpha(accent, AREA_ALPHA))
        fill.setColorAt(1, _with_alpha(accent, AREA_ALPHA // 4))
        for area in self._areas:
            painter.fillPath(area, fill)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if self._thin:
            pen = QPen(accent, 1)
            pen.setCosmetic(True)  # the raster engine's fast path for 1 px antialiased lines
        else:
            pen = QPen(accent, 2)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for line in self._lines:
            painter.drawPath(line)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.fillPath(self._dots, accent)
        if hovered is not None:
            painter.setPen(QPen(self._color(Role.Base), 2))
            painter.setBrush(accent)
            painter.drawEllipse(hovered, 4.5, 4.5)

    def _hit(self, pos: QPointF) -> object | None:
        return self._index_at(pos)

    def _tooltip_for(self, key: object) -> str | None:
        assert isinstance(key, int)
        value = self._values[key]
        if value is None:
            return f"{self._labels[key]}: {self.tr('no data')}"
        return f"{self._labels[key]}: {with_unit(format_number(value), self._unit)}"


def _straight_path(points: list[QPointF]) -> QPainterPath:
    path = QPainterPath(points[0])
    for point in points[1:]:
        path.lineTo(point)
    return path


def _smooth_path(points: list[QPointF]) -> QPainterPath:
    """A gently curved line through `points` that never overshoots between two of them.

    Catmull-Rom tangents, with each control point's y clamped to its segment's y range: the
    curve stays monotone between neighbours, so a 100% day never bulges above the axis.
    """
    path = QPainterPath(points[0])
    last = len(points) - 1
    for i in range(last):
        p0 = points[max(0, i - 1)]
        p1 = points[i]
        p2 = points[i + 1]
        p3 = points[min(last, i + 2)]
        low, high = min(p1.y(), p2.y()), max(p1.y(), p2.y())
        c1 = QPointF(p1.x() + (p2.x() - p0.x()) / 6, p1.y() + (p2.y() - p0.y()) / 6)
        c2 = QPointF(p2.x() - (p3.x() - p1.x()) / 6, p2.y() - (p3.y() - p1.y()) / 6)
        c1.setY(min(max(c1.y(), low), high))
        c2.setY(min(max(c2.y(), low), high))
        path.cubicTo(c1, c2, p2)
    return path


class HeatMap(_Chart):
    """A GitHub-style streak calendar: one column per week (oldest left), rows Mon..Sun."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(accessible_name, parent)
        self._counts: dict[datetime.date, int] = {}
        self._end: datetime.date | None = None
        self._weeks = 26
        self._start = datetime.date.min
        self._levels: dict[datetime.date, int] = {}
        self._cells: dict[datetime.date, QRectF] = {}
        self._by_level: list[list[QRectF]] = [[] for _ in HEAT_ALPHAS]
        self._months: list[tuple[QRectF, str]] = []
        self._weekdays: list[tuple[QRectF, str]] = []
        self._cell = 12.0
        self._gap = 3.0

    def set_data(
        self, days: Mapping[datetime.date, int], end: datetime.date, weeks: int = 26
    ) -> None:
        """Show activity per day for the `weeks` weeks up to and including `end`."""
        self._weeks = max(1, int(weeks))
        self._end = end
        # Monday of the oldest week; the newest column is the week that contains `end`.
        self._start = end - datetime.timedelta(days=end.weekday() + 7 * (self._weeks - 1))
        self._counts = {
            day: int(count)
            for day, count in days.items()
            if self._start <= day <= end and int(count) > 0
        }
        self._levels = _quantile_levels(self._counts)
        self._data_changed()

    def summary(self) -> str:
        if not self._counts:
            return self.tr("No activity yet")
        best_day = max(self._counts, key=lambda d: (self._counts[d], d))
        return self.tr(
            "{weeks} weeks, {active} active days, best {most} on {day}, streak {streak} days"
        ).format(
            weeks=self._weeks,
            active=len(self._counts),
            most=self._counts[best_day],
            day=self._date_text(best_day),
            streak=self._streak(),
        )

    def cell_rect(self, day: datetime.date) -> QRectF | None:
        """Where `day` is drawn, or None when it is outside the calendar."""
        self._ensure_layout()
        rect = self._cells.get(day)
        return None if rect is None else QRectF(rect)

    def sizeHint(self) -> QSize:
        return self._size_for(cell=13, gap=3)

    def minimumSizeHint(self) -> QSize:
        return self._size_for(cell=8, gap=2)

    def _size_for(self, cell: int, gap: int) -> QSize:
        metrics = QFontMetricsF(self._smaller_font())
        left = self._weekday_column(metrics)
        top = math.ceil(metrics.height()) + 4
        width = left + self._weeks * (cell + gap) - gap + 8
        height = top + 7 * (cell + gap) - gap + 8
        return QSize(math.ceil(width), math.ceil(height))

    def _weekday_column(self, metrics: QFontMetricsF) -> float:
        names = [self._weekday_name(d) for d in (1, 3, 5)]
        return math.ceil(max(metrics.horizontalAdvance(n) for n in names)) + 6

    def _weekday_name(self, qt_day: int) -> str:
        return self.locale().dayName(qt_day, QLocale.FormatType.ShortFormat)

    def _date_text(self, day: datetime.date) -> str:
        qdate = QDate(day.year, day.month, day.day)
        return self.locale().toString(qdate, QLocale.FormatType.ShortFormat)

    def _streak(self) -> int:
        """Consecutive active days ending at `end` (or the day before: today isn't over yet)."""
        assert self._end is not None
        day = self._end
        if day not in self._counts:
            day -= datetime.timedelta(days=1)
        streak = 0
        while day in self._counts:
            streak += 1
            day -= datetime.timedelta(days=1)
        return streak

    def _is_empty(self) -> bool:
        # With a date range the empty grid is itself informative; only "never set" is empty.
        return self._end is None

    def _relayout(self) -> None:
        metrics = QFontMetricsF(self._label_font)
        label_column = self._weekday_column(metrics)
        month_row = math.ceil(metrics.height()) + 4
        avail_w = self.width() - label_column - 8
        avail_h = self.height() - month_row - 8
        pitch = min(avail_w / self._weeks, avail_h / 7)
        self._gap = 3.0 if pitch >= 14 else 2.0
        self._cell = float(min(16, max(8, math.floor(pitch - self._gap))))
        step = self._cell + self._gap
        grid_w = self._weeks * step - self._gap
        grid_h = 7 * step - self._gap
        # Centre labels + grid as one block; whole pixels keep the cell edges sharp.
        x0 = math.floor((self.width() - (label_column + grid_w)) / 2) + label_column
        y0 = math.floor((self.height() - (month_row + grid_h)) / 2) + month_row

        self._cells = {}
        self._by_level = [[] for _ in HEAT_ALPHAS]
        if self._end is None:
            return
        day = self._start
        one_day = datetime.timedelta(days=1)
        for column in range(self._weeks):
            for row in range(7):
                if day > self._end:
                    break  # the rest of the current week hasn't happened yet
                rect = QRectF(x0 + column * step, y0 + row * step, self._cell, self._cell)
                self._cells[day] = rect
                self._by_level[self._levels.get(day, 0)].append(rect)
                day += one_day

        self._weekdays = []
        for row, qt_day in ((0, 1), (2, 3), (4, 5)):
            rect = QRectF(0, y0 + row * step, x0 - 6, self._cell)
            self._weekdays.append((rect, self._weekday_name(qt_day)))

        # A month name above the first week whose Monday falls in that month, if it fits.
        self._months = []
        short = QLocale.FormatType.ShortFormat
        previous_month = None
        last_right = -math.inf
        for column in range(self._weeks):
            monday = self._start + datetime.timedelta(days=7 * column)
            if monday.month == previous_month:
                continue
            previous_month = monday.month
            text = self.locale().monthName(monday.month, short)
            x = x0 + column * step
            width = metrics.horizontalAdvance(text) + 2
            if column == 0 and self._weeks > 1:
                # The oldest column usually starts mid-month; skip it if the next label is close.
                next_change = next(
                    (
                        c
                        for c in range(1, self._weeks)
                        if (self._start + datetime.timedelta(days=7 * c)).month != monday.month
                    ),
                    self._weeks,
                )
                if next_change * step < width + 8:
                    continue
            if x < last_right + 4 or x + width > self.width():
                continue
            self._months.append((QRectF(x, y0 - month_row, width, month_row - 3), text))
            last_right = x + width

    def _paint(self, painter: QPainter) -> None:
        accent = self._color(Role.Highlight)
        radius = 2.0 if self._cell < 12 else 3.0
        painter.setPen(Qt.PenStyle.NoPen)
        for level, rects in enumerate(self._by_level):
            if level == 0:
                painter.setBrush(self._color(Role.Mid, EMPTY_CELL_ALPHA))
            else:
                painter.setBrush(_with_alpha(accent, HEAT_ALPHAS[level]))
            for rect in rects:
                painter.drawRoundedRect(rect, radius, radius)

        if isinstance(self._hover, datetime.date) and self._hover in self._cells:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(self._color(Role.Text, 200), 1.5))
            rect = self._cells[self._hover].adjusted(-0.75, -0.75, 0.75, 0.75)
            painter.drawRoundedRect(rect, radius + 0.75, radius + 0.75)

        painter.setFont(self._label_font)
        painter.setPen(self._color(Role.PlaceholderText))
        for rect, text in self._weekdays:
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text
            )
        for rect, text in self._months:
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, text)

    def _hit(self, pos: QPointF) -> object | None:
        if not self._cells:
            return None
        step = self._cell + self._gap
        first = self._cells[self._start]
        column = math.floor((pos.x() - first.left()) / step)
        row = math.floor((pos.y() - first.top()) / step)
        if not (0 <= column < self._weeks and 0 <= row < 7):
            return None
        day = self._start + datetime.timedelta(days=7 * column + row)
        rect = self._cells.get(day)
        # The gap between cells counts too, so the tooltip doesn't flicker while moving.
        return day if rect is not None else None

    def _tooltip_for(self, key: object) -> str | None:
        assert isinstance(key, datetime.date)
        return f"{self._date_text(key)}: {self._counts.get(key, 0)}"


def _quantile_levels(counts: Mapping[datetime.date, int]) -> dict[datetime.date, int]:
    """Intensity 1-4 per active day, by where its count falls among all nonzero counts."""
    ordered = sorted(counts.values())
    if not ordered:
        return {}
    n = len(ordered)
    levels: dict[datetime.date, int] = {}
    for day, count in counts.items():
        # Share of active days with this many or fewer: the busiest day is always level 4,
        # and when every day is the same they are all level 4 too.
        share = bisect.bisect_right(ordered, count) / n
        levels[day] = min(4, max(1, math.ceil(4 * share - 1e-9)))
    return levels


class ProgressBars(_Chart):
    """Mastery by group: one track per row with the seen part tinted and the mastered part full."""

    ROW_HEIGHT = 26
    BAR_HEIGHT = 10
    PADDING = 4

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(accessible_name, parent)
        self._rows: list[tuple[str, int, int, int]] = []
        # Per row: label rect, elided label, track, seen part, mastered part, count rect, count.
        self._geometry: list[tuple[QRectF, str, QRectF, QRectF, QRectF, QRectF, str]] = []

    def set_data(self, rows: Sequence[tuple[str, int, int, int]]) -> None:
        """Rows of (group label, total items, seen, mastered)."""
        cleaned = []
        for label, total, seen, mastered in rows:
            total = max(0, int(total))
            seen = min(total, max(0, int(seen)))
            mastered = min(seen, max(0, int(mastered)))  # mastered items were seen, surely
            cleaned.append((str(label), total, seen, mastered))
        self._rows = cleaned
        # Every row, always: squeezed to fit the window, the Progress page cut the list of 14
        # categories at 7 with no way to reach the rest. The page scrolls instead.
        self.setMinimumHeight(self.sizeHint().height())
        self._data_changed()

    def summary(self) -> str:
        if not self._rows:
            return self.tr("No activity yet")
        total = sum(r[1] for r in self._rows)
        seen = sum(r[2] for r in self._rows)
        mastered = sum(r[3] for r in self._rows)
        if seen == 0:
            return self.tr("No activity yet: {groups} groups, {total} items").format(
                groups=len(self._rows), total=total
            )
        return self.tr("{groups} groups, {mastered} of {total} items mastered, {seen} seen").format(
            groups=len(self._rows), mastered=mastered, total=total, seen=seen
        )

    def row_rect(self, index: int) -> QRectF:
        """The bar track of row `index`, in widget coordinates."""
        self._ensure_layout()
        return QRectF(self._geometry[index][2])

    def sizeHint(self) -> QSize:
        return QSize(320, max(1, len(self._rows)) * self.ROW_HEIGHT + 2 * self.PADDING)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    def _is_empty(self) -> bool:
        return not self._rows

    def _relayout(self) -> None:
        metrics = QFontMetricsF(self.font())
        small = QFontMetricsF(self._label_font)
        width = float(self.width())
        widest = max((metrics.horizontalAdvance(r[0]) for r in self._rows), default=0.0)
        # A fixed label column (about 22 characters, at most 40% of the width); longer names
        # are elided, so every bar starts at the same x.
        cap = min(metrics.averageCharWidth() * 22, width * 0.4)
        label_w = math.ceil(min(widest, cap))
        counts = [f"{r[3]}/{r[1]}" for r in self._rows]
        count_w = math.ceil(max((small.horizontalAdvance(c) for c in counts), default=0.0))
        bar_left = label_w + 12
        bar_right = width - count_w - 16
        bar_w = max(1.0, bar_right - bar_left)

        self._geometry = []
        for index, ((label, total, seen, mastered), count) in enumerate(
            zip(self._rows, counts, strict=True)
        ):
            top = self.PADDING + index * self.ROW_HEIGHT
            mid = top + self.ROW_HEIGHT / 2
            label_rect = QRectF(0, top, label_w + 2, self.ROW_HEIGHT)
            elided = metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_w + 1)
            track = QRectF(bar_left, round(mid - self.BAR_HEIGHT / 2), bar_w, self.BAR_HEIGHT)
            seen_part = QRectF(track)
            seen_part.setWidth(bar_w * seen / total if total else 0.0)
            mastered_part = QRectF(track)
            mastered_part.setWidth(bar_w * mastered / total if total else 0.0)
            count_rect = QRectF(bar_right + 12, top, count_w + 2, self.ROW_HEIGHT)
            self._geometry.append(
                (label_rect, elided, track, seen_part, mastered_part, count_rect, count)
            )

    def _paint(self, painter: QPainter) -> None:
        accent = self._color(Role.Highlight)
        track_color = self._color(Role.Mid, TRACK_ALPHA)
        tint = _with_alpha(accent, TINT_ALPHA)
        radius = self.BAR_HEIGHT / 2
        painter.setPen(Qt.PenStyle.NoPen)
        for index, (_, _, track, seen, mastered, _, _) in enumerate(self._geometry):
            if index == self._hover:
                painter.setBrush(self._color(Role.Mid, 60))
                painter.drawRoundedRect(
                    QRectF(
                        0, track.center().y() - self.ROW_HEIGHT / 2, self.width(), self.ROW_HEIGHT
                    ),
                    6,
                    6,
                )
            painter.setBrush(track_color)
            painter.drawRoundedRect(track, radius, radius)
            for part, color in ((seen, tint), (mastered, accent)):
                if part.width() <= 0:
                    continue
                part_radius = min(radius, part.width() / 2)
                painter.setBrush(color)
                painter.drawRoundedRect(part, part_radius, radius)

        text_color = self._color(Role.Text)
        muted = self._color(Role.PlaceholderText)
        left_mid = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        right_mid = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for label_rect, elided, _, _, _, count_rect, count in self._geometry:
            painter.setFont(self.font())
            painter.setPen(text_color)
            painter.drawText(label_rect, left_mid, elided)
            painter.setFont(self._label_font)
            painter.setPen(muted)
            painter.drawText(count_rect, right_mid, count)

    def _hit(self, pos: QPointF) -> object | None:
        if not self._rows or not (0 <= pos.x() <= self.width()):
            return None
        index = math.floor((pos.y() - self.PADDING) / self.ROW_HEIGHT)
        return index if 0 <= index < len(self._rows) else None

    def _tooltip_for(self, key: object) -> str | None:
        assert isinstance(key, int)
        label, total, seen, mastered = self._rows[key]
        detail = self.tr("{mastered} mastered, {seen} seen, {total} total").format(
            mastered=mastered, seen=seen, total=total
        )
        return f"{label}: {detail}"


# The brief allowed either name; keep both working for callers.
StackedBars = ProgressBars
