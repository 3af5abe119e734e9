"""Shared helpers of the grader's tests: grade an answer as the app does, and read the result."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, cast

from aidioma_desktop.domain.grading import Grade, grade
from aidioma_desktop.domain.grading.tokens import _Tok, _tokens
from aidioma_desktop.services import words

# Words the feedback must not start with: the app shows the verdict itself.
VERDICT_WORDS = ("correct", "almost", "not quite", "wrong", "well done", "great")


def graded(
    answer: str, references: str | Sequence[str], lang: str, *, source: str | None = None
) -> Grade:
    """Grade as the app does: with the word frequencies (and the source sentence when given)."""
    refs = [references] if isinstance(references, str) else list(references)
    return grade(answer, refs, cast(Literal["es", "en"], lang), source=source, zipf=words.zipf)


def kinds(g: Grade) -> set[str]:
    """The kinds of error the learner is told about."""
    return {e.kind for e in g.errors}


def substantive(g: Grade) -> list[str]:
    """The kinds of error beyond capitals and punctuation, in order."""
    return [e.kind for e in g.errors if e.kind not in ("case", "punctuation")]


def status_of(g: Grade, text: str) -> str:
    """How the learner's word `text` is highlighted."""
    found = [m.status for m in g.marks if m.text == text]
    assert found, f"{text!r} not among marks {g.marks}"
    return found[0]


def tok(word: str, lang: str) -> _Tok:
    """One word as the grader reads it (the first part of a contraction)."""
    return _tokens([word], lang)[0]


def toks(text: str, lang: str) -> list[_Tok]:
    """A sentence as the grader reads it (split on spaces; no punctuation)."""
    return _tokens(text.split(), lang)


def assert_consistent(g: Grade) -> None:
    """What the app relies on: the score inside the verdict's band, feedback for anything short
    of correct that doesn't repeat the verdict, no "expected 'x', got 'x'", unsure only on wrong."""
    assert isinstance(g, Grade)
    assert 0 <= g.score <= 100
    if g.verdict == "correct":
        assert g.score >= 90
    elif g.verdict == "almost":
        assert 60 <= g.score <= 89
    else:
        assert g.verdict == "wrong" and g.score < 60
    if g.verdict != "correct":
        assert g.feedback.strip()
    assert not g.feedback.lower().startswith(VERDICT_WORDS), g.feedback
    assert not g.unsure or g.verdict == "wrong"
    for e in g.errors:
        assert e.expected is None or e.expected != e.got, e
