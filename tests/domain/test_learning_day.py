from datetime import date, timedelta

from aidioma_desktop.domain.learning_day import learning_day, streak

# 2026-11-22 00:30 UTC
MIDNIGHT_THIRTY = 1_795_311_000_000


def test_practice_after_midnight_counts_for_the_evening_before():
    assert learning_day(MIDNIGHT_THIRTY, 0, 4) == date(2026, 11, 21)
    assert learning_day(MIDNIGHT_THIRTY, 0, 0) == date(2026, 11, 22)


def test_the_events_own_time_zone_decides_its_day():
    # 00:30 UTC is 19:30 the day before in New York (UTC-5) and 09:30 in Tokyo (UTC+9).
    assert learning_day(MIDNIGHT_THIRTY, -300, 4) == date(2026, 11, 21)
    assert learning_day(MIDNIGHT_THIRTY, 9 * 60, 4) == date(2026, 11, 22)


def test_streak_stays_alive_until_today_ends():
    today = date(2026, 11, 22)
    days = [today - timedelta(days=n) for n in (1, 2, 3)]
    s = streak(days, today)
    assert (s.current, s.today_done) == (3, False)
    s = streak([*days, today], today)
    assert (s.current, s.today_done) == (4, True)


def test_a_missed_day_breaks_the_streak_but_not_the_record():
    today = date(2026, 11, 22)
    days = [today - timedelta(days=n) for n in (2, 3, 4, 5, 6)]
    s = streak(days, today)
    assert (s.current, s.longest) == (0, 5)
    assert streak([], today).current == 0
