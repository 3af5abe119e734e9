"""Synthetic but realistic activity streams for the benchmarks."""

from __future__ import annotations

import random

from aidioma_protocol.events import Event
from aidioma_protocol.hlc import Hlc
from aidioma_protocol.ids import uuid7

DAY_MS = 86_400_000
ERROR_KINDS = ["missing_word", "wrong_word", "missing_accent", "agreement", "word_order"]
T_END = 1_795_341_600_000  # 2026-11-22 10:00 UTC


def activity(
    n: int, content_ids: list[str], device: str = "bench-device", seed: int = 7
) -> list[Event]:
    """`n` events of one learner over about three years: practice, reviews, a few settings."""
    rng = random.Random(seed)
    days = max(1, min(1100, n // 30))
    start = T_END - days * DAY_MS
    step = days * DAY_MS // n
    clock = Hlc(0, 0, device)
    events = []
    for i in range(n):
        at = start + i * step + rng.randrange(max(1, step))
        clock = clock.tick(at)
        roll = rng.random()
        cid = rng.choice(content_ids)
        if roll < 0.001:
            kind, payload = "setting.changed", {"key": "daily_goal", "value": rng.randint(5, 30)}
        elif roll < 0.70:
            score = rng.randint(0, 100)
            verdict = "correct" if score >= 90 else "almost" if score >= 60 else "wrong"
            kind = "practice.attempted"
            payload = {
                "content_id": cid,
                "direction": rng.choice(["es-en", "en-es"]),
                "answer": "una respuesta de ejemplo",
                "score": score,
                "verdict": verdict,
                "hints_used": rng.randint(0, 2),
                "duration_ms": rng.randint(3000, 60000),
                "retention": 0.9,
                "fuzz": True,
                # As the app records an attempt: the kinds of mistakes the grader found.
                "errors": [] if score >= 90 else rng.sample(ERROR_KINDS, rng.randint(1, 2)),
            }
        else:
            kind = "review.graded"
            payload = {
                "content_id": cid,
                "rating": rng.randint(1, 4),
                "duration_ms": rng.randint(2000, 20000),
                "retention": 0.9,
                "fuzz": True,
            }
        events.append(
            Event(uuid7(at, rng.randbytes(10)), kind, clock.render(), device, at, 60, payload)
        )
    return events
