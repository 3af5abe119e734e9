"""Projections: pure folds of the activity stream ordered by (hlc, id).

The same set of events gives the same state on every device. Most figures are sums, maxima and
minima, so they do not depend on order; a card's FSRS state does, so it is folded in order and
replayed from its own events when an event arrives that sorts before ones already applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import review
from .events import ORDER, SETTINGS, Event
from .learning_day import learning_day

CARD_KINDS = ("practice.attempted", "review.graded")
DAY_KINDS = (*CARD_KINDS, "reading.logged", "conversation.ended")


@dataclass(slots=True)
class Progress:
    """What one learner knows of one piece of content (seeds: userProgress)."""

    content_id: str
    attempts: int = 0
    reviews: int = 0
    best_score: int = 0
    score_sum: int = 0
    first_seen_ms: int = 0
    last_seen_ms: int = 0
    card: review.Card | None = None
    due_ms: int | None = None
    lapses: int = 0
    last_key: tuple[str, str] = ("", "")

    @property
    def average_score(self) -> float | None:
        return self.score_sum / self.attempts if self.attempts else None

    @property
    def mastered(self) -> bool:
        return review.is_mastered(self.card)

    def to_dict(self) -> dict[str, Any]:
        """Plain values (the card in fsrs' stored form): for storage, export and comparisons."""
        return {
            "content_id": self.content_id,
            "attempts": self.attempts,
            "reviews": self.reviews,
            "best_score": self.best_score,
            "score_sum": self.score_sum,
            "first_seen_ms": self.first_seen_ms,
            "last_seen_ms": self.last_seen_ms,
            "card": review.card_to_dict(self.card) if self.card is not None else None,
            "due_ms": self.due_ms,
            "lapses": self.lapses,
            "last_key": self.last_key,
        }

    def apply(self, event: Event) -> None:
        """Fold one card event; callers apply a content's events in (hlc, id) order."""
        p = event.payload
        at = event.occurred_at
        self.first_seen_ms = at if not self.first_seen_ms else min(self.first_seen_ms, at)
        self.last_seen_ms = max(self.last_seen_ms, at)
        if event.kind == "practice.attempted":
            self.attempts += 1
            self.best_score = max(self.best_score, p["score"])
            self.score_sum += p["score"]
            rating = review.rating_for_attempt(p["verdict"], p["hints_used"])
        else:
            self.reviews += 1
            rating = p["rating"]
        self.lapses += review.is_lapse(self.card, rating)
        self.card = review.schedule(self.card, rating, at, p["retention"], p["fuzz"], event.id)
        self.due_ms = self.card.due_ms
        self.last_key = event.order_key


@dataclass(slots=True)
class DayStats:
    """One learning day's totals (seeds: learningAnalytics)."""

    day: date
    practice_ms: int = 0
    attempts: int = 0
    score_sum: int = 0
    hints_used: int = 0
    reviews: int = 0
    readings: int = 0
    conversations: int = 0
    correct: int = 0

    @property
    def average_score(self) -> float | None:
        return self.score_sum / self.attempts if self.attempts else None

    @property
    def minutes(self) -> float:
        return self.practice_ms / 60_000

    @property
    def items(self) -> int:
        """What counts towards the daily goal: sentences practised plus cards reviewed."""
        return self.attempts + self.reviews

    @property
    def qualifying(self) -> bool:
        return (self.attempts + self.reviews + self.readings + self.conversations) > 0

    def apply(self, event: Event) -> None:
        p = event.payload
        self.practice_ms += p.get("duration_ms", 0)
        if event.kind == "practice.attempted":
            self.attempts += 1
            self.score_sum += p["score"]
            self.hints_used += p["hints_used"]
            self.correct += p["verdict"] == "correct"
        elif event.kind == "review.graded":
            self.reviews += 1
        elif event.kind == "reading.logged":
            self.readings += 1
        elif event.kind == "conversation.ended":
            self.conversations += 1


@dataclass(slots=True)
class SettingValue:
    value: Any
    key: tuple[str, str]  # (hlc, id) of the event that set it
    initial: bool = False  # a value the profile was created with (see setting_wins)


def is_initial(event: Event) -> bool:
    """Whether a setting's event holds a value its profile was created with."""
    return bool(event.payload.get("initial", False))


def setting_wins(
    key: tuple[str, str], initial: bool, current_key: tuple[str, str], current_initial: bool
) -> bool:
    """Whether a setting's event (`key` its (hlc, id)) replaces the one in force.

    A change the person made beats the values a profile was created with. Among changes the
    latest by clock wins; among creation values the earliest, so that a laptop added to an
    account later (created with its own name, level, languages) does not reset the person's
    settings. A total order: every device ends with the same value, in any order of arrival.
    """
    if initial != current_initial:
        return not initial
    return key < current_key if initial else key > current_key


@dataclass(slots=True)
class AddedCard:
    content_id: str
    payload: dict[str, Any]
    key: tuple[str, str]


def default_settings() -> dict[str, Any]:
    return {name: default for name, (_check, default) in SETTINGS.items()}


@dataclass
class Projection:
    """The whole derived state, in memory: used for rebuilds and as the reference in tests."""

    progress: dict[str, Progress] = field(default_factory=dict)
    days: dict[date, DayStats] = field(default_factory=dict)
    settings: dict[str, SettingValue] = field(default_factory=dict)
    added: dict[str, AddedCard] = field(default_factory=dict)

    def setting(self, name: str) -> Any:
        entry = self.settings.get(name)
        return entry.value if entry else SETTINGS[name][1]

    @classmethod
    def rebuild(cls, events: Iterable[Event]) -> Projection:
        """Fold every known event once, in (hlc, id) order, duplicates dropped."""
        unique = {e.id: e for e in events if e.known}
        ordered = sorted(unique.values(), key=ORDER)
        state = cls()
        # Settings first: the final day start hour buckets every event into its learning day.
        for event in ordered:
            if event.kind == "setting.changed":
                state.apply_setting(event)
        day_start = state.setting("day_starts_at")
        for event in ordered:
            state.apply(event, day_start)
        return state

    def apply(self, event: Event, day_start: int) -> None:
        kind = event.kind
        if kind in CARD_KINDS:
            cid = event.payload["content_id"]
            progress = self.progress.get(cid) or self.progress.setdefault(cid, Progress(cid))
            progress.apply(event)
        if kind in DAY_KINDS:
            day = learning_day(event.occurred_at, event.tz_offset_min, day_start)
            (self.days.get(day) or self.days.setdefault(day, DayStats(day))).apply(event)
        elif kind == "setting.changed":
            self.apply_setting(event)
        elif kind == "card.added":
            cid = event.payload["content_id"]
            current = self.added.get(cid)
            if current is None or current.key < event.order_key:
                self.added[cid] = AddedCard(cid, event.payload, event.order_key)

    def apply_setting(self, event: Event) -> None:
        name, initial = event.payload["key"], is_initial(event)
        current = self.settings.get(name)
        if current is None or setting_wins(event.order_key, initial, current.key, current.initial):
            self.settings[name] = SettingValue(event.payload["value"], event.order_key, initial)
