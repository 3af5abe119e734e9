"""Spaced repetition with FSRS (the `fsrs` package), made deterministic for sync.

Every device must compute the same due date from the same events, so the scheduler's own random
fuzz is off; when an event asks for fuzz, it is derived from the event id instead.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import fsrs

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
MASTERED_STABILITY_DAYS = 21.0
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # fixed, so a new card never reads the wall clock


@lru_cache(maxsize=16)
def _scheduler(retention: float) -> fsrs.Scheduler:
    return fsrs.Scheduler(desired_retention=retention, enable_fuzzing=False)


def rating_for_attempt(verdict: str, hints_used: int) -> int:
    """How a practice attempt counts as a review of its card: a hint makes it Hard."""
    if verdict == "wrong":
        return 1
    if verdict == "almost" or hints_used:
        return 2
    return 3


def schedule(
    card: fsrs.Card | None,
    rating: int,
    at_ms: int,
    retention: float,
    fuzz: bool,
    seed: str,
) -> fsrs.Card:
    """The card after a review with `rating` at `at_ms` (a new card when `card` is None)."""
    current = card if card is not None else fsrs.Card(card_id=0, due=_EPOCH)
    when = datetime.fromtimestamp(at_ms / 1000, UTC)
    updated, _log = _scheduler(round(retention, 4)).review_card(current, fsrs.Rating(rating), when)
    if fuzz and updated.state == fsrs.State.Review:
        updated.due = when + _fuzzed_interval(updated.due - when, seed)
    return updated


def card_to_dict(card: fsrs.Card) -> dict[str, Any]:
    return card.to_dict()


def card_from_dict(data: dict[str, Any]) -> fsrs.Card:
    return fsrs.Card.from_dict(data)


def _fuzzed_interval(interval: timedelta, seed: str) -> timedelta:
    """Spread long intervals a little (as FSRS does) so cards added together don't stay together."""
    days = interval.total_seconds() / 86400
    if days < 2.5:
        return interval
    delta = 1.0
    for start, end, factor in ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, float("inf"), 0.05)):
        delta += factor * max(min(days, end) - start, 0.0)
    low, high = max(2, round(days - delta)), round(days + delta)
    unit = int.from_bytes(hashlib.blake2b(seed.encode(), digest_size=8).digest(), "big") / 2**64
    return timedelta(days=round(low + unit * (high - low)))


def due_ms(card: fsrs.Card) -> int:
    return round(card.due.timestamp() * 1000)


def is_lapse(card: fsrs.Card | None, rating: int) -> bool:
    """Forgetting a card that had graduated to review."""
    return rating == 1 and card is not None and card.state == fsrs.State.Review


def is_mastered(card: fsrs.Card | None) -> bool:
    return bool(
        card is not None
        and card.state == fsrs.State.Review
        and (card.stability or 0.0) >= MASTERED_STABILITY_DAYS
    )


def next_due_preview(card: dict[str, Any] | None, at_ms: int, retention: float) -> dict[int, int]:
    """For each rating, when the card would next be due (Unix ms), without fuzz."""
    return {r: due_ms(schedule(card, r, at_ms, retention, False, "")) for r in RATING_NAMES}


def interval_text(from_ms: int, to_ms: int) -> str:
    """'10 min', '3 h', '4 d', '2 mo': the short form used on review buttons."""
    minutes = max(1, round((to_ms - from_ms) / 60_000))
    if minutes < 60:
        return f"{minutes} min"
    hours = round(minutes / 60)
    if hours < 24:
        return f"{hours} h"
    days = round(minutes / 1440)
    if days < 31:
        return f"{days} d"
    if days < 365:
        return f"{round(days / 30)} mo"
    return f"{days / 365:.1f} y"
