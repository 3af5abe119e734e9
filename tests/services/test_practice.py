"""Translation practice as a learner does it: pick, hint, answer, feedback, progress."""

from __future__ import annotations

import pytest

from aidioma_desktop.services.content import sentence_from_item
from aidioma_desktop.services.practice import PracticeError, PracticeItem, PracticeService
from aidioma_desktop.services.stats import StatsService


def test_sentences_follow_the_level_and_category_filters(learner):
    practice = PracticeService(learner)
    for _ in range(5):
        item = practice.next_item(level="intermediate", category="travel")
        assert (item.sentence.level, item.sentence.category) == ("intermediate", "travel")
    assert practice.next_item(category="no-such-category") is None


def test_an_english_speaker_translates_spanish_into_english_by_default(learner):
    item = PracticeService(learner).next_item()
    assert item.direction == "es-en"
    assert item.prompt == item.sentence.es
    assert item.sentence.en in item.references


def test_a_correct_answer_is_graded_recorded_and_scheduled(learner, clock):
    practice = PracticeService(learner)
    item = practice.next_item(level="beginner")
    result = practice.submit(item, item.references[0].upper(), hints_used=1, duration_ms=12_000)
    assert (result.grade.verdict, result.grade.score) == ("correct", 100)
    assert result.progress.attempts == 1 and result.progress.best_score == 100
    assert result.progress.due_ms > clock.now_ms()
    today = StatsService(learner).dashboard().last_30[-1]
    assert (today.attempts, today.hints_used, today.correct) == (1, 1, 1)
    assert learner.db.events()[-1].payload["answer"] == item.references[0].upper()


def test_a_wrong_answer_brings_the_sentence_back_soon(learner, clock):
    practice = PracticeService(learner)
    item = practice.next_item(level="beginner")
    result = practice.submit(item, "banana banana banana")
    assert result.grade.verdict == "wrong"
    assert result.progress.due_ms - clock.now_ms() <= 10 * 60_000
    assert result.next_due.startswith("in ")


def test_hints_are_progressive_and_direction_specific(learner):
    practice = PracticeService(learner)
    item = practice.next_item(direction="en-es")
    assert 2 <= len(item.hints) <= 3
    assert item.hints == item.sentence.hints["en-es"]


@pytest.mark.parametrize("answer", ["", "   \n", "x" * 10_000_000])
def test_empty_or_huge_answers_are_refused_and_nothing_is_recorded(learner, answer):
    practice = PracticeService(learner)
    item = practice.next_item()
    before = learner.db.event_count()
    with pytest.raises(PracticeError, match=r"Type your translation|characters long"):
        practice.submit(item, answer)
    assert learner.db.event_count() == before


def test_the_same_sentence_is_not_served_twice_in_a_row(learner):
    practice = PracticeService(learner)
    seen = [practice.next_item(level="advanced", category="food").sentence.id for _ in range(5)]
    assert len(set(seen)) == 5


# ---- "Unsure is not wrong": the person says "I was right" ----------------------------------

SENTENCE = "daily_life.001"  # Me levanto a las siete todos los días. / I get up at seven every day.
REWORDED = "I arise at seven every day."  # a rewording the grader cannot judge: unsure


def daily_life_item(learner) -> PracticeItem:
    return PracticeItem(sentence_from_item(learner.db.content(SENTENCE)), "es-en")


def today_stats(learner):
    return StatsService(learner).dashboard().last_30[-1]


def test_an_unsure_answer_counts_as_wrong_until_the_person_says_they_were_right(learner, clock):
    practice = PracticeService(learner)
    item = daily_life_item(learner)
    unsure = practice.submit(item, REWORDED, duration_ms=9000)
    assert unsure.grade.verdict == "wrong" and unsure.unsure and not unsure.accepted
    assert (unsure.verdict, unsure.score) == ("wrong", unsure.grade.score)
    assert unsure.progress.best_score == unsure.grade.score < 100
    assert today_stats(learner).correct == 0

    clock.advance(5_000)
    right = practice.accept_answer(unsure)
    assert right.accepted and (right.verdict, right.score) == ("correct", 100)
    assert right.grade == unsure.grade and right.event_id == unsure.event_id
    assert right.progress.attempts == 1  # the same attempt, now counted correct
    assert right.progress.best_score == 100 and right.progress.average_score == 100
    assert right.progress.due_ms > unsure.progress.due_ms  # Good, not Again, for FSRS
    assert learner.db.progress(SENTENCE) == right.progress
    stats = today_stats(learner)
    assert (stats.attempts, stats.correct, stats.average_score) == (1, 1, 100)
    accepted = learner.db.events()[-1]
    assert accepted.kind == "answer.accepted"
    assert accepted.payload == {
        "content_id": SENTENCE,
        "direction": "es-en",
        "answer": REWORDED,
        "attempt_id": unsure.event_id,
    }
    recorded = learner.db.event_count()
    assert practice.accept_answer(right) == right  # a second press records nothing more
    assert learner.db.event_count() == recorded

    # From now on the answer is one the grader knows, however it is typed.
    for again in (REWORDED, "i arise at seven every day"):
        next_time = practice.submit(item, again)
        assert (next_time.grade.verdict, next_time.grade.score) == ("correct", 100)
        assert not next_time.unsure


def test_undo_restores_the_attempt_and_forgets_the_answer(learner, clock):
    practice = PracticeService(learner)
    item = daily_life_item(learner)
    unsure = practice.submit(item, REWORDED)
    clock.advance(5_000)
    right = practice.accept_answer(unsure)
    undone = practice.undo_accept(right)
    assert not undone.accepted and undone.verdict == "wrong" and undone.unsure
    assert undone.progress == unsure.progress  # the card as the attempt alone made it
    assert today_stats(learner).correct == 0
    assert learner.db.accepted_answers(SENTENCE, "es-en") == []
    assert learner.db.events()[-1].kind == "answer.unaccepted"
    assert practice.submit(item, REWORDED).unsure  # unknown to the grader again
    # A rebuild from the events alone gives the same state.
    before = (learner.db.all_progress(), learner.db.day_stats())
    learner.db.rebuild_projections()
    assert (learner.db.all_progress(), learner.db.day_stats()) == before


def test_an_accepted_answer_is_for_its_own_sentence_and_direction_only(learner):
    practice = PracticeService(learner)
    practice.accept_answer(practice.submit(daily_life_item(learner), REWORDED))
    assert learner.db.accepted_answers(SENTENCE, "es-en") == [REWORDED]
    assert learner.db.accepted_answers(SENTENCE, "en-es") == []
    assert learner.db.accepted_answers("daily_life.002", "es-en") == []
