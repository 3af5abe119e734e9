"""Saying "I was right" on one laptop: the person's other laptops count it too, once they sync."""

from __future__ import annotations

from aidioma_desktop.services.content import sentence_from_item
from aidioma_desktop.services.practice import PracticeItem, PracticeService
from tests.sync.conftest import Device, signed_in_pair
from tests.sync.test_convergence import assert_converged, settle

SENTENCE = "daily_life.001"  # Me levanto a las siete todos los días.
REWORDED = "I arise at seven every day."  # a rewording the grader cannot judge: unsure


def practice_on(device: Device) -> tuple[PracticeService, PracticeItem]:
    item = PracticeItem(sentence_from_item(device.learner.db.content(SENTENCE)), "es-en")
    return PracticeService(device.learner), item


def test_an_answer_accepted_on_one_laptop_is_correct_on_the_other(make_device, server):
    a, b, username = signed_in_pair(make_device, server)
    practice_a, item = practice_on(a)
    unsure = practice_a.submit(item, REWORDED)
    assert unsure.unsure and unsure.verdict == "wrong"
    a.clock.advance(5_000)
    right = practice_a.accept_answer(unsure)
    settle([a, b])
    assert_converged([a, b], server.url, username)

    # b counts a's attempt as correct, and knows the answer from now on.
    assert b.learner.db.progress(SENTENCE) == right.progress
    assert b.learner.db.accepted_answers(SENTENCE, "es-en") == [REWORDED]
    practice_b, item_b = practice_on(b)
    b.clock.advance(60_000)
    on_b = practice_b.submit(item_b, REWORDED)
    assert (on_b.grade.verdict, on_b.grade.score, on_b.unsure) == ("correct", 100, False)


def test_an_acceptance_taken_back_on_the_other_laptop_is_taken_back_on_both(make_device, server):
    a, b, username = signed_in_pair(make_device, server)
    practice_a, item = practice_on(a)
    unsure = practice_a.submit(item, REWORDED)
    a.clock.advance(5_000)
    right = practice_a.accept_answer(unsure)
    settle([a, b])
    b.clock.advance(60_000)
    PracticeService(b.learner).undo_accept(right)  # the same result, taken back on b
    settle([a, b])
    assert_converged([a, b], server.url, username)
    assert a.learner.db.accepted_answers(SENTENCE, "es-en") == []
    assert a.learner.db.progress(SENTENCE) == unsure.progress
    assert practice_a.submit(item, REWORDED).unsure
