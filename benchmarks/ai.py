"""The AI tutor's figures, against a stand-in model server on 127.0.0.1 (tests/ai/standin.py),
run in a process of its own as a real model server is:

- first_token_overhead_ms: the service alone: send → the reply's first words in hand (its
  streaming callback). The stand-in answers at once, so nothing is subtracted: its own few
  milliseconds of work count against the app.
- first_token_overhead_ui_ms: the same on the real app's Tutor page: Send pressed → the first
  words in the reply's bubble (median of 10 turns).
- tutor_stall_max_ms: the longest the page's event loop stalls while a 600-token reply streams
  at 50 tokens/s into it (a timer ticks every 2 ms; the longest gap, less 2).
- ai_cache_lookup_p95_ms: one lookup in the tutor's verdict cache holding 10,000 verdicts, the
  offline embedding of the answer included (a miss: every way of finding one is tried).
- ai_cache_hit_rate: a replay of practice answers: every answer of the grader's labelled set
  that it is unsure of is checked once (a miss: the verdict is cached), then typed again as a
  learner retypes it, once in lower case without the final stop, once with a typo (two
  letters swapped in its longest word), once with "really" or "muy" added; the share of the
  retypes the cache answers.
- context_wipe_ms: ending a 40-turn conversation: its turns deleted with secure_delete and the
  write-ahead log checkpointed.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from aidioma_desktop.ai.providers import make_provider
from aidioma_desktop.services.ai_grading import AiGrader, Check
from aidioma_desktop.services.clock import ManualClock
from aidioma_desktop.services.practice import tutor_embedder
from aidioma_desktop.services.session import SessionService
from aidioma_desktop.services.tutor import TutorService
from aidioma_desktop.store.paths import AppPaths
from aidioma_protocol.payloads import DIRECTIONS

from .core import percentile
from .grading import load, run_set


def run() -> Iterator[tuple[str, float, str]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from tests.ai.standin import Reply, StandInProcess  # the stand-in lives with the tests

    with tempfile.TemporaryDirectory() as folder, StandInProcess() as server:
        paths = AppPaths.resolve(Path(folder))
        service = SessionService(paths, ManualClock(1_795_341_600_000))
        service.create_profile("Ana", level="beginner")
        learner = service.login("Ana")
        provider = make_provider("ollama", server.url, "tutor-small")
        tutor = TutorService(learner, provider)

        overheads = []
        for _ in range(20):
            server.script(Reply(text="Hola, ¿qué tal? " * 5, tokens_per_s=0))
            conversation = tutor.start("cafe_order", "beginner")
            first: list[float] = []

            def seen(_text: str, first: list[float] = first) -> None:
                if not first:
                    first.append(time.perf_counter())

            started = time.perf_counter()
            conversation.send("Hola", on_text=seen)
            overheads.append((first[0] - started) * 1000)
            conversation.end()
        yield "first_token_overhead_ms", statistics.median(overheads), "ms"

        service.logout(learner)
        overhead, stall = _on_the_tutor_page(Path(folder) / "app", server, Reply)
        yield "first_token_overhead_ui_ms", overhead, "ms"
        yield "tutor_stall_max_ms", stall, "ms"
        learner = service.login("Ana")
        tutor = TutorService(learner, provider)

        embed = tutor_embedder()
        grader = AiGrader(learner, None, embed)
        _fill_cache(learner, embed, 10_000)
        timings = []
        for n in range(200):
            started = time.perf_counter()
            grader.cached("daily_life.001", "es-en", f"I rise up at seven each day number {n}")
            timings.append((time.perf_counter() - started) * 1000)
        yield "ai_cache_lookup_p95_ms", percentile(timings, 0.95), "ms"
        yield "ai_cache_hit_rate", _replay(learner, embed), "share"

        conversation = tutor.start("cafe_order", "beginner")
        for n in range(20):  # 40 turns: the learner's and the tutor's
            server.script(Reply(text=f"turn {n} " + "palabra " * 250))
            conversation.send(f"turn {n} " + "palabra " * 250)
        started = time.perf_counter()
        learner.db.wipe_conversation(conversation.id)
        yield "context_wipe_ms", (time.perf_counter() - started) * 1000, "ms"
        service.logout(learner)


def _fill_cache(learner, embed, count: int) -> None:  # type: ignore[no-untyped-def]
    """`count` verdicts over the library's sentences and both directions, as months of use
    would leave them (a vector each: embedded in batches for speed)."""
    import base64
    import json

    ids = sorted(learner.library.sentences)
    rows = []
    for n in range(count):
        cid, direction = ids[n % len(ids)], DIRECTIONS[n % 2]
        answer = f"answer number {n} for {cid}"
        rows.append((cid, direction, answer))
    vector = embed("a typical answer")
    encoded = base64.b64encode(vector.astype("float16").tobytes()).decode()
    for cid, direction, answer in rows:
        learner.db.cache_evaluation(
            json.dumps([cid, direction, answer.lower()]),
            f"{cid}|{direction}",
            {"verdict": "wrong", "reason": "", "answer": answer, "vector": encoded},
            0,
        )


def _replay(learner, embed) -> float:  # type: ignore[no-untyped-def]
    grader = AiGrader(learner, None, embed)
    unsure = [o.item for o in run_set(load()) if o.grade.unsure]
    lookups = hits = 0
    for item in unsure:
        cid = str(item.get("content_id") or item["id"])
        direction, answer = str(item["direction"]), str(item["answer"])
        if grader.cached(cid, direction, answer) is None:
            grader.remember(cid, direction, answer, Check("correct", "", "model"))
        for retyped in _retypes(answer, direction):
            lookups += 1
            hits += grader.cached(cid, direction, retyped) is not None
    return hits / lookups if lookups else 0.0


def _retypes(answer: str, direction: str) -> list[str]:
    words = answer.rstrip(".!?").split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    typo = list(words)
    w = typo[longest]
    if len(w) > 3:
        typo[longest] = w[:1] + w[2] + w[1] + w[3:]
    extra = "really" if direction == "es-en" else "muy"
    added = [*words[:-1], extra, words[-1]] if len(words) > 1 else [*words, extra]
    return [" ".join(words).lower(), " ".join(typo), " ".join(added)]


def _on_the_tutor_page(data: Path, server, Reply) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """The real app, its Tutor page talking to the stand-in: (Send pressed → the first words
    painted in the reply's bubble, median of 10; the longest stall of the UI thread while a
    600-token reply streams at 50 tokens/s: the longest gap between 2 ms timer ticks, less 2)."""
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from aidioma_desktop.services import ai_settings
    from aidioma_desktop.ui.app import build, create_app
    from aidioma_desktop.ui.main_window import TUTOR

    paths = AppPaths.resolve(data)
    SessionService(paths).create_profile("Ana", level="beginner")
    create_app(["aidioma-bench"])
    app = QApplication.instance()
    window, runner = build(paths, "Ana")
    window.resize(1280, 800)
    window.show()

    def until(done, limit_s: float = 30) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + limit_s
        while not done():
            if time.monotonic() > end:
                raise TimeoutError("the Tutor page did not get there")
            app.processEvents()  # type: ignore[union-attr]
            time.sleep(0.0005)

    until(lambda: window.shell is not None)
    learner = window.ctx.learner
    saved: list[bool] = []
    settings = ai_settings.AiSettings("ollama", server.url, "tutor-small")
    window.ctx.run(lambda: ai_settings.save(learner, settings), saved.append)
    until(lambda: bool(saved))
    window.shell.show_page(TUTOR)
    page = window.shell.tutor
    until(lambda: page.start_button.isEnabled())
    page.start()
    until(lambda: page.view == "talk" and not page.busy)

    def send(text: str) -> float:
        bubbles = len(page._bubbles)
        page.input.setText(text)
        started = time.perf_counter()
        page.send()
        until(lambda: len(page._bubbles) > bubbles + 1 and page._bubbles[-1].text.text() != "")
        return (time.perf_counter() - started) * 1000

    firsts = []
    for n in range(10):
        server.script(Reply(text="Hola, ¿qué tal? Muy bien.", tokens_per_s=0))
        firsts.append(send(f"Hola {n}"))
        until(lambda: not page.sending)
    clock, gaps, last = QElapsedTimer(), [], [0.0]

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(2)
    timer.timeout.connect(tick)
    server.script(Reply(text=" ".join(["palabra"] * 600), tokens_per_s=50, tokens_out=600))
    clock.start()
    timer.start()
    send("Cuéntame algo largo")
    until(lambda: not page.sending, 60)
    timer.stop()
    runner.shutdown(window.final_logout())
    window.wait_for_workers()
    window.close()
    return statistics.median(firsts), max(0.0, max(gaps[1:], default=0.0) - 2)
