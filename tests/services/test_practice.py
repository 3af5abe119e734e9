"""Translation practice as a learner does it: pick, hint, answer, feedback, progress."""

from __future__ import annotations

import pytest

from aidioma_desktop.services.practice import PracticeError, PracticeService
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
