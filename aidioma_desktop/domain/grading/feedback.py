"""Feedback wording: one or two short sentences naming the error and the accepted form. The
feedback never repeats the verdict (the app shows it).
"""

from __future__ import annotations

from collections.abc import Sequence

from .classify import _tense
from .lexicon import _fold
from .types import MAX_TOKENS, GradeError, Verdict

_COSMETIC = frozenset(("case", "punctuation"))


_NO_MATCH = (
    "This doesn't match the sentence. Compare your answer with the accepted translation below."
)


def _short(word: str) -> str:
    """Keep feedback short even when the learner pasted one enormous 'word'."""
    return word if len(word) <= 40 else word[:37] + "..."


def _join_quoted(words: Sequence[str]) -> str:
    quoted = [f"'{_short(w)}'" for w in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _describe(err: GradeError, same_kind: Sequence[GradeError], kind: str, lang: str) -> str:
    """One short sentence about an error (or all errors of its kind)."""
    exp, got = _short(err.expected or ""), _short(err.got or "")
    if kind == "missing_accent":
        if len(same_kind) > 1:
            pairs = ", ".join(
                f"'{_short(e.expected or '')}' (not '{_short(e.got or '')}')" for e in same_kind[:3]
            )
            return f"Check the accents: {pairs}."
        if "ñ" in exp.lower() and "ñ" not in got.lower():
            return f"Check the ñ: '{exp}', not '{got}'."
        return f"Check the accent: '{exp}', not '{got}'."
    if kind == "misspelling":
        return f"Check the spelling: '{exp}', not '{got}'."
    if kind == "accent_verb":
        return f"Mind the accent: '{got}' is another form of the verb; the sentence needs '{exp}'."
    if kind == "accent_word":
        return (
            f"Mind the accent: '{got}' and '{exp}' are different words; the sentence needs '{exp}'."
        )
    if kind == "real_word":
        return f"'{got}' is another word; the sentence needs '{exp}'."
    if kind == "agreement":
        if not exp:
            return f"'{got}' doesn't match the verb."
        return f"Check the agreement: '{exp}', not '{got}'."
    if kind == "determiner":
        return f"Small difference: the sentence says '{exp}', not '{got}'."
    if kind == "verb_form":
        t_got, t_exp = _tense(got.lower(), lang), _tense(exp.lower(), lang)
        if t_got and t_exp and t_got != t_exp:
            article = "" if t_got == "conditional" else " tense"
            return f"'{got}' is {t_got}{article}; the sentence needs '{exp}'."
        return f"'{got}' is the wrong form of the verb; the sentence needs '{exp}'."
    if kind == "wrong_word":
        return f"'{got}' isn't right here; the sentence needs '{exp}'."
    if kind == "missing_word":
        return "Missing: " + _join_quoted([e.expected or "" for e in same_kind[:3]]) + "."
    if kind == "extra_word":
        return "Not needed: " + _join_quoted([e.got or "" for e in same_kind[:3]]) + "."
    if kind == "word_order":
        if len(exp.split()) <= 6:
            return f"Check the word order: '{exp}', not '{got}'."
        return f"Check the word order: the sentence has '{' '.join(exp.split()[:4])} ...'."
    if kind == "case":
        return f"Mind the capital letter: '{exp}'."
    if kind == "punctuation":
        return f"Spanish also puts '{exp}' at the start."
    return ""


_PRIORITY = (
    "accent_verb",
    "verb_form",
    "accent_word",
    "real_word",
    "wrong_word",
    "missing_word",
    "agreement",
    "extra_word",
    "determiner",
    "misspelling",
    "missing_accent",
    "word_order",
)


def _words_of(text: str | None) -> set[str]:
    return {_fold(w.lower()) for w in (text or "").split()}


def _feedback(
    verdict: Verdict,
    errors: Sequence[GradeError],
    kinds: Sequence[str],
    lang: str,
    truncated: bool,
    unrelated: bool,
) -> str:
    """Feedback without the verdict (the app shows it): the specific point(s), short and kind."""
    tail = [f"Your answer is very long, so only the first {MAX_TOKENS} words count."]
    if not truncated:
        tail = []
    # The missing ¿ or ¡ first: it is a slip, a capital letter only a note.
    notes = sorted(
        (e for e in errors if e.kind in _COSMETIC), key=lambda e: e.kind != "punctuation"
    )
    substantive = [(e, k) for e, k in zip(errors, kinds, strict=True) if e.kind not in _COSMETIC]
    if verdict == "correct" or not substantive:
        if notes and not truncated:
            return _describe(notes[0], notes[:1], notes[0].kind, lang)
        return " ".join(tail)
    if unrelated and verdict == "wrong":
        return " ".join([_NO_MATCH, *tail])
    by_kind: dict[str, list[GradeError]] = {}
    for err, kind in substantive:
        by_kind.setdefault(kind, []).append(err)
    sentences: list[str] = []
    needs: set[str] = set()
    rejects: set[str] = set()
    if "negation" in by_kind:
        neg = by_kind["negation"][0]
        if neg.expected and _fold(neg.expected.lower()) in ("sin", "without"):
            word = _short(neg.expected).lower()
            sentences.append(f"The sentence says '{word}' and your answer doesn't.")
        elif neg.expected:
            word = _short(neg.expected).lower()
            sentences.append(f"The sentence is negative ('{word}') and your answer isn't.")
        else:
            word = _short(neg.got or "").lower()
            sentences.append(f"Your answer is negative ('{word}') and the sentence isn't.")
        needs |= _words_of(neg.expected)
        rejects |= _words_of(neg.got)
    for kind in _PRIORITY:
        if kind not in by_kind or len(sentences) >= (1 if truncated else 2):
            continue
        group = by_kind[kind]
        if kind == "word_order":
            group_needs: set[str] = set()
            group_rejects: set[str] = set()
        else:
            group_needs = set().union(*(_words_of(e.expected) for e in group[:3]))
            group_rejects = set().union(*(_words_of(e.got) for e in group[:3]))
        if group_needs & rejects or group_rejects & needs:
            continue  # would contradict what was already said
        sentences.append(_describe(group[0], group, kind, lang))
        needs |= group_needs
        rejects |= group_rejects
    if not sentences:
        sentences.append(_NO_MATCH)
    return " ".join([*sentences, *tail])
