"""The chart widgets: what they paint (checked on real renders), summaries, tooltips, themes."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable

import pytest
from PySide6.QtCore import QDate, QLocale, QPoint, QPointF, QRect, QSize
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QToolTip
from pytestqt.qtbot import QtBot

from aidioma_desktop.ui.charts import (
    BarChart,
    HeatMap,
    LineChart,
    ProgressBars,
    StackedBars,
    nice_step,
)

Role = QPalette.ColorRole

LIGHT = {
    Role.Window: "#F6F7FB",
    Role.Base: "#FFFFFF",
    Role.Text: "#1C2033",
    Role.WindowText: "#1C2033",
    Role.PlaceholderText: "#5E6478",
    Role.Highlight: "#4F46E5",
    Role.Mid: "#DADDE8",
    Role.Midlight: "#DADDE8",
}
DARK = {
    Role.Window: "#16181F",
    Role.Base: "#1F222C",
    Role.Text: "#E8EAF2",
    Role.WindowText: "#E8EAF2",
    Role.PlaceholderText: "#9AA0B4",
    Role.Highlight: "#8B85FF",
    Role.Mid: "#2E3240",
    Role.Midlight: "#2E3240",
}
SIZE = QSize(600, 220)
END = datetime.date(2026, 11, 22)  # a Sunday, as in tests/conftest.py


def make_palette(colors: dict[QPalette.ColorRole, str]) -> QPalette:
    palette = QPalette()
    for role, value in colors.items():
        palette.setColor(role, QColor(value))
    return palette


def render(widget: BarChart | LineChart | HeatMap | ProgressBars) -> QImage:
    """The widget as the user would see it: its pixels over the window background."""
    pixmap = widget.grab()
    image = QImage(pixmap.size(), QImage.Format.Format_RGB32)
    image.fill(widget.palette().color(Role.Window))
    painter = QPainter(image)
    painter.drawPixmap(0, 0, pixmap)
    painter.end()
    return image


def count_near(
    image: QImage, color: QColor, tolerance: int = 40, region: QRect | None = None
) -> int:
    """How many pixels are within `tolerance` (per channel) of `color`."""
    area = region or image.rect()
    data = bytes(image.constBits())
    per_line = image.bytesPerLine()
    want = (color.blue(), color.green(), color.red())  # RGB32 is B, G, R, A in memory
    hits = 0
    for y in range(max(0, area.top()), min(image.height(), area.bottom() + 1)):
        start = y * per_line + max(0, area.left()) * 4
        row = data[start : y * per_line + min(image.width(), area.right() + 1) * 4]
        for b, g, r in zip(row[0::4], row[1::4], row[2::4], strict=True):
            if (
                abs(b - want[0]) <= tolerance
                and abs(g - want[1]) <= tolerance
                and abs(r - want[2]) <= tolerance
            ):
                hits += 1
    return hits


def close(a: QColor, b: QColor, tolerance: int = 40) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def accent(colors: dict[QPalette.ColorRole, str]) -> QColor:
    return QColor(colors[Role.Highlight])


def day_labels(count: int) -> list[str]:
    days = [END - datetime.timedelta(days=count - 1 - i) for i in range(count)]
    return [f"{d:%a} {d.day}" for d in days]


def setup(qtbot: QtBot, widget: BarChart | LineChart | HeatMap | ProgressBars) -> None:
    qtbot.addWidget(widget)
    widget.setPalette(make_palette(LIGHT))
    widget.resize(SIZE)


ITEMS = [0, 5, 12, 0, 25, 30, 8, 0, 0, 14, 20, 22, 3, 0, 9, 17, 31, 0, 6, 11]
SCORES: list[float | None] = [70, 75, None, 80, 85, 90, 88, None, None, None, None, 60, 65, 72]


# -- BarChart ---------------------------------------------------------------------------------


def bar_chart(qtbot: QtBot, values: list[float], goal: float | None = None) -> BarChart:
    chart = BarChart("Items per day")
    setup(qtbot, chart)
    chart.set_data(list(zip(day_labels(len(values)), values, strict=True)), goal, unit="items")
    return chart


def test_bar_chart_paints_bars_in_the_accent_colour(qtbot: QtBot) -> None:
    chart = bar_chart(qtbot, ITEMS)
    image = render(chart)
    assert count_near(image, accent(LIGHT)) > 1500
    assert chart.summary() == "20 days, 14 active, max 31 items"
    assert chart.accessibleName() == "Items per day"
    assert chart.accessibleDescription() == chart.summary()
    # Taller values make taller bars, all standing on the same baseline.
    assert chart.bar_rect(5).height() > chart.bar_rect(1).height() > 0
    assert chart.bar_rect(5).bottom() == chart.bar_rect(1).bottom()
    assert chart.bar_rect(0).height() == 0


@pytest.mark.parametrize("values", [[], [0, 0, 0, 0, 0, 0, 0]])
def test_bar_chart_without_activity_says_so(qtbot: QtBot, values: list[float]) -> None:
    chart = bar_chart(qtbot, values, goal=10)
    image = render(chart)
    assert count_near(image, accent(LIGHT)) == 0
    assert chart.summary() == "No activity yet"
    # The muted message is drawn in the middle.
    middle = QRect(150, 80, 300, 60)
    assert count_near(image, QColor(LIGHT[Role.PlaceholderText]), 60, middle) > 20
    assert chart.tooltip_at(QPoint(300, 110)) is None


def test_bars_reaching_the_goal_are_full_accent_others_a_tint(qtbot: QtBot) -> None:
    chart = bar_chart(qtbot, [5, 25, 10, 30, 20], goal=20)
    image = render(chart)
    full = accent(LIGHT)

    def centre(index: int) -> QColor:
        return image.pixelColor(chart.bar_rect(index).center().toPoint())

    for reached in (1, 3, 4):  # 20 counts as reaching a goal of 20
        assert close(centre(reached), full, 12), reached
    background = QColor(LIGHT[Role.Window])
    for below in (0, 2):
        tint = centre(below)
        assert not close(tint, full, 40)
        # A lighter shade of the accent: every channel between the accent and the background.
        for channel in ("red", "green", "blue"):
            low, high = sorted((getattr(full, channel)(), getattr(background, channel)()))
            assert low <= getattr(tint, channel)() <= high
    assert "goal 20 items reached on 3 days" in chart.summary()


def test_bar_tooltip_names_the_day_and_value(qtbot: QtBot) -> None:
    chart = bar_chart(qtbot, ITEMS)
    labels = day_labels(len(ITEMS))
    bar = chart.bar_rect(4).center().toPoint()
    assert chart.tooltip_at(bar) == f"{labels[4]}: 25 items"
    # Anywhere in the day's column counts (small bars are hard to hit), even above the bar.
    assert chart.tooltip_at(QPoint(bar.x(), 20)) == f"{labels[4]}: 25 items"
    assert chart.tooltip_at(QPoint(2, 100)) is None  # over the y axis labels
    assert chart.tooltip_at(QPoint(chart.width() - 1, 100)) is None

    chart.show()
    qtbot.waitExposed(chart)
    qtbot.mouseMove(chart, chart.bar_rect(9).center().toPoint())
    qtbot.waitUntil(lambda: QToolTip.text() == f"{labels[9]}: 14 items")
    QToolTip.hideText()


def test_bar_chart_x_labels_never_overlap(qtbot: QtBot) -> None:
    chart = BarChart("Minutes per day")
    setup(qtbot, chart)
    values = [float(i % 7) for i in range(365)]
    chart.set_data(list(zip(day_labels(365), values, strict=True)), goal=3, unit="min")
    image = render(chart)
    assert count_near(image, accent(LIGHT)) > 200
    # Private, but it is exactly the geometry this test is about.
    rects = sorted((rect for rect, _ in chart._x_labels), key=lambda r: r.left())
    assert len(rects) >= 3
    assert all(a.right() <= b.left() for a, b in itertools.pairwise(rects))
    assert all(r.left() >= 0 and r.right() <= chart.width() for r in rects)
    assert (
        chart.tooltip_at(chart.bar_rect(364).center().toPoint()) == "Sun 22: 0 min"
    )  # 364 % 7 == 0


# -- LineChart --------------------------------------------------------------------------------


def line_chart(qtbot: QtBot, values: list[float | None]) -> LineChart:
    chart = LineChart("Accuracy")
    setup(qtbot, chart)
    chart.set_data(list(zip(day_labels(len(values)), values, strict=True)), unit="%")
    return chart


def test_line_chart_paints_a_line(qtbot: QtBot) -> None:
    chart = line_chart(qtbot, SCORES)
    image = render(chart)
    assert count_near(image, accent(LIGHT)) > 300
    assert chart.summary() == "14 days, 9 with data, average 76.1%, latest 72%"
    assert chart.accessibleDescription() == chart.summary()
    # Higher scores sit higher.
    p70, p90 = chart.point_at(0), chart.point_at(5)
    assert p70 is not None and p90 is not None
    assert p90.y() < p70.y()


def test_line_chart_breaks_the_line_where_there_is_no_data(qtbot: QtBot) -> None:
    chart = line_chart(qtbot, SCORES)
    image = render(chart)
    full = accent(LIGHT)
    before, after = chart.point_at(6), chart.point_at(11)
    assert before is not None and after is not None
    assert chart.point_at(8) is None
    top, bottom = 0, chart.height() - 25  # the plot, not the x labels

    def column_hits(x: float) -> int:
        return count_near(image, full, 50, QRect(round(x), top, 1, bottom - top))

    # Left of the gap there is a line; across the gap, nothing accent-coloured at all.
    mid_first = chart.point_at(4)
    assert mid_first is not None
    assert column_hits(mid_first.x()) > 0
    for x in range(round(before.x()) + 6, round(after.x()) - 5):
        assert column_hits(x) == 0, x
    labels = day_labels(len(SCORES))
    middle = QPointF((before.x() + after.x()) / 2, 100).toPoint()
    assert chart.tooltip_at(middle) == f"{labels[8]}: no data"
    assert chart.tooltip_at(mid_first.toPoint()) == f"{labels[4]}: 85%"


def test_line_chart_lone_points_still_show(qtbot: QtBot) -> None:
    chart = line_chart(qtbot, [None, None, 50, None, None, None, 80, None])
    image = render(chart)
    for index in (2, 6):
        point = chart.point_at(index)
        assert point is not None
        assert close(image.pixelColor(point.toPoint()), accent(LIGHT), 20)


@pytest.mark.parametrize("values", [[], [None, None, None], [0, 0, None, 0]])
def test_line_chart_without_data_says_so(qtbot: QtBot, values: list[float | None]) -> None:
    chart = line_chart(qtbot, values)
    image = render(chart)
    assert count_near(image, accent(LIGHT)) == 0
    assert chart.summary() == "No activity yet"
    assert count_near(image, QColor(LIGHT[Role.PlaceholderText]), 60, QRect(150, 80, 300, 60)) > 20


# -- HeatMap ----------------------------------------------------------------------------------


def heat_map(qtbot: QtBot, days: dict[datetime.date, int], weeks: int = 26) -> HeatMap:
    chart = HeatMap("Practice calendar")
    setup(qtbot, chart)
    chart.set_data(days, END, weeks)
    return chart


def active_days(count: int, value: int = 5) -> dict[datetime.date, int]:
    return {END - datetime.timedelta(days=2 * i): value for i in range(count)}


def test_heat_map_shows_more_colour_for_more_activity(qtbot: QtBot) -> None:
    few = count_near(render(heat_map(qtbot, active_days(5))), accent(LIGHT))
    many = count_near(render(heat_map(qtbot, active_days(40))), accent(LIGHT))
    assert 0 < few < many
    assert many > 5 * few


def test_heat_map_without_activity_draws_an_empty_calendar(qtbot: QtBot) -> None:
    chart = heat_map(qtbot, {END: 0, END - datetime.timedelta(days=3): 0})
    image = render(chart)
    assert count_near(image, accent(LIGHT)) == 0
    assert chart.summary() == "No activity yet"
    cell = chart.cell_rect(END)
    assert cell is not None
    # The empty cell is drawn (in a faint Mid), not left blank.
    assert image.pixelColor(cell.center().toPoint()) != QColor(LIGHT[Role.Window])


def test_heat_map_intensity_follows_quantiles(qtbot: QtBot) -> None:
    days = {END - datetime.timedelta(days=i): i + 1 for i in range(20)}  # 1..20 items
    chart = heat_map(qtbot, days)
    image = render(chart)

    def colour(day: datetime.date) -> QColor:
        rect = chart.cell_rect(day)
        assert rect is not None
        return image.pixelColor(rect.center().toPoint())

    busiest, quietest = END - datetime.timedelta(days=19), END
    assert close(colour(busiest), accent(LIGHT), 8)
    assert not close(colour(quietest), accent(LIGHT), 40)
    # Lighter means further from the accent: the quiet day's cell is the brightest.
    assert colour(quietest).lightness() > colour(END - datetime.timedelta(days=10)).lightness()
    assert colour(END - datetime.timedelta(days=10)).lightness() > colour(busiest).lightness()


def test_heat_map_layout_and_tooltip(qtbot: QtBot) -> None:
    chart = heat_map(qtbot, {END: 12, END - datetime.timedelta(days=1): 3})
    # Columns are weeks, oldest on the left; rows are Monday..Sunday.
    monday = END - datetime.timedelta(days=6)
    rect_monday, rect_end = chart.cell_rect(monday), chart.cell_rect(END)
    assert rect_monday is not None and rect_end is not None
    assert rect_monday.left() == rect_end.left()
    assert rect_monday.top() < rect_end.top()
    old = chart.cell_rect(END - datetime.timedelta(weeks=25))
    assert old is not None and old.left() < rect_end.left()
    assert chart.cell_rect(END - datetime.timedelta(weeks=26)) is None
    assert chart.cell_rect(END + datetime.timedelta(days=1)) is None
    assert 8 <= rect_end.width() == rect_end.height() <= 16

    short = QLocale().toString(QDate(2026, 11, 22), QLocale.FormatType.ShortFormat)
    assert chart.tooltip_at(rect_end.center().toPoint()) == f"{short}: 12"
    assert chart.tooltip_at(rect_monday.center().toPoint()) == (
        QLocale().toString(QDate(2026, 11, 16), QLocale.FormatType.ShortFormat) + ": 0"
    )
    assert chart.tooltip_at(QPoint(1, 1)) is None
    assert chart.summary().startswith("26 weeks, 2 active days, best 12 on ")
    assert chart.summary().endswith("streak 2 days")


def test_heat_map_size_hint_grows_with_weeks(qtbot: QtBot) -> None:
    half = heat_map(qtbot, {}, weeks=26)
    year = heat_map(qtbot, {}, weeks=53)
    assert year.sizeHint().width() > half.sizeHint().width()
    assert year.minimumSizeHint().width() < year.sizeHint().width()


# -- ProgressBars -----------------------------------------------------------------------------

ROWS = [
    ("Greetings and introductions at the café", 40, 32, 20),
    ("Numbers", 30, 30, 28),
    ("Food", 50, 12, 3),
    ("Travel", 60, 0, 0),
]


def progress(qtbot: QtBot, rows: list[tuple[str, int, int, int]]) -> ProgressBars:
    chart = ProgressBars("Mastery by topic")
    setup(qtbot, chart)
    chart.set_data(rows)
    return chart


def test_progress_bars_show_mastered_and_seen(qtbot: QtBot) -> None:
    chart = progress(qtbot, ROWS)
    image = render(chart)
    full = accent(LIGHT)
    assert count_near(image, full) > 500
    assert chart.summary() == "4 groups, 51 of 180 items mastered, 74 seen"

    track = chart.row_rect(0)  # 20 of 40 mastered, 32 seen
    y = round(track.center().y())
    assert close(image.pixelColor(round(track.left() + track.width() * 0.25), y), full, 12)
    seen = image.pixelColor(round(track.left() + track.width() * 0.65), y)
    assert not close(seen, full, 40) and seen.blue() > seen.red()  # the lighter accent tint
    rest = image.pixelColor(round(track.left() + track.width() * 0.9), y)
    assert not close(rest, full, 80)  # the empty track
    travel = chart.row_rect(3)  # nothing seen: track only
    assert count_near(image, full, 60, travel.toAlignedRect()) == 0


def test_progress_bars_tooltip_and_size(qtbot: QtBot) -> None:
    chart = progress(qtbot, ROWS)
    point = chart.row_rect(2).center().toPoint()
    assert chart.tooltip_at(point) == "Food: 3 mastered, 12 seen, 50 total"
    assert chart.tooltip_at(QPoint(5, point.y())) == "Food: 3 mastered, 12 seen, 50 total"
    assert chart.tooltip_at(QPoint(5, chart.height() - 2)) is None
    assert chart.sizeHint().height() >= len(ROWS) * 26
    longer = progress(qtbot, ROWS * 3)
    assert longer.sizeHint().height() > chart.sizeHint().height()
    assert StackedBars is ProgressBars


def test_progress_bars_without_activity(qtbot: QtBot) -> None:
    untouched = progress(qtbot, [("Food", 50, 0, 0), ("Travel", 60, 0, 0)])
    assert count_near(render(untouched), accent(LIGHT)) == 0
    assert untouched.summary().startswith("No activity yet")
    empty = progress(qtbot, [])
    assert count_near(render(empty), accent(LIGHT)) == 0
    assert empty.summary() == "No activity yet"


# -- every widget -----------------------------------------------------------------------------

Factory = Callable[[QtBot], BarChart | LineChart | HeatMap | ProgressBars]
FACTORIES: dict[str, Factory] = {
    "bars": lambda qtbot: bar_chart(qtbot, ITEMS, goal=20),
    "line": lambda qtbot: line_chart(qtbot, SCORES),
    "heat": lambda qtbot: heat_map(qtbot, active_days(30)),
    "progress": lambda qtbot: progress(qtbot, ROWS),
}


@pytest.mark.parametrize("kind", FACTORIES)
def test_dark_palette_repaints_in_the_dark_accent(qtbot: QtBot, kind: str) -> None:
    chart = FACTORIES[kind](qtbot)
    assert count_near(render(chart), accent(LIGHT), 10) > 50
    chart.setPalette(make_palette(DARK))
    image = render(chart)
    assert count_near(image, accent(DARK), 10) > 50
    assert count_near(image, accent(LIGHT), 10) == 0


@pytest.mark.parametrize("kind", FACTORIES)
def test_size_hints_and_resizing(qtbot: QtBot, kind: str) -> None:
    chart = FACTORIES[kind](qtbot)
    hint, minimum = chart.sizeHint(), chart.minimumSizeHint()
    assert hint.width() >= minimum.width() > 0
    assert hint.height() >= minimum.height() > 0
    for size in (minimum, QSize(1200, 400), QSize(40, 30)):  # even too small must not raise
        chart.resize(size)
        assert not render(chart).isNull()
    assert chart.summary()


def test_nice_steps_are_round() -> None:
    assert nice_step(100, 4) == 20
    assert nice_step(35, 4, whole=True) == 10
    assert nice_step(3, 4, whole=True) == 1
    assert nice_step(1, 4) == pytest.approx(0.2)
    assert nice_step(12_000, 4, whole=True) == 5_000
