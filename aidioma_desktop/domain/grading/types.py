"""The grader's public types: a verdict, the errors it names, the marked answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Verdict = Literal["correct", "almost", "wrong"]


ErrorKind = Literal[
    "missing_word",
    "extra_word",
    "wrong_word",
    "misspelling",
    "missing_accent",
    "agreement",
    "word_order",
    "verb_form",
    "negation",
    "case",
    "punctuation",
]


MarkStatus = Literal["ok", "minor", "wrong", "extra"]


MAX_TOKENS = 200
# How common a word is in a language: zipf(word, lang), 0 for an unknown word (the app's word
# data, services/words.py). The grader is pure: the caller passes it in.
Zipf = Callable[[str, str], float]


@dataclass(frozen=True, slots=True)
class GradeError:
    """One difference between the answer and the chosen reference."""

    kind: ErrorKind
    expected: str | None
    got: str | None

    def to_dict(self) -> dict[str, str | None]:
        """JSON-ready form."""
        return {"kind": self.kind, "expected": self.expected, "got": self.got}


@dataclass(frozen=True, slots=True)
class Mark:
    """A token of the learner's answer with a highlight status."""

    text: str
    status: MarkStatus

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"text": self.text, "status": self.status}


@dataclass(frozen=True, slots=True)
class Grade:
    """The outcome of grading one answer."""

    score: int
    verdict: Verdict
    errors: tuple[GradeError, ...]
    feedback: str
    reference: str
    marks: tuple[Mark, ...]
    missing: tuple[str, ...]
    # "wrong" only by words the grader cannot judge (a possible synonym or rewording): the
    # person ("I was right") or the AI tutor settles it; not counted correct until then.
    unsure: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "score": self.score,
            "verdict": self.verdict,
            "errors": [e.to_dict() for e in self.errors],
            "feedback": self.feedback,
            "reference": self.reference,
            "marks": [m.to_dict() for m in self.marks],
            "missing": list(self.missing),
            "unsure": self.unsure,
        }
