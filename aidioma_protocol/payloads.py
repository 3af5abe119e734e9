"""Each event kind's payload: its fields and their rules (SPECS), and validate_payload.

Separate from the envelope (events.py): the server checks envelopes; payloads are the apps'
business (the server checks them too today, until they are end-to-end encrypted).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .checks import (
    ANY,
    LENGTH,
    MEMBER,
    RANGE,
    TEXTS,
    Check,
    EventError,
    boolean,
    choice,
    fail,
    integer,
    number,
    text,
    text_list,
)

# Payload versions. 1: every kind as first released; a field added later names its version in
# its kind's spec (PayloadSpec.since): older apps refuse a field they do not know, but store
# and pass on unread an event of a version they do not know.
SCHEMA_VERSION = 3  # the newest this build reads
MAX_ANSWER_CHARS = 2000
LEVELS = ("beginner", "intermediate", "advanced")
DIRECTIONS = ("es-en", "en-es")
VERDICTS = ("correct", "almost", "wrong")


_MISSING = object()


@dataclass(frozen=True)
class PayloadSpec:
    required: Mapping[str, Check]
    optional: Mapping[str, Check] = field(default_factory=dict)
    since: Mapping[str, int] = field(default_factory=dict)  # optional fields added in version N

    def version(self, payload: Mapping[str, Any]) -> int:
        """The oldest version that has every field of `payload`."""
        return max((self.since[name] for name in self.since if name in payload), default=1)

    @cached_property
    def fields(self) -> frozenset[str]:
        return frozenset(self.required) | frozenset(self.optional)

    # (name, label in messages, check): labels made once, not per event and field.
    @cached_property
    def required_checks(self) -> tuple[tuple[str, str, Check], ...]:
        return tuple((name, f"payload.{name}", check) for name, check in self.required.items())

    @cached_property
    def optional_checks(self) -> tuple[tuple[str, str, Check], ...]:
        return tuple((name, f"payload.{name}", check) for name, check in self.optional.items())

    @cached_property
    def rules(self) -> tuple[tuple[str, bool, int, type, Any, Any], ...]:
        """(name, required, how, type, low, high) of every field, in the order of `clean`."""
        return tuple(
            (name, required, c.how, c.type, c.low, c.high)
            for required, checks in ((True, self.required), (False, self.optional))
            for name, c in checks.items()
        )

    def as_written(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """The payload as the field-by-field checks would return it, when every field is
        exactly as the apps write it (exact types, within bounds, no unknown field); else None.
        A few comparisons per field: a sync checks its events by the hundred thousand."""
        clean: dict[str, Any] = {}
        for name, required, how, kind, low, high in self.rules:
            value = payload.get(name, _MISSING)
            if value is _MISSING:
                if required:
                    return None
                continue
            if type(value) is not kind and how != ANY:
                return None
            if how == RANGE:
                if not low <= value <= high:  # NaN compares false: refused too
                    return None
            elif how == LENGTH:
                if not low <= len(value) <= high:
                    return None
            elif how == MEMBER:
                if value not in low:
                    return None
            elif how == TEXTS:
                if len(value) > high:
                    return None
                for entry in value:
                    if type(entry) is not str or len(entry) > low:
                        return None
                value = list(value)  # the caller's list stays the caller's
            clean[name] = value
        return clean if len(clean) == len(payload) else None


_CONTENT_ID = text(120, 1)
RUBRIC = ("accuracy", "vocabulary", "fluency", "task")
_DURATION = integer(0, 24 * 3600 * 1000)
_RETENTION = number(0.7, 0.99)
_EVENT_ID = text(36, 36)  # another event's id (a UUID), e.g. the attempt an answer.accepted settles

# Settings that sync between a person's devices (last writer by HLC wins).
SETTINGS: dict[str, tuple[Check, Any]] = {
    "display_name": (text(60, 1), "Learner"),
    "email": (text(254), ""),
    "primary_language": (choice("en", "es"), "en"),
    "target_language": (choice("es", "en"), "es"),
    "level": (choice(*LEVELS), "beginner"),
    "daily_goal": (integer(1, 500), 10),
    "day_starts_at": (integer(0, 23), 4),
    "desired_retention": (number(0.7, 0.97), 0.9),
    "new_cards_per_day": (integer(0, 200), 10),
    "review_fuzz": (boolean, True),
    "ai_budget_usd": (number(0, 10_000), 0.0),  # a month's AI budget, US dollars; 0: none
}
# Settings added after version 1: a setting.changed of one is written as that version, so an
# older app keeps it unread instead of refusing a key it does not know.
SETTING_SINCE = {"ai_budget_usd": 3}

# An answer accepted for a sentence and direction (or that acceptance undone), and the attempt
# it settles.
_ACCEPTANCE = PayloadSpec(
    required={
        "content_id": _CONTENT_ID,
        "direction": choice(*DIRECTIONS),
        "answer": text(MAX_ANSWER_CHARS, 1),
    },
    optional={"attempt_id": _EVENT_ID},
)

SPECS: dict[str, PayloadSpec] = {
    "practice.attempted": PayloadSpec(
        required={
            "content_id": _CONTENT_ID,
            "direction": choice(*DIRECTIONS),
            "answer": text(MAX_ANSWER_CHARS),
            "score": integer(0, 100),
            "verdict": choice(*VERDICTS),
            "hints_used": integer(0, 10),
            "duration_ms": _DURATION,
            "retention": _RETENTION,
            "fuzz": boolean,
        },
        optional={"errors": text_list(50, 40)},
    ),
    "review.graded": PayloadSpec(
        required={
            "content_id": _CONTENT_ID,
            "rating": integer(1, 4),
            "duration_ms": _DURATION,
            "retention": _RETENTION,
            "fuzz": boolean,
        }
    ),
    "card.added": PayloadSpec(
        required={"content_id": _CONTENT_ID, "es": text(500, 1), "en": text(500, 1)},
        optional={
            "level": choice(*LEVELS),
            "category": text(60, 1),
            "source": text(200),
            "note": text(500),
        },
    ),
    "reading.logged": PayloadSpec(
        required={"title": text(200), "words": integer(0, 10_000_000), "duration_ms": _DURATION}
    ),
    # The learner's own translation of a sentence of their document (reading practice).
    "reading.translated": PayloadSpec(
        required={
            "source": text(200),
            "es": text(500, 1),
            "answer": text(MAX_ANSWER_CHARS, 1),
            "duration_ms": _DURATION,
        },
        optional={"difficulty": number(0, 1)},
    ),
    # A tutor conversation's metadata (never a turn): version 3 adds the level, whether a
    # model ran it or it was the guided dialogue, the goals met and the rubric (1-5 each).
    "conversation.ended": PayloadSpec(
        required={
            "scenario_id": text(120, 1),
            "turns": integer(0, 10_000),
            "tokens": integer(0, 100_000_000),
            "cost": number(0, 1_000_000),
            "duration_ms": _DURATION,
        },
        optional={
            "level": choice(*LEVELS),
            "mode": choice("model", "guided"),
            "goals_met": integer(0, 50),
            "goals_total": integer(0, 50),
            **{name: integer(1, 5) for name in RUBRIC},
        },
        since={name: 3 for name in ("level", "mode", "goals_met", "goals_total", *RUBRIC)},
    ),
    # One correction (a tutor's or the speaking practice's): its kind, the corrected word or
    # phrase and a short reason (version 3); never a whole turn of the learner or the tutor.
    "feedback.recorded": PayloadSpec(
        required={"feedback_type": text(50, 1), "score": number(0, 1)},
        optional={
            "content_id": _CONTENT_ID,
            "suggestions": text_list(20, 300),
            "corrected": text(200),
            "reason": text(300),
            "scenario_id": text(120, 1),
        },
        since={"corrected": 3, "reason": 3, "scenario_id": 3},
    ),
    # A model call (the seeds' api_usage_log): version 3 adds the model and the tokens each way
    # exactly as the provider reported them, and the cost from the price table.
    "ai.used": PayloadSpec(
        required={
            "service": text(100, 1),
            "tokens": integer(0, 100_000_000),
            "duration_ms": _DURATION,
            "cost": number(0, 1_000_000),
        },
        optional={
            "model": text(120),
            "tokens_in": integer(0, 100_000_000),
            "tokens_out": integer(0, 100_000_000),
            "cost_usd": number(0, 1_000_000),
        },
        since={"model": 3, "tokens_in": 3, "tokens_out": 3, "cost_usd": 3},
    ),
    # "I was right": the person accepts an answer the grader did not know (projections.py: it
    # counts as correct from then on, and settles the attempt `attempt_id` as correct).
    "answer.accepted": _ACCEPTANCE,
    # An acceptance undone (a mistaken press): events are never edited, so a new one says so.
    "answer.unaccepted": _ACCEPTANCE,
    # The AI tutor's verdict on an attempt the offline grader was unsure of (from the model or
    # its local cache): it settles the attempt (projections: the latest verdict counts).
    "attempt.checked": PayloadSpec(
        required={
            "content_id": _CONTENT_ID,
            "attempt_id": _EVENT_ID,
            "verdict": choice(*VERDICTS),
            "score": integer(0, 100),
            "by": choice("model", "exact", "similar", "semantic"),
        },
        optional={"model": text(120)},
    ),
    # The value is checked by its setting's own rule (SETTINGS), once the key is known.
    # `initial`: a value a profile was created with, not a change the person made (see
    # projections.setting_wins).
    "setting.changed": PayloadSpec(
        required={"key": choice(*SETTINGS), "value": Check(ANY, object)},
        optional={"initial": boolean},
        since={"initial": 2},
    ),
}

KINDS = tuple(SPECS)


def validate_payload(kind: str, payload: Any, v: int = SCHEMA_VERSION) -> dict[str, Any]:
    """The payload cleaned and checked against its kind's spec at version `v`; EventError
    names the bad field."""
    spec = SPECS.get(kind)
    if spec is None:
        raise EventError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    clean = spec.as_written(payload) if type(payload) is dict else None
    if clean is None:
        clean = _checked(kind, spec, payload)
    if spec.since and spec.version(clean) > v:
        newer = next(name for name in spec.since if name in clean and spec.since[name] > v)
        raise EventError(f"payload.{newer}: not a field of {kind} version {v}")
    if kind == "setting.changed":
        if SETTING_SINCE.get(clean["key"], 1) > v:
            raise EventError(f"payload.key: {clean['key']} is not a setting of version {v}")
        check, _default = SETTINGS[clean["key"]]
        clean["value"] = check(f"payload.value ({clean['key']})", clean["value"])
    return clean


def payload_version(kind: str, payload: Mapping[str, Any]) -> int:
    """The version an event is written as: the oldest that has every field of `payload`, so
    that older apps read all they can."""
    spec = SPECS.get(kind)
    if spec is None:
        return 1
    if kind == "setting.changed":
        return max(spec.version(payload), SETTING_SINCE.get(payload.get("key", ""), 1))
    return spec.version(payload)


def _checked(kind: str, spec: PayloadSpec, payload: Any) -> dict[str, Any]:
    """validate_payload field by field: what is cleaned (an integer number made a float) and
    the first field that is wrong, named."""
    if not isinstance(payload, Mapping):
        raise fail("payload", "an object", payload)
    if not spec.fields.issuperset(payload):
        unknown = set(payload) - spec.fields
        raise EventError(f"payload.{sorted(unknown)[0]}: not a field of {kind}")
    clean: dict[str, Any] = {}
    for name, label, check in spec.required_checks:
        if name not in payload:
            raise EventError(f"{label}: missing (required by {kind})")
        clean[name] = check(label, payload[name])
    if len(payload) > len(clean):
        for name, label, check in spec.optional_checks:
            if name in payload:
                clean[name] = check(label, payload[name])
    return clean
