"""The same set of events gives the same state, whatever the order, batching or duplication.

Incremental updates (as events arrive, possibly out of order and repeated) must equal a rebuild
from scratch, and both must equal the pure in-memory fold.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aidioma_desktop.domain.projections import Projection
from aidioma_desktop.store.database import ProfileDatabase
from aidioma_protocol.events import Event
from aidioma_protocol.hlc import Hlc
from aidioma_protocol.ids import uuid7
from aidioma_protocol.payloads import payload_version

T0 = 1_795_341_600_000
HOUR = 3_600_000
CONTENT = ["food.001", "food.002", "travel.003", "work.004"]

action = st.one_of(
    st.tuples(st.just("practice"), st.sampled_from(CONTENT), st.integers(0, 100)),
    st.tuples(st.just("review"), st.sampled_from(CONTENT), st.integers(1, 4)),
    st.tuples(
        st.just("setting"),
        st.sampled_from(["daily_goal", "day_starts_at", "desired_retention"]),
        st.integers(0, 3),
    ),
    st.tuples(st.just("card"), st.sampled_from(["user.a", "user.b"]), st.integers(0, 3)),
    # "I was right" and its undo, of an attempt made before (see make_events)
    st.tuples(st.sampled_from(["accept", "unaccept"]), st.sampled_from(CONTENT), st.integers(0, 7)),
)
# Spellings of answers: the first three are one accepted answer (answer_key), the last another.
ANSWERS = ["I arise at seven.", "i  arise at SEVEN", "I arise at seven!", "I rise at seven"]
step = st.tuples(st.sampled_from(["dev-a", "dev-b", "dev-c"]), st.integers(0, 40 * HOUR), action)


def make_events(script: list) -> list[Event]:
    clocks = {d: Hlc(0, 0, d) for d in ("dev-a", "dev-b", "dev-c")}
    events: list[Event] = []
    for device, offset, (kind, target, n) in sorted(script, key=lambda s: (s[0], s[1])):
        at = T0 + offset
        clocks[device] = clocks[device].tick(at)
        if kind == "practice":
            verdict = "correct" if n >= 90 else "almost" if n >= 60 else "wrong"
            payload = {
                "content_id": target,
                "direction": "es-en",
                "answer": "x",
                "score": n,
                "verdict": verdict,
                "hints_used": n % 3,
                "duration_ms": 1000 + n,
                "retention": 0.9,
                "fuzz": n % 2 == 0,
            }
            name = "practice.attempted"
        elif kind == "review":
            payload = {
                "content_id": target,
                "rating": n,
                "duration_ms": 500,
                "retention": 0.85,
                "fuzz": True,
            }
            name = "review.graded"
        elif kind == "setting":
            value = {"daily_goal": 5 + n, "day_starts_at": n, "desired_retention": 0.8 + n / 100}[
                target
            ]
            payload = {"key": target, "value": value}
            if n >= 2:  # as a profile was created with it: gives way to changes
                payload["initial"] = True
            name = "setting.changed"
        elif kind in ("accept", "unaccept"):
            # Of an attempt of any device (its clock may be behind this one's), mostly of the
            # same sentence; some name another sentence or none, and settle nothing.
            attempts = [e for e in events if e.kind == "practice.attempted"]
            attempt = attempts[-1 - n % len(attempts)] if attempts else None
            same = attempt is not None and n < 6
            payload = {
                "content_id": attempt.payload["content_id"] if same else target,
                "direction": "es-en" if n % 3 else "en-es",
                "answer": ANSWERS[n % len(ANSWERS)],
            }
            if attempt is not None and n != 7:
                payload["attempt_id"] = attempt.id
            name = f"answer.{kind}ed"
        else:
            payload = {"content_id": target, "es": f"hola {n}", "en": f"hello {n}"}
            name = "card.added"
        events.append(
            Event(
                uuid7(at), name, clocks[device].render(), device, at, 60 * (n % 3), payload,
                payload_version(name, payload),
            )
        )  # fmt: skip
    return events


def snapshot(db: ProfileDatabase) -> dict:
    return {
        "progress": [p.to_dict() for p in db.all_progress()],
        "days": [dataclasses.asdict(d) for d in db.day_stats()],
        "settings": db.settings(),
        "added": sorted((c.id, c.es) for c in (db.content(i) for i in ("user.a", "user.b")) if c),
        "accepted": {
            (cid, direction): db.accepted_answers(cid, direction)
            for cid in CONTENT
            for direction in ("es-en", "en-es")
        },
    }


def pure_snapshot(state: Projection) -> dict:
    return {
        "progress": [state.progress[k].to_dict() for k in sorted(state.progress)],
        "days": [dataclasses.asdict(state.days[k]) for k in sorted(state.days)],
        "settings": {k: v.value for k, v in state.settings.items()},
        "added": sorted((k, v.payload["es"]) for k, v in state.added.items()),
        "accepted": {
            (cid, direction): pure_accepted(state, cid, direction)
            for cid in CONTENT
            for direction in ("es-en", "en-es")
        },
    }


def pure_accepted(state: Projection, content_id: str, direction: str) -> list[str]:
    """As db.accepted_answers: the answers accepted now, as typed, oldest first."""
    held = sorted(
        (a.key, a.answer)
        for (cid, way, _answer), a in state.accepted.items()
        if (cid, way) == (content_id, direction) and a.accepted
    )
    return [answer for _key, answer in held]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script=st.lists(step, min_size=1, max_size=40), seed=st.integers(0, 2**32))
def test_incremental_equals_rebuild_for_any_order_batching_and_duplicates(script, seed):
    events = make_events(script)
    rng = random.Random(seed)
    delivery = events + rng.sample(events, k=len(events) // 2)  # some arrive twice
    rng.shuffle(delivery)
    with tempfile.TemporaryDirectory() as folder:
        incremental = ProfileDatabase.open(Path(folder) / "a.aidioma", create=True)
        rebuilt = ProfileDatabase.open(Path(folder) / "b.aidioma", create=True)
        try:
            i = 0
            while i < len(delivery):
                size = rng.randint(1, 6)
                incremental.append(delivery[i : i + size])
                i += size
            rebuilt.append(sorted(events, key=lambda e: e.order_key))
            rebuilt.rebuild_projections()
            expected = pure_snapshot(Projection.rebuild(rng.sample(events, len(events))))
            assert snapshot(incremental) == expected
            assert snapshot(rebuilt) == expected
            assert incremental.event_count() == len(events)
        finally:
            incremental.close()
            rebuilt.close()


def test_a_change_beats_creation_values_and_the_first_creation_value_stands():
    def level(value: str, at: int, device: str, initial: bool) -> Event:
        payload = {"key": "level", "value": value} | ({"initial": True} if initial else {})
        return Event(uuid7(at), "setting.changed", Hlc(at, 0, device).render(), device, at, 0,
                     payload, payload_version("setting.changed", payload))  # fmt: skip

    first = level("intermediate", T0, "dev-a", initial=True)
    later_laptop = level("beginner", T0 + HOUR, "dev-b", initial=True)
    change = level("advanced", T0 - HOUR, "dev-c", initial=False)  # even an older change
    newer_change = level("beginner", T0 + 2 * HOUR, "dev-a", initial=False)
    for events, expected in [
        ([later_laptop, first], "intermediate"),
        ([first, later_laptop, change], "advanced"),
        ([newer_change, first, change, later_laptop], "beginner"),
    ]:
        assert Projection.rebuild(events).setting("level") == expected
        with tempfile.TemporaryDirectory() as folder:
            db = ProfileDatabase.open(Path(folder) / "p.aidioma", create=True)
            for e in events:  # one at a time, in this order of arrival
                db.append([e])
            assert db.settings()["level"] == expected
            db.close()


def test_a_settled_attempt_counts_the_same_in_every_order_of_arrival():
    """An attempt, a review after it, "I was right" on another laptop, its undo and a second
    acceptance: one at a time in every order, the card and the day equal a rebuild's."""
    script = [
        ("dev-a", 0, ("practice", "food.001", 30)),
        ("dev-a", HOUR, ("review", "food.001", 3)),
        ("dev-b", 2 * HOUR, ("accept", "food.001", 1)),
        ("dev-b", 3 * HOUR, ("unaccept", "food.001", 1)),
        ("dev-c", 4 * HOUR, ("accept", "food.001", 2)),
    ]
    events = make_events(script)
    attempt = events[0]
    assert all(e.payload.get("attempt_id") == attempt.id for e in events[2:])
    for upto, (verdict, score) in [
        (3, ("correct", 100)),
        (4, ("wrong", 30)),
        (5, ("correct", 100)),
    ]:
        expected = pure_snapshot(Projection.rebuild(events[:upto]))
        assert expected["progress"][0]["best_score"] == score
        assert expected["days"][0]["correct"] == (verdict == "correct")
        for order in itertools.permutations(events[:upto]):
            with tempfile.TemporaryDirectory() as folder:
                db = ProfileDatabase.open(Path(folder) / "p.aidioma", create=True)
                try:
                    for e in order:
                        db.append([e])
                    assert snapshot(db) == expected, [e.kind for e in order]
                finally:
                    db.close()
