"""Speaking practice: say the sentence aloud; a transcription endpoint writes down what it
heard; the transcript is aligned with the expected words (the accepted translation closest to
it) for a pronunciation score and the words that were missed.

The recording lives in memory only (bytes handed in by the page, dropped after the call).
What is kept is one `feedback.recorded` (kind pronunciation: the score and the missed words).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..ai.transcribe import Transcriber
from ..domain.errors import AppError
from ..domain.grading.lexicon import _fold
from ..domain.grading.tokens import _raw_words
from .session import Learner


class SpeakingError(AppError):
    pass


NEEDS_ENDPOINT = (
    "Speaking practice needs a transcription service: a whisper.cpp server, "
    "faster-whisper-server or OpenAI. Set its address in Settings → AI provider."
)


@dataclass(frozen=True, slots=True)
class SpeakingResult:
    transcript: str
    expected: str  # the accepted sentence the transcript is closest to
    score: int  # 0-100: the share of its words heard, in order
    missed: tuple[str, ...]  # its words not heard


def score_speech(transcript: str, references: Sequence[str]) -> SpeakingResult:
    """Align what was heard with each accepted sentence; keep the closest."""
    heard = [_fold(w.lower()) for w in _raw_words(transcript)[0]]
    best: SpeakingResult | None = None
    for ref in references:
        words = _raw_words(ref)[0]
        folded = [_fold(w.lower()) for w in words]
        if not folded:
            continue
        matcher = SequenceMatcher(None, folded, heard, autojunk=False)
        found: set[int] = set()
        for block in matcher.get_matching_blocks():
            found.update(range(block.a, block.a + block.size))
        score = round(100 * len(found) / len(folded))
        missed = tuple(w for i, w in enumerate(words) if i not in found)
        if best is None or score > best.score:
            best = SpeakingResult(transcript, ref, score, missed)
    if best is None:
        raise SpeakingError("There is no sentence to compare with.")
    return best


class SpeakingService:
    def __init__(self, learner: Learner, transcriber: Transcriber | None) -> None:
        self.learner = learner
        self.transcriber = transcriber

    def transcribe(self, audio: bytes, language: str) -> str:
        """What the transcription service heard in a recording, which is then dropped."""
        if self.transcriber is None:
            raise SpeakingError(NEEDS_ENDPOINT)
        if len(audio) < 1_000:
            raise SpeakingError("Nothing was recorded: check the microphone and try again.")
        heard = self.transcriber.transcribe(audio, language)
        if not heard.strip():
            raise SpeakingError("Nothing was heard in the recording: speak a little closer.")
        return heard

    def check(
        self, audio: bytes, references: Sequence[str], language: str, content_id: str | None
    ) -> SpeakingResult:
        """Transcribe a recording, score it against the accepted sentences, record the
        feedback (never the recording or the transcript)."""
        result = score_speech(self.transcribe(audio, language), references)
        payload: dict[str, object] = {
            "feedback_type": "pronunciation",
            "score": result.score / 100,
            "suggestions": [w[:300] for w in result.missed[:20]],
        }
        if content_id:
            payload["content_id"] = content_id
        self.learner.record("feedback.recorded", payload)
        return result
