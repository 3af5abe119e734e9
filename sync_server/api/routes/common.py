"""Small helpers the routers share."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ...errors import ApiError

_compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def dumps(value: object) -> str:
    """Canonical compact JSON, as events are stored and served."""
    return _compact(value)


def format_instant(unix_ms: int) -> str:
    """protocol.Instant: 2026-11-22T10:00:00.000Z."""
    moment = datetime.fromtimestamp(unix_ms / 1000, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def reject_nul(field: str, value: str) -> None:
    # PostgreSQL cannot store NUL in text, and no legitimate name or id contains one.
    if "\x00" in value:
        raise ApiError("invalid", f"{field}: must not contain NUL characters")
