"""Dashboard numbers (Today) and progress overviews, read from the projections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..domain.learning_day import Streak, streak
from ..domain.projections import DayStats
from .review import ReviewService
from .session import Learner


@dataclass(frozen=True)
class Dashboard:
    today: date
    streak: Streak
    goal: int
    done_today: int  # sentences practised + cards reviewed today
    minutes_today: float
    reviews_due: int
    new_cards: int  # new cards still to learn today: Review has them even with none due
    last_30: list[DayStats]  # one per day, oldest first, empty days included

    @property
    def goal_met(self) -> bool:
        return self.done_today >= self.goal


@dataclass(frozen=True)
class MasteryRow:
    group: str
    items: int
    seen: int
    mastered: int


class StatsService:
    def __init__(self, learner: Learner) -> None:
        self.learner = learner

    def dashboard(self) -> Dashboard:
        settings = self.learner.settings()
        today = self.learner.today()
        first = today - timedelta(days=29)
        stored = {d.day: d for d in self.learner.db.day_stats(first, today)}
        last_30 = [
            stored.get(first + timedelta(days=i)) or DayStats(first + timedelta(days=i))
            for i in range(30)
        ]
        todays = last_30[-1]
        return Dashboard(
            today=today,
            streak=streak(self.learner.db.active_days(), today),
            goal=settings["daily_goal"],
            done_today=todays.items,
            minutes_today=todays.minutes,
            reviews_due=self.learner.db.due_count(self.learner.clock.now_ms()),
            new_cards=ReviewService(self.learner).new_today(settings),
            last_30=last_30,
        )

    def error_kinds(self, limit: int = 5) -> list[tuple[str, int]]:
        """The learner's most frequent error kinds in conversations and speaking, across all
        their laptops (feedback.recorded syncs)."""
        return self.learner.db.frequent_feedback_kinds(limit)

    def history(self, days: int = 365) -> list[DayStats]:
        today = self.learner.today()
        return self.learner.db.day_stats(today - timedelta(days=days - 1), today)

    def mastery(self, by: str) -> list[MasteryRow]:
        """Mastery per 'level' or 'category'."""
        return [MasteryRow(*row) for row in self.learner.db.mastery_by(by)]
