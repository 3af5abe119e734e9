"""Translation practice: pick a sentence, give hints, grade the answer, record the attempt."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain import review
from ..domain.content import Sentence, target_language
from ..domain.errors import AppError
from ..domain.events import DIRECTIONS, MAX_ANSWER_CHARS
from ..domain.grading import Grade, grade
from ..domain.projections import Progress
from .content import sentence_from_item
from .session import Learner


class PracticeError(AppError):
    pass


@dataclass(frozen=True)
class PracticeItem:
    sentence: Sentence
    direction: str

    @property
    def prompt(self) -> str:
        return self.sentence.source(self.direction)

    @property
    def references(self) -> tuple[str, ...]:
        return self.sentence.references(self.direction)

    @property
    def hints(self) -> tuple[str, ...]:
        return self.sentence.hints.get(self.direction, ())


@dataclass(frozen=True)
class PracticeResult:
    item: PracticeItem
    grade: Grade
    hints_used: int
    progress: Progress
    next_due: str  # "in 3 d"
    event_id: str


@dataclass
class PracticeService:
    learner: Learner
    recent: list[str] = field(default_factory=list)

    def default_direction(self) -> str:
        s = self.learner.settings()
        return f"{s['target_language']}-{s['primary_language']}"

    def categories(self) -> list[str]:
        return self.learner.db.categories()

    def next_item(
        self, level: str | None = None, category: str | None = None, direction: str | None = None
    ) -> PracticeItem | None:
        """The next sentence for these filters: due first, then new, then the stalest."""
        direction = direction or self.default_direction()
        if direction not in DIRECTIONS:
            raise PracticeError(f"Direction must be one of {', '.join(DIRECTIONS)}.")
        item = self.learner.db.pick_content(
            self.learner.clock.now_ms(), level, category, exclude=self.recent[-5:]
        )
        if item is None and self.recent:
            item = self.learner.db.pick_content(self.learner.clock.now_ms(), level, category)
        if item is None:
            return None
        self.recent.append(item.id)
        return PracticeItem(sentence_from_item(item), direction)

    def submit(
        self, item: PracticeItem, answer: str, hints_used: int = 0, duration_ms: int = 0
    ) -> PracticeResult:
        """Grade the answer and record the attempt; it also counts as a review of the card."""
        if not answer.strip():
            raise PracticeError("Type your translation first.")
        if len(answer) > MAX_ANSWER_CHARS:
            raise PracticeError(
                f"That answer is {len(answer):,} characters long; a translation can be at most "
                f"{MAX_ANSWER_CHARS:,}. Nothing was recorded."
            )
        result = grade(answer, item.references, target_language(item.direction))
        settings = self.learner.settings()
        event = self.learner.record(
            "practice.attempted",
            {
                "content_id": item.sentence.id,
                "direction": item.direction,
                "answer": answer.strip(),
                "score": result.score,
                "verdict": result.verdict,
                "hints_used": max(0, min(hints_used, len(item.hints), 10)),
                "duration_ms": max(0, min(duration_ms, 3_600_000)),
                "retention": settings["desired_retention"],
                "fuzz": settings["review_fuzz"],
                "errors": [e.kind for e in result.errors][:50],
            },
        )
        progress = self.learner.db.progress(item.sentence.id)
        assert progress is not None and progress.due_ms is not None
        return PracticeResult(
            item=item,
            grade=result,
            hints_used=hints_used,
            progress=progress,
            next_due="in " + review.interval_text(event.occurred_at, progress.due_ms),
            event_id=event.id,
        )
