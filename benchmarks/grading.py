"""Grading quality on the labelled set in tests/data/grading/ (see its README).

Each item is a learner's answer labelled correct, almost or wrong by a teacher's rules (the
labels are written out in aidioma_desktop/domain/grading/__init__.py). The figures:

- accuracy: the grader's verdict equals the label (an "unsure" wrong counts as wrong).
- wrong_as_almost: share of wrong answers called almost (a changed meaning shown as a slip).
- false_accept: share of wrong answers called correct.
- slip_recall: share of slips (label almost) called almost.
- false_reject: share of right answers (label correct) called wrong without "unsure".
- wrong_unsure: share of wrong answers flagged unsure (a grader that is unsure of everything
  fails here).
- right_unsure: share of right answers called wrong but flagged unsure (report only).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from aidioma_desktop.domain.grading import Grade, grade
from aidioma_desktop.services.words import zipf

SET_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "grading"
HARD_CLASSES = ("reworded_right", "slip", "overlap_flip", "char_close_wrong")
# The bars of issue 16: (metric, comparison, bar).
BARS = (
    ("wrong_as_almost", "<", 0.10),
    ("false_accept", "<=", 0.02),
    ("slip_recall", ">=", 0.75),
    ("false_reject", "<=", 0.10),
    ("wrong_unsure", "<=", 0.20),
)


@dataclass(frozen=True)
class Outcome:
    item: dict[str, object]
    grade: Grade

    @property
    def expected(self) -> str:
        return str(self.item["expected"])

    @property
    def verdict(self) -> str:
        return self.grade.verdict


def load(directory: Path = SET_DIR) -> list[dict[str, object]]:
    items = []
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            items.extend(json.loads(line) for line in handle if line.strip())
    return items


def run_set(items: Iterable[dict[str, object]]) -> list[Outcome]:
    outcomes = []
    for item in items:
        refs = item["references"]
        assert isinstance(refs, list)
        lang = str(item["direction"]).split("-")[1]
        result = grade(str(item["answer"]), refs, lang, source=str(item["source"]), zipf=zipf)  # type: ignore[arg-type]
        outcomes.append(Outcome(item, result))
    return outcomes


def _share(outcomes: list[Outcome], hit: object) -> float:
    if not outcomes:
        return 0.0
    return sum(1 for o in outcomes if hit(o)) / len(outcomes)  # type: ignore[operator]


def figures(outcomes: list[Outcome]) -> dict[str, float]:
    right = [o for o in outcomes if o.expected == "correct"]
    slips = [o for o in outcomes if o.expected == "almost"]
    wrong = [o for o in outcomes if o.expected == "wrong"]
    return {
        "items": float(len(outcomes)),
        "accuracy": _share(outcomes, lambda o: o.verdict == o.expected),
        "wrong_as_almost": _share(wrong, lambda o: o.verdict == "almost"),
        "false_accept": _share(wrong, lambda o: o.verdict == "correct"),
        "slip_recall": _share(slips, lambda o: o.verdict == "almost"),
        "false_reject": _share(right, lambda o: o.verdict == "wrong" and not o.grade.unsure),
        "wrong_unsure": _share(wrong, lambda o: o.grade.unsure),
        "right_unsure": _share(right, lambda o: o.verdict == "wrong" and o.grade.unsure),
    }


def run() -> Iterator[tuple[str, float, str]]:
    outcomes = run_set(load())
    for metric, value in figures(outcomes).items():
        yield metric, value, "items" if metric == "items" else "share"
    for cls in HARD_CLASSES:
        members = [o for o in outcomes if o.item.get("class") == cls]
        ok = _share(members, lambda o: o.verdict == o.expected)
        yield f"accuracy_{cls}", ok, "share"
