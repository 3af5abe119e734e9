"""Projections: pure folds of the activity stream ordered by (hlc, id).

The same set of events gives the same state on every device. Most figures are sums, maxima and
minima, so they do not depend on order; a card's FSRS state does, so it is folded in order and
replayed from its own events when an event arrives that sorts before ones already applied.

An attempt's verdict can be settled after it was graded ("I was right", later the AI tutor): the
latest settling event of each attempt, by (hlc, id), gives the verdict and score it counts with
(`Settlement`, `effective`). Such events sort after their attempt, so a card replays from its own
events when one arrives; a fold looks up each attempt's settlement, whatever the order of arrival.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from aidioma_protocol.events import ORDER, Event
from aidioma_protocol.payloads import SETTINGS

from . import review
from .learning_day import learning_day

CARD_KINDS = ("practice.attempted", "review.graded")
DAY_KINDS = (*CARD_KINDS, "reading.logged", "conversation.ended")
# Events that settle a practice attempt (`attempt_id`) after it was graded: the latest of an
# attempt's by (hlc, id) says how it counts: the person's "I was right" (or its undo), or the
# AI tutor's check of an unsure answer.
SETTLE_KINDS = ("answer.accepted", "answer.unaccepted", "attempt.checked")
# Events that accept an answer of a sentence from now on, or take that back (`AcceptedAnswer`).
ACCEPT_KINDS = ("answer.accepted", "answer.unaccepted")
# Events stored with their content id, so that a card's replay finds them (store/database.py).
CONTENT_KINDS = (*CARD_KINDS, *SETTLE_KINDS)


@dataclass(frozen=True, slots=True)
class Settlement:
    """How a settled attempt counts: with `verdict` and `score` instead of its own, or with its
    own again when they are None (an acceptance undone)."""

    key: tuple[str, str]  # (hlc, id) of the event that settled it: the latest one wins
    verdict: str | None = None
    score: int | None = None


def settlement(event: Event) -> Settlement | None:
    """What a SETTLE_KINDS event says of its attempt; None when it names no attempt."""
    if "attempt_id" not in event.payload:
        return None
    if event.kind == "answer.accepted":
        return Settlement(event.order_key, "correct", 100)
    if event.kind == "attempt.checked":  # the tutor's verdict
        return Settlement(event.order_key, event.payload["verdict"], event.payload["score"])
    return Settlement(event.order_key)


def settled_attempt(event: Event) -> tuple[str, str]:
    """(content id, attempt id) of a settling event: an attempt is settled only by events of
    its own content, so that replaying that one card is enough when one arrives."""
    return event.payload["content_id"], event.payload["attempt_id"]


def effective(payload: dict[str, Any], settled: Settlement | None) -> tuple[str, int]:
    """An attempt's verdict and score as they count: its own, unless it was settled otherwise."""
    if settled is None or settled.verdict is None or settled.score is None:
        return payload["verdict"], payload["score"]
    return settled.verdict, settled.score


_SPACES = re.compile(r"\s+")
_FINAL = ".!?…"


def answer_key(answer: str) -> str:
    """An answer as accepted answers are told apart: the same words however they were typed
    (composed accents, case, spacing, a full stop or none)."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", answer).casefold())
    return _SPACES.sub(" ", folded).strip().rstrip(_FINAL + " ")


def accepted_key(event: Event) -> tuple[str, str, str]:
    """(content id, direction, answer_key) of an ACCEPT_KINDS event."""
    p = event.payload
    return p["content_id"], p["direction"], answer_key(p["answer"])


@dataclass(slots=True)
class AcceptedAnswer:
    """An answer the person said is right, or took that back: the latest event wins."""

    answer: str  # as typed in the event that won
    accepted: bool
    key: tuple[str, str]  # (hlc, id) of that event


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

    def apply(self, event: Event, settled: Settlement | None = None) -> None:
        """Fold one card event; callers apply a content's events in (hlc, id) order, each
        attempt with its settlement (the latest settling event of it, wherever it sorts)."""
        p = event.payload
        at = event.occurred_at
        self.first_seen_ms = at if not self.first_seen_ms else min(self.first_seen_ms, at)
        self.last_seen_ms = max(self.last_seen_ms, at)
        if event.kind == "practice.attempted":
            verdict, score = effective(p, settled)
            self.attempts += 1
            self.best_score = max(self.best_score, score)
            self.score_sum += score
            rating = review.rating_for_attempt(verdict, p["hints_used"])
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

    def apply(self, event: Event, settled: Settlement | None = None) -> None:
        """Add one event of this day (an attempt as its settlement says it counts)."""
        p = event.payload
        self.practice_ms += p.get("duration_ms", 0)
        if event.kind == "practice.attempted":
            verdict, score = effective(p, settled)
            self.attempts += 1
            self.score_sum += score
            self.hints_used += p["hints_used"]
            self.correct += verdict == "correct"
        elif event.kind == "review.graded":
            self.reviews += 1
        elif event.kind == "reading.logged":
            self.readings += 1
        elif event.kind == "conversation.ended":
            self.conversations += 1

    def resettle(
        self, attempt: dict[str, Any], before: Settlement | None, after: Settlement | None
    ) -> None:
        """An attempt of this day, already added, now counts as `after` says, not `before`:
        a settlement is rare, so it is applied as a difference, not by adding up the day again."""
        old_verdict, old_score = effective(attempt, before)
        new_verdict, new_score = effective(attempt, after)
        self.score_sum += new_score - old_score
        self.correct += (new_verdict == "correct") - (old_verdict == "correct")


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
    settled: dict[tuple[str, str], Settlement] = field(default_factory=dict)  # settled_attempt
    accepted: dict[tuple[str, str, str], AcceptedAnswer] = field(default_factory=dict)

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
        # Settlements too: an attempt counts as the latest of them says, though they sort after it.
        for event in ordered:
            if event.kind == "setting.changed":
                state.apply_setting(event)
            elif event.kind in SETTLE_KINDS:
                state.apply_settlement(event)
        day_start = state.setting("day_starts_at")
        for event in ordered:
            state.apply(event, day_start)
        return state

    def apply(self, event: Event, day_start: int) -> None:
        """Fold one event, in (hlc, id) order, once every settlement is in (see `rebuild`)."""
        kind = event.kind
        settled = None
        if kind == "practice.attempted":
            settled = self.settled.get((event.payload["content_id"], event.id))
        if kind in CARD_KINDS:
            cid = event.payload["content_id"]
            progress = self.progress.get(cid) or self.progress.setdefault(cid, Progress(cid))
            progress.apply(event, settled)
        if kind in DAY_KINDS:
            day = learning_day(event.occurred_at, event.tz_offset_min, day_start)
            (self.days.get(day) or self.days.setdefault(day, DayStats(day))).apply(event, settled)
        elif kind in ACCEPT_KINDS:
            self.apply_accepted(event)
        elif kind == "setting.changed":
            self.apply_setting(event)
        elif kind == "card.added":
            cid = event.payload["content_id"]
            current = self.added.get(cid)
            if current is None or current.key < event.order_key:
                self.added[cid] = AddedCard(cid, event.payload, event.order_key)

    def apply_settlement(self, event: Event) -> None:
        settled = settlement(event)
        if settled is None:
            return
        attempt = settled_attempt(event)
        current = self.settled.get(attempt)
        if current is None or current.key < settled.key:
            self.settled[attempt] = settled

    def apply_accepted(self, event: Event) -> None:
        key = accepted_key(event)
        current = self.accepted.get(key)
        if current is None or current.key < event.order_key:
            accepted = event.kind == "answer.accepted"
            self.accepted[key] = AcceptedAnswer(event.payload["answer"], accepted, event.order_key)

    def apply_setting(self, event: Event) -> None:
        name, initial = event.payload["key"], is_initial(event)
        current = self.settings.get(name)
        if current is None or setting_wins(event.order_key, initial, current.key, current.initial):
            self.settings[name] = SettingValue(event.payload["value"], event.order_key, initial)
