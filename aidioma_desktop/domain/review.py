"""Spaced repetition with FSRS-6, made deterministic for sync.

Every device must compute the same due date from the same events, so there is no random fuzz;
when an event asks for fuzz, it is derived from the event id instead.

The step is the `fsrs` package's (6.3.2: default parameters, learning steps 1 and 10 min,
relearning step 10 min, no random fuzz), written out here on integer milliseconds: a sync folds
every review of a history once, and fsrs' own step (a card copy, datetimes, enums) cost 3x more.
Every formula keeps fsrs' operations in fsrs' order, so the floats are the same to the last bit;
tests/domain/test_review.py checks this against fsrs itself on random histories. The stored form
of a card is fsrs' Card.to_dict, so databases written with fsrs read unchanged.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from aidioma_protocol.events import EPOCH

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
MASTERED_STABILITY_DAYS = 21.0
LEARNING, REVIEW, RELEARNING = 1, 2, 3  # fsrs.State values, as stored

# fsrs.scheduler.DEFAULT_PARAMETERS
# fmt: off
_W = (
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
    1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
)
# fmt: on
_DECAY = -_W[20]
_FACTOR: float = 0.9 ** (1 / _DECAY) - 1
_STABILITY_MIN = 0.001
_MAX_INTERVAL_DAYS = 36500
_MINUTE = 60_000
_DAY = 86_400_000
_LEARNING_STEPS = (1 * _MINUTE, 10 * _MINUTE)
_RELEARNING_STEPS = (10 * _MINUTE,)
_ONE_MS = timedelta(milliseconds=1)
# Terms of the formulas that do not depend on the card, computed as fsrs computes them.
_EASY_DIFFICULTY: float = _W[4] - (math.e ** (_W[5] * (4 - 1))) + 1
_FORGET_SHORT_TERM: float = math.e ** (_W[17] * _W[18])
_RECALL_BASE: float = math.e ** (_W[8])


class Card(NamedTuple):
    """A card's FSRS memory state (fsrs.Card without its id), times in Unix milliseconds.
    Immutable; a named tuple, which a sync makes by the hundred thousand at a quarter of a
    frozen dataclass's cost."""

    state: int = LEARNING
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    due_ms: int = 0
    last_review_ms: int | None = None


NEW_CARD = Card()


def rating_for_attempt(verdict: str, hints_used: int) -> int:
    """How a practice attempt counts as a review of its card: a hint makes it Hard."""
    if verdict == "wrong":
        return 1
    if verdict == "almost" or hints_used:
        return 2
    return 3


def schedule(
    card: Card | None, rating: int, at_ms: int, retention: float, fuzz: bool, seed: str
) -> Card:
    """The card after a review with `rating` at `at_ms` (a new card when `card` is None)."""
    if card is None:
        card = NEW_CARD
    retention = round(retention, 4)
    state, step = card.state, card.step
    stability, difficulty, last = card.stability, card.difficulty, card.last_review_ms
    # fsrs: (review - last_review).days, a floor also when the clocks went backwards.
    days = (at_ms - last) // _DAY if last is not None else None
    if stability is None or difficulty is None:
        # Only a new card (Learning) has no memory state yet.
        stability = max(_W[rating - 1], _STABILITY_MIN)
        difficulty = min(max(_W[4] - (math.e ** (_W[5] * (rating - 1))) + 1, 1.0), 10.0)
    else:
        if days is not None and days < 1:
            stability = _short_term_stability(stability, rating)
        else:
            stability = _next_stability(difficulty, stability, _retrievability(card, days), rating)
        difficulty = _next_difficulty(difficulty, rating)
    interval: int | None = None  # days, in the Review state; else `wait_ms`
    wait_ms = 0
    if state == REVIEW:
        if rating == 1:
            state, step, wait_ms = RELEARNING, 0, _RELEARNING_STEPS[0]
        else:
            interval = _next_interval(stability, retention)
    else:
        steps = _LEARNING_STEPS if state == LEARNING else _RELEARNING_STEPS
        assert step is not None
        graduates = rating == 4 or (
            rating != 1 and (step >= len(steps) or (rating == 3 and step + 1 == len(steps)))
        )
        if graduates:
            state, step = REVIEW, None
            interval = _next_interval(stability, retention)
        elif rating == 1:
            step, wait_ms = 0, steps[0]
        elif rating == 2:
            if step == 0:
                wait_ms = steps[0] * 3 // 2 if len(steps) == 1 else (steps[0] + steps[1]) // 2
            else:
                wait_ms = steps[step]
        else:
            step += 1
            wait_ms = steps[step]
    if interval is not None:
        if fuzz:
            interval = _fuzzed_days(interval, seed)
        wait_ms = interval * _DAY
    return Card(state, step, stability, difficulty, at_ms + wait_ms, at_ms)


def _retrievability(card: Card, days: int | None) -> float:
    if days is None or card.stability is None:
        return 0
    retrievability: float = (1 + _FACTOR * max(0, days) / card.stability) ** _DECAY
    return retrievability


def _next_interval(stability: float, retention: float) -> int:
    days: int = round((stability / _FACTOR) * ((retention ** (1 / _DECAY)) - 1))
    return min(max(days, 1), _MAX_INTERVAL_DAYS)


def _short_term_stability(stability: float, rating: int) -> float:
    increase: float = (math.e ** (_W[17] * (rating - 3 + _W[18]))) * (stability ** -_W[19])
    if rating != 1:
        increase = max(increase, 1.0)
    return max(stability * increase, _STABILITY_MIN)


def _next_difficulty(difficulty: float, rating: int) -> float:
    delta = -(_W[6] * (rating - 3))
    damped = difficulty + (10.0 - difficulty) * delta / 9.0
    return min(max(_W[7] * _EASY_DIFFICULTY + (1 - _W[7]) * damped, 1.0), 10.0)


def _next_stability(
    difficulty: float, stability: float, retrievability: float, rating: int
) -> float:
    if rating == 1:
        long_term: float = (
            _W[11]
            * (difficulty ** -_W[12])
            * (((stability + 1) ** (_W[13])) - 1)
            * (math.e ** ((1 - retrievability) * _W[14]))
        )
        next_stability: float = min(long_term, stability / _FORGET_SHORT_TERM)
    else:
        hard_penalty = _W[15] if rating == 2 else 1
        easy_bonus = _W[16] if rating == 4 else 1
        next_stability = stability * (
            1
            + _RECALL_BASE
            * (11 - difficulty)
            * (stability ** -_W[9])
            * ((math.e ** ((1 - retrievability) * _W[10])) - 1)
            * hard_penalty
            * easy_bonus
        )
    return max(next_stability, _STABILITY_MIN)


def _fuzzed_days(interval: int, seed: str) -> int:
    """Spread long intervals a little (as FSRS does) so cards added together don't stay together."""
    days = float(interval)
    if days < 2.5:
        return interval
    delta = 1.0
    for start, end, factor in ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, float("inf"), 0.05)):
        delta += factor * max(min(days, end) - start, 0.0)
    low, high = max(2, round(days - delta)), round(days + delta)
    unit = int.from_bytes(hashlib.blake2b(seed.encode(), digest_size=8).digest(), "big") / 2**64
    return round(low + unit * (high - low))


def _iso(unix_ms: int) -> str:
    # Exact in integers (fsrs' own datetimes came from a float: the same text for any date
    # before 2242, a millisecond off after it).
    return (EPOCH + timedelta(milliseconds=unix_ms)).isoformat()


def _ms(iso: str) -> int:
    return (datetime.fromisoformat(iso) - EPOCH) // _ONE_MS


def card_to_dict(card: Card) -> dict[str, Any]:
    """fsrs' Card.to_dict (card_id 0): the stored and exported form."""
    return {
        "card_id": 0,
        "state": card.state,
        "step": card.step,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": _iso(card.due_ms),
        "last_review": _iso(card.last_review_ms) if card.last_review_ms is not None else None,
    }


def card_from_dict(data: dict[str, Any]) -> Card:
    last = data.get("last_review")
    return Card(
        state=int(data["state"]),
        step=data["step"],
        stability=float(data["stability"]) if data["stability"] else None,
        difficulty=float(data["difficulty"]) if data["difficulty"] else None,
        due_ms=_ms(data["due"]),
        last_review_ms=_ms(last) if last else None,
    )


def is_lapse(card: Card | None, rating: int) -> bool:
    """Forgetting a card that had graduated to review."""
    return rating == 1 and card is not None and card.state == REVIEW


def is_mastered(card: Card | None) -> bool:
    return bool(
        card is not None
        and card.state == REVIEW
        and (card.stability or 0.0) >= MASTERED_STABILITY_DAYS
    )


def next_due_preview(card: Card | None, at_ms: int, retention: float) -> dict[int, int]:
    """For each rating, when the card would next be due (Unix ms), without fuzz."""
    return {r: schedule(card, r, at_ms, retention, False, "").due_ms for r in RATING_NAMES}


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
