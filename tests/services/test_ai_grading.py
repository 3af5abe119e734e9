"""The tutor checks an answer the offline grader was unsure of: the model's verdict settles the
attempt, is cached for that sentence (exact, similar, semantic), and a "correct" accepts the
answer from then on. Against a stand-in model server on 127.0.0.1."""

from __future__ import annotations

import pytest

from aidioma_desktop.ai.providers import make_provider
from aidioma_desktop.documents.embed import builtin
from aidioma_desktop.services.ai_grading import AiGrader
from aidioma_desktop.services.practice import PracticeItem, PracticeService
from aidioma_desktop.services.session import Learner
from tests.ai.standin import Reply, StandIn

UNSURE = "I arise at seven every day."


@pytest.fixture(scope="module")
def embed():  # type: ignore[no-untyped-def]
    embedder = builtin()
    return lambda text: embedder.query(text)


def daily_life(practice: PracticeService) -> PracticeItem:
    item = practice.next_item(level="beginner", category="daily_life", direction="es-en")
    while item is not None and item.sentence.id != "daily_life.001":
        item = practice.next_item(level="beginner", category="daily_life", direction="es-en")
    assert item is not None
    return item


def test_the_tutor_says_correct_and_the_attempt_counts_and_the_answer_is_accepted(
    server: StandIn, learner: Learner
) -> None:
    server.script(Reply(text="x", data={"verdict": "correct", "reason": "arise = get up"}))
    practice = PracticeService(learner)
    item = daily_life(practice)
    result = practice.submit(item, UNSURE)
    assert result.unsure and result.verdict == "wrong"
    provider = make_provider("ollama", server.url, "tutor-small")
    checked = practice.check_unsure(result, provider)
    assert checked is not None and checked.checked is not None
    assert (checked.verdict, checked.checked.source) == ("correct", "model")
    assert checked.progress.best_score == 100  # the attempt counts with the tutor's verdict
    assert server.chats[-1].body["format"] is not None  # structured output asked
    kinds = [e.kind for e in learner.db.events()]
    assert kinds[-3:] == ["ai.used", "attempt.checked", "answer.accepted"]
    again = practice.submit(item, UNSURE)  # accepted from then on, offline
    assert again.grade.verdict == "correct" and not again.unsure


def test_the_tutor_says_wrong_and_the_attempt_stays_wrong(
    server: StandIn, learner: Learner
) -> None:
    server.script(Reply(text="x", data={"verdict": "wrong", "reason": "not the same verb"}))
    practice = PracticeService(learner)
    result = practice.submit(daily_life(practice), UNSURE)
    checked = practice.check_unsure(result, make_provider("ollama", server.url, "tutor-small"))
    assert checked is not None and checked.verdict == "wrong"
    assert "answer.accepted" not in [e.kind for e in learner.db.events()]


def test_a_verdict_is_cached_for_the_same_and_a_similar_answer(
    server: StandIn, learner: Learner
) -> None:
    server.script(Reply(text="x", data={"verdict": "wrong", "reason": "no"}))
    practice = PracticeService(learner)
    provider = make_provider("ollama", server.url, "tutor-small")
    item = daily_life(practice)
    practice.check_unsure(practice.submit(item, UNSURE), provider)
    calls = len(server.chats)
    same = practice.check_unsure(practice.submit(item, "i arise at seven every day"), provider)
    assert same is not None and same.checked is not None and same.checked.source == "exact"
    typo = practice.check_unsure(practice.submit(item, "I arise at sevn every day."), provider)
    assert typo is not None and typo.checked is not None and typo.checked.source == "similar"
    assert len(server.chats) == calls  # no model call for either


def test_a_semantic_hit_never_crosses_a_difference_the_grader_sees(learner: Learner, embed) -> None:  # type: ignore[no-untyped-def]
    from aidioma_desktop.services.ai_grading import Check

    grader = AiGrader(learner, None, embed)
    grader.remember("daily_life.001", "es-en", UNSURE, Check("correct", "ok", "model"))
    near = grader.cached("daily_life.001", "es-en", "Every day I arise at seven.")
    assert near is not None and near.source in ("semantic", "similar")
    negated = grader.cached("daily_life.001", "es-en", "I do not arise at seven every day.")
    assert negated is None  # close in meaning space, but a negation the grader can see


def test_no_model_and_no_cache_says_nothing_and_a_spent_budget_makes_no_call(
    server: StandIn, learner: Learner
) -> None:
    practice = PracticeService(learner)
    result = practice.submit(daily_life(practice), UNSURE)
    assert practice.check_unsure(result, None) is None
    learner.change_setting("ai_budget_usd", 0.001)
    learner.record("ai.used", {"service": "anthropic", "tokens": 10, "duration_ms": 1, "cost": 0.5})
    calls = len(server.chats)
    provider = make_provider("ollama", server.url, "tutor-small")
    assert practice.check_unsure(result, provider) is None
    assert len(server.chats) == calls
