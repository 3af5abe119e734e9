"""Progress: accuracy over time, minutes per day, mastery by level and category, streak calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QWidget

from ..domain.learning_day import Streak
from ..domain.projections import DayStats
from ..services.stats import MasteryRow
from .charts import BarChart, HeatMap, LineChart, ProgressBars
from .context import Context
from .widgets import Page, card, count, label


@dataclass(frozen=True)
class Overview:
    today: date
    history: list[DayStats]
    streak: Streak
    by_level: list[MasteryRow]
    by_category: list[MasteryRow]
    error_kinds: list[tuple[str, int]]


class ProgressPage(Page):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Progress"), parent)
        self.ctx = ctx
        totals = QHBoxLayout()
        self.totals = {}
        for key, text in (
            ("sentences", self.tr("Sentences practised")),
            ("reviews", self.tr("Cards reviewed")),
            ("mastered", self.tr("Mastered")),
            ("best", self.tr("Longest streak")),
        ):
            frame, box = card(text)
            box.addWidget(label(text, "subtle"))
            value = label("–", "big", name=text)
            box.addWidget(value)
            self.totals[key] = value
            totals.addWidget(frame)
        self.body.addLayout(totals)

        grid = QGridLayout()
        grid.setSpacing(16)
        self.accuracy = LineChart(accessible_name=self.tr("Average score per day, last 90 days"))
        self.minutes = BarChart(accessible_name=self.tr("Minutes per day, last 30 days"))
        self.calendar = HeatMap(accessible_name=self.tr("Streak calendar, last 26 weeks"))
        self.tutor = label("", wrap=True, name=self.tr("Conversations with the tutor"))
        self.levels = ProgressBars(accessible_name=self.tr("Mastery by level"))
        self.categories = ProgressBars(accessible_name=self.tr("Mastery by category"))
        panels = (
            (self.tr("Accuracy (average score), last 90 days"), self.accuracy, 0, 0, 1),
            (self.tr("Minutes per day, last 30 days"), self.minutes, 0, 1, 1),
            (self.tr("Streak calendar"), self.calendar, 1, 0, 2),
            (self.tr("Mastery by level"), self.levels, 2, 0, 1),
            (self.tr("Mastery by category"), self.categories, 2, 1, 1),
        )
        for title, chart, row, column, span in panels:
            frame, box = card(title)
            box.addWidget(label(title, "subtle"))
            chart.setMinimumHeight(180)
            box.addWidget(chart, 1)  # the room a taller neighbour leaves goes to the chart
            grid.addWidget(frame, row, column, 1, span)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.body.addLayout(grid)
        frame, box = card(self.tr("Conversations with the tutor"))
        box.addWidget(label(self.tr("Conversations with the tutor"), "subtle"))
        box.addWidget(self.tutor)
        self.body.addWidget(frame)
        self.body.addStretch(1)

    def refresh(self) -> None:
        stats = self.ctx.stats

        def load() -> Overview:
            board = stats.dashboard()
            return Overview(
                board.today,
                stats.history(365),
                board.streak,
                stats.mastery("level"),
                stats.mastery("category"),
                stats.error_kinds(5),
            )

        self.ctx.run(load, self.show_overview)

    def show_overview(self, o: Overview) -> None:
        days = {d.day: d for d in o.history}
        self.totals["sentences"].setText(str(sum(d.attempts for d in o.history)))
        self.totals["reviews"].setText(str(sum(d.reviews for d in o.history)))
        self.totals["mastered"].setText(str(sum(r.mastered for r in o.by_level)))
        self.totals["best"].setText(count(o.streak.longest, self.tr("1 day"), self.tr("%1 days")))
        span90 = [o.today - timedelta(days=89 - i) for i in range(90)]
        self.accuracy.set_data(
            [(f"{d:%d %b}", days[d].average_score if d in days else None) for d in span90],
            0,
            100,
            self.tr("points"),
        )
        span30 = span90[-30:]
        self.minutes.set_data(
            [(f"{d.day}", round(days[d].minutes, 1) if d in days else 0.0) for d in span30],
            unit=self.tr("min"),
        )
        self.calendar.set_data({d.day: d.items for d in o.history if d.qualifying}, o.today, 26)
        conversations = count(
            sum(d.conversations for d in o.history),
            self.tr("1 conversation"),
            self.tr("%1 conversations"),
        )
        if o.error_kinds:
            names = {
                "grammar": self.tr("grammar"),
                "verb_form": self.tr("verb forms"),
                "agreement": self.tr("agreement"),
                "word_order": self.tr("word order"),
                "vocabulary": self.tr("vocabulary"),
                "spelling": self.tr("spelling"),
                "accent": self.tr("accents"),
                "preposition": self.tr("prepositions"),
                "register": self.tr("register"),
                "pronunciation": self.tr("pronunciation"),
            }
            kinds = ", ".join(
                f"{names.get(k, k.replace('_', ' '))} ({n})" for k, n in o.error_kinds
            )
            conversations += " · " + self.tr("most frequent corrections: %1").replace("%1", kinds)
        self.tutor.setText(conversations)
        names = {
            "beginner": self.tr("Beginner"),
            "intermediate": self.tr("Intermediate"),
            "advanced": self.tr("Advanced"),
        }
        order = {"beginner": 0, "intermediate": 1, "advanced": 2}
        self.levels.set_data(
            [
                (names.get(r.group, r.group), r.items, r.seen, r.mastered)
                for r in sorted(o.by_level, key=lambda r: order.get(r.group, 9))
            ]
        )
        titles = self.ctx.service.library.categories
        self.categories.set_data(
            [
                (
                    (
                        titles[r.group].title_en
                        if r.group in titles
                        else r.group.replace("_", " ").title()
                    ),
                    r.items,
                    r.seen,
                    r.mastered,
                )
                for r in o.by_category
            ]
        )
