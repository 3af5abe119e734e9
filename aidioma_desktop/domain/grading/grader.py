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
from .lexicon import _EN_COMMANDS, _FALSE_FRIENDS, _FUNCTION, _LITERAL_IDIOMS, _fold
from .scoring import _Candidate, _evaluate, _perfect, _rank
from .tokens import _bag, _raw_words, _reference, _Tok, _tokens
from .types import Grade, Mark, Verdict, Zipf

_VARIANTS_TRIED = 3  # of those, how many (the closest to the answer) are graded in full


def _plain(score: int, verdict: Verdict, feedback: str, reference: str) -> Grade:
    return Grade(score, verdict, (), feedback, reference, (), ())


UNSURE = "Not one of the answers I know; it may still be right."


def grade(
    answer: str,
    references: Sequence[str],
    lang: Literal["es", "en"],
    *,
    source: str | None = None,
    zipf: Zipf | None = None,
) -> Grade:
    """Grade `answer` (written in `lang`) against the accepted translations `references`.

    `source`, the sentence translated, lets the grader see false friends and an answer in the
    wrong language; `zipf`, how common a word is (services/words.py), lets it tell a typo from
    another real word and a possible synonym from gibberish. Both are optional.
    """
    refs = [r for r in references if isinstance(r, str)] if references else []
    if not isinstance(answer, str):
        answer = ""
    first_ref = refs[0] if refs else ""
    try:
        return _grade(answer, refs, lang, first_ref, source, zipf)
    except Exception:  # pragma: no cover - last line of defence against odd input
        return _plain(0, "wrong", "Sorry, this answer couldn't be checked.", first_ref)


def _grade(
    answer: str,
    refs: list[str],
    lang: str,
    first_ref: str,
    source: str | None,
    zipf: Zipf | None,
) -> Grade:
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
    persons = _open_persons(source) if lang == "es" else frozenset()
    originals: list[_Candidate] = []
    for ref_text in usable:
        originals.append(
            _evaluate(ans, words, answer, ref_text, matcher, lang, truncated, zipf, persons)
        )
        if _perfect(originals[-1]):
            break
    best = max(originals, key=_rank)  # the first of equals: the order of the references
    if not _perfect(best):
        mixed = _best_variant(
            ans, words, answer, usable, matcher, lang, truncated, best, zipf, persons
        )
        if mixed is not None:
            if any(e.kind not in _COSMETIC for e in mixed.errors):
                # Show an accepted translation, not a made-up mixture.
                mixed.reference = _closest_original(mixed, originals, lang)
            best = mixed
    if best.verdict == "wrong":
        # Said in words where it is so (the other language, a false friend, an idiom word for
        # word); a mere lookalike of a source word only where the grader was unsure of a close
        # answer.
        close = best.unsure and sum(1 for k in best.kinds if k not in _COSMETIC) <= 2
        sure = _meaning_check(ans, answer, usable, lang, source, zipf, close)
        if sure is not None:
            best.verdict, best.score, best.unsure = "wrong", min(best.score, 40), False
            best.feedback = best.sure_because = sure
    if best.unsure:
        best.feedback = UNSURE
    return Grade(
        score=best.score,
        verdict=best.verdict,
        errors=tuple(best.errors),
        feedback=best.feedback,
        reference=best.reference,
        marks=tuple(best.marks),
        missing=tuple(best.missing),
        unsure=best.unsure,
    )


_EN_PERSONS = (
    ("1", frozenset(("i", "me", "my", "mine", "myself"))),
    ("2", frozenset(("you", "your", "yours", "yourself", "yourselves"))),
    ("1p", frozenset(("we", "us", "our", "ours", "ourselves"))),
)


def _open_persons(source: str | None) -> frozenset[str]:
    """Whom an English source names without gender or formality: "1" (I), "2" (you), "1p"."""
    if not source:
        return frozenset()
    written = [w.lower() for w in _raw_words(source)[0]]
    words = {w.split("'")[0] for w in written}
    persons = {person for person, forms in _EN_PERSONS if words & forms}
    if written and written[0] in _EN_COMMANDS:
        persons.add("2")  # a command speaks to someone, as tú or usted
    return frozenset(persons)


def _meaning_check(
    ans: Sequence[_Tok],
    answer: str,
    refs: Sequence[str],
    lang: str,
    source: str | None,
    zipf: Zipf | None,
    close: bool,
) -> str | None:
    """What makes an answer that looks close wrong for sure, in words: written in the other
    language, a false friend, an idiom taken word for word. None when none of them. A word
    that merely looks like one of the source's counts only in an answer `close` to an accepted
    translation: a free rewording may use a true cognate ("alarma" for "alarm")."""
    other = "en" if lang == "es" else "es"
    folds = [t.fold for t in ans]
    if _other_language(ans, lang, other, source, zipf):
        name = "English" if lang == "en" else "Spanish"
        return f"Your answer is not in {name}: translate the sentence into {name}."
    ref_folds = {t.fold for r in refs for t in _reference(r, lang)[0]}
    if source:
        for source_word in _raw_words(source)[0]:
            key = _fold(source_word.lower())
            for prefix, lookalikes, meaning in _FALSE_FRIENDS.get(lang, ()):
                if not key.startswith(prefix):
                    continue
                for word in folds:
                    if word.startswith(lookalikes) and word not in ref_folds:
                        return f"'{word}' is a false friend: '{source_word}' means '{meaning}'."
        lookalike = _lookalike(folds, source, ref_folds, lang) if close else None
        if lookalike is not None:
            word, source_word = lookalike
            return (
                f"'{word}' looks like '{source_word}' but does not mean the same here: a false "
                "friend."
            )
    text = " ".join(folds)
    ref_texts = [" ".join(t.fold for t in _reference(r, lang)[0]) for r in refs]
    for pattern, instead in _LITERAL_IDIOMS.get(lang, ()):
        found = pattern.search(text)
        if found and not any(pattern.search(r) for r in ref_texts):
            return f"'{found.group()}' is word for word; say it as '{instead}'."
    return None


def _lookalike(
    folds: Sequence[str], source: str, ref_folds: set[str], lang: str
) -> tuple[str, str] | None:
    """An answer word that no accepted translation has and that looks like a word of the source
    ("sympathetic" for "simpáticos", "note" for "nota"): the references chose another word, so
    this one is most likely a false friend. (answer word, source word) or None."""
    function = _FUNCTION.get(lang, frozenset())
    source_words = [w for w in _raw_words(source)[0] if len(w) >= 4]
    for word in folds:
        if len(word) < 4 or word in ref_folds or word in function:
            continue
        word = _cognate(word)
        for source_word in source_words:
            other = _cognate(_fold(source_word.lower()))
            common = next(
                (n for n, (x, y) in enumerate(zip(word, other, strict=False)) if x != y),
                min(len(word), len(other)),
            )
            alike = common >= 5 or (common >= 3 and common >= 0.7 * min(len(word), len(other)))
            if alike and not any(r.startswith(word[:common]) for r in ref_folds):
                return word, source_word
    return None


_COGNATE_SPELLING = (("ph", "f"), ("th", "t"), ("y", "i"), ("k", "c"), ("ss", "s"), ("mm", "m"))


def _cognate(word: str) -> str:
    """A word spelt the way its Spanish or English cousin is ("sympathetic" -> "simpatetic")."""
    for english, spanish in _COGNATE_SPELLING:
        word = word.replace(english, spanish)
    return word


def _other_language(
    ans: Sequence[_Tok], lang: str, other: str, source: str | None, zipf: Zipf | None
) -> bool:
    """Most of the answer's words are the source's own, or words of the other language."""
    words = [t.fold for t in ans if t.num is None]
    if not words:
        return False
    if source:
        source_words = {_fold(w.lower()) for w in _raw_words(source)[0]}
        if sum(1 for w in words if w in source_words) >= max(2, 0.6 * len(words)):
            return True
    if zipf is None:
        return False
    foreign = sum(
        1 for w in words if zipf(w, other) >= 3.0 and zipf(w, other) > zipf(w, lang) + 1.5
    )
    return foreign >= max(2, 0.6 * len(words))


def _best_variant(
    ans: list[_Tok],
    words: list[str],
    answer: str,
    usable: list[str],
    matcher: SequenceMatcher[str],
    lang: str,
    truncated: bool,
    best: _Candidate,
    zipf: Zipf | None,
    persons: frozenset[str],
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
        cand = _evaluate(ans, words, answer, variants[n], matcher, lang, truncated, zipf, persons)
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
