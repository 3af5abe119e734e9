import hashlib
import json
from datetime import UTC, datetime, timedelta

import fsrs
from hypothesis import given, settings
from hypothesis import strategies as st

from aidioma_desktop.domain import review

T = 1_795_341_600_000
DAY = 86_400_000


def test_good_answers_push_the_card_further_out_and_again_brings_it_back():
    card = None
    dues = []
    at = T
    for _ in range(4):
        card = review.schedule(card, 3, at, 0.9, False, "x")
        dues.append(card.due_ms - at)
        at = card.due_ms
    assert dues == sorted(dues) and dues[-1] > 3 * DAY
    lapsed = review.schedule(card, 1, at, 0.9, False, "x")
    assert lapsed.due_ms - at < DAY


def test_higher_desired_retention_means_shorter_intervals():
    card = review.schedule(None, 3, T, 0.9, False, "x")
    card = review.schedule(card, 3, card.due_ms, 0.9, False, "x")
    at = card.due_ms
    relaxed = review.schedule(card, 3, at, 0.8, False, "x").due_ms
    strict = review.schedule(card, 3, at, 0.95, False, "x").due_ms
    assert strict < relaxed


def test_fuzz_is_deterministic_per_event_and_stays_near_the_interval():
    card = None
    at = T
    for _ in range(5):
        card = review.schedule(card, 3, at, 0.9, False, "x")
        at = card.due_ms
    plain = review.schedule(card, 3, at, 0.9, False, "a").due_ms - at
    a1 = review.schedule(card, 3, at, 0.9, True, "event-a").due_ms - at
    a2 = review.schedule(card, 3, at, 0.9, True, "event-a").due_ms - at
    assert a1 == a2
    assert abs(a1 - plain) <= 0.2 * plain + DAY


def test_interval_text_is_short():
    assert review.interval_text(0, 10 * 60_000) == "10 min"
    assert review.interval_text(0, 3 * DAY) == "3 d"


# --- the step is fsrs' own, to the last bit -------------------------------------------------
#
# Devices that fold the same events must agree on every due date, whichever build computed
# them; databases written when the app called fsrs itself must read on. So the reference is
# fsrs 6.3.2 as the app used it (the wrapper below is the one the app had), on random histories.

_FSRS_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _fsrs_schedule(card, rating, at_ms, retention, fuzz, seed):
    current = card if card is not None else fsrs.Card(card_id=0, due=_FSRS_EPOCH)
    when = datetime.fromtimestamp(at_ms / 1000, UTC)
    scheduler = fsrs.Scheduler(desired_retention=round(retention, 4), enable_fuzzing=False)
    updated, _log = scheduler.review_card(current, fsrs.Rating(rating), when)
    if fuzz and updated.state == fsrs.State.Review:
        updated.due = when + _fsrs_fuzzed_interval(updated.due - when, seed)
    return updated


def _fsrs_fuzzed_interval(interval: timedelta, seed: str) -> timedelta:
    days = interval.total_seconds() / 86400
    if days < 2.5:
        return interval
    delta = 1.0
    for start, end, factor in ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, float("inf"), 0.05)):
        delta += factor * max(min(days, end) - start, 0.0)
    low, high = max(2, round(days - delta)), round(days + delta)
    unit = int.from_bytes(hashlib.blake2b(seed.encode(), digest_size=8).digest(), "big") / 2**64
    return timedelta(days=round(low + unit * (high - low)))


# Gaps between reviews: the same millisecond, minutes, the learning steps, days, months, years,
# and clocks that went backwards (another device's review sorting later by HLC).
_GAPS = st.one_of(
    st.sampled_from([0, 1, 60_000, 330_000, 600_000, 900_000, DAY - 1, DAY, 3 * DAY]),
    st.integers(-3 * DAY, 3 * DAY),
    st.integers(0, 4000 * DAY),
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 4), _GAPS, st.sampled_from([0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99])
        ),
        min_size=1,
        max_size=40,
    ),
    st.booleans(),
)
def test_each_review_gives_the_card_fsrs_gives_it_bit_for_bit(history, fuzz):
    ours, theirs = None, None
    at = T
    for n, (rating, gap, retention) in enumerate(history):
        at += gap
        seed = f"event-{n}"
        ours = review.schedule(ours, rating, at, retention, fuzz, seed)
        theirs = _fsrs_schedule(theirs, rating, at, retention, fuzz, seed)
        assert review.card_to_dict(ours) == theirs.to_dict()
        assert ours.due_ms == round(theirs.due.timestamp() * 1000)
        assert review.is_mastered(ours) == (
            theirs.state == fsrs.State.Review and theirs.stability >= 21.0
        )
        # The stored form reads back as the same card, also a card stored by fsrs itself.
        assert review.card_from_dict(theirs.to_dict()) == ours
        assert review.card_from_dict(json.loads(json.dumps(review.card_to_dict(ours)))) == ours


def test_a_card_stored_with_fsrs_is_read_and_scheduled_on_unchanged():
    stored = fsrs.Card(card_id=0, due=_FSRS_EPOCH)
    for rating, at in ((3, T), (3, T + 600_000), (2, T + 4 * DAY), (1, T + 20 * DAY)):
        stored = _fsrs_schedule(stored, rating, at, 0.9, True, "x")
    card = review.card_from_dict(json.loads(stored.to_json()))
    assert card.state == review.RELEARNING and card.step == 0
    following = review.schedule(card, 3, T + 21 * DAY, 0.9, True, "y")
    reference = _fsrs_schedule(stored, 3, T + 21 * DAY, 0.9, True, "y")
    assert review.card_to_dict(following) == reference.to_dict()


def test_a_card_far_in_the_future_reads_back_to_the_millisecond():
    # A device clock set centuries ahead must not make the stored card differ from the folded one.
    card = review.Card(review.REVIEW, None, 10.0, 5.0, 8_800_000_000_387, 8_700_000_000_387)
    assert review.card_from_dict(json.loads(json.dumps(review.card_to_dict(card)))) == card
