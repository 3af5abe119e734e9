"""The tutor checks what the offline grader could not judge ("unsure"), in the background.

Every answer is graded offline first, at once. Where the grader is unsure and a model is set up
and the budget allows, the model is asked; its verdict is a new event (`attempt.checked`) that
settles the attempt (projections fold the latest verdict of each attempt), and a "correct"
also accepts that answer for the person from then on (`answer.accepted`).

Verdicts are kept in a local cache (the seeds' ai_cache; never synced, nothing in it but the
answer and the verdict) for the same sentence and direction only, found three ways: exact (the
same answer however it was typed), similar (a small edit distance) and semantic (the offline
embedder's cosine similarity), the last two only where the offline grader sees no sure
difference between the two answers ("No lo quiero" is close to "Lo quiero" in meaning space).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from ..ai.providers import ChatMessage, ChatRequest, Provider
from ..ai.tutor import GRADE_SCHEMA, grading_prompt
from ..domain.content import Language, target_language
from ..domain.grading import grade
from ..domain.grading.classify import _damerau
from ..domain.projections import answer_key
from . import words
from .session import Learner

SIMILAR_EDITS = 2  # characters: "I arise at seven every day" / "I arise at 7 every day" is not
SEMANTIC_COSINE = 0.96  # the offline embedder's similarity for the same meaning in other words
Embed = Callable[[str], Any]  # text -> a normalised vector (numpy)


@dataclass(frozen=True, slots=True)
class Check:
    verdict: Literal["correct", "almost", "wrong"]
    reason: str
    source: Literal["exact", "similar", "semantic", "model"]


class AiGrader:
    """Checks unsure answers: the cache first, then the model (`provider` None: cache only)."""

    def __init__(
        self, learner: Learner, provider: Provider | None, embed: Embed | None = None
    ) -> None:
        self.learner = learner
        self.provider = provider
        self.embed = embed

    # ---- the cache ------------------------------------------------------------------

    def cached(self, content_id: str, direction: str, answer: str) -> Check | None:
        """A verdict cached for this sentence and direction: this answer, one a typo away, or
        one of the same meaning with no difference the offline grader can see."""
        key = answer_key(answer)
        rows = self.learner.db.cached_evaluations(_group(content_id, direction))  # one read
        for row in rows:
            if answer_key(row.get("answer", "")) == key:
                return Check(row["verdict"], row.get("reason", ""), "exact")
        lang = target_language(direction)
        vector = None
        best: tuple[float, dict[str, Any]] | None = None
        for row in rows:
            other = row.get("answer", "")
            other_key = answer_key(other)
            if (
                abs(len(other_key) - len(key)) <= SIMILAR_EDITS
                and _damerau(key, other_key, SIMILAR_EDITS) <= SIMILAR_EDITS
            ):
                if self._same_meaning(answer, other, lang):
                    return Check(row["verdict"], row.get("reason", ""), "similar")
                continue
            if self.embed is None or "vector" not in row:
                continue
            if vector is None:
                vector = self.embed(answer)
            similarity = float(_vector(row["vector"]) @ vector)
            if similarity >= SEMANTIC_COSINE and (best is None or similarity > best[0]):
                best = (similarity, row)
        if best is not None and self._same_meaning(answer, best[1]["answer"], lang):
            return Check(best[1]["verdict"], best[1].get("reason", ""), "semantic")
        return None

    def remember(self, content_id: str, direction: str, answer: str, check: Check) -> None:
        result: dict[str, Any] = {
            "verdict": check.verdict,
            "reason": check.reason,
            "answer": answer,
        }
        if self.embed is not None:
            vector = self.embed(answer)
            result["vector"] = base64.b64encode(vector.astype("float16").tobytes()).decode()
        self.learner.db.cache_evaluation(
            _cache_key(content_id, direction, answer_key(answer)),
            _group(content_id, direction),
            result,
            self.learner.clock.now_ms(),
        )

    @staticmethod
    def _same_meaning(answer: str, other: str, lang: Language) -> bool:
        """The offline grader sees no sure difference between two answers (a cached verdict
        of one then holds for the other)."""
        g = grade(answer, [other], lang, zipf=words.zipf)
        return g.verdict != "wrong" or g.unsure

    # ---- the model --------------------------------------------------------------------

    def ask(
        self,
        source: str,
        references: tuple[str, ...],
        answer: str,
        direction: str,
        cancelled: Callable[[], bool],
        call: Callable[..., Any],
    ) -> Check | None:
        """The model's verdict (through `call`, which records its use), or None when it gave
        none that can be read."""
        if self.provider is None:
            return None
        request = ChatRequest(
            messages=[
                ChatMessage(
                    "user", grading_prompt(source, references, answer, target_language(direction))
                )
            ],
            system="You are a careful Spanish and English teacher grading one translation.",
            model=self.provider.model,
            max_tokens=200,
            schema=GRADE_SCHEMA,
            schema_name="grade",
        )
        result = call(self.provider, request, None, cancelled)
        data = result.data if isinstance(result.data, dict) else None
        if data is None or data.get("verdict") not in ("correct", "almost", "wrong"):
            return None
        reason = str(data.get("reason", ""))[:300]
        return Check(data["verdict"], reason, "model")


def _group(content_id: str, direction: str) -> str:
    return f"{content_id}|{direction}"


def _cache_key(content_id: str, direction: str, key: str) -> str:
    return json.dumps([content_id, direction, key], ensure_ascii=False)


def _vector(text: str) -> Any:
    import numpy as np

    return np.frombuffer(base64.b64decode(text), dtype=np.float16).astype(np.float32)
