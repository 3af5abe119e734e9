"""Today: the streak, the daily goal, reviews due, a Start button and the last 30 days."""

from __future__ import annotations

from PySide6.QtCore import QDate, QLocale, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QProgressBar, QWidget

from ..services.stats import Dashboard
from .charts import BarChart
from .context import Context
from .widgets import Page, button, card, count, label


class TodayPage(Page):
    start_practice = Signal()
    start_review = Signal()
    loaded = Signal()  # the numbers are on screen (tests and the startup benchmark wait for it)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Today"), parent)
        self.ctx = ctx
        self.date = label("", "subtle", name=self.tr("Date"))
        self.body.insertWidget(1, self.date)

        grid = QGridLayout()
        grid.setSpacing(16)
        streak_card, streak = card(self.tr("Streak"))
        streak.addWidget(label(self.tr("Streak"), "subtle"))
        self.streak = label("–", "big", name=self.tr("Streak in days"))
        streak.addWidget(self.streak)
        self.streak_note = label("", wrap=True, name=self.tr("Streak status"))
        streak.addWidget(self.streak_note)
        streak.addStretch(1)

        goal_card, goal = card(self.tr("Daily goal"))
        goal.addWidget(label(self.tr("Daily goal"), "subtle"))
        self.goal = label("–", "big", name=self.tr("Done today out of the daily goal"))
        goal.addWidget(self.goal)
        self.goal_bar = QProgressBar()
        self.goal_bar.setAccessibleName(self.tr("Daily goal progress"))
        self.goal_bar.setTextVisible(False)
        goal.addWidget(self.goal_bar)
        self.minutes = label("", "subtle", name=self.tr("Minutes today"))
        goal.addWidget(self.minutes)
        goal.addStretch(1)

        due_card, due = card(self.tr("Reviews due"))
        due.addWidget(label(self.tr("Reviews due"), "subtle"))
        self.due = label("–", "big", name=self.tr("Reviews due"))
        due.addWidget(self.due)
        # Day one has no card due but new ones to learn: say what is there, not only "0".
        self.new_cards = label("", "subtle", name=self.tr("New cards today"))
        due.addWidget(self.new_cards)
        self.review_button = button(self.tr("Review now"), self.tr("Review now"))
        self.review_button.clicked.connect(self.start_review)
        due.addWidget(self.review_button)
        due.addStretch(1)

        for column, frame in enumerate((streak_card, goal_card, due_card)):
            grid.addWidget(frame, 0, column)
            grid.setColumnStretch(column, 1)
        self.body.addLayout(grid)

        row = QHBoxLayout()
        self.start = button(
            self.tr("Start practice"), self.tr("Start practice"), "primary", "Ctrl+Return"
        )
        self.start.setMinimumHeight(44)
        self.start.clicked.connect(self.start_practice)
        row.addWidget(self.start)
        row.addStretch(1)
        self.body.addLayout(row)

        chart_card, chart = card(self.tr("Last 30 days"))
        chart.addWidget(label(self.tr("Last 30 days: sentences and reviews"), "subtle"))
        self.chart = BarChart(accessible_name=self.tr("Last 30 days chart"))
        self.chart.setMinimumHeight(200)
        chart.addWidget(self.chart)
        self.body.addWidget(chart_card)
        self.body.addStretch(1)
        self.dashboard: Dashboard | None = None

    def refresh(self) -> None:
        self.ctx.run(self.ctx.stats.dashboard, self.show_dashboard)

    def show_dashboard(self, d: Dashboard) -> None:
        self.dashboard = d
        locale = QLocale()
        today = QDate(d.today.year, d.today.month, d.today.day)
        self.date.setText(locale.toString(today, QLocale.FormatType.LongFormat))
        self.streak.setText(count(d.streak.current, self.tr("1 day"), self.tr("%1 days")))
        if d.streak.today_done:
            self.streak_note.setText(
                self.tr("✓ Today is done. Best: %1.").replace(
                    "%1", count(d.streak.longest, self.tr("1 day"), self.tr("%1 days"))
                )
            )
            self.streak_note.setProperty("role", "good")
        elif d.streak.current:
            self.streak_note.setText(self.tr("Practise today to keep your streak."))
            self.streak_note.setProperty("role", "almost")
        else:
            self.streak_note.setText(self.tr("One sentence today starts a new streak."))
            self.streak_note.setProperty("role", "subtle")
        self.streak_note.style().polish(self.streak_note)
        self.goal.setText(f"{d.done_today} / {d.goal}")
        self.goal_bar.setMaximum(d.goal)
        self.goal_bar.setValue(min(d.done_today, d.goal))
        self.minutes.setText(
            count(round(d.minutes_today), self.tr("1 minute today"), self.tr("%1 minutes today"))
        )
        self.due.setText(str(d.reviews_due))
        self.new_cards.setText(
            count(d.new_cards, self.tr("+ 1 new card to learn"), self.tr("+ %1 new cards to learn"))
        )
        self.new_cards.setVisible(d.new_cards > 0)
        self.review_button.setEnabled(d.reviews_due + d.new_cards > 0)
        points = [(f"{day.day.day}", float(day.items)) for day in d.last_30]
        self.chart.set_data(points, goal=float(d.goal), unit=self.tr("items"))
        self.loaded.emit()
