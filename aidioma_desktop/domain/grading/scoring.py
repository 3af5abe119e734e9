"""Scoring and verdict: the aligned differences become penalty points, a score, per-word marks and
a verdict (correct 90-100, almost 60-89, wrong 0-59).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from .alignment import _align, _Context, _order_clusters, _pair_moves
from .classify import (
    _accent_changes_word,
    _damerau,
    _determiner_swap,
    _es_persons,
    _es_stem,
    _formality,
    _imperative_formality,
    _judged_verbs,
    _negation_typo,
    _open_gender,
    _real_word,
    _same_field,
    _tense_changes,
)
from .feedback import _COSMETIC, _feedback
from .lexicon import (
    _ANTONYMS,
    _AUXILIARIES,
    _ES_CLITICS,
    _ES_LEMMAS,
    _ES_SUBJECT_PERSON,
    _FUNCTION,
    _NEGATIONS,
    _words,
)
from .lexicon import (
    _PERSON_WORDS as _PRONOUNS,
)
from .tokens import _reference, _Tok
from .types import ErrorKind, GradeError, Mark, Verdict, Zipf

# How much each difference costs, in "penalty points" (score = 100 * exp(-points / 100)).
_PENALTY = {
    "missing_accent": 12.0,  # the first one; each further accent costs _MORE_ACCENTS
    "misspelling": 13.0,
    "determiner": 13.0,
    "agreement": 16.0,
    "word_order": 16.0,  # the first moved group; each further group costs _MORE_ORDER
    "verb_form": 36.0,
    "accent_verb": 36.0,  # "hablo" for "habló": another verb form
    "accent_word": 30.0,  # "el" for "él": another word
    "real_word": 30.0,  # "bad" for "bed": another word
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
    "accent_verb": 0.5,
    "accent_word": 0.5,
    "real_word": 0.3,
    "wrong_word": 0.0,
}
_EXTRA_WEIGHT = 0.5  # an extra word costs half of a missing one in the coverage

_STATUS_OF = {
    "ok": "ok",
    "case": "minor",
    "missing_accent": "minor",
    "misspelling": "minor",
    "determiner": "minor",
    "word_order": "minor",
    "agreement": "wrong",
    "verb_form": "wrong",
    "accent_verb": "wrong",
    "accent_word": "wrong",
    "real_word": "wrong",
    "wrong_word": "wrong",
}
_STATUS_RANK = {"ok": 0, "minor": 1, "extra": 2, "wrong": 3}
_VERDICT_RANK = {"wrong": 0, "almost": 1, "correct": 2}
_DO_SUPPORT = _words("do does did")
_WITHOUT = _words("sin without")

# Slips: differences that leave the meaning and the grammar whole (verdict almost).
_SLIPS = frozenset(("missing_accent", "misspelling", "punctuation"))
# Differences the grader can judge for sure: never an unsure "wrong".
_SURE = frozenset(("accent_verb", "accent_word", "real_word"))
# Differences between two forms of one word: many of them say the sentence's own words were
# inflected wrongly, not that it was reworded.
_RELATED = _SURE | frozenset(("agreement", "verb_form", "misspelling", "missing_accent"))


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
    unsure: bool = False
    sure_because: str | None = None  # why a "wrong" is not unsure (for tests and tuning)


def _length_factor(n: int) -> float:
    """Missing or changed words weigh more in short sentences."""
    root: float = (8 / max(n, 1)) ** 0.5
    return min(1.4, max(0.75, root))


def _evaluate(
    ans: list[_Tok],
    ans_words: list[str],
    answer_text: str,
    ref_text: str,
    matcher: SequenceMatcher[str],
    lang: str,
    truncated: bool,
    zipf: Zipf | None = None,
    open_persons: frozenset[str] = frozenset(),
) -> _Candidate:
    """Grade the answer against one reference. `open_persons`: whose gender or formality the
    source leaves open ("1": the speaker's, "2": the listener's, "1p": ours), from an English
    source; a Spanish answer may then say tú or usted, "contento" or "contenta"."""
    ref = _reference(ref_text, lang)[0]
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
    reported: set[int] = set()
    pending_missing: list[int] = []
    pending_extra: list[int] = []
    # What the unsure rule weighs: words swapped for others, content words dropped or added.
    swaps: list[tuple[int, int]] = []
    dropped: list[int] = []
    added: list[int] = []

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
                if key == "missing_content":
                    dropped.append(i)
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
                    added.append(j)
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
        elif open_persons and _open_form(ref, ri, a_tok, open_persons):
            kind = "ok"
        else:
            kind = _slip_or_word(kind, r_tok, a_tok, lang, zipf)
            add(GradeError(_error_kind(kind), r_tok.text, a_tok.text), kind)
            if kind in ("wrong_word", "determiner"):
                swaps.append((ri, aj))
            if kind == "missing_accent":
                accents += 1
            elif kind == "wrong_word":
                # "never" for "not" is a nuance, not a new content word.
                if r_tok.fold not in function or a_tok.fold not in function:
                    penalty += _PENALTY["wrong_content"] * size
                else:
                    penalty += _PENALTY["wrong_function"]
            else:
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
    verdict, score = _verdict(kinds, score)
    # Whether each group of moved words is scattered words (two nouns that swapped places: "the
    # man bit the dog") rather than one phrase that moved whole ("muy bien la guitarra").
    moves = [
        _scattered([ops[n][1] for n in c.members if ops[n][2] == "word_order"]) for c in clusters
    ]
    sure_because = _doubt(ctx, errors, moves, kinds, swaps, dropped, added, coverage, zipf)
    unsure = verdict == "wrong" and sure_because is None
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
        unsure=unsure,
        sure_because=sure_because,
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
    if kind == "accent_verb":
        return "verb_form"  # "hablo" for "habló"
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


def _verdict(kinds: Sequence[str], score: int) -> tuple[Verdict, int]:
    """Correct with no difference but capitals; almost for exactly one slip (an accent or a
    typo that makes no other word, a missing ¿ or ¡); wrong otherwise, two slips included."""
    substantive = [k for k in kinds if k != "case"]
    if not substantive:
        return "correct", 100
    if len(substantive) == 1 and substantive[0] in _SLIPS:
        return "almost", min(max(score, 60), 89)  # inside the band the app shows
    return "wrong", max(min(score, 59), 0)


def _open_form(ref: Sequence[_Tok], ri: int, a: _Tok, open_persons: frozenset[str]) -> bool:
    """Tú for usted (or back) where "you" is open; the speaker's or listener's gender."""
    if "2" in open_persons:
        r = ref[ri].fold
        if _formality(r, a.fold) or _imperative_formality(r, a.fold, ri == 0):
            return True
    return _open_gender(ref, ri, a.fold, open_persons)


def _slip_or_word(kind: str, r: _Tok, a: _Tok, lang: str, zipf: Zipf | None) -> str:
    """An accent or a typo is a slip only when it makes no other word or verb form."""
    if kind == "missing_accent":
        changed = _accent_changes_word(r.key, a.key, lang, zipf)
        if changed is not None:
            return "accent_verb" if changed == "verb" else "accent_word"
    elif (
        kind == "misspelling"
        and not a.slip
        and (_real_word(a.key, lang, zipf) or _same_field(r.fold, a.fold, lang))
    ):
        return "real_word"  # "bad" for "bed", "Thursdays" for "Tuesdays"
    return kind


def _doubt(
    ctx: _Context,
    errors: Sequence[GradeError],
    moves: Sequence[bool],
    kinds: Sequence[str],
    swaps: Sequence[tuple[int, int]],
    dropped: Sequence[int],
    added: Sequence[int],
    coverage: float,
    zipf: Zipf | None,
) -> str | None:
    """Why the grader is sure a "wrong" is wrong; None when it cannot judge (unsure).

    Sure: another verb form or word made by an accent or a letter; words that are no words of
    the language; another number; an opposite, or another of the same kind of thing ("niece"
    for "nephew", "Monday" for "Tuesday"); two words that swapped places (subject and object);
    much less said than the sentence says. When the answer is close to an accepted translation
    (one or two differences), also: negation, tense, person, agreement, another small word,
    English word order, a content word dropped or added with nothing in its place. A heavily
    reworded answer may differ in all of those and still be right: the grader cannot judge it.
    """
    lang, ref, ans = ctx.lang, ctx.ref, ctx.ans
    # The words that stand in place of the sentence's (a typo of one of its words is a slip).
    new = [ans[aj] for _, aj in swaps] + [ans[aj] for aj in added]
    if any(t.num is None and not _known_word(t, lang, zipf) for t in new):
        return "not words of the language"
    lost = _numbers(ref) - _numbers(ans)
    typed = [t.fold for t in ans]
    if any(t.num in lost and not any(_damerau(t.fold, w, 1) <= 1 for w in typed) for t in ref):
        return "another number"  # ("sevn" for "seven" is a slip, not another number)
    function = _FUNCTION.get(lang, frozenset())
    negations = _NEGATIONS.get(lang, frozenset())
    ref_folds = [t.fold for t in ref]
    ans_folds = {t.fold for t in ans}
    for ri, aj in swaps:
        r, a = ref[ri].fold, ans[aj].fold
        if a in _ANTONYMS.get(lang, {}).get(r, ()) or _same_field(r, a, lang):
            return "an opposite or another thing of the same kind"
        if r in negations or a in negations:
            return "another negative word"
        if a in ref_folds and r in ans_folds and a not in function and r not in function:
            return "two words swapped places"
    ref_content = sum(
        1
        for t, optional in zip(ref, ctx.drop_ok, strict=True)
        if not optional and t.fold not in function
    )
    ans_content = sum(
        1
        for t, optional in zip(ans, ctx.add_ok, strict=True)
        if not optional and t.fold not in function
    )
    if ans_content < 0.6 * ref_content:
        return "much less said than the sentence says"
    substantive = [k for k in kinds if k not in _COSMETIC]
    ref_words = {
        t.fold
        for t, optional in zip(ref, ctx.drop_ok, strict=True)
        if not optional and t.fold not in function
    }
    if len(ref_words) < 2:  # "What do you do?": judge by all its words
        ref_words = {t.fold for t, optional in zip(ref, ctx.drop_ok, strict=True) if not optional}
    kept = len(ref_words & ans_folds) / len(ref_words) if ref_words else 1.0
    small = function | _AUXILIARIES.get(lang, frozenset())  # "is", "the": no content kept
    meaning = {w for w in ref_words if w not in small}
    if len(meaning) >= 2 and not _shares_a_word(meaning, ans_folds):
        return "about something else: no word of the sentence kept"
    related = sum(1 for k in substantive if k in _RELATED)
    reworded = sum(1 for _, aj in swaps if ans[aj].fold not in function) + len(added)
    if (
        (len(substantive) >= 3 or coverage < 0.6)
        and kept < 0.8
        and reworded
        and 2 * related < len(substantive)
    ):
        # A rewording (other words, some of the sentence's kept; not mostly the sentence's
        # own words in wrong forms): whatever the differences, the grader cannot judge them.
        return None
    if any(k in _SURE for k in kinds):
        return "another form or word"
    if any(k in ("negation", "verb_form", "agreement") for k in substantive):
        return "a grammar or meaning change"
    if _persons(ref, ctx.drop_ok) != _persons(ans, ctx.add_ok):
        return "another person: who does what changed"  # "I am proud of my parents"
    if "word_order" in kinds and _roles_swapped(ref, ans, function):
        return "two words swapped places around a third: who does what changed"
    moved = [e for e in errors if e.kind == "word_order"]
    span = 4 if lang == "en" else 3  # a clause may move; two or three words may not
    if any(len((e.expected or "").split()) <= span for e in moved) or any(moves):
        return "word order: who does what, or clitic order"  # "lo me" for "me lo"
    persons_r = _verb_persons(ref, [ri for ri, _ in swaps] + list(dropped))
    persons_a = _verb_persons(ans, [aj for _, aj in swaps] + list(added))
    if lang == "es" and persons_r and persons_a and persons_r != persons_a:
        return "another person of the verb"  # "Mis abuelos me quieren" for "Quiero a mis abuelos"
    new_words = len(added)
    for ri, aj in swaps:
        rt, at = ref[ri], ans[aj]
        # Spanish says "el cargador" for one's own charger: the article is no other word.
        spanish_article = lang == "es" and _determiner_swap(rt.key, at.key, lang)
        small_word = rt.fold in function and at.fold in function and not spanish_article
        if small_word and len(substantive) <= 1:
            return "another small word"  # "in" for "on"; with more changes, a rewording
        if lang == "es" and _judged_verbs(rt.fold, at.fold):
            return "ser or estar, tener or haber: another verb"
        if _tense_changes(rt.key, at.key, lang):
            return "another tense"
        new_words += at.fold not in function
    if not new_words and dropped:
        return "a word dropped with nothing in its place"
    if len(dropped) > new_words + 1:
        return "words dropped with nothing in their place"
    if len(added) > len(dropped) + sum(1 for ri, _ in swaps if ref[ri].fold not in function) + 1:
        return "more said than the sentence says"
    if not (swaps or dropped or added or "word_order" in substantive or "determiner" in kinds):
        return "no rewording"
    return None


def _persons(toks: Sequence[_Tok], optional: Sequence[bool]) -> set[str]:
    """The personal pronouns and possessives a sentence uses (not an optional subject)."""
    return {
        t.key for t, free in zip(toks, optional, strict=True) if not free and t.key in _PRONOUNS
    }


def _roles_swapped(ref: Sequence[_Tok], ans: Sequence[_Tok], function: frozenset[str]) -> bool:
    """Two words that changed sides of a third ("the man bit the dog" for "the dog bit the
    man"); a phrase that moved whole ("muy bien la guitarra") changes no sides."""

    def places(toks: Sequence[_Tok]) -> dict[str, int]:
        found: dict[str, int] = {}
        for i, t in enumerate(toks):
            if t.fold not in function:
                found[t.fold] = -1 if t.fold in found else i  # -1: the word is there twice
        return {w: i for w, i in found.items() if i >= 0}

    in_ref, in_ans = places(ref), places(ans)
    shared = [w for w in in_ref if w in in_ans]
    for x in shared:
        for y in shared:
            if in_ref[x] < in_ref[y] and in_ans[x] > in_ans[y]:
                for w in shared:
                    if in_ref[x] < in_ref[w] < in_ref[y] and in_ans[y] < in_ans[w] < in_ans[x]:
                        return True
    return False


def _shares_a_word(ref_words: set[str], ans_words: set[str]) -> bool:
    """Whether the answer keeps a word of the sentence, maybe in another form ("perdido" for
    "perdidos"): an answer that keeps none is about something else."""
    return any(
        r == a or (len(r) >= 5 and len(a) >= 5 and r[:5] == a[:5])
        for r in ref_words
        for a in ans_words
    )


def _scattered(positions: Sequence[int | None]) -> bool:
    """Two or fewer moved words that are not next to each other."""
    places = sorted(p for p in positions if p is not None)
    return 0 < len(places) <= 2 and places[-1] - places[0] + 1 > len(places)


def _verb_persons(toks: Sequence[_Tok], indices: Sequence[int]) -> set[frozenset[str]]:
    """The persons of the known verbs among the words at `indices` (words not matched)."""
    found = set()
    for i in indices:
        if toks[i].fold in _ES_LEMMAS:
            persons = _es_persons(toks[i].key)
            if persons is not None:
                found.add(persons)
    return found


def _numbers(toks: Sequence[_Tok]) -> set[int]:
    """The numbers a sentence says ("one" and "un" are as often a pronoun or an article)."""
    return {t.num for t in toks if t.num is not None and t.fold not in _ONE}


_ONE = _words("one a an un uno una")


def _known_word(tok: _Tok, lang: str, zipf: Zipf | None) -> bool:
    if zipf is None:
        return True
    if zipf(tok.key, lang) or zipf(tok.fold, lang):
        return True  # in the word data: seen at least once in 30 million words
    if lang == "es":  # a rare form of a common word: "diciéndomelo", "nadábamos"
        stem = _ES_ENCLITICS.sub("", tok.fold)
        verb_stem = _es_stem(stem)[0]
        return any(
            zipf(f, lang) for f in (stem, verb_stem + "ar", verb_stem + "er", verb_stem + "ir")
        )
    return False


_ES_ENCLITICS = re.compile(r"(?:me|te|se|nos|os|lo|la|le|los|las|les){1,2}$")


def _perfect(cand: _Candidate) -> bool:
    return cand.verdict == "correct" and not cand.errors


def _rank(cand: _Candidate) -> tuple[int, int, int]:
    substantive = sum(1 for e in cand.errors if e.kind not in _COSMETIC)
    return _VERDICT_RANK[cand.verdict], cand.score, -substantive
