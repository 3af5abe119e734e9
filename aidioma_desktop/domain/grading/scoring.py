"""Scoring and verdict: the aligned differences become penalty points, a score, per-word marks and
a verdict (correct 90-100, almost 60-89, wrong 0-59).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from .alignment import _align, _Context, _order_clusters, _pair_moves
from .classify import _es_persons, _negation_typo
from .feedback import _COSMETIC, _feedback
from .lexicon import _AUXILIARIES, _ES_CLITICS, _ES_SUBJECT_PERSON, _FUNCTION, _NEGATIONS, _words
from .tokens import _reference, _Tok
from .types import ErrorKind, GradeError, Mark, Verdict

# How much each difference costs, in "penalty points" (score = 100 * exp(-points / 100)).
_PENALTY = {
    "missing_accent": 12.0,  # the first one; each further accent costs _MORE_ACCENTS
    "misspelling": 13.0,
    "determiner": 13.0,
    "agreement": 16.0,
    "word_order": 16.0,  # the first moved group; each further group costs _MORE_ORDER
    "verb_form": 36.0,
    "wrong_function": 15.0,
    "wrong_content": 29.0,  # times the length factor
    "missing_function": 14.0,  # per word, times the length factor
    "missing_content": 28.0,
    "extra_function": 10.0,
    "extra_content": 16.0,  # times the length factor
    "negation": 92.0,
}


_MORE_ACCENTS = 4.0


_MORE_ORDER = 5.0


# Similarity weights: how much of a reference word the answer got right (for the coverage).
_WEIGHT = {
    "ok": 1.0,
    "case": 1.0,
    "missing_accent": 0.85,
    "misspelling": 0.7,
    "agreement": 0.7,
    "determiner": 0.8,
    "word_order": 0.8,
    "verb_form": 0.5,
    "wrong_word": 0.0,
}


_EXTRA_WEIGHT = 0.5  # an extra word costs half of a missing one in the coverage


_STATUS_OF = {
    "ok": "ok",
    "case": "minor",
    "missing_accent": "minor",
    "misspelling": "minor",
    "agreement": "minor",
    "determiner": "minor",
    "word_order": "minor",
    "verb_form": "wrong",
    "wrong_word": "wrong",
}


_STATUS_RANK = {"ok": 0, "minor": 1, "extra": 2, "wrong": 3}


_VERDICT_RANK = {"wrong": 0, "almost": 1, "correct": 2}


_DO_SUPPORT = _words("do does did")


_WITHOUT = _words("sin without")


# Kinds that never make an answer wrong on their own.
_MINOR = frozenset(("missing_accent", "misspelling", "agreement", "determiner", "word_order"))


@dataclass(slots=True)
class _Candidate:
    score: int
    verdict: Verdict
    errors: list[GradeError]
    kinds: list[str]  # internal kind of each error ("determiner" is reported as wrong_word)
    feedback: str
    reference: str
    marks: list[Mark]
    missing: list[str]


def _length_factor(n: int) -> float:
    """Missing or changed words weigh more in short sentences."""
    return min(1.4, max(0.75, (8 / max(n, 1)) ** 0.5))


def _evaluate(
    ans: list[_Tok],
    ans_words: list[str],
    answer_text: str,
    ref_text: str,
    matcher: SequenceMatcher[str],
    lang: str,
    truncated: bool,
) -> _Candidate:
    ref, ref_words = _reference(ref_text, lang)
    ctx = _Context(ref, ans, lang)
    matcher.set_seq1([t.fold for t in ref])
    ops = _pair_moves(_align(ctx, matcher), ctx)
    clusters = _order_clusters(ops, ctx)
    cluster_of: dict[int, int] = {}
    for c, cluster in enumerate(clusters):
        for n in cluster.members:
            if ops[n][2] == "word_order":
                cluster_of[n] = c

    negations = _NEGATIONS.get(lang, frozenset())
    function = _FUNCTION.get(lang, frozenset()) | negations | _AUXILIARIES.get(lang, frozenset())
    # Polarity: "no/not/never..." and, separately, "sin/without" (so that "without" can't
    # stand in for a lost "don't").
    ref_neg = ans_neg = None
    for kinds_of_negation in (negations - _WITHOUT, _WITHOUT):
        ref_neg = _negation_in(ref, kinds_of_negation)
        ans_neg = _negation_in(ans, kinds_of_negation)
        if ref_neg is not None and ans_neg is None:
            ans_neg = next((t for t in ans if _negation_typo(ref_neg.fold, t.fold)), None)
        if (ref_neg is None) != (ans_neg is None):
            break
    polarity_changed = (ref_neg is None) != (ans_neg is None)
    # A lost "no"/"don't" (or an added one) is reported once, as the negation error: the
    # parts of the negation are not also missing or extra words.
    ref_covered = _negation_parts(ref, negations) if polarity_changed else set()
    ans_covered = _negation_parts(ans, negations) if polarity_changed else set()
    size = _length_factor(sum(1 for ok in ctx.drop_ok if not ok))

    errors: list[GradeError] = []
    kinds: list[str] = []
    sub_status: dict[int, str] = {}
    missing_idx: list[int] = []
    matched = 0.0
    denominator = 0.0
    penalty = 0.0
    accents = 0
    content_wrong = 0
    verb_forms = 0
    reported: set[int] = set()
    pending_missing: list[int] = []
    pending_extra: list[int] = []

    def add(err: GradeError, kind: str) -> None:
        if err.expected is not None and err.expected == err.got:
            return  # never tell the learner "expected 'x', got 'x'"
        errors.append(err)
        kinds.append(kind)

    def flush() -> None:
        nonlocal penalty
        if pending_missing:
            words = [i for i in pending_missing if i not in ref_covered]
            if words:
                add(
                    GradeError("missing_word", " ".join(_whole_words(ref, pending_missing)), None),
                    "missing_word",
                )
            for i in words:
                key = "missing_function" if ref[i].fold in function else "missing_content"
                penalty += _PENALTY[key] * size
            pending_missing.clear()
        if pending_extra:
            words = [j for j in pending_extra if j not in ans_covered]
            if words:
                phrase = " ".join(_whole_words(ans, pending_extra))
                add(GradeError("extra_word", None, phrase), "extra_word")
            for j in words:
                if ans[j].fold in function:
                    penalty += _PENALTY["extra_function"]
                else:
                    penalty += _PENALTY["extra_content"] * size
            pending_extra.clear()

    # "never" for "don't": the "do" goes with "not" and is not missing.
    paired_with = {ri: aj for ri, aj, _k in ops if ri is not None and aj is not None}
    for n, (ri, aj, kind) in enumerate(ops):
        if aj is None and ri is not None:
            if ctx.drop_ok[ri] or _do_support_of_negation(ref, ans, ri, paired_with, negations):
                continue  # an omitted Spanish subject pronoun, "that", "got"
            denominator += 1
            missing_idx.append(ri)
            if pending_extra:
                flush()
            pending_missing.append(ri)
            continue
        if ri is None and aj is not None:
            if ctx.add_ok[aj]:
                person = _ES_SUBJECT_PERSON.get(ans[aj].key) if lang == "es" else None
                verb = _next_verb(ans, aj) if person else None
                persons = _es_persons(verb.key) if verb is not None else None
                if persons is None or person in persons:
                    sub_status[aj] = "ok"
                    continue
                flush()
                add(GradeError("agreement", None, ans[aj].text), "agreement")
                penalty += _PENALTY["agreement"]
                denominator += _EXTRA_WEIGHT
                sub_status[aj] = "minor"
                continue
            denominator += _EXTRA_WEIGHT
            sub_status[aj] = "extra"
            if pending_missing:
                flush()
            pending_extra.append(aj)
            continue
        assert ri is not None and aj is not None
        flush()
        r_tok, a_tok = ref[ri], ans[aj]
        denominator += 1
        if (
            polarity_changed
            and kind in ("agreement", "verb_form")
            and (
                (aj > 0 and ans[aj - 1].fold in negations)
                or (ri > 0 and ref[ri - 1].fold in negations)
            )
        ):
            # "doesn't work" for "works" (or the other way round): the base form goes with the
            # negation, which is reported on its own.
            kind = "ok"
        if kind == "ok":
            if _case_slip(r_tok, a_tok, ri, lang):
                kind = "case"
                add(GradeError("case", r_tok.text, a_tok.text), "case")
        elif kind == "word_order":
            c = cluster_of[n]
            if c not in reported:
                cluster = clusters[c]
                expected = " ".join(_whole_words(ref, range(cluster.ref_lo, cluster.ref_hi + 1)))
                got = " ".join(_whole_words(ans, range(cluster.ans_lo, cluster.ans_hi + 1)))
                add(GradeError("word_order", expected, got), "word_order")
                penalty += _PENALTY["word_order"] if not reported else _MORE_ORDER
                reported.add(c)
            if r_tok.key != a_tok.key:
                add(GradeError("missing_accent", r_tok.text, a_tok.text), "missing_accent")
                accents += 1
        else:
            add(GradeError(_error_kind(kind), r_tok.text, a_tok.text), kind)
            if kind == "missing_accent":
                accents += 1
            elif kind == "wrong_word":
                # "never" for "not" is a nuance, not a new content word.
                if r_tok.fold not in function or a_tok.fold not in function:
                    content_wrong += 1
                    penalty += _PENALTY["wrong_content"] * size
                else:
                    penalty += _PENALTY["wrong_function"]
            else:
                if kind == "verb_form":
                    verb_forms += 1
                penalty += _PENALTY[kind]
        matched += _WEIGHT[kind]
        sub_status[aj] = _worse(sub_status.get(aj, "ok"), _STATUS_OF[kind])
    flush()

    # Contractions typed without the apostrophe ("dont").
    seen_slips: set[int] = set()
    for j, tok in enumerate(ans):
        if tok.slip and tok.src not in seen_slips and sub_status.get(j) == "ok":
            seen_slips.add(tok.src)
            add(GradeError("misspelling", tok.slip, tok.orig), "misspelling")
            penalty += _PENALTY["misspelling"]
            matched -= 0.3
            sub_status[j] = "minor"

    if accents:
        penalty += _PENALTY["missing_accent"] + _MORE_ACCENTS * (accents - 1)
    if polarity_changed:
        penalty += _PENALTY["negation"]
        if ref_neg is not None:
            errors.insert(0, GradeError("negation", ref_neg.orig, None))
        elif ans_neg is not None:
            errors.insert(0, GradeError("negation", None, ans_neg.orig))
        kinds.insert(0, "negation")

    if lang == "es":
        for mark in ("¿", "¡"):
            if mark in ref_text and mark not in answer_text:
                add(GradeError("punctuation", mark, None), "punctuation")

    coverage = max(0.0, matched) / denominator if denominator else 1.0
    score = round(min(100 * math.exp(-penalty / 100), 100 * coverage))
    verdict, score = _verdict(kinds, score, content_wrong, verb_forms, len(ref_words))
    unmatched = sum(1 for j in range(len(ans)) if sub_status.get(j) in ("wrong", "extra"))
    # Nothing word by word when the answer is about something else: a low score with most of
    # the sentence unmatched, or most of the answer's words matching nothing.
    unrelated = (score < 30 and coverage < 0.6) or (2 * unmatched > len(ans) and coverage < 0.5)
    return _Candidate(
        score=score,
        verdict=verdict,
        errors=errors,
        kinds=kinds,
        feedback=_feedback(verdict, errors, kinds, lang, truncated, unrelated),
        reference=ref_text,
        marks=_marks(ans, ans_words, sub_status),
        missing=_whole_words(ref, sorted(missing_idx)),
    )


def _negation_in(toks: Sequence[_Tok], negations: frozenset[str]) -> _Tok | None:
    for i, tok in enumerate(toks):
        if tok.fold in negations and not (
            tok.fold == "sin" and i + 1 < len(toks) and toks[i + 1].fold == "embargo"
        ):
            return tok
    return None


def _negation_parts(toks: Sequence[_Tok], negations: frozenset[str]) -> set[int]:
    """Negation words, 'do' support and the other parts of a contraction ("is" of "isn't")."""
    srcs = {t.src for t in toks if t.fold in negations}
    return {
        i
        for i, t in enumerate(toks)
        if t.fold in negations
        or t.src in srcs
        or (t.fold in _DO_SUPPORT and i + 1 < len(toks) and toks[i + 1].fold in negations)
    }


def _do_support_of_negation(
    ref: Sequence[_Tok],
    ans: Sequence[_Tok],
    ri: int,
    paired_with: dict[int, int],
    negations: frozenset[str],
) -> bool:
    """The 'do' of "don't" when the answer says "never" instead of "not"."""
    if ref[ri].fold not in _DO_SUPPORT or ri + 1 >= len(ref) or ref[ri + 1].fold != "not":
        return False
    aj = paired_with.get(ri + 1)
    return aj is not None and ans[aj].fold in negations and ans[aj].fold != "not"


def _error_kind(kind: str) -> ErrorKind:
    if kind in ("missing_accent", "misspelling", "agreement", "verb_form", "word_order"):
        return kind  # type: ignore[return-value]
    return "wrong_word"


def _worse(a: str, b: str) -> str:
    return a if _STATUS_RANK[a] >= _STATUS_RANK[b] else b


def _case_slip(r: _Tok, a: _Tok, ri: int, lang: str) -> bool:
    """A capital the learner left out (proper nouns, English 'I'); sentence starts don't count."""
    if r.text == a.text or not a.text.islower() or r.text == r.key:
        return False
    return ri > 0 or (lang == "en" and r.key == "i")


def _next_verb(ans: Sequence[_Tok], j: int) -> _Tok | None:
    for tok in ans[j + 1 :]:
        if tok.fold not in _ES_CLITICS:
            return tok
    return None


def _whole_words(toks: Sequence[_Tok], indices: Iterable[int]) -> list[str]:
    """Words as written: a contraction counts whole only when all of its parts are involved."""
    indices = list(indices)
    chosen = set(indices)
    out: list[str] = []
    done: set[int] = set()
    for i in indices:
        tok = toks[i]
        if tok.src in done:
            continue
        # Parts of one contraction are adjacent: walk out from i.
        lo, hi = i, i
        while lo > 0 and toks[lo - 1].src == tok.src:
            lo -= 1
        while hi + 1 < len(toks) and toks[hi + 1].src == tok.src:
            hi += 1
        if hi > lo and all(k in chosen for k in range(lo, hi + 1)):
            out.append(tok.orig)
            done.add(tok.src)
        else:
            out.append(tok.text)
    return out


def _marks(ans: Sequence[_Tok], words: Sequence[str], sub_status: dict[int, str]) -> list[Mark]:
    status = ["ok"] * len(words)
    for j, tok in enumerate(ans):
        for src in range(tok.src, tok.last + 1):
            status[src] = _worse(status[src], sub_status.get(j, "ok"))
    return [Mark(w, s) for w, s in zip(words, status, strict=True)]  # type: ignore[arg-type]


def _verdict(
    kinds: Sequence[str], score: int, content_wrong: int, verb_forms: int, ref_len: int
) -> tuple[Verdict, int]:
    substantive = [k for k in kinds if k not in _COSMETIC]
    if not substantive:
        return "correct", 100
    present = set(substantive)
    # Accent and determiner slips don't make a changed content word worse.
    others = [k for k in substantive if k not in ("missing_accent", "determiner")]
    verdict: Verdict
    if "negation" in present:
        verdict = "wrong"
    elif present <= {"missing_accent", "word_order", "determiner"}:
        verdict = "almost"  # accents, word order and 'the'/'my' never make an answer wrong
    elif len(substantive) == 1 and present <= _MINOR:
        verdict = "almost"  # a single spelling/agreement slip is never wrong
    elif content_wrong + verb_forms >= 2 or (
        content_wrong == 1 and (len(others) > 1 or ref_len < 5)
    ):
        # Several meaning errors, or a changed content word in a short sentence.
        verdict = "wrong"
    else:
        verdict = "almost" if score >= 60 else "wrong"
    # Keep the number inside the verdict band the UI shows.
    score = min(max(score, 60), 89) if verdict == "almost" else min(score, 59)
    return verdict, max(score, 0)


def _perfect(cand: _Candidate) -> bool:
    return cand.verdict == "correct" and not cand.errors


def _rank(cand: _Candidate) -> tuple[int, int, int]:
    substantive = sum(1 for e in cand.errors if e.kind not in _COSMETIC)
    return _VERDICT_RANK[cand.verdict], cand.score, -substantive
