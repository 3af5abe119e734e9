"""Learning days and streaks.

A learning day starts at the profile's `day_starts_at` hour (default 04:00) in the time zone
offset recorded with each event, so practice done offline, or abroad, counts for the day it
happened where it happened, and a session past midnight still counts for the evening before.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def learning_day(unix_ms: int, tz_offset_min: int, day_starts_at: int) -> date:
    shifted = unix_ms + tz_offset_min * 60_000 - day_starts_at * 3_600_000
    return date.fromordinal(_EPOCH_ORDINAL + shifted // 86_400_000)


@dataclass(frozen=True, slots=True)
class Streak:
    current: int  # consecutive learning days up to today (or yesterday, if today is not done yet)
    longest: int
    today_done: bool
    last_day: date | None


def streak(active_days: Iterable[date], today: date) -> Streak:
    """Streak over the days that had at least one qualifying activity.

    The streak stays unbroken until today ends: if yesterday was active and today not yet,
    the current streak still counts.
    """
    days = sorted(set(active_days))
    if not days:
        return Streak(0, 0, False, None)
    longest = run = 1
    for previous, day in itertools.pairwise(days):
        run = run + 1 if (day - previous).days == 1 else 1
        longest = max(longest, run)
    past = [d for d in days if d <= today]
    current = 0
    if past and (today - past[-1]).days <= 1:
        current = 1
        for i in range(len(past) - 1, 0, -1):
            if (past[i] - past[i - 1]).days != 1:
                break
            current += 1
    return Streak(current, longest, today in set(days), days[-1])
