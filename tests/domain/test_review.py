from aidioma_desktop.domain import review

T = 1_795_341_600_000
DAY = 86_400_000


def test_good_answers_push_the_card_further_out_and_again_brings_it_back():
    card = None
    dues = []
    at = T
    for _ in range(4):
        card = review.schedule(card, 3, at, 0.9, False, "x")
        dues.append(review.due_ms(card) - at)
        at = review.due_ms(card)
    assert dues == sorted(dues) and dues[-1] > 3 * DAY
    lapsed = review.schedule(card, 1, at, 0.9, False, "x")
    assert review.due_ms(lapsed) - at < DAY


def test_higher_desired_retention_means_shorter_intervals():
    card = review.schedule(None, 3, T, 0.9, False, "x")
    card = review.schedule(card, 3, review.due_ms(card), 0.9, False, "x")
    at = review.due_ms(card)
    relaxed = review.due_ms(review.schedule(card, 3, at, 0.8, False, "x"))
    strict = review.due_ms(review.schedule(card, 3, at, 0.95, False, "x"))
    assert strict < relaxed


def test_fuzz_is_deterministic_per_event_and_stays_near_the_interval():
    card = None
    at = T
    for _ in range(5):
        card = review.schedule(card, 3, at, 0.9, False, "x")
        at = review.due_ms(card)
    plain = review.due_ms(review.schedule(card, 3, at, 0.9, False, "a")) - at
    a1 = review.due_ms(review.schedule(card, 3, at, 0.9, True, "event-a")) - at
    a2 = review.due_ms(review.schedule(card, 3, at, 0.9, True, "event-a")) - at
    assert a1 == a2
    assert abs(a1 - plain) <= 0.2 * plain + DAY


def test_interval_text_is_short():
    assert review.interval_text(0, 10 * 60_000) == "10 min"
    assert review.interval_text(0, 3 * DAY) == "3 d"
