"""An attempt settled after it was graded ("I was right"), and the answers accepted from then on."""

from __future__ import annotations

from aidioma_desktop.domain.projections import Projection, answer_key
from aidioma_protocol.events import Event
from aidioma_protocol.hlc import Hlc
from aidioma_protocol.ids import uuid7

T0 = 1_795_341_600_000


def event(kind: str, at: int, payload: dict, device: str = "d1") -> Event:
    return Event(uuid7(at), kind, Hlc(at, 0, device).render(), device, at, 0, payload)


def attempt(at: int, score: int = 54, verdict: str = "wrong") -> Event:
    return event(
        "practice.attempted",
        at,
        {"content_id": "daily_life.001", "direction": "es-en", "answer": "I arise at seven",
         "score": score, "verdict": verdict, "hints_used": 0, "duration_ms": 9000,
         "retention": 0.9, "fuzz": False},
    )  # fmt: skip


def settles(kind: str, at: int, of: Event | None, **changes: str) -> Event:
    payload = {"content_id": "daily_life.001", "direction": "es-en", "answer": "I arise at seven"}
    if of is not None:
        payload["attempt_id"] = of.id
    return event(kind, at, payload | changes)


def test_answers_are_told_apart_by_their_words_not_their_typing():
    same = [
        "I arise at seven.",
        "  i ARISE   at seven ",
        "I arise at seven!!",
        "I arise at seven …",
    ]
    assert {answer_key(a) for a in same} == {"i arise at seven"}
    assert answer_key("Me levanto a las siete") != answer_key("Me levanto a las siete.¿")
    decomposed = "Cafe\u0301 con leche."  # é as e and a combining accent
    assert answer_key(decomposed) == answer_key("café con leche")
    assert answer_key("¿Dónde está?") == "¿dónde está"  # only final punctuation goes


def test_the_latest_settlement_of_an_attempt_is_how_it_counts():
    tried = attempt(T0)
    accepted = settles("answer.accepted", T0 + 1000, tried)
    undone = settles("answer.unaccepted", T0 + 2000, tried)
    again = settles("answer.accepted", T0 + 3000, tried, answer="i arise at SEVEN.")

    def figures(*events: Event) -> tuple[int, int, int]:
        state = Projection.rebuild(events)
        day = next(iter(state.days.values()))
        return state.progress["daily_life.001"].best_score, day.correct, day.score_sum

    assert figures(tried) == (54, 0, 54)
    assert figures(tried, accepted) == (100, 1, 100)
    assert figures(tried, accepted, undone) == (54, 0, 54)
    assert figures(undone, again, tried, accepted) == (100, 1, 100)  # any order of arrival
    (held,) = Projection.rebuild([tried, accepted, again]).accepted.values()
    assert (held.answer, held.accepted) == ("i arise at SEVEN.", True)  # as last typed
    (held,) = Projection.rebuild([tried, undone, accepted]).accepted.values()
    assert not held.accepted  # the undo is the latest


def test_a_settlement_counts_only_for_an_attempt_of_its_own_sentence():
    tried = attempt(T0)
    elsewhere = settles("answer.accepted", T0 + 1000, tried, content_id="daily_life.002")
    no_attempt = settles("answer.accepted", T0 + 1000, None)
    for other in (elsewhere, no_attempt):
        state = Projection.rebuild([tried, other])
        assert state.progress["daily_life.001"].best_score == 54
        assert len(state.accepted) == 1  # the answer is accepted all the same
    assert "daily_life.002" not in Projection.rebuild([tried, elsewhere]).progress
