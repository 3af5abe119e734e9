"""Review queue, daily new-card limit, streak and dashboard, on real profile databases."""

from __future__ import annotations

from aidioma_desktop.services.review import ReviewService
from aidioma_desktop.services.stats import StatsService
from tests.conftest import DAY, HOUR


def test_new_cards_per_day_limit_the_queue(learner):
    learner.change_setting("new_cards_per_day", 3)
    reviews = ReviewService(learner)
    queue = reviews.queue()
    assert (queue.due, queue.new) == (0, 3)
    for card in queue.cards:
        reviews.rate(card, 3)
    assert ReviewService(learner).queue().new == 0  # today's allowance is used


def test_rated_cards_come_back_when_due(learner, clock):
    learner.change_setting("new_cards_per_day", 2)
    reviews = ReviewService(learner)
    first = reviews.queue().cards[0]
    assert set(reviews.previews(first)) == {1, 2, 3, 4}
    reviews.rate(first, 1)  # Again: back within minutes
    clock.advance(15 * 60_000)
    queue = reviews.queue()
    assert queue.due == 1
    assert queue.cards[0].sentence.id == first.sentence.id


def test_the_front_is_in_the_language_being_learnt(learner):
    card = ReviewService(learner).queue().cards[0]
    assert card.front == card.sentence.es
    assert card.back == card.sentence.en


def test_streak_counts_consecutive_learning_days(learner, clock):
    reviews = ReviewService(learner)
    stats = StatsService(learner)
    assert stats.dashboard().streak.current == 0
    for _day in range(3):
        card = reviews.queue().cards[0]
        reviews.rate(card, 3, duration_ms=30_000)
        clock.advance(DAY)
    board = stats.dashboard()
    assert (board.streak.current, board.streak.today_done) == (3, False)  # today not done yet
    clock.advance(DAY)
    assert stats.dashboard().streak.current == 0  # a whole day missed


def test_late_night_review_counts_for_the_day_before(learner, clock):
    # 10:00 UTC + 15 h = 01:00 next day local time (UTC+1 -> 02:00), before the 04:00 day start.
    clock.advance(15 * HOUR)
    reviews = ReviewService(learner)
    reviews.rate(reviews.queue().cards[0], 3)
    board = StatsService(learner).dashboard()
    assert board.last_30[-1].reviews == 1
    assert board.today.isoformat() == "2026-11-22"


def test_dashboard_shows_goal_progress_and_30_days(learner):
    learner.change_setting("daily_goal", 2)
    reviews = ReviewService(learner)
    for card in reviews.queue().cards[:2]:
        reviews.rate(card, 4, duration_ms=60_000)
    board = StatsService(learner).dashboard()
    assert (board.done_today, board.goal, board.goal_met) == (2, 2, True)
    assert board.minutes_today == 2.0
    assert len(board.last_30) == 30 and board.last_30[-1].day == board.today
