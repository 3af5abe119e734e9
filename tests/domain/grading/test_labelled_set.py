"""The grader against the teacher-labelled set in tests/data/grading/ (issue 16's bars).

The figures are those `python -m benchmarks grading` prints; here they must hold, so a change
that makes the grader kinder to wrong answers, or harder on right ones, fails the suite.
"""

from __future__ import annotations

import operator
from collections import Counter

import pytest

from benchmarks.grading import BARS, HARD_CLASSES, figures, load, run_set

CATEGORIES = {
    "daily_life", "directions", "family", "feelings", "food", "health", "hobbies", "home",
    "school", "shopping", "time", "travel", "weather", "work",
}  # fmt: skip
COMPARE = {"<": operator.lt, "<=": operator.le, ">=": operator.ge}


@pytest.fixture(scope="module")
def outcomes():  # type: ignore[no-untyped-def]
    return run_set(load())


def test_the_set_covers_both_directions_all_categories_and_the_hard_classes() -> None:
    items = load()
    assert len(items) >= 300
    assert {item["direction"] for item in items} == {"es-en", "en-es"}
    assert {item["category"] for item in items} == CATEGORIES
    classes = Counter(item["class"] for item in items)
    for cls in HARD_CLASSES:
        assert classes[cls] >= 30, cls
    assert len({item["id"] for item in items}) == len(items)
    for item in items:
        assert item["expected"] in ("correct", "almost", "wrong")
        assert item["why"], item["id"]


@pytest.mark.parametrize(("metric", "compare", "bar"), BARS)
def test_the_grader_meets_its_bar(outcomes, metric: str, compare: str, bar: float) -> None:  # type: ignore[no-untyped-def]
    value = figures(outcomes)[metric]
    assert COMPARE[compare](value, bar), f"{metric} = {value:.3f}, bar {compare} {bar}"


def test_no_wrong_answer_is_called_correct_in_the_hard_classes(outcomes) -> None:  # type: ignore[no-untyped-def]
    accepted = [
        o.item["id"]
        for o in outcomes
        if o.item["class"] in ("overlap_flip", "char_close_wrong") and o.verdict == "correct"
    ]
    assert accepted == []
