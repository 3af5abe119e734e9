"""Hybrid logical clock: (wall_ms, counter, device_id), rendered so string order is clock order.

Each device stamps its events with an HLC. A local event takes max(wall, last) and ticks the
counter when the wall clock has not moved on; receiving events moves the clock past them, so an
event recorded after seeing another always sorts after it, whatever the devices' wall clocks say.
"""

from __future__ import annotations

from dataclasses import dataclass

_WALL_DIGITS = 15
_COUNTER_DIGITS = 6
# A rendered clock, as the sync server takes it (device ids are at most 64 characters). ASCII
# digits only: \d would take other scripts' digits, which sort after every clock value.
HLC_PATTERN = rf"^[0-9]{{{_WALL_DIGITS}}}\.[0-9]{{{_COUNTER_DIGITS}}}\..{{1,64}}$"
# The same shape in SQLite's GLOB, to find stored clocks that are clocks.
HLC_GLOB = "[0-9]" * _WALL_DIGITS + "." + "[0-9]" * _COUNTER_DIGITS + ".?*"


@dataclass(frozen=True, order=True, slots=True)
class Hlc:
    wall_ms: int
    counter: int
    device_id: str

    def render(self) -> str:
        return (
            f"{self.wall_ms:0{_WALL_DIGITS}d}.{self.counter:0{_COUNTER_DIGITS}d}.{self.device_id}"
        )

    @classmethod
    def parse(cls, text: str) -> Hlc:
        try:
            wall, counter, device = text.split(".", 2)
            digits = wall + counter
            if len(wall) != _WALL_DIGITS or len(counter) != _COUNTER_DIGITS or not device:
                raise ValueError
            if not (digits.isascii() and digits.isdigit()):  # int() takes "١٢" and " 1"
                raise ValueError
            return cls(int(wall), int(counter), device)
        except (ValueError, AttributeError) as exc:
            raise ValueError(f"not a clock value: {text!r}") from exc

    def tick(self, now_ms: int) -> Hlc:
        """The clock value for a new local event at wall time `now_ms`."""
        if now_ms > self.wall_ms:
            return Hlc(now_ms, 0, self.device_id)
        return Hlc(self.wall_ms, self.counter + 1, self.device_id)

    def receive(self, remote: Hlc, now_ms: int) -> Hlc:
        """Move past a remote clock value so later local events sort after it."""
        wall = max(self.wall_ms, remote.wall_ms, now_ms)
        if wall == self.wall_ms == remote.wall_ms:
            counter = max(self.counter, remote.counter) + 1
        elif wall == self.wall_ms:
            counter = self.counter + 1
        elif wall == remote.wall_ms:
            counter = remote.counter + 1
        else:
            counter = 0
        return Hlc(wall, counter, self.device_id)


def zero(device_id: str) -> Hlc:
    return Hlc(0, 0, device_id)
