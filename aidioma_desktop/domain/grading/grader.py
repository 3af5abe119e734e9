"""The pipeline: tokenise the answer, evaluate it against each accepted translation (then against
the closest mixtures of them), keep the best, and decide whether a "wrong" is unsure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Literal

from .equivalences import _variants
from .feedback import _COSMETIC, _words_of
from .scoring import _Candidate, _evaluate, _perfect, _rank
from .tokens import _bag, _raw_words, _reference, _Tok, _tokens
from .types import Grade, Mark, Verdict

_VARIANTS_TRIED = 3  # of those, how many (the closest to the answer) are graded in full


def _plain(score: int, verdict: Verdict, feedback: str, reference: str) -> Grade:
    return Grade(score, verdict, (), feedback, reference, (), ())


def grade(answer: str, references: Sequence[str], lang: Literal["es", "en"]) -> Grade:
    """Grade `answer` (written in `lang`) against the accepted translations `references`."""
    refs = [r for r in references if isinstance(r, str)] if references else []
    if not isinstance(answer, str):
        answer = ""
    first_ref = refs[0] if refs else ""
    try:
        return _grade(answer, refs, lang, first_ref)
    except Exception:  # pragma: no cover - last line of defence against odd input
        return _plain(0, "wrong", "Sorry, this answer couldn't be checked.", first_ref)


def _grade(answer: str, refs: list[str], lang: str, first_ref: str) -> Grade:
    if not answer.strip():
        return _plain(0, "wrong", "Please type your translation first.", first_ref)
    words, truncated = _raw_words(answer)
    if not words:
        return _plain(0, "wrong", "Please type your translation in words.", first_ref)
    usable = list(dict.fromkeys(r for r in refs if _reference(r, lang)[0]))
    if not usable:
        marks = tuple(Mark(w, "ok") for w in words)
        return Grade(0, "wrong", (), "There is no translation to compare with.", "", marks, ())
    ans = _tokens(words, lang)
    matcher: SequenceMatcher[str] = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2([t.fold for t in ans])
    originals: list[_Candidate] = []
    for ref_text in usable:
        originals.append(_evaluate(ans, words, answer, ref_text, matcher, lang, truncated))
        if _perfect(originals[-1]):
            break
    best = max(originals, key=_rank)  # the first of equals: the order of the references
    if not _perfect(best):
        mixed = _best_variant(ans, words, answer, usable, matcher, lang, truncated, best)
        if mixed is not None:
            if any(e.kind not in _COSMETIC for e in mixed.errors):
                # Show an accepted translation, not a made-up mixture.
                mixed.reference = _closest_original(mixed, originals, lang)
            best = mixed
    return Grade(
        score=best.score,
        verdict=best.verdict,
        errors=tuple(best.errors),
        feedback=best.feedback,
        reference=best.reference,
        marks=tuple(best.marks),
        missing=tuple(best.missing),
    )


def _best_variant(
    ans: list[_Tok],
    words: list[str],
    answer: str,
    usable: list[str],
    matcher: SequenceMatcher[str],
    lang: str,
    truncated: bool,
    best: _Candidate,
) -> _Candidate | None:
    """Grade the mixed references closest to the answer; the winner if it beats `best`."""
    variants = _variants(tuple(usable), lang)
    if not variants:
        return None
    ans_bag = Counter(t.fold for t in ans)

    def distance(text: str) -> int:
        bag, size = _bag(text, lang)
        return size + len(ans) - 2 * sum((bag & ans_bag).values())

    limit = min(distance(r) for r in usable)
    ranked = sorted((d, n) for n, v in enumerate(variants) if (d := distance(v)) <= limit)
    winner: _Candidate | None = None
    for _d, n in ranked[:_VARIANTS_TRIED]:
        cand = _evaluate(ans, words, answer, variants[n], matcher, lang, truncated)
        if _rank(cand) > _rank(winner or best):
            winner = cand
            if _perfect(cand):
                break
    return winner


def _closest_original(cand: _Candidate, originals: Sequence[_Candidate], lang: str) -> str:
    """The accepted translation that has the most of the words the feedback asks for."""
    needed: set[str] = set()
    for err in cand.errors:
        if err.kind not in _COSMETIC:
            needed |= _words_of(err.expected)
    best_text, best_key = originals[0].reference, None
    for orig in originals:
        folds = {t.fold for t in _reference(orig.reference, lang)[0]}
        key = (len(needed & folds), _rank(orig))
        if best_key is None or key > best_key:
            best_text, best_key = orig.reference, key
    return best_text
