"""Time as the services see it: injectable, so tests and benchmarks can set the day."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol


class Clock(Protocol):
    def now_ms(self) -> int: ...

    def tz_offset_min(self) -> int: ...


class SystemClock:
    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000

    def tz_offset_min(self) -> int:
        offset = time.localtime().tm_gmtoff
        return round(offset / 60) if offset is not None else 0


@dataclass
class ManualClock:
    """A clock that moves only when told to (tests, benchmarks, imports)."""

    ms: int
    offset_min: int = 0

    def now_ms(self) -> int:
        return self.ms

    def tz_offset_min(self) -> int:
        return self.offset_min

    def advance(self, ms: int) -> None:
        self.ms += ms
