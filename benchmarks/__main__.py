"""Run benchmark areas: `python -m benchmarks [area ...] [--json]`.

Each figure is one JSON object per line: {"metric", "value", "unit"}. The first, machine_ref_s,
is how long a fixed piece of work takes before the areas run: on a shared machine whose speed
varies by up to 2x from hour to hour, it lets runs taken at different times be compared. (A
plain Python loop does not track it: one ran at full speed while this code's own earlier
commits, rerun, took 1.4-2x their first figures.)
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from collections.abc import Callable, Iterator

AREAS = {
    "core": "benchmarks.core",
    "grading": "benchmarks.grading",
    "reading": "benchmarks.reading",
    "ai": "benchmarks.ai",
    "app": "benchmarks.app",
    "documents": "benchmarks.documents",
    "sync": "benchmarks.sync",
    "packaging": "benchmarks.packaging",  # after `make dist`; not in the default run
}
BY_DEFAULT = [area for area in AREAS if area != "packaging"]


def machine_ref_s() -> float:
    """Seconds for a fixed mix of the work sync does (JSON parsing, sorting, SQLite inserts,
    a 20 MB working set): the machine's speed right now, not this code's."""
    import random
    import sqlite3

    rng = random.Random(7)
    rows = [
        {"id": f"{rng.getrandbits(64):016x}", "n": i, "text": "una respuesta de ejemplo"}
        for i in range(100_000)
    ]
    text = json.dumps(rows)
    started = time.perf_counter()
    parsed = json.loads(text)
    parsed.sort(key=lambda row: row["id"])
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, text TEXT)")
        db.executemany("INSERT INTO t VALUES (:id, :n, :text)", parsed)
    db.close()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument(
        "areas", nargs="*", choices=[*AREAS, []], help="default: all areas but packaging"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args()

    def emit(metric: str, value: float, unit: str) -> None:
        figure = {"metric": metric, "value": round(value, 3), "unit": unit}
        text = json.dumps(figure) if args.json else f"{metric:28} {value:12.3f} {unit}"
        print(text, flush=True)

    emit("machine_ref_s", machine_ref_s(), "s")
    for area in args.areas or BY_DEFAULT:
        run: Callable[[], Iterator[tuple[str, float, str]]] = importlib.import_module(
            AREAS[area]
        ).run
        for metric, value, unit in run():
            emit(metric, value, unit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
