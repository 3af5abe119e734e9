"""Translation practice: pick a sentence, give hints, grade the answer, record the attempt.

The offline grader cannot judge every rewording: a "wrong" made only of words it does not know
is `unsure`, and the person may say "I was right" (`accept_answer`; the AI tutor will call it
too). The attempt then counts as correct, and so does that answer of that sentence from then
on, on every device of the person: both are events (answer.accepted), folded by projections.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from aidioma_protocol.payloads import DIRECTIONS, MAX_ANSWER_CHARS

from ..ai.providers import Provider
from ..domain import review
from ..domain.content import Sentence, target_language
from ..domain.errors import AppError
from ..domain.grading import Grade, grade
from ..domain.projections import Progress
from . import words
from .ai_grading import AiGrader, Check, Embed
from .content import sentence_from_item
from .session import Learner
from .tutor import TutorService


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
    event_id: str  # the practice.attempted event: what an acceptance settles
    answer: str  # as recorded
    # "wrong" only by words the grader cannot judge (a possible synonym or rewording): the
    # person may say "I was right" (PracticeService.accept_answer).
    unsure: bool = False
    accepted: bool = False  # the person said "I was right": the attempt counts as correct
    checked: Check | None = None  # the AI tutor's verdict on an unsure answer

    @property
    def verdict(self) -> str:
        """How the attempt counts: the grader's verdict, the tutor's, or correct once
        accepted."""
        if self.accepted:
            return "correct"
        return self.checked.verdict if self.checked is not None else self.grade.verdict

    @property
    def score(self) -> int:
        """The attempt's score as it counts (as projections.settlement)."""
        if self.accepted:
            return 100
        if self.checked is not None:
            return checked_score(self.checked.verdict, self.grade.score)
        return self.grade.score


def checked_score(verdict: str, own: int) -> int:
    """An attempt's score once the tutor has said: full for correct, the slip band's middle for
    almost, its own (at most a wrong's) for wrong."""
    return {"correct": 100, "almost": 75}.get(verdict, min(own, 59))


def never() -> bool:
    return False


_EMBEDDER: list[Embed] = []


def tutor_embedder() -> Embed:
    """The offline embedder for the tutor's semantic cache, made once (its model loads on
    first use, off the UI thread)."""
    if not _EMBEDDER:
        from ..documents.embed import builtin

        embedder = builtin()
        _EMBEDDER.append(embedder.query)
    return _EMBEDDER[0]


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
        """Grade the answer and record the attempt; it also counts as a review of the card.

        The answers the person accepted for this sentence and direction count as references:
        one accepted once is correct from then on."""
        if not answer.strip():
            raise PracticeError("Type your translation first.")
        if len(answer) > MAX_ANSWER_CHARS:
            raise PracticeError(
                f"That answer is {len(answer):,} characters long; a translation can be at most "
                f"{MAX_ANSWER_CHARS:,}. Nothing was recorded."
            )
        accepted = self.learner.db.accepted_answers(item.sentence.id, item.direction)
        references = (*item.references, *(a for a in accepted if a not in item.references))
        result = grade(
            answer,
            references,
            target_language(item.direction),
            source=item.prompt,  # false friends, an answer in the other language
            zipf=words.zipf,  # real words from typos, a possible synonym from gibberish
        )
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
            answer=answer.strip(),
            unsure=result.unsure,
        )

    def accept_answer(self, result: PracticeResult) -> PracticeResult:
        """Record "I was right": the attempt counts as correct (score 100: its card, best and
        average scores, the day's figures), and so does this answer of this sentence and
        direction from now on, on every device of the person. The one entry point for the
        person's button and for the AI tutor; returns the result as it now counts."""
        if result.accepted or result.grade.verdict == "correct":
            return result
        self.learner.record("answer.accepted", self._acceptance(result))
        return self._recounted(result, accepted=True)

    def undo_accept(self, result: PracticeResult) -> PracticeResult:
        """Take back an acceptance pressed by mistake: the attempt counts with its own verdict
        again and the answer is no longer accepted. A new event (answer.unaccepted): events
        are never edited."""
        if not result.accepted:
            return result
        self.learner.record("answer.unaccepted", self._acceptance(result))
        return self._recounted(result, accepted=False)

    def _acceptance(self, result: PracticeResult) -> dict[str, Any]:
        return {
            "content_id": result.item.sentence.id,
            "direction": result.item.direction,
            "answer": result.answer,
            "attempt_id": result.event_id,
        }

    def check_unsure(
        self,
        result: PracticeResult,
        provider: Provider | None,
        embed: Embed | None = None,
        cancelled: Callable[[], bool] = never,
    ) -> PracticeResult | None:
        """The AI tutor's check of an unsure answer, in the background: a cached verdict for
        this sentence, else the model's (when one is set up and the budget allows). Recorded
        as attempt.checked (the attempt then counts with it), and a "correct" also accepts the
        answer from then on. None: nothing could be said (no model, budget spent, no reply)."""
        if not result.unsure or result.accepted or result.checked is not None:
            return None
        item = result.item
        tutor = TutorService(self.learner, provider)
        grader = AiGrader(self.learner, provider, embed)
        check = grader.cached(item.sentence.id, item.direction, result.answer)
        if check is None:
            if provider is None or tutor.spending().exhausted:
                return None
            check = grader.ask(
                item.prompt, item.references, result.answer, item.direction, cancelled, tutor.call
            )
            if check is None:
                return None
            grader.remember(item.sentence.id, item.direction, result.answer, check)
        payload = {
            "content_id": item.sentence.id,
            "attempt_id": result.event_id,
            "verdict": check.verdict,
            "score": checked_score(check.verdict, result.grade.score),
            "by": check.source,
        }
        if provider is not None:
            payload["model"] = provider.model[:120]
        self.learner.record("attempt.checked", payload)
        checked = replace(self._recounted(result, accepted=False), checked=check)
        if check.verdict == "correct":
            self.learner.record("answer.accepted", self._acceptance(result))
        return checked

    def _recounted(self, result: PracticeResult, accepted: bool) -> PracticeResult:
        progress = self.learner.db.progress(result.item.sentence.id)
        assert progress is not None and progress.due_ms is not None
        now = self.learner.clock.now_ms()
        return replace(
            result,
            accepted=accepted,
            progress=progress,
            next_due="in " + review.interval_text(now, progress.due_ms),
        )
