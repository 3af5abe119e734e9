"""The activity stream: immutable events in one envelope, each payload validated by its kind.

All learning state is derived from these events (the desktop's domain/projections.py). A
correction is a new event, never an update. Events of a kind or schema version this build does
not know are kept and passed on (a newer app on another device may have written them) but
ignored by projections.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from typing import Any, NamedTuple

from .checks import EventError, fail, integer, text
from .hlc import HLC_PATTERN, Hlc
from .ids import UUID_PATTERN, is_uuid
from .payloads import SCHEMA_VERSION, SPECS, validate_payload

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
            raise fail("event", "an object", data)
        for name in ("id", "kind", "hlc", "device_id", "occurred_at", "tz_offset_min", "payload"):
            if name not in data:
                raise EventError(f"{name}: missing")
        event_id = text(36, 36)("id", data["id"])
        if not is_uuid(event_id):
            raise fail("id", "a UUID", event_id)
        kind = text(60, 1)("kind", data["kind"])
        try:
            Hlc.parse(data["hlc"])
        except ValueError as exc:
            raise fail("hlc", "a clock value", data["hlc"]) from exc
        v = integer(1, 1000)("v", data.get("v", 1))
        device_id = text(64, 1)("device_id", data["device_id"])
        occurred_at = parse_instant(data["occurred_at"])
        tz_offset_min = integer(-16 * 60, 16 * 60)("tz_offset_min", data["tz_offset_min"])
        payload = data["payload"]
        if not isinstance(payload, dict):
            raise fail("payload", "an object", payload)
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
    raise fail("occurred_at", "a UTC time such as 2026-01-31T09:30:00.000Z", value)
