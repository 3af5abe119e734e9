"""UUIDv7 identifiers (RFC 9562): time-ordered, so ids sort roughly by creation time."""

from __future__ import annotations

import os
import time
import uuid

# A UUID as str(uuid.UUID(...)) renders it: what the apps write, and all the sync server takes.
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def uuid7(unix_ms: int | None = None, rand: bytes | None = None) -> str:
    """A UUIDv7 string; `unix_ms` and `rand` (10 bytes) may be given for reproducible ids."""
    ms = time.time_ns() // 1_000_000 if unix_ms is None else unix_ms
    rb = os.urandom(10) if rand is None else rand
    value = (ms & 0xFFFF_FFFF_FFFF) << 80
    value |= 0x7 << 76  # version
    value |= (int.from_bytes(rb[:2], "big") & 0x0FFF) << 64
    value |= 0b10 << 62  # variant
    value |= int.from_bytes(rb[2:10], "big") & 0x3FFF_FFFF_FFFF_FFFF
    return str(uuid.UUID(int=value))


def is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        return False
    return True
