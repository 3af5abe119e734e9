"""Alignment: which answer word stands for which reference word.

difflib finds the long identical runs; inside the differing stretches a small weighted
edit-distance DP pairs words by how alike they are (see classify). Words present on both sides
in other places become word-order moves; a time phrase moved within its clause costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from .classify import _classify
from .lexicon import (
    _ADVERBIAL,
    _EN_CLAUSE_START,
    _EN_OBJECTS,
    _EN_THAT_AFTER,
    _EN_THAT_TELL,
    _ES_CONJ_AFTER,
    _ES_NOT_SUBJECT_BEFORE,
    _ES_SUBJECT_PERSON,
    _ES_VERB_BEFORE,
    _FUNCTION,
    _HAVE,
)
from .tokens import _Tok

# Above this many DP cells a differing stretch is garbage; skip the fine alignment.
_MAX_DP_CELLS = 12_000


# Alignment costs: substitution cost must stay below missing (1) + extra (0.5) so that words in
# the same slot pair up; a negation never pairs with a non-negation.
_SUB_COST = {
    "ok": 0.0,
    "missing_accent": 0.15,
    "misspelling": 0.3,
    "agreement": 0.3,
    "determiner": 0.3,
    "verb_form": 0.45,
    "wrong_word": 1.0,
    "negation": 2.0,
}


_MISSING_COST = 1.0


_EXTRA_COST = 0.5


_OPTIONAL_COST = 0.2  # dropping/adding an optional word (Spanish subject pronoun, "that")


_PRONOUN_SWAP_COST = 0.3


class _Context:
    """Per (answer, reference) alignment state with a cache of pair classifications."""

    __slots__ = ("add_ok", "ans", "cache", "drop_ok", "lang", "ref", "verb_ctx")

    def __init__(self, ref: Sequence[_Tok], ans: Sequence[_Tok], lang: str) -> None:
        self.ref = ref
        self.ans = ans
        self.lang = lang
        self.cache: dict[tuple[int, int], str] = {}
        self.drop_ok = _optional(ref, lang)
        self.add_ok = _optional(ans, lang)
        self.verb_ctx = [
            lang == "es"
            and (
                i == 0 or ref[i - 1].key in _ES_SUBJECT_PERSON or ref[i - 1].fold in _ES_VERB_BEFORE
            )
            for i in range(len(ref))
        ]

    def kind(self, i: int, j: int) -> str:
        found = self.cache.get((i, j))
        if found is None:
            found = _classify(self.ref[i], self.ans[j], self.lang, self.verb_ctx[i])
            self.cache[(i, j)] = found
        return found

    def sub_cost(self, i: int, j: int) -> float:
        kind = self.kind(i, j)
        if (
            kind == "wrong_word"
            and self.drop_ok[i]
            and self.add_ok[j]
            and self.ref[i].key in _ES_SUBJECT_PERSON
            and self.ans[j].key in _ES_SUBJECT_PERSON
        ):
            return _PRONOUN_SWAP_COST
        return _SUB_COST[kind]


def _optional(toks: Sequence[_Tok], lang: str) -> list[bool]:
    """Words that may be left out or added freely.

    Spanish subject pronouns (not after a preposition, not in 'X y yo'); English "that" after a
    verb or adjective of saying/thinking/feeling; "got" in "have got (to)".
    """
    if lang == "es":
        return [
            tok.key in _ES_SUBJECT_PERSON
            and (i == 0 or toks[i - 1].fold not in _ES_NOT_SUBJECT_BEFORE)
            and (i + 1 >= len(toks) or toks[i + 1].fold not in _ES_CONJ_AFTER)
            for i, tok in enumerate(toks)
        ]
    flags = [False] * len(toks)
    if lang != "en":
        return flags
    for i, tok in enumerate(toks):
        if i == 0:
            continue
        prev = toks[i - 1]
        if tok.key == "that" and i + 1 < len(toks):
            nxt = toks[i + 1]
            starts_clause = (
                nxt.key in _EN_CLAUSE_START or nxt.num is not None or nxt.text[:1].isupper()
            )
            after_verb = prev.key in _EN_THAT_AFTER or (
                prev.key in _EN_OBJECTS and i >= 2 and toks[i - 2].key in _EN_THAT_TELL
            )
            flags[i] = starts_clause and after_verb
        elif tok.key == "got":
            have = prev if prev.key != "not" or i < 2 else toks[i - 2]
            flags[i] = bool(have.alts & _HAVE) and have.key != "had"
    return flags


# An alignment step: (ref index or None, answer index or None, kind).
_Op = tuple[int | None, int | None, str]


def _align_region(ctx: _Context, r0: int, r1: int, a0: int, a1: int) -> list[_Op]:
    """Weighted edit-distance alignment of ref[r0:r1] with ans[a0:a1]."""
    n, m = r1 - r0, a1 - a0
    if n == 0 or m == 0 or n * m > _MAX_DP_CELLS:
        return [(i, None, "missing") for i in range(r0, r1)] + [
            (None, j, "extra") for j in range(a0, a1)
        ]
    del_cost = [_OPTIONAL_COST if ctx.drop_ok[i] else _MISSING_COST for i in range(r0, r1)]
    ins_cost = [_OPTIONAL_COST if ctx.add_ok[j] else _EXTRA_COST for j in range(a0, a1)]
    width = m + 1
    cost = [0.0] * ((n + 1) * width)
    back = bytearray((n + 1) * width)  # 0 diagonal, 1 up (missing), 2 left (extra)
    for j in range(1, width):
        cost[j] = cost[j - 1] + ins_cost[j - 1]
        back[j] = 2
    for i in range(1, n + 1):
        row, prev_row = i * width, (i - 1) * width
        cost[row] = cost[prev_row] + del_cost[i - 1]
        back[row] = 1
        for j in range(1, width):
            best = cost[prev_row + j - 1] + ctx.sub_cost(r0 + i - 1, a0 + j - 1)
            step = 0
            up = cost[prev_row + j] + del_cost[i - 1]
            if up < best:
                best, step = up, 1
            left = cost[row + j - 1] + ins_cost[j - 1]
            if left < best:
                best, step = left, 2
            cost[row + j] = best
            back[row + j] = step
    ops: list[_Op] = []
    i, j = n, m
    while i > 0 or j > 0:
        step = back[i * width + j]
        if step == 0:
            ri, aj = r0 + i - 1, a0 + j - 1
            kind = ctx.kind(ri, aj)
            if kind == "negation":  # unreachable by cost, but never pair them
                ops.append((None, aj, "extra"))
                ops.append((ri, None, "missing"))
            else:
                ops.append((ri, aj, kind))
            i, j = i - 1, j - 1
        elif step == 1:
            ops.append((r0 + i - 1, None, "missing"))
            i -= 1
        else:
            ops.append((None, a0 + j - 1, "extra"))
            j -= 1
    ops.reverse()
    return ops


def _align(ctx: _Context, matcher: SequenceMatcher[str]) -> list[_Op]:
    ops: list[_Op] = []
    for tag, r0, r1, a0, a1 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(r0, r1), range(a0, a1), strict=True):
                ops.append((i, j, ctx.kind(i, j)))
        else:
            ops.extend(_align_region(ctx, r0, r1, a0, a1))
    return ops


def _pair_moves(ops: list[_Op], ctx: _Context) -> list[_Op]:
    """Words present on both sides but in other places: a word-order slip, not missing + extra."""
    extras_by_fold: dict[str, list[int]] = {}
    for n, (ri, aj, _kind) in enumerate(ops):
        if ri is None and aj is not None:
            extras_by_fold.setdefault(ctx.ans[aj].fold, []).append(n)
    if not extras_by_fold:
        return ops
    for n, (ri, aj, _kind) in enumerate(ops):
        if aj is None and ri is not None and not ctx.drop_ok[ri]:
            slots = extras_by_fold.get(ctx.ref[ri].fold)
            if slots:
                moved = ops[slots.pop(0)][1]
                ops[n] = (ri, moved, "word_order")
    used = {aj for ri, aj, kind in ops if kind == "word_order"}
    return [op for op in ops if not (op[0] is None and op[1] in used)]


@dataclass(slots=True)
class _Cluster:
    """Words whose order differs: the reference span and the answer span they cover."""

    members: list[int]  # indices into ops
    ref_lo: int
    ref_hi: int
    ans_lo: int
    ans_hi: int


def _order_clusters(ops: list[_Op], ctx: _Context) -> list[_Cluster]:
    """Group moved words with the words they jumped over; free moves of time phrases are ok.

    Turns the ops of a free move back into ordinary matches (in place).
    """
    pairs: dict[int, tuple[int, int]] = {
        n: (ri, aj) for n, (ri, aj, _k) in enumerate(ops) if ri is not None and aj is not None
    }
    moved = [n for n in pairs if ops[n][2] == "word_order"]
    if not moved:
        return []
    parent = {n: n for n in pairs}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for m in moved:
        rm, am = pairs[m]
        for n, (rn, an) in pairs.items():
            if (rn - rm) * (an - am) < 0:
                parent[find(n)] = find(m)
    groups: dict[int, list[int]] = {}
    for n in pairs:
        groups.setdefault(find(n), []).append(n)
    clusters: list[_Cluster] = []
    for members in groups.values():
        if not any(ops[n][2] == "word_order" for n in members):
            continue
        ris = [pairs[n][0] for n in members]
        ajs = [pairs[n][1] for n in members]
        cluster = _Cluster(members, min(ris), max(ris), min(ajs), max(ajs))
        if _free_move(pairs, cluster, ctx):
            for n in members:
                if ops[n][2] == "word_order":
                    ri, aj = pairs[n]
                    ops[n] = (ri, aj, ctx.kind(ri, aj))
            continue
        clusters.append(cluster)
    clusters.sort(key=lambda c: c.ref_lo)
    return clusters


def _free_move(pairs: dict[int, tuple[int, int]], cluster: _Cluster, ctx: _Context) -> bool:
    """Two swapped phrases, one of them a time/frequency phrase ("los sábados", "yesterday").

    The other phrase has at least two words and doesn't end in a small word ("el mercado", not
    "estoy muy"), so that no phrase is split ("esta mañana", "muy contento"); the time phrase
    isn't part of a bigger one ("el partido de anoche"). English puts it at the start or the
    end only.
    """
    by_ref = dict(pairs[n] for n in cluster.members)
    lo, hi = cluster.ref_lo, cluster.ref_hi
    if len(by_ref) != hi - lo + 1 or cluster.ans_hi - cluster.ans_lo != hi - lo:
        return False
    pattern = _ADVERBIAL.get(ctx.lang)
    if pattern is None:
        return False
    positions = [by_ref[i] for i in range(lo, hi + 1)]
    function = _FUNCTION.get(ctx.lang, frozenset())
    for k in range(1, len(positions)):
        first, second = positions[:k], positions[k:]
        if max(second) > min(first):
            continue
        if first != sorted(first) or second != sorted(second):
            return False
        for r0, r1, other, at_edge in (
            (lo, lo + k - 1, ctx.ref[lo + k : hi + 1], first[-1] == len(ctx.ans) - 1),
            (lo + k, hi, ctx.ref[lo : lo + k], second[0] == 0),
        ):
            phrase = " ".join(t.fold for t in ctx.ref[r0 : r1 + 1])
            if len(other) < 2 or other[-1].fold in function or not pattern.fullmatch(phrase):
                continue  # "estoy muy | hoy | contento": the other phrase would be split
            if r0 > 0 and ctx.ref[r0 - 1].fold in function:
                continue  # "de anoche", "esta mañana": part of a bigger phrase
            if ctx.lang == "es" or at_edge:
                return True
        return False
    return False
