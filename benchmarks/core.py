"""Core figures: grading speed, projection rebuilds, the Today numbers, opening a profile."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from aidioma_desktop.domain.grading import grade
from aidioma_desktop.services.clock import ManualClock
from aidioma_desktop.services.content import ContentLibrary
from aidioma_desktop.services.session import SessionService
from aidioma_desktop.services.stats import StatsService
from aidioma_desktop.services.words import zipf
from aidioma_desktop.store.database import ProfileDatabase
from aidioma_desktop.store.paths import AppPaths

from .data import T_END, activity


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def learner_answers(
    library: ContentLibrary, rng: random.Random
) -> list[tuple[str, tuple[str, ...], str, str]]:
    """Realistic answers: exact, a dropped word, a lost accent, a swapped pair, a typo."""
    cases = []
    for s in library.sentences.values():
        for direction, lang in (("es-en", "en"), ("en-es", "es")):
            refs = s.references(direction)
            words = refs[0].split()
            variant = rng.randrange(5)
            if variant == 1 and len(words) > 2:
                words.pop(rng.randrange(len(words)))
            elif variant == 2:
                words = [w.replace("á", "a").replace("é", "e").replace("í", "i") for w in words]
            elif variant == 3 and len(words) > 3:
                i = rng.randrange(len(words) - 1)
                words[i], words[i + 1] = words[i + 1], words[i]
            elif variant == 4:
                i = rng.randrange(len(words))
                words[i] = words[i][:-1] if len(words[i]) > 3 else words[i]
            cases.append((" ".join(words), refs, lang, s.source(direction)))
    return cases


def run() -> Iterator[tuple[str, float, str]]:
    library = ContentLibrary.load()
    rng = random.Random(3)
    cases = learner_answers(library, rng)
    # As the app grades: with the source sentence and the word data (loaded once, first).
    for answer, refs, lang, source in cases[:200]:  # warm up
        grade(answer, refs, lang, source=source, zipf=zipf)  # type: ignore[arg-type]
    timings = []
    for answer, refs, lang, source in cases * 3:
        t = time.perf_counter()
        grade(answer, refs, lang, source=source, zipf=zipf)  # type: ignore[arg-type]
        timings.append((time.perf_counter() - t) * 1000)
    yield "grade_p50_ms", statistics.median(timings), "ms"
    yield "grade_p95_ms", percentile(timings, 0.95), "ms"

    content_ids = list(library.sentences)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        opens = []
        for i in range(10):
            t = time.perf_counter()
            ProfileDatabase.open(root / f"fresh{i}.aidioma", create=True).close()
            opens.append((time.perf_counter() - t) * 1000)
        yield "open_migrate_ms", statistics.median(opens), "ms"

        for n, label in ((10_000, "10k"), (100_000, "100k")):
            db = ProfileDatabase.open(root / f"rebuild{label}.aidioma", create=True)
            db.append(activity(n, content_ids))
            runs = []
            for _ in range(3 if n <= 10_000 else 2):
                t = time.perf_counter()
                db.rebuild_projections()
                runs.append(time.perf_counter() - t)
            db.close()
            yield f"rebuild_{label}_s", min(runs), "s"

        paths = AppPaths.resolve(root / "app")
        clock = ManualClock(T_END + 3_600_000, 60)
        service = SessionService(paths, clock, library)
        service.create_profile("Bench")
        learner = service.login("Bench")
        learner.db.append(activity(100_000, content_ids, device=learner.device_id))
        stats = StatsService(learner)
        stats.dashboard()
        runs = []
        for _ in range(30):
            t = time.perf_counter()
            stats.dashboard()
            runs.append((time.perf_counter() - t) * 1000)
        yield "dashboard_100k_ms", statistics.median(runs), "ms"
        service.logout(learner)
        t = time.perf_counter()
        learner = service.login("Bench")
        yield "login_100k_ms", (time.perf_counter() - t) * 1000, "ms"
        service.logout(learner)
