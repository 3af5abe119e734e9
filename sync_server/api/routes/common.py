"""Small helpers the routers share."""

from __future__ import annotations

import json

from ...errors import ApiError

_compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def dumps(value: object) -> str:
    """Canonical compact JSON, as events are stored and served."""
    return _compact(value)


def reject_nul(field: str, value: str) -> None:
    # PostgreSQL cannot store NUL in text, and no legitimate name or id contains one.
    if "\x00" in value:
        raise ApiError("invalid", f"{field}: must not contain NUL characters")
