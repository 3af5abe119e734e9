"""A payload field's rule as data (Check), and the error that names a field that breaks it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


class EventError(ValueError):
    """An event or payload that breaks the schema; the message names the bad field."""


def fail(name: str, expected: str, value: Any) -> EventError:
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
                raise fail(name, f"text of {low}..{high} characters", value)
            return value
        if how == MEMBER:
            if value not in low:
                raise fail(name, "one of " + ", ".join(low), value)
            return str(value)
        if how == RANGE and self.type is int:
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise fail(name, f"a whole number {low}..{high}", value)
            return value
        if how == RANGE:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not ok or not math.isfinite(value) or not low <= value <= high:
                raise fail(name, f"a number {low}..{high}", value)
            return float(value)
        if how == TYPE:
            if not isinstance(value, bool):
                raise fail(name, "true or false", value)
            return value
        if how == TEXTS:
            if not isinstance(value, list) or len(value) > high:
                raise fail(name, f"a list of at most {high} texts", value)
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
