"""Run benchmark areas: `python -m benchmarks [area ...] [--json]`.

Each figure is one JSON object per line: {"metric", "value", "unit"}.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Iterator

AREAS = {
    "core": "benchmarks.core",
    "app": "benchmarks.app",
    "documents": "benchmarks.documents",
    "sync": "benchmarks.sync",
}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("areas", nargs="*", choices=[*AREAS, []], help="default: all areas")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args()
    for area in args.areas or list(AREAS):
        run: Callable[[], Iterator[tuple[str, float, str]]] = importlib.import_module(
            AREAS[area]
        ).run
        for metric, value, unit in run():
            if args.json:
                print(
                    json.dumps({"metric": metric, "value": round(value, 3), "unit": unit}),
                    flush=True,
                )
            else:
                print(f"{metric:28} {value:12.3f} {unit}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
