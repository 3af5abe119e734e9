from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aidioma_protocol.checks import LENGTH, MEMBER, RANGE, TEXTS, Check, EventError
from aidioma_protocol.events import Event, format_instant, parse_instant
from aidioma_protocol.hlc import Hlc
from aidioma_protocol.ids import uuid7
from aidioma_protocol.payloads import SPECS, payload_version, validate_payload


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


def _edges(check: Check) -> list[Any]:
    """Values a field's rule accepts, at its bounds."""
    if check.how == LENGTH:
        return ["ñ" * check.low, "x" * check.high]
    if check.how == MEMBER:
        return list(check.low)
    if check.how == RANGE:
        return [check.type(check.low), check.type(check.high)]
    if check.how == TEXTS:
        return [[], ["é" * check.low] * check.high]
    return [True, False] if check.type is bool else [7]


def _near_misses(check: Check) -> list[Any]:
    """Values just past a field's rule: over or under a bound, the wrong type, misspelt."""
    odd = [None, "", [], {}, float("nan"), float("inf"), 10**20]
    if check.how == LENGTH:
        return [*odd, "x" * (check.high + 1), "x" * (check.low - 1) if check.low else 1]
    if check.how == MEMBER:
        return [*odd, *(o + "x" for o in check.low), *(o.upper() for o in check.low)]
    if check.how == RANGE and check.type is int:
        return [*odd, check.low - 1, check.high + 1, float(check.low), True, str(check.low)]
    if check.how == RANGE:
        return [*odd, check.low - 1e-9, check.high + 1e-9, int(check.high), int(check.low), False]
    if check.how == TEXTS:
        return [*odd, ["é" * (check.low + 1)], ["e"] * (check.high + 1), [1], ("a",)]
    return [*odd, 0, 1, "true"]


def _agree(kind: str, payload: dict[str, Any]) -> None:
    """validate_payload compares a payload as the apps write it in a few steps; anything else
    goes field by field (a mapping that is not a dict always does). Both must give the same
    answer: the same error, or the same cleaned payload (5 made 5.0, key order, fresh lists)."""
    try:
        expected = validate_payload(kind, MappingProxyType(payload))
    except EventError as exc:
        with pytest.raises(EventError) as raised:
            validate_payload(kind, payload)
        assert str(raised.value) == str(exc)
    else:
        clean = validate_payload(kind, payload)
        assert list(clean.items()) == list(expected.items())
        assert [type(v) for v in clean.values()] == [type(v) for v in expected.values()]
        for name, value in clean.items():
            if isinstance(value, list):
                assert value is not payload[name]  # the caller's list is not the event's


def _fields(kind: str) -> list[tuple[str, Check]]:
    return [*SPECS[kind].required.items(), *SPECS[kind].optional.items()]


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_the_quick_payload_check_agrees_with_the_full_one_at_every_bound(kind):
    base = {name: _edges(check)[0] for name, check in _fields(kind)}
    for name, check in _fields(kind):
        for value in _edges(check) + _near_misses(check):
            _agree(kind, base | {name: value})
        _agree(kind, {k: v for k, v in base.items() if k != name})  # left out
    _agree(kind, base | {"unknown": 1})


@given(st.data())
def test_the_quick_payload_check_agrees_with_the_full_one_on_any_payload(data):
    kind = data.draw(st.sampled_from(sorted(SPECS)))
    payload: dict[str, Any] = {}
    for name, check in _fields(kind):
        if name in SPECS[kind].required or data.draw(st.booleans()):
            values = _edges(check) if data.draw(st.integers(0, 3)) else _near_misses(check)
            payload[name] = data.draw(st.sampled_from(values))
    _agree(kind, payload)


def test_a_practice_payload_with_its_error_list_passes_unchanged():
    payload = practice(errors=["accent", "word_order"])
    clean = validate_payload("practice.attempted", payload)
    assert clean == payload
    payload["errors"].append("later change")
    assert clean["errors"] == ["accent", "word_order"]


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


def test_a_setting_a_profile_was_created_with_is_written_as_version_2():
    """Older apps refuse the `initial` field: marked version 2, such events are kept and passed
    on by them unread, while every other event stays version 1, which they read."""
    created = {"key": "level", "value": "advanced", "initial": True}
    assert payload_version("setting.changed", created) == 2
    assert payload_version("setting.changed", {"key": "level", "value": "advanced"}) == 1
    assert payload_version("review.graded", {}) == 1
    event = Event(uuid7(), "setting.changed", Hlc(5, 0, "d1").render(), "d1", 5, 0, created, 2)
    assert Event.from_dict(event.to_dict()) == event
    with pytest.raises(EventError, match=r"payload\.initial: not a field of .* version 1"):
        Event.from_dict(event.to_dict() | {"v": 1})
