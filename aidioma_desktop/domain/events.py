"""The activity stream: immutable events in one envelope, each payload validated by its kind.

All learning state is derived from these events (see projections.py). A correction is a new
event, never an update. Events of a kind or schema version this build does not know are kept and
passed on (a newer app on another device may have written them) but ignored by projections.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from operator import attrgetter
from typing import Any, NamedTuple

from .errors import AppError
from .hlc import HLC_PATTERN, Hlc
from .ids import UUID_PATTERN, is_uuid

# Payload versions. 1: every kind as first released; a field added later names its version in
# its kind's spec (PayloadSpec.since): older apps refuse a field they do not know, but store
# and pass on unread an event of a version they do not know.
SCHEMA_VERSION = 3  # the newest this build reads
MAX_ANSWER_CHARS = 2000
# One event's payload as compact UTF-8 JSON; the sync server refuses larger ones
# (sync_server/protocol.py MAX_PAYLOAD_BYTES; a test keeps the two equal).
MAX_PAYLOAD_BYTES = 16 * 1024
LEVELS = ("beginner", "intermediate", "advanced")
DIRECTIONS = ("es-en", "en-es")
VERDICTS = ("correct", "almost", "wrong")


class EventError(AppError, ValueError):
    """An event or payload that breaks the schema; the message names the bad field."""


def _fail(name: str, expected: str, value: Any) -> EventError:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return EventError(f"{name}: expected {expected}, got {shown}")


# How a Check tests a value: a number in a range, a text's length, one of some texts, the type
# alone, a list of short texts, anything (checked elsewhere).
RANGE, LENGTH, MEMBER, TYPE, TEXTS, ANY = range(6)


@dataclass(frozen=True, slots=True)
class Check:
    """A field's rule, as data. Called, `check(name, value)`, it returns the value cleaned or
    raises EventError naming the field; its parts also make validate_payload's fast path, which
    only needs to compare a value exactly as the apps write it."""

    how: int
    type: type  # the value's exact type as the apps write it
    low: Any = None  # RANGE, LENGTH: the bounds; MEMBER: the options; TEXTS: a text's length
    high: Any = None  # TEXTS: how many texts

    def __call__(self, name: str, value: Any) -> Any:
        how, low, high = self.how, self.low, self.high
        if how == LENGTH:
            if not isinstance(value, str) or not low <= len(value) <= high:
                raise _fail(name, f"text of {low}..{high} characters", value)
            return value
        if how == MEMBER:
            if value not in low:
                raise _fail(name, "one of " + ", ".join(low), value)
            return str(value)
        if how == RANGE and self.type is int:
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise _fail(name, f"a whole number {low}..{high}", value)
            return value
        if how == RANGE:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not ok or not math.isfinite(value) or not low <= value <= high:
                raise _fail(name, f"a number {low}..{high}", value)
            return float(value)
        if how == TYPE:
            if not isinstance(value, bool):
                raise _fail(name, "true or false", value)
            return value
        if how == TEXTS:
            if not isinstance(value, list) or len(value) > high:
                raise _fail(name, f"a list of at most {high} texts", value)
            item = text(low)
            return [item(f"{name}[{i}]", entry) for i, entry in enumerate(value)]
        return value


def text(max_len: int, min_len: int = 0) -> Check:
    return Check(LENGTH, str, min_len, max_len)


def choice(*options: str) -> Check:
    return Check(MEMBER, str, options)


def integer(low: int, high: int) -> Check:
    return Check(RANGE, int, low, high)


def number(low: float, high: float) -> Check:
    return Check(RANGE, float, low, high)


boolean = Check(TYPE, bool)


def text_list(max_items: int, max_len: int) -> Check:
    return Check(TEXTS, list, max_len, max_items)


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
        raise _fail("payload", "an object", payload)
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


# The stream's order, (hlc, id): in C, as a sort key of a sync's page it costs less.
ORDER = attrgetter("hlc", "id")


class Event(NamedTuple):
    """One immutable event. A named tuple, not a frozen dataclass: a sync builds them by the
    hundred thousand, and a frozen dataclass's __init__ (a setattr per field) cost 4x more."""

    id: str
    kind: str
    hlc: str
    device_id: str
    occurred_at: int  # Unix time in milliseconds, UTC
    tz_offset_min: int  # the device's UTC offset when it happened
    payload: dict[str, Any]
    v: int = 1  # payload_version of the payload

    @property
    def order_key(self) -> tuple[str, str]:
        return ORDER(self)

    @property
    def known(self) -> bool:
        """Whether this build understands the event (else it is kept, synced and skipped)."""
        return self.kind in SPECS and self.v <= SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "hlc": self.hlc,
            "device_id": self.device_id,
            "occurred_at": format_instant(self.occurred_at),
            "tz_offset_min": self.tz_offset_min,
            "v": self.v,
            "payload": self.payload,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Event:
        """Parse and validate an envelope (from the wire, an export or a file)."""
        if canonical_envelope(data):
            kind, payload, v = data["kind"], data["payload"], data["v"]
            occurred_at = parse_instant(data["occurred_at"])
            if kind in SPECS and v <= SCHEMA_VERSION:
                payload = validate_payload(kind, payload, v)
            return cls(
                data["id"], kind, data["hlc"], data["device_id"], occurred_at,
                data["tz_offset_min"], payload, v,
            )  # fmt: skip
        return cls._from_dict_checked(data)

    @classmethod
    def _from_dict_checked(cls, data: Any) -> Event:
        if not isinstance(data, Mapping):
            raise _fail("event", "an object", data)
        for name in ("id", "kind", "hlc", "device_id", "occurred_at", "tz_offset_min", "payload"):
            if name not in data:
                raise EventError(f"{name}: missing")
        event_id = text(36, 36)("id", data["id"])
        if not is_uuid(event_id):
            raise _fail("id", "a UUID", event_id)
        kind = text(60, 1)("kind", data["kind"])
        try:
            Hlc.parse(data["hlc"])
        except ValueError as exc:
            raise _fail("hlc", "a clock value", data["hlc"]) from exc
        v = integer(1, 1000)("v", data.get("v", 1))
        device_id = text(64, 1)("device_id", data["device_id"])
        occurred_at = parse_instant(data["occurred_at"])
        tz_offset_min = integer(-16 * 60, 16 * 60)("tz_offset_min", data["tz_offset_min"])
        payload = data["payload"]
        if not isinstance(payload, dict):
            raise _fail("payload", "an object", payload)
        if kind in SPECS and v <= SCHEMA_VERSION:
            payload = validate_payload(kind, payload, v)
        return cls(event_id, kind, data["hlc"], device_id, occurred_at, tz_offset_min, payload, v)


# The server's own patterns; each implies the checks of _from_dict_checked (is_uuid, Hlc.parse).
_CANONICAL_ID = re.compile(UUID_PATTERN).fullmatch
_CANONICAL_HLC = re.compile(HLC_PATTERN).fullmatch


def canonical_envelope(data: Any) -> bool:
    """Whether `data` is an envelope exactly as the apps write it (all eight fields, exact types,
    the server's limits; `occurred_at` text, not yet parsed), checked in a few comparisons.

    A sync moves events by the hundred thousand, nearly all in this form; anything else takes
    the field-by-field path (Event.from_dict, the server's SyncRequest), which accepts the same
    events and names what is wrong with the others.
    """
    if type(data) is not dict or len(data) != 8:
        return False
    event_id, kind, hlc = data.get("id"), data.get("kind"), data.get("hlc")
    device_id, tz, v = data.get("device_id"), data.get("tz_offset_min"), data.get("v")
    return (
        type(event_id) is str
        and _CANONICAL_ID(event_id) is not None
        and type(kind) is str
        and 0 < len(kind) <= 60
        and type(hlc) is str
        and _CANONICAL_HLC(hlc) is not None
        and type(device_id) is str
        and 0 < len(device_id) <= 64
        and type(tz) is int
        and -16 * 60 <= tz <= 16 * 60
        and type(v) is int
        and 1 <= v <= 1000
        and type(data.get("payload")) is dict
        and type(data.get("occurred_at")) is str
    )


class StoredEvent(NamedTuple):
    """An event as stored: the payload still JSON text (for sending it on unchanged)."""

    id: str
    kind: str
    hlc: str
    device_id: str
    occurred_at: int
    tz_offset_min: int
    v: int
    payload_json: str


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # Unix time 0, the origin of every `*_ms` instant


def format_instant(unix_ms: int) -> str:
    """UTC, to the millisecond: `2026-01-31T09:30:00.000Z`. Added as a timedelta, not divided
    into a float timestamp: exact for any date (a float made the last millisecond of 9999 .998)."""
    moment = EPOCH + timedelta(milliseconds=unix_ms)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_instant(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            if moment.tzinfo is not None:
                return round(moment.timestamp() * 1000)
    raise _fail("occurred_at", "a UTC time such as 2026-01-31T09:30:00.000Z", value)
