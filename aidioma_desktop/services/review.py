"""Spaced review: today's queue (due cards, then new ones up to the daily limit) and ratings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..domain import review
from ..domain.content import Sentence
from ..domain.errors import AppError
from ..domain.projections import Progress
from ..store.rows import ContentItem
from .content import sentence_from_item
from .session import Learner


class ReviewError(AppError):
    pass


@dataclass(frozen=True)
class ReviewCard:
    sentence: Sentence
    progress: Progress | None  # None for a new card
    front_language: str

    @property
    def front(self) -> str:
        return self.sentence.es if self.front_language == "es" else self.sentence.en

    @property
    def back(self) -> str:
        return self.sentence.en if self.front_language == "es" else self.sentence.es


@dataclass(frozen=True)
class ReviewQueue:
    cards: list[ReviewCard]
    due: int  # every card due now (the queue may hold fewer, up to its limit)
    new: int


class ReviewService:
    def __init__(self, learner: Learner) -> None:
        self.learner = learner

    def queue(self, limit: int = 200) -> ReviewQueue:
        settings = self.learner.settings()
        now = self.learner.clock.now_ms()
        front = settings["target_language"]
        due = self.learner.db.due_items(now, limit)
        cards = [ReviewCard(sentence_from_item(c), p, front) for c, p in due]
        fresh = self._new_items(settings, limit - len(cards))
        cards += [ReviewCard(sentence_from_item(c), None, front) for c in fresh]
        return ReviewQueue(cards, due=self.learner.db.due_count(now), new=len(fresh))

    def new_today(self, settings: dict[str, Any]) -> int:
        """New cards still to learn today (the day's allowance, as far as unseen ones last);
        `settings` as the caller has already read them."""
        return len(self._new_items(settings, settings["new_cards_per_day"]))

    def _new_items(self, settings: dict[str, Any], room: int) -> list[ContentItem]:
        allowance = settings["new_cards_per_day"] - self.learner.db.new_cards_since(
            self.learner.day_start_ms()
        )
        if allowance <= 0 or room <= 0:
            return []
        return self.learner.db.unseen_items(settings["level"], min(allowance, room))

    def previews(self, card: ReviewCard) -> dict[int, str]:
        """For each rating (1-4), when the card would come back: '10 min', '4 d'..."""
        now = self.learner.clock.now_ms()
        retention = self.learner.settings()["desired_retention"]
        card_state = card.progress.card if card.progress else None
        due = review.next_due_preview(card_state, now, retention)
        return {r: review.interval_text(now, ms) for r, ms in due.items()}

    def rate(self, card: ReviewCard, rating: int, duration_ms: int = 0) -> Progress:
        """Record the rating; the card's new state (with its next due time) comes back."""
        if rating not in review.RATING_NAMES:
            raise ReviewError("Rate with 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).")
        settings = self.learner.settings()
        self.learner.record(
            "review.graded",
            {
                "content_id": card.sentence.id,
                "rating": rating,
                "duration_ms": max(0, min(duration_ms, 3_600_000)),
                "retention": settings["desired_retention"],
                "fuzz": settings["review_fuzz"],
            },
        )
        progress = self.learner.db.progress(card.sentence.id)
        assert progress is not None
        return progress
