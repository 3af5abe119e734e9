from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aidioma_desktop.domain.events import (
    Event,
    EventError,
    format_instant,
    parse_instant,
    validate_payload,
)
from aidioma_desktop.domain.hlc import Hlc
from aidioma_desktop.domain.ids import uuid7


def practice(**changes):
    payload = {
        "content_id": "food.001",
        "direction": "es-en",
        "answer": "I eat bread",
        "score": 90,
        "verdict": "correct",
        "hints_used": 0,
        "duration_ms": 4000,
        "retention": 0.9,
        "fuzz": False,
    }
    return payload | changes


def test_a_valid_payload_passes_unchanged():
    assert validate_payload("practice.attempted", practice()) == practice()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"score": 101}, "payload.score"),
        ({"score": "90"}, "payload.score"),
        ({"direction": "fr-en"}, "payload.direction"),
        ({"verdict": "great"}, "payload.verdict"),
        ({"retention": float("nan")}, "payload.retention"),
        ({"answer": "x" * 2001}, "payload.answer"),
        ({"hints_used": True}, "payload.hints_used"),
    ],
)
def test_a_bad_field_is_named_in_the_error(change, field):
    with pytest.raises(EventError, match=field.replace(".", r"\.")):
        validate_payload("practice.attempted", practice(**change))


def test_missing_and_unknown_fields_are_named():
    payload = practice()
    del payload["score"]
    with pytest.raises(EventError, match=r"payload.score: missing"):
        validate_payload("practice.attempted", payload)
    with pytest.raises(EventError, match=r"payload.colour: not a field"):
        validate_payload("practice.attempted", practice(colour="red"))


def test_settings_are_validated_per_key():
    assert validate_payload("setting.changed", {"key": "daily_goal", "value": 20})["value"] == 20
    with pytest.raises(EventError, match=r"payload.value \(day_starts_at\)"):
        validate_payload("setting.changed", {"key": "day_starts_at", "value": 25})
    with pytest.raises(EventError, match=r"payload.key"):
        validate_payload("setting.changed", {"key": "is_admin", "value": True})


def test_envelope_round_trips_and_rejects_a_bad_clock():
    event = Event(
        uuid7(),
        "practice.attempted",
        Hlc(5, 0, "d1").render(),
        "d1",
        1_700_000_000_123,
        60,
        practice(),
    )
    assert Event.from_dict(event.to_dict()) == event
    broken = event.to_dict() | {"hlc": "yesterday"}
    with pytest.raises(EventError, match="hlc"):
        Event.from_dict(broken)
    with pytest.raises(EventError, match="occurred_at"):
        Event.from_dict(event.to_dict() | {"occurred_at": "last tuesday"})


def test_events_from_a_newer_app_are_kept_but_not_understood():
    data = {
        "id": uuid7(),
        "kind": "pronunciation.scored",
        "hlc": Hlc(5, 0, "d1").render(),
        "device_id": "d1",
        "occurred_at": 5,
        "tz_offset_min": 0,
        "v": 3,
        "payload": {"x": 1},
    }
    event = Event.from_dict(data)
    assert not event.known
    assert event.payload == {"x": 1}


@pytest.mark.parametrize(
    ("change", "kept"),
    [
        ({}, True),
        ({"id": "UPPER"}, True),  # a UUID in capitals is still one
        ({"occurred_at": 1_700_000_000_123}, True),  # Unix milliseconds, as exports may hold
        ({"extra": "ignored"}, True),
        ({"v": True}, False),
        ({"tz_offset_min": 961}, False),
        ({"hlc": "00000000000005.000000.d1"}, False),  # 14 digits of wall time
        ({"device_id": ""}, False),
        ({"payload": {"rating": 3}}, False),
        ({"payload": []}, False),
    ],
)
def test_the_quick_check_of_canonical_events_accepts_and_refuses_as_the_full_one(change, kept):
    event = Event(
        uuid7(), "practice.attempted", Hlc(5, 0, "d1").render(), "d1", 1_700_000_000_123, 60,
        practice(),
    )  # fmt: skip
    data = event.to_dict() | change
    if change.get("id") == "UPPER":
        data["id"] = event.id.upper()
    if kept:
        assert Event.from_dict(data).payload == event.payload
        # The field-by-field path gives the same event.
        assert Event.from_dict(data) == Event._from_dict_checked(data)
    else:
        with pytest.raises(EventError, match=next(iter(change))):
            Event.from_dict(data)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FIRST_MS = (datetime(1, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(milliseconds=1)
LAST_MS = (datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC) - EPOCH) // timedelta(
    milliseconds=1
)


@given(st.integers(FIRST_MS, LAST_MS))
def test_times_are_written_exactly_to_the_millisecond_and_read_back(unix_ms: int):
    expected = (EPOCH + timedelta(milliseconds=unix_ms)).isoformat(timespec="milliseconds")
    assert format_instant(unix_ms) == expected.replace("+00:00", "Z")
    assert parse_instant(format_instant(unix_ms)) == unix_ms


def test_the_last_millisecond_of_9999_is_written_as_it_is():
    assert format_instant(LAST_MS) == "9999-12-31T23:59:59.999Z"
    assert format_instant(0) == "1970-01-01T00:00:00.000Z"
    assert format_instant(-1) == "1969-12-31T23:59:59.999Z"
